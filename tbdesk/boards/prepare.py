"""The runs of a board, kept live: logs synced while the runs run, metrics-only runs exported.

`prepare_live_runs` starts a live sync (tbdesk.sync.LiveSync) of the runs and their child runs:
the logs (`logs/` by default; an Azure ML v2 job's TensorBoard logs under `outputs/`, such as
`outputs/tensorboard/`, are found too and land in the same folder: tbdesk.sync.engine) of a run
stored remotely (an Azure ML run) come into the run cache and keep coming while it runs; a run of
this machine (the local workspace, a log folder) is used where it is. Once the first sync is done
(a cloud folder's runs, found by their logs, at once: their folders fill while the board starts),
each run shows this way:

- a run whose folder holds event files is linked there, and so is a run still running (its logs
  may come later; the link shows them as they do);
- a run whose whole family (it and its child runs, recursively) has no logs is exported in one
  piece into tbdesk's cache, so a sweep's parent and child runs land together and TensorBoard's
  HPARAMS tab shows it;
- a run without logs whose family has some is exported alone, and its child runs are planned the
  same way, each under "<run>/<child>";
- a synced run still running whose folder holds no event files yet (an Azure ML v2 job that logs
  through MLflow only, or a job whose logs have not come yet) also gets its metrics exported,
  shown as "<run>/metrics" beside its (live) folder, and kept live: the points it logs while the
  board is open are appended to that export until the run ends (tbdesk.boards.follow).

The sync goes on after that: `LiveRuns.attach(manager, board)` adds the child runs that appear
mid-sweep to the board (as "<parent>/<child>", without restarting it) and stops the sync when the
board stops. An exported run still running is followed the same way (a local run that logs
metrics only); other exports are snapshots: `LiveRuns.export_again()` brings them up to date.
The Python API (tbdesk.tensorboard) plans its boards with `LiveRuns.plan` too, and exports in its
own way (its exports are not followed).

Each run is exported into a log folder of its own, `<cache>/exports/<source>/<run id>`. Exporting
again replaces the previous export atomically at the same path, so a board that shows it keeps
its links (and opening the same runs again reuses that board).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tbdesk import paths
from tbdesk.boards.board import Board, BoardError, BoardRun
from tbdesk.boards.follow import MetricsFollow
from tbdesk.boards.manager import BoardManager
from tbdesk.boards.names import safe_name, unique_names
from tbdesk.export import ExportProgress, ExportResult, ProgressCallback, export_run
from tbdesk.export.names import safe_folder_name
from tbdesk.model import Run, RunKey
from tbdesk.sources.base import Source
from tbdesk.sources.logdir import has_event_files
from tbdesk.sync import (
    DEFAULT_PREFIX,
    LiveSync,
    PollPolicy,
    RunCache,
    RunSyncStatus,
    SyncState,
    found_by_logs,
    remote_for,
)

log = logging.getLogger(__name__)

PARALLEL_EXPORTS = 4  # top-level exports at once; each exports its child runs in parallel too
# How long a board on a cloud folder waits for the newest run's files before it starts anyway
# (TensorBoard then finds them at a reload, RELOAD_INTERVAL_S later).
FIRST_RUN_WAIT_S = 2.0
SNAPSHOT = "metrics"  # a running run's exported metrics show as "<run>/metrics"

LogdirFor = Callable[[Source, Run], Path]
NameOf = Callable[[Run], str]


def board_name(run: Run) -> str:
    """A run's name on a board: its display name (its id when it has none)."""
    return safe_name(run.name or run.id)


def cache_logdir(source: Source, run: Run) -> Path:
    """Where a run is exported to be shown: a log folder of its own in tbdesk's cache."""
    return paths.cache_dir() / "exports" / _cache_part(source, run)


