"""The app's own folders, from platformdirs; overridable by TBDESK_HOME for tests and portable use."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from tbdesk import APP_NAME


def _root() -> Path | None:
    home = os.environ.get("TBDESK_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    """Where the built-in local workspace lives by default."""
    root = _root()
    return root / "data" if root else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Downloaded logs, exports, board folders, the web view's cache."""
    root = _root()
    return root / "cache" if root else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Records of running boards (to clean up after a crash) and logs."""
    root = _root()
    return root / "state" if root else Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    root = _root()
    return root / "config" if root else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


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
