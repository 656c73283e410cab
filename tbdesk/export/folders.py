"""Export folders on disk: the manifest that marks them as tbdesk's, temporary folders beside them,
and the atomic swap of a finished export with the previous one (blocking: call in a thread).

An export is written into a hidden temporary folder in the same log folder, then swapped with the
previous export of the same run in one step (renameat2's RENAME_EXCHANGE on Linux; elsewhere two
renames, undone if the second fails). Files in the previous export that tbdesk did not write (not in
its manifest) are hard-linked into the new one first, so they are kept untouched.

The manifest also records which child run each sub-folder holds, so a re-export puts every child run
in the folder it had before (even when the run was renamed, or someone added files to that folder).
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from tbdesk.export.names import safe_folder_name
from tbdesk.model import RunKey
from tbdesk.paths import create_file, folder_mode, make_dirs

MANIFEST = ".tbdesk-export.json"
TEMP_PREFIX = ".tbdesk-export-"
_FORMAT = 1
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_manifest(
    folder: Path, key: RunKey, name: str, files: Iterable[str], children: Mapping[str, str]
) -> None:
    """children: the run id of each child run's folder, by its '/'-separated path below folder."""
    data = {
        "format": _FORMAT,
        "writer": "tbdesk",
        "source": key.source_id,
        "run": key.run_id,
        "name": name,
        "exported": time.time(),
        "files": sorted(files),
        "children": dict(sorted(children.items())),
    }
    with create_file(folder / MANIFEST) as out:
        out.write(json.dumps(data, indent=1, ensure_ascii=True).encode("utf-8"))


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a folder tbdesk exported, or None for any other folder."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("writer") != "tbdesk"
        or not isinstance(data.get("files"), list)
    ):
        return None
    return data


def child_folders(folder: Path, manifest: dict[str, Any]) -> dict[str, dict[str, str]]:
    """For each folder of a previous export (its path below folder, '' for folder itself): the name
    of each child run's sub-folder, by run id. Only names that are still free for a folder are
    given (a sub-folder, or nothing); a name that is not one safe path component is ignored."""
    found: dict[str, dict[str, str]] = {}
    children = manifest.get("children")
    if not isinstance(children, dict):
        return found
    for rel, run_id in children.items():
        if not isinstance(rel, str) or not isinstance(run_id, str):
            continue
        parts = PurePosixPath(rel).parts
        if not parts or any(safe_folder_name(part, fallback="") != part for part in parts):
            continue
        path = folder.joinpath(*parts)
        if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
            continue
        found.setdefault("/".join(parts[:-1]), {})[run_id] = parts[-1]
    return found


def previous_exports(logdir: Path) -> dict[RunKey, Path]:
    """The folders in logdir that hold earlier exports, by run (the first found for each run)."""
    try:
        entries = list(os.scandir(logdir))
    except FileNotFoundError:
        return {}
    found: dict[RunKey, Path] = {}
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            continue
        manifest = read_manifest(Path(entry.path)) or {}
        source, run = manifest.get("source"), manifest.get("run")
        if isinstance(source, str) and isinstance(run, str):
            found.setdefault(RunKey(source, run), Path(entry.path))
    return found


def make_temp_folder(logdir: Path) -> Path:
    folder = logdir / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
    folder.mkdir(mode=folder_mode(logdir))
    return folder


def remove_stale_temp_folders(logdir: Path) -> None:
    """Temporary folders that an export killed midway left behind (their process is gone)."""
    try:
        entries = list(os.scandir(logdir))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        pid_text = entry.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def foreign_paths(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Relative paths of the files, links and empty folders below folder that tbdesk did not write."""
    ours = {str(f) for f in manifest.get("files", [])} | {MANIFEST}
    ours_dirs = {str(Path(f).parent.as_posix()) for f in ours}
    found = []
    for current, dirs, files in os.walk(folder):
        rel_dir = Path(current).relative_to(folder).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in files:
            if prefix + name not in ours:
                found.append(prefix + name)
        for name in list(dirs):
            path = Path(current, name)
            if path.is_symlink():
                found.append(prefix + name)
                dirs.remove(name)
            elif _is_empty(path) and prefix + name not in ours_dirs:
                found.append(prefix + name + "/")
    return found


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def carry_over(old: Path, new: Path, paths: Iterable[str]) -> list[str]:
    """Hard-link (or re-create, for links and empty folders) the given paths of old into new; returns
    the paths that could not be kept because the new export holds the same name."""
    clashes = []
    for rel in paths:
        source = old / rel
        target = new / rel
        make_dirs(target.parent)
        if rel.endswith("/"):
            make_dirs(target)
            continue
        if os.path.lexists(target):
            clashes.append(rel)
        elif source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            os.link(source, target)
    return clashes


def swap_in(new: Path, target: Path) -> None:
    """Put the finished export new at target, replacing (and then removing) what was there."""
    if not os.path.lexists(target):
        if not _renameat2(new, target, _RENAME_NOREPLACE):
            os.rename(new, target)
        _sync_dir(target.parent)
        return
    if _renameat2(new, target, _RENAME_EXCHANGE):
        _sync_dir(target.parent)
        shutil.rmtree(new, ignore_errors=True)  # now the previous export
        return
    retired = target.parent / f"{TEMP_PREFIX}{os.getpid()}-old-{secrets.token_hex(6)}"
    os.rename(target, retired)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(retired, target)
        raise
    _sync_dir(target.parent)
    shutil.rmtree(retired, ignore_errors=True)


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """True when done; False when this system or file system cannot do it."""
    if not sys.platform.startswith("linux"):
        return False
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is None:
        return False
    result = function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), ctypes.c_uint(flags))
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(source), None, str(target))


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is done all the same
    finally:
        os.close(fd)