def _cache_part(source: Source, run: Run) -> Path:
    source_part = hashlib.sha256(source.id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    run_part = safe_folder_name(run.id, fallback="run")
    if run_part != run.id:  # two ids that differ only in unsafe characters stay apart
        run_part += "~" + hashlib.sha256(run.id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return Path(source_part) / run_part


class LiveRuns:
    """The runs of one source as a board shows them, and the live sync that feeds them.

    Use from the event loop's thread. Until `attach`, child runs that join are kept for later.
    """

    def __init__(
        self,
        source: Source,
        sync: LiveSync,
        *,
        children: bool = True,
        logdir_for: LogdirFor = cache_logdir,
        name_of: NameOf = board_name,
    ) -> None:
        self.source = source
        self.sync = sync
        self.children = children
        self.logdir_for = logdir_for
        self.name_of = name_of
        self.exports: list[PlannedRun] = []  # the runs shown as exports of their metrics
        self.snapshots: list[PlannedRun] = []  # running runs whose metrics are shown beside their logs
        # The exported runs (of exports and snapshots) kept live while they run, by the export
        # (its top run) they are in: re-exporting that would hide their new points from the board.
        self.follows: dict[RunKey, list[MetricsFollow]] = {}
        self.runs: list[BoardRun] = []
        self.names: dict[RunKey, str] = {}  # each run's name on the board (shown, or exported within one)
        self._waiting: list[RunSyncStatus] = []
        self._later: list[BoardRun] = []  # exports that showed nothing, with their first points
        self._target: tuple[BoardManager, Board] | None = None
        self._detached = False
        self._adding: set[asyncio.Task[None]] = set()
        sync.on_run_added(self._joined)

    @property
    def board(self) -> Board | None:
        return self._target[1] if self._target is not None else None

    async def plan(self, roots: Sequence[tuple[Run, str]]) -> list[PlannedRun]:
        """How the roots (each with its name on the board) and their child runs show, as the
        sync has them now (see the module docstring); remembers every run's name."""
        statuses = self.sync.statuses  # taken on the loop, which changes them
        # Its folders are tbdesk's, not the source's; a run found by its logs has no metrics
        # beside them to show while its folder fills.
        synced = remote_for(self.source) is not None and not found_by_logs(self.source)
        families = await asyncio.to_thread(_families, roots, statuses, self.children, self.name_of, synced)
        planned = [show for family in families for show in _plan(family, self.children)]
        for family in families:
            self.names.update(_member_names(family))
        return planned

    def attach(self, manager: BoardManager, board: Board, *, stop_with_board: bool = True) -> None:
        """Feed this board: child runs that join are added to it, and (stop_with_board) stopping
        it stops the sync; else the caller stops the sync, after `detach`."""
        self._target = (manager, board)
        self.sync.let_others_go()
        for run in board.runs:  # the board may have renamed some to keep names unique
            if run.key is not None and run.key in self.names:
                self.names[run.key] = run.name
        if stop_with_board:
            manager.attach(board, self.stop)
        waiting, self._waiting = self._waiting, []
        for status in waiting:
            self._joined(status)
        later, self._later = self._later, []
        for run in later:
            self._add_soon(run)

    def detach(self) -> None:
        """Add no more runs to the board (the sync may go on for others)."""
        self._detached = True
        self._target = None
        self._waiting.clear()
        self._later.clear()
        for task in list(self._adding):
            task.cancel()

    async def export_again(self, progress: ProgressCallback | None = None) -> None:
        """Export the metrics-only runs (and running runs' metrics) anew, in place (the board keeps
        showing them), except those with a run still followed: their metrics are read now instead."""
        followed = set()
        for top, follows in self.follows.items():
            for follow in follows:
                follow.refresh()
                if follow.following:
                    followed.add(top)
        again = [show for show in [*self.exports, *self.snapshots] if show.run.key not in followed]
        await _export(self.source, again, progress, self.logdir_for)

    async def stop(self) -> None:
        """Stop the sync (and with it the pins of its runs in the cache) and the follows."""
        self.detach()
        await asyncio.gather(*(follow.stop() for follows in self.follows.values() for follow in follows))
        await self.sync.stop()

    def board_run(self, status: RunSyncStatus) -> BoardRun | None:
        """How a run that joined shows: "<parent>/<child>" (None while it has no folder)."""
        if status.folder is None:
            return None
        run = status.run
        own = self.name_of(run)
        parent = self.names.get(RunKey(run.source_id, run.parent_id)) if run.parent_id else None
        return BoardRun(f"{parent}/{own}" if parent else own, status.folder, run.key)

    def _joined(self, status: RunSyncStatus) -> None:
        if not self.children or self._detached:
            return
        if self._target is None:
            self._waiting.append(status)
            return
        shown = self.board_run(status)
        if shown is None or shown.key is None or shown.key in self.names:
            return  # a local run without logs yet, or one the board shows (say, as an export)
        # Known at once, so a grandchild joining in the same round finds its parent's name.
        self.names[shown.key] = shown.name
        self._add_soon(shown)

    def follow(self, exported: ExportResult, later: BoardRun | None = None) -> None:
        """Keep the running runs of an export live (tbdesk.boards.follow); later: how it joins
        the board with its first points, when it showed nothing so far."""
        follows = self.follows[exported.run.key] = [
            MetricsFollow(self.source, self.sync, run) for run in _running(exported)
        ]
        for follow in follows:
            if later is not None:
                follow.on_first_points(partial(self._show_later, later))
            follow.start()

    def _show_later(self, run: BoardRun) -> None:
        if self._detached or any(run.path == shown.path for shown in [*self.runs, *self._later]):
            return
        self.runs.append(run)
        if run.key is not None:
            self.names[run.key] = run.name
        if self._target is None:
            self._later.append(run)
        else:
            self._add_soon(run)

    def _add_soon(self, run: BoardRun) -> None:
        task = asyncio.ensure_future(self._add(run))
        self._adding.add(task)
        task.add_done_callback(self._added)

    async def _add(self, run: BoardRun) -> None:
        assert self._target is not None
        manager, board = self._target
        for added in await manager.add_runs(board, [run]):
            if added.key is not None:
                self.names[added.key] = added.name

    def _added(self, task: asyncio.Task[None]) -> None:
        self._adding.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Adding a run to a board failed", exc_info=task.exception())


async def prepare_live_runs(
    source: Source,
    runs: Sequence[Run],
    *,
    children: bool = True,
    progress: ProgressCallback | None = None,
    cache: RunCache | None = None,
    prefix: str = DEFAULT_PREFIX,
    policy: PollPolicy | None = None,
    logdir_for: LogdirFor = cache_logdir,
    taken: Sequence[str] = (),
) -> LiveRuns:
    """Sync runs (and with children=True their child runs; else the runs alone, a metrics-only
    one exported without its child runs) once, plan how each shows (see above), and keep the sync
    going; names are "<run>" and "<run>/<child>", unique, parents first. The
    caller attaches the result to its board, or stops it.

    taken: the names of runs the same board shows from other sources. A run named like one of
    them is renamed here, before its child runs and "/metrics" are named after it: the board
    renaming it alone would show those inside the other run.

    Raises BoardError when no run has logs or metrics, SourceError when the runs cannot be read,
    ExportError when an export fails.
    """
    sync = LiveSync(source, runs, cache=cache, prefix=prefix, policy=policy, children=children)
    live = LiveRuns(source, sync, children=children, logdir_for=logdir_for)
    try:
        # Runs found by their logs are shown from their folders however the first sync goes:
        # the board starts while it fills them (TensorBoard loading meanwhile), not after it.
        await live.sync.start(wait=not found_by_logs(source))
        if found_by_logs(source):  # the newest run first, unless it is slow to come
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(live.sync.first_run_synced(), FIRST_RUN_WAIT_S)
        names = unique_names([*taken, *(board_name(run) for run in runs)])[len(taken) :]
        shows = await live.plan(list(zip(runs, names, strict=True)))
        live.exports = [show for show in shows if show.logs is None]
        live.snapshots = [
            PlannedRun(f"{show.name}/{SNAPSHOT}", show.run, None) for show in shows if show.snapshot
        ]
        results = await _export(source, [*live.exports, *live.snapshots], progress, logdir_for)
        # A sweep whose child runs logged only their parameters has no points, and shows all the
        # same (in the HPARAMS tab); a family that logged nothing at all does not.
        exported = {key: result.folder for key, result in results.items() if result.shows_anything}
        found = []
        for show in shows:
            folder = show.logs or exported.get(show.run.key)
            if folder is not None:
                found.append(BoardRun(show.name, folder, show.run.key))
        # Beside the run's own entry, which stays the one that names it (no key of its own).
        found += [
            BoardRun(snap.name, exported[snap.run.key]) for snap in live.snapshots if snap.run.key in exported
        ]
        if not found:
            shown = ", ".join(run.name for run in runs[:3]) + (", ..." if len(runs) > 3 else "")
            where = " or their child runs" if children else ""
            raise BoardError(f"No TensorBoard logs or metrics in {shown or 'the selection'}{where}.")
        unique = unique_names(run.name for run in found)
        live.runs = [BoardRun(name, run.path, run.key) for name, run in zip(unique, found, strict=True)]
        # Every run of the families counts as shown, one exported inside its parent's too.
        live.names.update((run.key, run.name) for run in live.runs if run.key is not None)
        for show in live.exports:
            later = BoardRun(show.name, results[show.run.key].folder, show.run.key)
            live.follow(results[show.run.key], None if show.run.key in exported else later)
        for snap in live.snapshots:  # no key of its own (see above)
            later = BoardRun(snap.name, results[snap.run.key].folder)
            live.follow(results[snap.run.key], None if snap.run.key in exported else later)
    except BaseException:
        await live.stop()
        raise
    return live


async def prepare_board_runs(
    source: Source,
    runs: Sequence[Run],
    *,
    children: bool = True,
    progress: ProgressCallback | None = None,
    logdir_for: LogdirFor = cache_logdir,
    taken: Sequence[str] = (),
) -> list[BoardRun]:
    """`prepare_live_runs` once, without following the runs afterwards (a static board)."""
    live = await prepare_live_runs(
        source, runs, children=children, progress=progress, logdir_for=logdir_for, taken=taken
    )
    await live.stop()
    return live.runs


@dataclass(frozen=True)
class PlannedRun:
    """One run on a board: its own logs (where they are, or its sync folder), or (logs None) an
    export of it, with its child runs when recursive."""

    name: str
    run: Run
    logs: Path | None
    recursive: bool = False
    snapshot: bool = False  # a running run shown from its sync folder: its metrics are exported too


@dataclass(frozen=True)
class _Family:
    """A run, its name, the folder to link it to (None: export it), and its child runs."""

    run: Run
    name: str
    logs: Path | None
    children: tuple[_Family, ...]
    snapshot: bool = False  # see PlannedRun

    @property
    def has_logs(self) -> bool:
        """Its folder, or a child run's, holds event files, or will: a run still running is
        linked to its sync folder before its logs come."""
        return self.logs is not None or any(child.has_logs for child in self.children)


def _families(
    roots: Sequence[tuple[Run, str]],
    statuses: Sequence[RunSyncStatus],
    children: bool,
    name_of: NameOf,
    synced: bool = False,
) -> list[_Family]:
    """The synced runs as trees under the roots asked for (blocking: looks for event files);
    synced: the folders are tbdesk's copies (a running run's metrics may be shown beside them)."""
    root_keys = {run.key for run, _ in roots}
    by_key = {status.key: status for status in statuses}
    kids: dict[RunKey, list[RunSyncStatus]] = {}
    for status in statuses:
        run = status.run
        if children and run.parent_id is not None and status.key not in root_keys:
            kids.setdefault(RunKey(run.source_id, run.parent_id), []).append(status)

    def build(status: RunSyncStatus, name: str, seen: frozenset[RunKey]) -> _Family:
        below = [kid for kid in kids.get(status.key, []) if kid.key not in seen]
        # Unique among siblings first, so the children of two runs both named "a" stay apart.
        names = unique_names(f"{name}/{name_of(kid.run)}" for kid in below)
        family_seen = seen | {status.key}
        members = tuple(build(kid, kid_name, family_seen) for kid, kid_name in zip(below, names, strict=True))
        logs, running = _logs(status)
        empty = running and logs is not None and not has_event_files(logs)
        return _Family(status.run, name, logs, members, snapshot=synced and empty)

    return [build(by_key[run.key], name, frozenset()) for run, name in roots if run.key in by_key]


def _logs(status: RunSyncStatus) -> tuple[Path | None, bool]:
    """The folder to show a run from: one with event files, or the sync folder of a run still
    running (its logs may come later); None when it is to be exported. And whether it runs."""
    if status.folder is None:
        return None, False
    running = status.state in (SyncState.LIVE, SyncState.SYNCING) or (
        status.state is SyncState.ERROR and not status.run.status.is_final  # retried while it runs
    )
    return (status.folder if running or has_event_files(status.folder) else None), running


def _member_names(family: _Family) -> dict[RunKey, str]:
    found = {family.run.key: family.name}
    for kid in family.children:
        found.update(_member_names(kid))
    return found


def _plan(family: _Family, children: bool) -> list[PlannedRun]:
    if not family.has_logs:
        return [PlannedRun(family.name, family.run, None, recursive=children)]
    return [PlannedRun(family.name, family.run, family.logs, snapshot=family.snapshot)] + [
        show for kid in family.children for show in _plan(kid, children)
    ]


async def _export(
    source: Source, shows: Sequence[PlannedRun], progress: ProgressCallback | None, logdir_for: LogdirFor
) -> dict[RunKey, ExportResult]:
    """Export each run into its own log folder; returns each run's export."""
    if not shows:
        return {}
    combined = _CombinedProgress(progress)
    limit = asyncio.Semaphore(PARALLEL_EXPORTS)

    async def one(show: PlannedRun) -> ExportResult:
        async with limit:
            return await export_run(
                source,
                show.run,
                logdir_for(source, show.run),
                recursive=show.recursive,
                progress=combined.callback(show.run.key),
            )

    tasks = [asyncio.ensure_future(one(show)) for show in shows]
    try:
        results = await asyncio.gather(*tasks)
    except BaseException:
        # Nothing may go on exporting after a failure or a cancellation has been reported.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return {result.run.key: result for result in results}


def _running(exported: ExportResult) -> list[ExportResult]:
    """The runs of an export (it and its child runs) that had not ended when it was read: a
    local run logging metrics only, a running job's metrics beside its logs. Not a sweep's trial
    written as a session (appending could show a parameter again as a metric)."""
    found = [] if exported.run.status.is_final or exported.session else [exported]
    return found + [run for child in exported.children for run in _running(child)]


class _CombinedProgress:
    """The progress of several exports as one: runs done and found, summed over all of them."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self._progress = progress
        self._counts: dict[RunKey, tuple[int, int]] = {}

    def callback(self, key: RunKey) -> ProgressCallback:
        def report(update: ExportProgress) -> None:
            self._counts[key] = (update.runs_done, update.runs_total)
            if self._progress is not None:
                done = sum(done for done, _ in self._counts.values())
                total = sum(total for _, total in self._counts.values())
                self._progress(ExportProgress(update.run, update.stage, done, total, update.points))

        return report
