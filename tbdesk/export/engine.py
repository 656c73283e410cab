"""Export runs from a source into a log folder: reading the source concurrently, encoding and writing
in worker threads, and swapping each run's finished folder in atomically."""

from __future__ import annotations

import asyncio
import enum
import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tbdesk.export import folders
from tbdesk.export.convert import seconds
from tbdesk.export.errors import ExportCancelled, ExportError
from tbdesk.export.follow import last_steps
from tbdesk.export.hparams import Session, plan_sweep, session_metrics, session_values
from tbdesk.export.names import safe_folder_name, unique_name
from tbdesk.export.writer import Written, write_metrics
from tbdesk.model import Metric, MetricKind, Run
from tbdesk.paths import make_dirs
from tbdesk.sources.base import Source

T = TypeVar("T")
DEFAULT_CONCURRENCY = 4
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_NOT_ALLOWED = (errno.EACCES, errno.EPERM, errno.EROFS)


class ExportStage(enum.StrEnum):
    READING = "reading"
    WRITING = "writing"
    DONE = "done"


@dataclass(frozen=True)
class ExportProgress:
    run: Run
    stage: ExportStage
    runs_done: int  # runs finished so far in this export
    runs_total: int  # runs found so far (grows as child runs are found)
    points: int  # points written for this run (known once DONE)


@dataclass(frozen=True)
class ExportResult:
    run: Run
    folder: Path  # the run's folder in the log folder
    points: int  # points written for this run itself
    children: tuple[ExportResult, ...] = ()
    notes: tuple[str, ...] = ()  # what was left out, and why
    session: bool = False  # written as a session of its parent's sweep (the HPARAMS tab shows it)
    events: Path | None = None  # the event file of the run's own points (tbdesk.export.follow)
    steps: Mapping[str, int] = field(default_factory=dict)  # its last step of each metric written

    @property
    def total_points(self) -> int:
        return self.points + sum(child.total_points for child in self.children)

    @property
    def shows_anything(self) -> bool:
        """TensorBoard has something to show of it or of a child run: points, or a sweep's session."""
        return self.points > 0 or self.session or any(child.shows_anything for child in self.children)

    @property
    def total_runs(self) -> int:
        return 1 + sum(child.total_runs for child in self.children)

    def all_notes(self) -> list[str]:
        """The notes of this run and of its child runs, recursively, each as '<run>: <note>'."""
        own = [f"{self.run.name}: {note}" for note in self.notes]
        return own + [note for child in self.children for note in child.all_notes()]


ProgressCallback = Callable[[ExportProgress], None]


