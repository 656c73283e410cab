"""What a board's folders hold, as TensorBoard's data server sees it when it rescans them: each
file's path, size and modification time. Two states differ when logs were written, appended to,
replaced or removed, whoever wrote them (a live sync's mirror, a training on this machine)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

LogsState = frozenset[tuple[str, int, int]]  # (path, size, mtime in ns) of every file


def logs_state(folders: Iterable[Path]) -> LogsState:
    """The files below the folders, links followed as TensorBoard follows them, each folder read
    once (a link back up would loop forever); what cannot be read is left out (a folder removed
    meanwhile, no permission), as TensorBoard leaves it out."""
    found: set[tuple[str, int, int]] = set()
    seen: set[tuple[int, int]] = set()
    stack = [os.fspath(folder) for folder in folders]
    while stack:
        directory = stack.pop()
        try:
            where = os.stat(directory)
            if (where.st_dev, where.st_ino) in seen:
                continue
            seen.add((where.st_dev, where.st_ino))
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    stack.append(entry.path)
                elif entry.is_file():
                    stat = entry.stat()
                    found.add((entry.path, stat.st_size, stat.st_mtime_ns))
            except OSError:
                continue
    return frozenset(found)
