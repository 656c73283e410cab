"""A plain folder of TensorBoard logs as a source of runs.

Each folder below the root that directly holds event files is a run, grouped as an experiment by
the folder above it; the root itself may be a run. Listing walks the tree once with os.scandir and
never opens an event file: the start time of a run comes from the names of its event files
(`events.out.tfevents.<unix time>.<host>...`), or their modification time. Folders and event
files this user may not read are reported, never skipped silently: TensorBoard would not show them.
"""

from __future__ import annotations

import asyncio
import errno
import os
import re
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tbdesk.files import list_files
from tbdesk.local.names import InvalidNameError, check_file_name, inside
from tbdesk.model import Experiment, Metric, Run, RunFile, RunStatus
from tbdesk.sources.base import SourceError

EVENT_MARK = "tfevents"
# A run whose event files were written this recently is shown as live (its training writes on).
LIVE_S = 120.0
RUN_TYPE = "tensorboard"  # the run_type of this source's runs
ROOT_RUN = "."
# Writers put whole seconds after "tfevents." (some add a fraction); a host name follows.
_TIME_IN_NAME = re.compile(r"tfevents\.(\d{9,11})(?:[.]|$)")


def is_event_file(name: str) -> bool:
    return EVENT_MARK in name and not name.startswith(".")


def event_file_time(name: str) -> float | None:
    match = _TIME_IN_NAME.search(name)
    return float(match.group(1)) if match else None


@dataclass(frozen=True)
class FoundRun:
    rel: str  # '/'-separated path below the root, ROOT_RUN for the root itself
    path: Path
    started: float
    written: float  # when its newest event file was last written to (its mtime)


@dataclass(frozen=True)
class Unreadable:
    """A folder or event file this user may not read."""

    path: Path
    reason: str  # the system's words: "Permission denied"

    def __str__(self) -> str:
        return f"{self.path} ({self.reason})"


@dataclass(frozen=True)
class Scan:
    runs: list[FoundRun]
    unreadable: list[Unreadable]


def scan(root: Path) -> Scan:
    """Every folder below root (root included) that directly holds event files, newest first, and
    what could not be read.

    Follows links to folders (a board's folder is made of them) but never twice into the same
    folder, and skips hidden folders and files.
    """
    found: list[FoundRun] = []
    unreadable: list[Unreadable] = []
    seen: set[tuple[int, int]] = set()
    pending: list[tuple[str, str]] = [(str(root), "")]
    while pending:
        folder, rel = pending.pop()
        try:
            info = os.stat(folder)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        times: list[float] = []
        written = 0.0
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    try:
                        if entry.is_dir():
                            pending.append((entry.path, f"{rel}/{entry.name}" if rel else entry.name))
                        elif is_event_file(entry.name) and entry.is_file():
                            mtime = entry.stat().st_mtime
                            written = max(written, mtime)
                            stamp = event_file_time(entry.name)
                            times.append(stamp if stamp is not None else mtime)
                            if not os.access(entry.path, os.R_OK):
                                unreadable.append(Unreadable(Path(entry.path), os.strerror(errno.EACCES)))
                    except OSError:
                        continue
        except OSError as exc:
            unreadable.append(Unreadable(Path(folder), exc.strerror or str(exc)))
            continue
        if times:
            found.append(FoundRun(rel or ROOT_RUN, Path(folder), min(times), written))
    found.sort(key=lambda r: (-r.started, r.rel))
    unreadable.sort(key=lambda u: u.path)
    return Scan(found, unreadable)


def unreadable_in(folders: Iterable[Path]) -> list[Unreadable]:
    """What TensorBoard could not read in these folders of logs (blocking: walks them)."""
    return [item for folder in folders for item in scan(folder).unreadable]


def has_event_files(folder: Path) -> bool:
    """Whether folder holds an event file at any depth (stops at the first)."""
    for _, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(is_event_file(name) for name in names):
            return True
    return False


def copy_files(base: Path, files: Iterable[RunFile], dest: Path) -> list[Path]:
    """Copy files (relative to base) into dest, keeping their relative paths."""
    copied = []
    for file in files:
        try:
            target = inside(dest, file.path)
        except InvalidNameError as exc:
            raise SourceError(str(exc)) from exc
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(base / file.path, target)
        copied.append(target)
    return copied


