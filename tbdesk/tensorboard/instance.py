"""`Tensorboard`: the seed's class (azureml.tensorboard.Tensorboard), on tbdesk's boards.

    from tbdesk.tensorboard import Tensorboard
    tb = Tensorboard([run])        # or an experiment, or Tensorboard([], local_root="logs")
    print(tb.start())              # the URL
    tb.stop()

Unlike the seed, it shows child runs, follows running runs live (new steps show within seconds,
new child runs join), picks a free port on request (port=None), fails at once when the port is
taken, serves on loopback behind an unguessable path, cleans up its temporary folder, and never
leaves a TensorBoard behind when Python exits.

An Azure run's `logs/` is followed by a live sync (tbdesk.sync) from before the board starts until
`stop()`: one listing per run per poll, only new bytes fetched. Its files land in the sync's own
layout, `local_root/<run id>-<digest>/files/logs/` (with the sync's ledger in `.sync/` beside
`files/`), not the seed's `local_root/<run id>/logs/`: the ledger makes a later start with the
same local_root fetch only what changed, and the digest keeps runs of different workspaces apart.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import shutil
import tempfile
import webbrowser
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tbdesk import paths
from tbdesk.boards import Board, BoardError, BoardRun, BoardState
from tbdesk.boards.names import safe_part, unique_names
from tbdesk.model import Run, RunKey
from tbdesk.sources.base import Source
from tbdesk.tensorboard import _loop, targets

if TYPE_CHECKING:
    from tbdesk.sync import LiveSync, RunSyncStatus

DEFAULT_PORT = 6006  # the seed's (and TensorBoard's) default
log = logging.getLogger(__name__)


class Tensorboard:
    """A TensorBoard showing runs (and their child runs), or an existing folder of logs.

    runs: a run, a list of runs, or an experiment (its runs), of Azure ML (azureml.core objects)
    or of tbdesk's local workspace; an empty list serves local_root as it is. A local run's
    TensorBoard logs are shown where they are; an Azure run's `logs/` (and its child runs') is
    synced into local_root and followed while the board runs (see above); a run without any has
    its metric history exported into local_root (default: a temporary folder in tbdesk's cache,
    removed by stop()). port: 6006 like the seed; None or 0 for a free one.
    use_display_name: name runs by their display names (else by their ids).
    """

    def __init__(
        self,
        runs: object,
        local_root: str | os.PathLike[str] | None = None,
        port: int | None = DEFAULT_PORT,
        use_display_name: bool = True,
    ) -> None:
        # A copy: the caller's list is never changed, and a generator can be started twice.
        self._runs = list(runs) if isinstance(runs, Iterable) and not isinstance(runs, str | bytes) else runs
        self._local_root = Path(local_root).expanduser().absolute() if local_root is not None else None
        if port is not None and not 0 <= port < 65536:
            raise ValueError(f"A port is between 1 and 65535 (or None or 0 for a free one), not {port}.")
        self._port = port or None
        self._use_display_name = use_display_name
        self._board: Board | None = None
        self._syncs: list[LiveSync] = []  # what feeds the board, on the engine's loop
        self._names: dict[RunKey, str] = {}  # each run's name on the board (for child runs that join)
        self._followed: set[RunKey] = set()  # synced runs the board has (or has decided against)
        self._scratch: Path | None = None
        if self._serves_folder and self._local_root is None:
            raise ValueError("Give runs to show, or local_root: a folder of TensorBoard logs to serve.")

    @property
    def _serves_folder(self) -> bool:
        return isinstance(self._runs, list) and not self._runs

    @property
    def url(self) -> str | None:
        """The URL of the running board, or None."""
        board = self._board
        return board.url if board is not None and board.state is BoardState.READY else None

    @property
    def pid(self) -> int | None:
        """TensorBoard's process id while it runs."""
        board = self._board
        return board.pid if board is not None and board.state is BoardState.READY else None

    def start(self, start_browser: bool = False) -> str:
        """Start TensorBoard (exporting what the runs need first) and return its URL once it
        answers. Raises BoardError with a clear message when it cannot start."""
        if self.url is not None:
            return self.url
        # Resolved here, in the caller's thread: local runs hold that thread's database connection.
        found = [] if self._serves_folder else targets.resolve(self._runs)
        if not self._serves_folder and not found:
            raise BoardError("There are no runs to show: the experiment has none yet.")
        engine = _loop.engine()
        if self._board is not None:  # it crashed: let it go (and what fed it) before starting anew
            self._release(engine)
        board = engine.call(self._open(engine, found))
        assert board.url is not None
        if start_browser:
            webbrowser.open(board.url)
        return board.url

    def stop(self) -> None:
        """Stop syncing, stop TensorBoard, and remove the temporary folder if there is one."""
        if self._board is not None or self._syncs:
            self._release(_loop.engine())
        self._remove_scratch()

    def _release(self, engine: _loop.EngineThread) -> None:
        board, self._board = self._board, None
        syncs, self._syncs = self._syncs, []
        engine.call(engine.release(board, syncs))

    async def _open(self, engine: _loop.EngineThread, found: Sequence[targets.Target]) -> Board:
        if self._port is not None:
            await asyncio.to_thread(_check_port, self._port)
        if self._serves_folder:
            assert self._local_root is not None
            if not self._local_root.is_dir():
                raise BoardError(f"There is no folder {self._local_root} to serve.")
            runs = [BoardRun(self._local_root.name or "logs", self._local_root)]
            self._board = await engine.open_board(runs, port=self._port)
            return self._board
        try:
            runs = await self._board_runs(engine, found)
            self._board = await engine.open_board(runs, port=self._port, live=self._running())
        except BaseException:  # failed or given up: nothing goes on syncing
            syncs, self._syncs = self._syncs, []
            await engine.release(None, syncs)
            raise
        for live in self._syncs:
            live.on_run_added(functools.partial(self._joined, engine, live))
            self._joined_many(engine, live, live.statuses)  # those that joined since the first sync
        return self._board

    def _running(self) -> bool:
        """Some synced run is still active: child runs may join the board."""
        from tbdesk.sync import SyncState

        return any(status.state is SyncState.LIVE for live in self._syncs for status in live.statuses)

    def _joined(self, engine: _loop.EngineThread, live: LiveSync, status: RunSyncStatus) -> None:
        self._joined_many(engine, live, [status])

    def _joined_many(
        self, engine: _loop.EngineThread, live: LiveSync, joined: Sequence[RunSyncStatus]
    ) -> None:
        """Child runs that appeared in a sweep while it runs join the board (on the loop)."""
        board = self._board
        if board is None or live not in self._syncs:
            return  # stopped since (a shared sync keeps calling back for its other users)
        runs = []
        for status in joined:
            if status.key in self._followed:
                continue
            self._followed.add(status.key)
            parent = status.run.parent_id
            above = self._names.get(RunKey(status.key.source_id, parent)) if parent else None
            if status.folder is None or above is None:
                continue
            name = self._names[status.key] = f"{above}/{self._name(status.run)}"
            runs.append(BoardRun(name, status.folder, status.key))
        if runs:
            task = asyncio.ensure_future(engine.manager.add_runs(board, runs))
            task.add_done_callback(_log_failure)

    async def _board_runs(
        self, engine: _loop.EngineThread, found: Sequence[targets.Target]
    ) -> list[BoardRun]:
        from tbdesk.export import export_runs

        names = unique_names(self._name(target.run) for target in found)
        self._names.clear()
        self._followed.clear()
        synced = await self._follow(engine, found)
        planner = _Planner(functools.partial(self._export_root, engine), self._name, synced)
        plans = await asyncio.gather(
            *(
                planner.plan(target.source, target.run, name)
                for target, name in zip(found, names, strict=True)
            )
        )
        shows = [show for plan in plans for show in plan]
        exported: dict[RunKey, Path] = {}
        # One export call per source and kind, one after the other: each call chooses its new
        # folders' names in local_root, and calls running side by side could choose the same.
        for source in {target.source.id: target.source for target in found}.values():
            for recursive in (True, False):
                wanted = [
                    show.run
                    for show in shows
                    if show.logs is None and show.whole_family is recursive and show.source.id == source.id
                ]
                if wanted:
                    root = self._export_root(engine)
                    results = await export_runs(source, wanted, root, recursive=recursive)
                    exported.update((result.run.key, result.folder) for result in results)
        self._names.update((show.run.key, show.name) for show in shows)
        return [BoardRun(show.name, show.logs or exported[show.run.key], show.run.key) for show in shows]

    async def _follow(
        self, engine: _loop.EngineThread, found: Sequence[targets.Target]
    ) -> dict[RunKey, RunSyncStatus]:
        """Start syncing the logs of the runs stored elsewhere (an Azure run's, and its child
        runs') into the local root, one live sync per source; their statuses after the first
        sync. Raises BoardError when a run's logs could not be fetched."""
        from tbdesk.sync import SyncState, remote_for

        roots: dict[str, tuple[Source, list[Run]]] = {}
        for target in found:
            if remote_for(target.source) is not None:
                roots.setdefault(target.source.id, (target.source, []))[1].append(target.run)
        synced: dict[RunKey, RunSyncStatus] = {}
        for source, runs in roots.values():
            live, statuses = await engine.open_sync(source, runs, self._export_root(engine), LOGS_PREFIX)
            self._syncs.append(live)
            synced.update((status.key, status) for status in statuses)
        self._followed.update(synced)
        failed = next((s for s in synced.values() if s.state is SyncState.ERROR), None)
        if failed is not None:
            raise BoardError(f"Could not fetch the TensorBoard logs of {failed.run.name}: {failed.error}")
        return synced

    def _name(self, run: Run) -> str:
        return safe_part(run.name if self._use_display_name else run.id)

    def _export_root(self, engine: _loop.EngineThread) -> Path:
        if self._local_root is not None:
            return self._local_root
        if self._scratch is None:
            parent = paths.cache_dir() / "tensorboard"
            parent.mkdir(parents=True, exist_ok=True)
            self._scratch = Path(tempfile.mkdtemp(prefix="export-", dir=parent))
            engine.at_exit(functools.partial(shutil.rmtree, self._scratch, ignore_errors=True))
        return self._scratch

    def _remove_scratch(self) -> None:
        scratch, self._scratch = self._scratch, None
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class _Show:
    """One run on the board: its own logs, or (logs None) an export of it, alone or with its
    whole family of child runs."""

    name: str
    source: Source
    run: Run
    logs: Path | None
    whole_family: bool = False


