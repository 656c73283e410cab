"""The folder of synced runs: `cache_dir()/runs/<entry>/`, one entry per run, with a size limit.

An entry is `files/` (the run's files, what boards show) and `.sync/` (its ledger, partial
downloads, and `entry.json` naming the run). Runs a board shows are pinned (in this process);
when the cache grows past its limit, the least recently used entries that are not pinned go
first. `clear()` removes every entry that is not pinned. An entry is removed by renaming it aside
first, so a half-removed entry is never mistaken for a run's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tbdesk import paths
from tbdesk.model import RunKey

DEFAULT_LIMIT = 10 * 1024**3
_MARK = ".sync"
_ENTRY = "entry.json"
_TRASH = ".trash-"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class CacheEntry:
    key: RunKey
    folder: Path
    size: int  # bytes of its files
    used: float  # time.time() of its last use


class RunCache:
    """Thread-safe; its methods block (scan folders): call them in a worker thread from the loop."""

    def __init__(self, root: Path | None = None, limit: int = DEFAULT_LIMIT) -> None:
        self.root = root if root is not None else paths.cache_dir() / "runs"
        self.limit = limit
        self._pins: Counter[RunKey] = Counter()
        self._lock = threading.Lock()

    def folder(self, key: RunKey) -> Path:
        """The run's entry (made, and marked used, when missing)."""
        folder = self.root / _entry_name(key)
        marker = folder / _MARK / _ENTRY
        if not marker.is_file():
            paths.make_dirs(marker.parent)
            data = {"source_id": key.source_id, "run_id": key.run_id}
            # Renamed into place: a full disk must not leave an empty record, which would make
            # the entry look foreign (never counted, never evicted) for good.
            written = marker.with_name(f".{_ENTRY}.new")
            try:
                with paths.create_file(written) as out:
                    out.write(json.dumps(data).encode("utf-8"))
                os.replace(written, marker)
            except OSError:
                written.unlink(missing_ok=True)
                raise
        self.touch(key)
        return folder

    def touch(self, key: RunKey) -> None:
        """Mark the run's entry used now (least recently used entries are evicted first)."""
        folder = self._find(key)
        if folder is not None:
            with contextlib.suppress(OSError):
                os.utime(folder / _MARK / _ENTRY)

    def pin(self, key: RunKey) -> None:
        """Keep the run's entry while a board shows it; pins count (two boards, two pins)."""
        with self._lock:
            self._pins[key] += 1
        self.touch(key)

    def unpin(self, key: RunKey) -> None:
        with self._lock:
            self._pins[key] -= 1
            if self._pins[key] <= 0:
                del self._pins[key]
        self.touch(key)

    def is_pinned(self, key: RunKey) -> bool:
        with self._lock:
            return self._pins[key] > 0

    def entries(self) -> list[CacheEntry]:
        """Every entry, least recently used first."""
        found = []
        if not self.root.is_dir():
            return []
        for folder in self.root.iterdir():
            if folder.name.startswith(_TRASH):
                continue
            marker = folder / _MARK / _ENTRY
            try:
                data = json.loads(marker.read_text(encoding="utf-8"))
                key = RunKey(str(data["source_id"]), str(data["run_id"]))
                used = marker.stat().st_mtime
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not ours, or half made: leave it alone
            found.append(CacheEntry(key, folder, _size(folder), used))
        return sorted(found, key=lambda entry: entry.used)

    def usage(self) -> int:
        """Bytes the cache holds (for the settings, beside its limit)."""
        return sum(entry.size for entry in self.entries())

    def trim(self) -> list[RunKey]:
        """Evict least recently used entries that are not pinned until the cache fits its limit;
        returns the runs evicted. Pinned entries stay even when they alone exceed it."""
        entries = self.entries()
        total = sum(entry.size for entry in entries)
        evicted = []
        for entry in entries:
            if total <= self.limit:
                break
            if self.is_pinned(entry.key):
                continue
            self._remove(entry.folder)
            total -= entry.size
            evicted.append(entry.key)
        return evicted

    def clear(self) -> list[RunKey]:
        """Remove every entry no board shows (and leftovers of earlier removals)."""
        removed = []
        for entry in self.entries():
            if not self.is_pinned(entry.key):
                self._remove(entry.folder)
                removed.append(entry.key)
        if self.root.is_dir():
            for leftover in self.root.glob(_TRASH + "*"):
                shutil.rmtree(leftover, ignore_errors=True)
        return removed

    def _find(self, key: RunKey) -> Path | None:
        folder = self.root / _entry_name(key)
        return folder if folder.is_dir() else None

    def _remove(self, folder: Path) -> None:
        aside = folder.with_name(f"{_TRASH}{folder.name}-{time.monotonic_ns()}")
        try:
            folder.rename(aside)
        except OSError:
            return
        shutil.rmtree(aside, ignore_errors=True)


def _entry_name(key: RunKey) -> str:
    """Readable (the run id, made safe) and unique (a digest of source and run)."""
    digest = hashlib.sha256(f"{key.source_id}\n{key.run_id}".encode()).hexdigest()[:16]
    readable = _UNSAFE.sub("_", key.run_id)[:60].strip("._") or "run"
    return f"{readable}-{digest}"


def _size(folder: Path) -> int:
    total = 0
    pending = [str(folder)]
    while pending:
        try:
            with os.scandir(pending.pop()) as listing:
                for item in listing:
                    if item.is_dir(follow_symlinks=False):
                        pending.append(item.path)
                    elif item.is_file(follow_symlinks=False):
                        total += item.stat(follow_symlinks=False).st_size
        except OSError:
            continue
    return total
