"""Listing the files kept with a run on this machine (a log folder's run, a local workspace run)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tbdesk.model import RunFile


def hidden(name: str) -> bool:
    return name.startswith(".")


def list_files(base: Path, prefix: str = "", *, skip: Callable[[str], bool] = hidden) -> list[RunFile]:
    """Files below base whose relative path starts with prefix, in path order; files and folders
    whose name `skip` picks are left out (by default, hidden ones)."""
    found = []
    for folder, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not skip(d))
        for name in sorted(names):
            if skip(name):
                continue
            path = Path(folder, name)
            rel = path.relative_to(base).as_posix()
            if not rel.startswith(prefix):
                continue
            try:
                info = path.stat()
            except OSError:
                continue  # removed while we looked
            found.append(RunFile(rel, info.st_size, None, datetime.fromtimestamp(info.st_mtime, UTC)))
    return found
