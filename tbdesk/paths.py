"""The app's own folders, from platformdirs; overridable by TBDESK_HOME for tests and portable use.

Each is made 0700 when first asked for (and narrowed to 0700 if an earlier version left it wider):
they hold run names, metrics, synced logs, exports, the web view's storage and the boards' records,
and no other user of the machine may read any of it. Nothing inside is reachable through a folder
that others cannot enter, whatever a file's own mode; and every writer makes its files and folders
with make_dirs and create_file, which grant group and others no more than the enclosing folder
(0600 and 0700 here), so a leaked path or a folder opened by hand yields nothing either. No
process-wide umask: it would also narrow what the user exports into folders of their choice.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Literal

import platformdirs

from tbdesk import APP_NAME


def _root() -> Path | None:
    home = os.environ.get("TBDESK_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    """Where the built-in local workspace lives by default."""
    root = _root()
    return _private(root / "data" if root else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def cache_dir() -> Path:
    """Downloaded logs, exports, board folders, the web view's cache."""
    root = _root()
    return _private(root / "cache" if root else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)))


def state_dir() -> Path:
    """Records of running boards (to clean up after a crash) and logs."""
    root = _root()
    return _private(root / "state" if root else Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)))


def config_dir() -> Path:
    root = _root()
    return _private(
        root / "config" if root else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    )


def _private(folder: Path) -> Path:
    """folder, made if missing and closed to other users (0700). Checked at each call (two system
    calls), so a folder removed meanwhile (Clear cache) comes back closed; a folder that cannot be
    made is left for its first writer to report."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
        if status.st_uid == os.getuid() and status.st_mode & 0o077:
            folder.chmod(0o700)
    except OSError:
        pass
    return folder


def make_dirs(folder: Path) -> Path:
    """folder and its missing parents, each granting group and others no more than the folder it
    is made in: 0700 inside tbdesk's own folders, and in a folder the user chose (a workspace or an
    export elsewhere) what that folder grants, the umask applying as always. Never widens or
    narrows a folder that exists."""
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=folder_mode(level.parent))
        except FileExistsError:
            if not level.is_dir():
                raise
    return folder


def create_file(path: Path, how: Literal["wb", "ab"] = "wb") -> IO[bytes]:
    """path opened for writing ("wb" truncates, "ab" appends), made when missing with the same rule
    as make_dirs: 0600 in tbdesk's own folders, else what its folder grants. Set at creation, so
    no moment exists where the file is wider. An existing file keeps its mode, except that one of
    this user's in a folder closed to others (left by an earlier tbdesk) is closed too."""
    granted = _granted(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if how == "ab" else os.O_TRUNC)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), 0o600 | (granted & 0o066))
    try:
        if os.name == "posix" and not granted & 0o077:
            info = os.fstat(fd)
            if info.st_mode & 0o077 and info.st_uid == os.getuid():
                os.fchmod(fd, info.st_mode & 0o700)
        return os.fdopen(fd, how)
    except BaseException:
        os.close(fd)
        raise


def folder_mode(folder: Path) -> int:
    """The mode for a new folder in folder (before the umask): all for the user, and for group and
    others what folder grants them."""
    return 0o700 | (_granted(folder) & 0o077)


def _granted(folder: Path) -> int:
    try:
        return folder.stat().st_mode
    except OSError:  # the open or mkdir that follows reports it
        return 0o700


def default_workspace_dir() -> Path:
    return data_dir() / "workspace"


def instance_socket() -> str:
    """Where the running window listens for a second `tbdesk` (tbdesk.ui.single_instance): a local
    socket in a folder only this user may enter (0700, checked), one per settings folder, so a
    TBDESK_HOME of its own is an instance of its own. On Windows, a named pipe's name."""
    import hashlib
    import stat
    import tempfile

    digest = hashlib.sha256(str(config_dir().resolve()).encode()).hexdigest()[:16]
    if os.name == "nt":
        return f"{APP_NAME}-{os.getlogin()}-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path(tempfile.gettempdir())
    folder = base / f"{APP_NAME}-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{folder} is not a private folder of this user: not using it")
    # A socket's path must stay short (108 bytes on Linux): hence the digest, not the folder's name.
    return str(folder / f"{digest}.sock")
