"""`Tensorboard`: the seed's class (azureml.tensorboard.Tensorboard), on tbdesk's boards.

    from tbdesk.tensorboard import Tensorboard
    tb = Tensorboard([run])        # or an experiment, or Tensorboard([], local_root="logs")
    print(tb.start())              # the URL
    tb.stop()

Unlike the seed, it shows child runs, picks a free port on request (port=None), fails at once when
the port is taken, serves on loopback behind an unguessable path, cleans up its temporary folder,
and never leaves a TensorBoard behind when Python exits.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import tempfile
import webbrowser
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tbdesk import paths
from tbdesk.boards import Board, BoardError, BoardRun, BoardState
from tbdesk.boards.names import safe_part, unique_names
from tbdesk.model import Run, RunKey
from tbdesk.sources.base import Source
from tbdesk.tensorboard import _loop, targets

DEFAULT_PORT = 6006  # the seed's (and TensorBoard's) default


class Tensorboard:
    """A TensorBoard showing runs (and their child runs), or an existing folder of logs.

    runs: a run, a list of runs, or an experiment (its runs), of Azure ML (azureml.core objects)
    or of tbdesk's local workspace; an empty list serves local_root as it is. A local run's
    TensorBoard logs are shown where they are; an Azure run's `logs/` is downloaded into
    local_root/<run id>/ first; a run without any has its metric history exported into local_root
    (default: a temporary folder in tbdesk's cache, removed by stop()). port: 6006 like the seed;
    None or 0 for a free one.
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
        if self._board is not None:  # it crashed: let it go before starting anew
            engine.call(engine.release_board(self._board))
            self._board = None
        board = engine.call(self._open(engine, found))
        self._board = board
        assert board.url is not None
        if start_browser:
            webbrowser.open(board.url)
        return board.url

    def stop(self) -> None:
        """Stop TensorBoard, and remove the temporary folder of exports if there is one."""
        board, self._board = self._board, None
        if board is not None:
            engine = _loop.engine()
            engine.call(engine.release_board(board))
        self._remove_scratch()

    async def _open(self, engine: _loop.EngineThread, found: Sequence[targets.Target]) -> Board:
        if self._port is not None:
            await asyncio.to_thread(_check_port, self._port)
        if self._serves_folder:
            assert self._local_root is not None
            if not self._local_root.is_dir():
                raise BoardError(f"There is no folder {self._local_root} to serve.")
            runs = [BoardRun(self._local_root.name or "logs", self._local_root)]
        else:
            runs = await self._board_runs(engine, found)
        return await engine.open_board(runs, port=self._port)

    async def _board_runs(
        self, engine: _loop.EngineThread, found: Sequence[targets.Target]
    ) -> list[BoardRun]:
        from tbdesk.export import export_runs

        names = unique_names(self._name(target.run) for target in found)
        planner = _Planner(functools.partial(self._export_root, engine), self._name)
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
        return [BoardRun(show.name, show.logs or exported[show.run.key], show.run.key) for show in shows]

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
    """Decides how each run gets onto the board. A run's own logs are shown where they are; logs
    stored with the run (an Azure run's `logs/`) are downloaded into the local root first; a run
    without any is exported. A run whose whole family lacks logs is exported in one piece, so a
    sweep's parent and child runs land together (and TensorBoard's HPARAMS tab shows the sweep)."""

    def __init__(self, root: Callable[[], Path], name_of: Callable[[Run], str]) -> None:
        self._root = root
        self._name_of = name_of
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
            folder = await source.tensorboard_dir(run)
            if folder is not None:
                found = folder
            else:
                stored = await source.files(run, LOGS_PREFIX)
                found = any(_is_event_file(file.path) for file in stored)
            self._found[run.key] = found
        return found

    async def children(self, source: Source, run: Run) -> list[Run]:
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