class FolderRunsSource(ABC):
    """What a logs folder and a cloud folder of logs share: a run is a folder that holds event
    files, the folders are grouped into experiments by their parent folder, and runs have no child
    runs and no metric history of their own (it is in the event files, which TensorBoard reads
    much faster). Subclasses list the folder in `_scan`."""

    _runs: dict[str, list[Run]] | None  # the last listing, grouped by experiment

    @property
    @abstractmethod
    def id(self) -> str: ...

    @property
    @abstractmethod
    def title(self) -> str: ...

    @abstractmethod
    def _scan(self) -> dict[str, list[Run]]:
        """Every run, grouped by experiment id (blocking: runs in a thread)."""

    async def experiments(self) -> list[Experiment]:
        grouped = await asyncio.to_thread(self._scan)
        self._runs = grouped
        return [
            Experiment(
                self.id,
                exp_id,
                self.title if exp_id == ROOT_RUN else exp_id,
                min((r.start_time for r in runs if r.start_time), default=None),
            )
            for exp_id, runs in sorted(grouped.items(), key=lambda item: (item[0] != ROOT_RUN, item[0]))
        ]

    async def runs(self, experiment: Experiment) -> AsyncIterator[list[Run]]:
        if self._runs is None:
            self._runs = await asyncio.to_thread(self._scan)
        runs = self._runs.get(experiment.id)
        if runs:
            yield list(runs)

    async def child_pages(self, run: Run) -> AsyncIterator[list[Run]]:
        children = await self.children(run)  # none: folders of logs have no child runs
        if children:
            yield children

    async def children(self, run: Run) -> list[Run]:
        return []

    async def metrics(self, run: Run) -> list[Metric]:
        return []


class LogFolderSource(FolderRunsSource):
    """Runs found in a plain folder of TensorBoard logs."""

    def __init__(self, path: Path) -> None:
        self._root = Path(path).expanduser().resolve()
        self._runs: dict[str, list[Run]] | None = None
        self.unreadable: tuple[Unreadable, ...] = ()  # found by the last listing

    @property
    def id(self) -> str:
        return f"logdir:{self._root}"

    @property
    def title(self) -> str:
        return self._root.name or str(self._root)

    @property
    def path(self) -> Path:
        return self._root

    async def files(self, run: Run, prefix: str = "") -> list[RunFile]:
        return await asyncio.to_thread(list_files, self._run_dir(run), prefix)

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        base = self._run_dir(run)
        return await asyncio.to_thread(lambda: copy_files(base, list_files(base, prefix), dest))

    async def tensorboard_dir(self, run: Run) -> Path | None:
        folder = self._run_dir(run)
        return folder if await asyncio.to_thread(folder.is_dir) else None

    def _run_dir(self, run: Run) -> Path:
        if run.source_id != self.id:
            raise SourceError(f"The run {run.name} does not come from the log folder {self._root}.")
        if run.id == ROOT_RUN:
            return self._root
        # Checked without resolving links: a run folder may be a link to elsewhere (scan follows them).
        try:
            return self._root / check_file_name(run.id)
        except InvalidNameError as exc:
            raise SourceError(f"{run.id!r} is not a run of the log folder {self._root}: {exc}") from exc

    def _scan(self) -> dict[str, list[Run]]:
        if not self._root.is_dir():
            raise SourceError(f"The log folder {self._root} does not exist (any more).")
        grouped: dict[str, list[Run]] = {}
        scanned = scan(self._root)
        if scanned.unreadable and scanned.unreadable[0].path == self._root:
            raise SourceError(f"Cannot read the log folder {scanned.unreadable[0]}.")
        self.unreadable = tuple(scanned.unreadable)
        now = time.time()
        for found in scanned.runs:
            parent = ROOT_RUN if found.rel == ROOT_RUN else found.rel.rpartition("/")[0] or ROOT_RUN
            name = self.title if found.rel == ROOT_RUN else found.rel.rpartition("/")[2]
            live = now - found.written < LIVE_S
            grouped.setdefault(parent, []).append(
                Run(
                    source_id=self.id,
                    experiment=self.title if parent == ROOT_RUN else parent,
                    id=found.rel,
                    name=name,
                    # Live while its event files grow; else when they were last written.
                    status=RunStatus.RUNNING if live else RunStatus.UNKNOWN,
                    start_time=datetime.fromtimestamp(found.started, UTC),
                    end_time=None if live else datetime.fromtimestamp(found.written, UTC),
                    has_children=False,
                    run_type=RUN_TYPE,
                )
            )
        return grouped