LOGS_PREFIX = "logs/"  # where azureml-core's Tensorboard looks for a run's event files


class _Planner:
    """Decides how each run gets onto the board. A run's own logs are shown where they are: in
    place for a local run, in its sync folder for a synced one (an Azure run's `logs/`); logs
    stored with a local run are copied into the local root first; a run without any is exported.
    A run whose whole family lacks logs is exported in one piece, so a sweep's parent and child
    runs land together (and TensorBoard's HPARAMS tab shows the sweep)."""

    def __init__(
        self,
        root: Callable[[], Path],
        name_of: Callable[[Run], str],
        synced: Mapping[RunKey, RunSyncStatus],
    ) -> None:
        self._root = root
        self._name_of = name_of
        self._synced = synced
        self._found: dict[RunKey, Path | bool] = {}
        self._children: dict[RunKey, list[Run]] = {}

    async def plan(self, source: Source, run: Run, name: str) -> list[_Show]:
        logs = await self._logs(source, run)
        children = await self.children(source, run)
        if logs is None and not await self._any_logs(source, children):
            return [_Show(name, source, run, None, whole_family=True)]
        child_names = unique_names(self._name_of(child) for child in children)
        plans = await asyncio.gather(
            *(
                self.plan(source, child, f"{name}/{child_name}")
                for child, child_name in zip(children, child_names, strict=True)
            )
        )
        return [_Show(name, source, run, logs)] + [show for plan in plans for show in plan]

    async def _logs(self, source: Source, run: Run) -> Path | None:
        """The run's local folder of event files, downloading them first if they are stored with it."""
        found = await self._where(source, run)
        if not isinstance(found, bool):
            return found
        if not found:
            return None
        from tbdesk.export.names import safe_folder_name

        dest = self._root() / safe_folder_name(run.id)
        await source.fetch_files(run, dest, LOGS_PREFIX)
        return dest / LOGS_PREFIX.rstrip("/")

    async def _where(self, source: Source, run: Run) -> Path | bool:
        """A local folder of the run's logs, True when they are among its stored files, else False."""
        found = self._found.get(run.key)
        if found is None:
            found = self._found[run.key] = await self._look(source, run)
        return found

    async def _look(self, source: Source, run: Run) -> Path | bool:
        synced = self._synced.get(run.key)
        if synced is not None:  # its first sync is done: what it has is here
            folder = synced.folder
            if folder is not None and await asyncio.to_thread(_has_event_files, folder):
                return folder
            return False
        folder = await source.tensorboard_dir(run)
        if folder is not None:
            return folder
        stored = await source.files(run, LOGS_PREFIX)
        return any(_is_event_file(file.path) for file in stored)

    async def children(self, source: Source, run: Run) -> list[Run]:
        if run.key in self._synced:  # the sync knows the whole tree already
            kids = [s.run for s in self._synced.values() if s.run.parent_id == run.id]
            return sorted(kids, key=lambda kid: -(kid.number or 0))  # newest first, as sources list
        if run.has_children is False:
            return []
        children = self._children.get(run.key)
        if children is None:
            children = self._children[run.key] = await source.children(run)
        return children

    async def _any_logs(self, source: Source, runs: Sequence[Run]) -> bool:
        for run in runs:
            if await self._where(source, run) is not False:
                return True
            if await self._any_logs(source, await self.children(source, run)):
                return True
        return False


def _is_event_file(path: str) -> bool:
    return "tfevents" in path.rpartition("/")[2]


def _has_event_files(folder: Path) -> bool:
    return any(_is_event_file(path.name) for path in folder.rglob("*") if path.is_file())


def _log_failure(task: asyncio.Future[tuple[BoardRun, ...]]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("Could not add a new child run to the board", exc_info=task.exception())


def _check_port(port: int) -> None:
    """Fail at once, before any export, when the port is taken, saying by whom if we can tell."""
    from tbdesk.boards.discovery import discover
    from tbdesk.boards.probe import port_is_free
    from tbdesk.boards.process import HOST

    if port_is_free(port, HOST):
        return
    holder = next((board for board in discover() if board.port == port), None)
    who = f" by a TensorBoard (pid {holder.pid}, serving {holder.logdir})" if holder else ""
    raise BoardError(
        f"Port {port} is already in use{who}. Pass port=None (or 0) to Tensorboard(...) for a free "
        "port, or stop what uses it."
    )