async def export_run(
    source: Source,
    run: Run,
    logdir: Path,
    *,
    recursive: bool = True,
    progress: ProgressCallback | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> ExportResult:
    """Export run (and, when recursive, its child runs) into a folder of logdir; see tbdesk.export."""
    results = await export_runs(
        source, [run], logdir, recursive=recursive, progress=progress, concurrency=concurrency
    )
    return results[0]


async def export_runs(
    source: Source,
    runs: Sequence[Run],
    logdir: Path,
    *,
    recursive: bool = True,
    progress: ProgressCallback | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[ExportResult]:
    """Export each run into its own folder of logdir, in parallel. Each run's export is atomic: when
    some fail, the others are kept and ExportError names the failed ones."""
    logdir = Path(logdir)
    unique_runs = list({run.key: run for run in runs}.values())
    job = _Job(source, recursive, progress, concurrency)
    try:
        targets = await asyncio.to_thread(_prepare, logdir, unique_runs)
    except OSError as exc:
        raise _os_error(exc, logdir, "nothing was exported") from exc
    outcomes = await asyncio.gather(
        *(job.export_top(run, logdir, target) for run, target in zip(unique_runs, targets, strict=True)),
        return_exceptions=True,
    )
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    for outcome in failures:
        if not isinstance(outcome, Exception):  # cancellation and the like
            raise outcome
    if failures:
        if len(failures) == 1:
            raise failures[0]
        raise ExportError("\n".join(str(f) for f in failures))
    done = {r.run.key: r for r in outcomes if isinstance(r, ExportResult)}
    return [done[run.key] for run in runs]


def _prepare(logdir: Path, runs: Sequence[Run]) -> list[Path]:
    """Create logdir, clear what killed exports left in it, and choose each run's folder: the one
    of its previous export, else a new name no other entry of logdir has."""
    make_dirs(logdir)
    folders.remove_stale_temp_folders(logdir)
    taken = set(os.listdir(logdir))
    exported = folders.previous_exports(logdir)
    targets = []
    for run in runs:
        previous = exported.get(run.key)
        if previous is None:
            previous = logdir / unique_name(_folder_name(run), taken)
        taken.add(previous.name)
        targets.append(previous)
    return targets


def _folder_name(run: Run) -> str:
    """The run's name made safe; its id when nothing readable is left of the name."""
    return safe_folder_name(run.name, fallback=safe_folder_name(run.id))


class _Job:
    """One call of export_runs: its bound on concurrency and its progress."""

    def __init__(
        self, source: Source, recursive: bool, progress: ProgressCallback | None, limit: int
    ) -> None:
        self.source = source
        self.recursive = recursive
        self.limit = asyncio.Semaphore(max(1, limit))
        self._progress = progress
        self.done = 0
        self.total = 0

    async def export_top(self, run: Run, logdir: Path, target: Path) -> ExportResult:
        return await _TreeExport(self, run, target).run(logdir)

    def report(self, run: Run, stage: ExportStage, points: int) -> None:
        if self._progress is not None:
            self._progress(ExportProgress(run, stage, self.done, self.total, points))


@dataclass(frozen=True)
class _Node:
    """A run to write: its metrics, where it is written, where it will be, and, as a session of its
    parent's sweep, what its folder gets instead of just its metrics."""

    run: Run
    metrics: list[Metric]
    folder: Path  # inside the temporary folder
    final: Path  # where it will be once swapped in
    rel: str  # '/'-separated path below the top-level run's folder
    session_values: list[bytes] = field(default_factory=list)
    written: Sequence[Metric] | None = None  # None: its metrics


class _TreeExport:
    """The export of one top-level run and its child runs into a temporary folder, then its swap."""

    def __init__(self, job: _Job, run: Run, target: Path) -> None:
        self.job = job
        self.source = job.source
        self.top = run
        self.target = target
        self._threads: set[asyncio.Future[Any]] = set()
        self._stop = threading.Event()
        self._previous = _Previous()
        self._children: dict[str, str] = {}  # run id of each child run's folder, by its path

    async def run(self, logdir: Path) -> ExportResult:
        temp: Path | None = None
        try:
            temp = await self._thread(folders.make_temp_folder, logdir)
            self.job.total += 1
            metrics = await self._metrics(self.top)
            self._previous = await self._thread(_Previous.read, self.target)
            result = await self._tree(_Node(self.top, metrics, temp, self.target, ""))
            await self._thread(_finish, temp, self.target, self.top, self._children)
            return result
        except OSError as exc:
            raise _os_error(exc, logdir, f"the run {self.top.name!r} was not exported") from exc
        except BaseException:
            self._stop.set()
            raise
        finally:
            if temp is not None:
                await _shielded(self._cleanup(temp))

    async def _cleanup(self, temp: Path) -> None:
        # Threads still writing into temp must end before it is removed.
        if self._threads:
            await asyncio.gather(*self._threads, return_exceptions=True)
        await asyncio.to_thread(shutil.rmtree, temp, True)

    async def _tree(self, node: _Node) -> ExportResult:
        run = node.run
        children = await self._read(run, self.source.children(run)) if self.job.recursive else []
        children.sort(key=lambda c: (seconds(c.start_time) if c.start_time else 0.0, c.id))
        self.job.total += len(children)
        child_metrics = await _all(self._metrics(child) for child in children)
        names = self._previous.names(node.rel, children)
        for child, name in zip(children, names, strict=True):
            self._children[f"{node.rel}/{name}" if node.rel else name] = child.id
        sessions: list[Session] = []
        if children:
            sessions = plan_sweep(
                node.metrics, list(zip(children, names, child_metrics, strict=True)), run.tags
            )
        is_sweep = any(s.hparams for s in sessions)
        shown = node.metrics if node.written is None else node.written
        written = await self._write(run, list(shown), node.folder, node.session_values)
        results = await _all(
            (
                self._tree(
                    _Node(
                        child,
                        child_metrics[i],
                        node.folder / names[i],
                        node.final / names[i],
                        f"{node.rel}/{names[i]}" if node.rel else names[i],
                        session_values(sessions[i], fallback_start=written.start_time) if is_sweep else [],
                        session_metrics(sessions[i], child_metrics[i]) if is_sweep else None,
                    )
                )
                for i, child in enumerate(children)
            )
        )
        return ExportResult(
            run,
            node.final,
            written.points,
            tuple(results),
            written.notes,
            session=bool(node.session_values),
            events=node.final / written.file.name,
            steps=last_steps(shown),
        )

    async def _write(self, run: Run, metrics: list[Metric], folder: Path, values: list[bytes]) -> Written:
        self.job.report(run, ExportStage.WRITING, 0)
        image_root: Path | None = None
        try:
            images = [str(p.value) for m in metrics if m.kind is MetricKind.IMAGE for p in m.points]
            if images:
                image_root = Path(await self._thread(tempfile.mkdtemp, None, "tbdesk-images-"))
                await self._read(run, self.source.fetch_files(run, image_root, _common_folder(images)))
            async with self.job.limit:
                written = await self._thread(
                    write_metrics,
                    metrics,
                    folder,
                    image_root=image_root,
                    start_time=seconds(run.start_time) if run.start_time else None,
                    extra_values=values,
                    cancelled=self._stop.is_set,
                )
        finally:
            if image_root is not None:
                await _shielded(asyncio.to_thread(shutil.rmtree, image_root, True))
        self.job.done += 1
        self.job.report(run, ExportStage.DONE, written.points)
        return written

    async def _metrics(self, run: Run) -> list[Metric]:
        self.job.report(run, ExportStage.READING, 0)
        return await self._read(run, self.source.metrics(run))

    async def _read(self, run: Run, call: Awaitable[T]) -> T:
        """A call to the source; any failure of it is an ExportError that names the run."""
        try:
            async with self.job.limit:
                return await call
        except Exception as exc:
            self._stop.set()
            raise ExportError(f"Could not read the run {run.name!r} ({run.id}): {exc}") from exc

    async def _thread(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        future = asyncio.ensure_future(asyncio.to_thread(function, *args, **kwargs))
        self._threads.add(future)
        future.add_done_callback(self._threads.discard)
        try:
            return await asyncio.shield(future)
        except ExportCancelled:
            raise asyncio.CancelledError from None


async def _all(works: Iterable[Awaitable[T]]) -> list[T]:
    """Like gather, but when one fails the others are cancelled and awaited before it is raised:
    nothing may still write into a temporary folder that is being removed."""
    tasks = [asyncio.ensure_future(work) for work in works]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _shielded(work: Awaitable[None]) -> None:
    """Cleanup that a cancellation must not interrupt halfway."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


def _finish(temp: Path, target: Path, run: Run, children: dict[str, str]) -> None:
    files = [p.relative_to(temp).as_posix() for p in temp.rglob("*") if p.is_file()]
    old = folders.read_manifest(target) if target.exists() else None
    if old is not None:
        folders.carry_over(target, temp, folders.foreign_paths(target, old))
    elif target.exists():
        raise ExportError(f"{target} exists and was not written by tbdesk; it was left alone.")
    folders.write_manifest(temp, run.key, run.name, files, children)
    folders.swap_in(temp, target)


@dataclass(frozen=True)
class _Previous:
    """What the previous export in a run's folder tells about naming child run folders."""

    # for each folder (its path below the run's folder): the entries that lead to files tbdesk
    # did not write, and the folder of each child run, by run id
    foreign: dict[str, set[str]] = field(default_factory=dict)
    children: dict[str, dict[str, str]] = field(default_factory=dict)

    @staticmethod
    def read(target: Path) -> _Previous:
        manifest = folders.read_manifest(target) if target.is_dir() else None
        if manifest is None:
            return _Previous()
        foreign: dict[str, set[str]] = {}
        for rel in folders.foreign_paths(target, manifest):
            parts = rel.rstrip("/").split("/")
            for depth in range(len(parts)):
                foreign.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
        return _Previous(foreign, folders.child_folders(target, manifest))

    def names(self, rel: str, children: Sequence[Run]) -> list[str]:
        """A folder name for each child run in the folder at rel: the one it had before, else a new
        one that neither another child run nor an entry someone else made there has."""
        before = self.children.get(rel, {})
        chosen: dict[int, str] = {}
        kept: set[str] = set()  # the names kept so far, casefolded
        for index, child in enumerate(children):
            name = before.get(child.id)
            if name is not None and name.casefold() not in kept:
                chosen[index] = name
                kept.add(name.casefold())
        # Someone's files inside a child run's old folder do not make that name taken: they are
        # carried over into the same folder of the new export.
        taken = self.foreign.get(rel, set()) | set(chosen.values())
        for index, child in enumerate(children):
            if index not in chosen:
                chosen[index] = unique_name(_folder_name(child), taken)
                taken.add(chosen[index])
        return [chosen[index] for index in range(len(children))]


def _common_folder(paths: Sequence[str]) -> str:
    """The longest folder prefix shared by paths ('' when none), to fetch them in one call."""
    folders_ = [path.rpartition("/")[0].split("/") for path in paths]
    shared = []
    for parts in zip(*folders_, strict=False):
        if any(part != parts[0] for part in parts):
            break
        shared.append(parts[0])
    return "".join(part + "/" for part in shared if part)


def _os_error(exc: OSError, logdir: Path, unwritten: str) -> ExportError:
    """unwritten says what is missing because of exc ("the run 'x' was not exported")."""
    if exc.errno in _DISK_FULL:
        message = f"The disk holding {logdir} is full: {unwritten}, nothing was changed."
    elif exc.errno in _NOT_ALLOWED:
        message = f"tbdesk may not write to {logdir} ({exc.strerror}): {unwritten}."
    else:
        message = f"Cannot write in {logdir} ({exc.strerror or exc}): {unwritten}."
    return ExportError(message)
