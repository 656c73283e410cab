"""The boards of this app: start one per set of runs, reuse it, watch it, restart and stop it; add
runs to a board while it runs (child runs that join a live sweep), and stop what feeds a board
(its live sync) before the board itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tbdesk import paths
from tbdesk.boards import registry
from tbdesk.boards.board import Board, BoardError, BoardRun, BoardState
from tbdesk.boards.links import has_merged_runs, lay_out, remove_folder
from tbdesk.boards.names import unique_names
from tbdesk.boards.probe import port_is_free
from tbdesk.boards.process import (
    CHECK_TIMEOUT_S,
    HOST,
    RELOAD_INTERVAL_S,
    TensorBoardProcess,
    check_process,
    describe_exit,
)

log = logging.getLogger(__name__)

_Identity = frozenset[tuple[str, object]]
# A board in these states has a TensorBoard that served once; it can crash or stop answering.
_SERVING = (BoardState.READY, BoardState.NOT_RESPONDING)
# A TensorBoard started ahead (warm) that no board took by then is stopped: the Open it was started
# for failed (an unreachable store, a run without logs), or takes very long (a new one starts then).
SPARE_LIFETIME_S = 120.0


class BoardManager:
    """Owns the TensorBoard processes of this app. Use from the event loop's thread only."""

    def __init__(self, root: Path | None = None) -> None:
        self._root = root if root is not None else paths.cache_dir() / "boards"
        self._boards: dict[str, Board] = {}
        self._processes: dict[str, TensorBoardProcess] = {}
        self._prefixes: dict[str, str] = {}  # kept across restarts, so a board keeps its URL
        self._starts: dict[str, asyncio.Task[None]] = {}
        self._watchers: dict[str, list[asyncio.Task[None]]] = {}
        self._subscribers: list[Callable[[Board], None]] = []
        self._asked: dict[str, _Identity] = {}  # what open() was asked for: reuse keys on it
        self._live: set[str] = set()  # boards whose runs may gain child runs (see links.py)
        self._stoppers: dict[str, list[Callable[[], Awaitable[None]]]] = {}
        self._link_locks: dict[str, asyncio.Lock] = {}
        self._spare: _Spare | None = None  # a TensorBoard started ahead of the next new board

    @property
    def root(self) -> Path:
        return self._root

    @property
    def boards(self) -> list[Board]:
        return list(self._boards.values())

    def subscribe(self, callback: Callable[[Board], None]) -> None:
        """Call back on every state change of any board, on the event loop."""
        self._subscribers.append(callback)

    def find(self, runs: Sequence[BoardRun], *, port: int | None = None) -> Board | None:
        """The live board that `open(runs)` would reuse: one opened for exactly these runs (runs
        added to it since do not count)."""
        identity = _identity(_normalise(runs))
        for board in self._boards.values():
            if (
                board.state.is_live
                and self._asked.get(board.id) == identity
                and port in (None, board.requested_port, board.port)
            ):
                return board
        return None

    async def open(
        self,
        runs: Sequence[BoardRun],
        *,
        port: int | None = None,
        title: str | None = None,
        live: bool = False,
    ) -> Board:
        """A ready board showing exactly these runs: a live one if there is one, else a new one.
        live: its runs may gain child runs while it runs (`add_runs`), laid out for that."""
        wanted = _normalise(runs)
        existing = self.find(wanted, port=port)
        if existing is not None:
            await self._until_ready(existing)
            return existing
        spare = self._spare
        board_id = spare.board_id if spare is not None and spare.port == port else secrets.token_hex(6)
        board = Board(
            id=board_id,
            title=title or _title(wanted),
            runs=wanted,
            folder=self._root / board_id,
            requested_port=port,
        )
        self._boards[board.id] = board
        self._asked[board.id] = _identity(wanted)
        if live:
            self._live.add(board.id)
        await self._launch(board, port)
        return board

    def warm(self, *, port: int | None = None) -> None:
        """Start the TensorBoard of the next new board now: it loads (about a second), and where
        it can starts serving, while the caller still finds and fetches the runs; `open()` with
        the same port takes it. One at a time; `stop_all()` ends one left unused, and one left
        unused for SPARE_LIFETIME_S ends by itself."""
        if self._spare is None:
            board_id = secrets.token_hex(6)
            task = asyncio.ensure_future(_configured(self._root / board_id, port, None))
            spare = self._spare = _Spare(task, port, board_id)
            asyncio.get_running_loop().call_later(SPARE_LIFETIME_S, self._expire, spare)

    def _expire(self, spare: _Spare) -> None:
        if self._spare is spare:
            self._spare = None
            asyncio.ensure_future(_end_spare(spare)).add_done_callback(
                _log_failure("an unused warm TensorBoard")
            )

    async def _process_for(self, board: Board, port: int | None, prefix: str | None) -> TensorBoardProcess:
        """The board's configured TensorBoard: the warm one made for it, else a new one."""
        spare = self._spare
        if spare is not None and spare.board_id == board.id:
            self._spare = None
            return await spare.task
        return await _configured(board.folder, port, prefix)

    async def add_runs(self, board: Board, runs: Sequence[BoardRun]) -> tuple[BoardRun, ...]:
        """Show more runs on a board without restarting it: each gets a link in the board's folder,
        which TensorBoard picks up at its next reload. Names are made unique among the board's;
        a run (by key) or folder the board shows already is left out. Returns the runs added."""
        if board.id not in self._boards or not runs:
            return ()
        async with self._link_lock(board):
            shown_keys = {run.key for run in board.runs if run.key is not None}
            shown_paths = {run.path for run in board.runs}
            new = [
                run for run in _normalise(runs) if run.key not in shown_keys and run.path not in shown_paths
            ]
            if not new or board.id not in self._boards:
                return ()
            names = unique_names([*(run.name for run in board.runs), *(run.name for run in new)])
            added = tuple(
                BoardRun(name, run.path, run.key)
                for name, run in zip(names[len(board.runs) :], new, strict=True)
            )
            board.runs = (*board.runs, *added)
            if board.state.is_live:
                links = [(run.name, run.path) for run in board.runs]
                await asyncio.to_thread(lay_out, board.folder, links, entry_by_entry=board.id in self._live)
        return added

    def attach(self, board: Board, stop: Callable[[], Awaitable[None]]) -> None:
        """Something that feeds the board (a live sync): `stop()` is awaited when the board stops,
        before TensorBoard is ended (also by `stop_all` at quit). A board stopped already stops it
        at once."""
        if board.id in self._boards:
            self._stoppers.setdefault(board.id, []).append(stop)
        else:
            task = asyncio.ensure_future(stop())
            task.add_done_callback(_log_failure("what fed a stopped board"))

    async def restart(self, board: Board) -> Board:
        """Start the board's TensorBoard again (after a crash, or to recover a stuck one). It keeps
        its URL when its port is still free."""
        if board.id not in self._boards:
            raise BoardError(f"The board '{board.title}' was stopped; open its runs again.")
        await self._end_process(board)
        port = board.requested_port
        if port is None and board.port is not None and port_is_free(board.port, HOST):
            port = board.port
        await self._launch(board, port, prefix=self._prefixes.get(board.id), keep_on_failure=True)
        return board

    async def check(self, board: Board, timeout: float = CHECK_TIMEOUT_S) -> bool:
        """Ask the board's TensorBoard for its runs (which also asks its data server), and mark it
        NOT_RESPONDING with the reason when it does not answer in time or answers with an error,
        or READY again once it answers. Returns whether it answered. The window calls it at an
        interval while the board's tab is visible, and when the page is reloaded."""
        process = self._processes.get(board.id)
        if process is None or board.state not in _SERVING:
            return False
        problem = await check_process(process, timeout)
        if self._processes.get(board.id) is not process or board.state not in _SERVING:
            return False  # stopped, crashed or restarted meanwhile: those say more
        if problem is None:
            if board.state is BoardState.NOT_RESPONDING:
                board.error = None
                self._set_state(board, BoardState.READY)
            return True
        if board.state is not BoardState.NOT_RESPONDING or board.error != problem:
            board.error = problem
            self._set_state(board, BoardState.NOT_RESPONDING)
        return False

    async def stop(self, board: Board) -> None:
        """Stop the board's TensorBoard (gracefully, then forcefully) and forget the board."""
        if board.id not in self._boards:
            return
        self._set_state(board, BoardState.STOPPING)
        await self._stop_feeds(board)
        await self._end_process(board)
        await asyncio.to_thread(remove_folder, board.folder)
        self._forget(board)
        board.url = None
        if board.state is not BoardState.STOPPED:
            self._set_state(board, BoardState.STOPPED)

    async def stop_all(self) -> None:
        spare, self._spare = self._spare, None
        await asyncio.gather(*(self.stop(board) for board in self.boards), _end_spare(spare))

    async def _stop_feeds(self, board: Board) -> None:
        for stop in self._stoppers.pop(board.id, []):
            try:
                await stop()
            except Exception:  # the board stops all the same
                log.exception("Stopping what feeds the board '%s' failed", board.title)

    def _forget(self, board: Board) -> None:
        self._boards.pop(board.id, None)
        self._prefixes.pop(board.id, None)
        self._asked.pop(board.id, None)
        self._link_locks.pop(board.id, None)
        self._live.discard(board.id)

    def _link_lock(self, board: Board) -> asyncio.Lock:
        return self._link_locks.setdefault(board.id, asyncio.Lock())

    async def _launch(
        self, board: Board, port: int | None, prefix: str | None = None, keep_on_failure: bool = False
    ) -> None:
        board.error = None
        board.url = board.pid = board.started_at = None
        self._set_state(board, BoardState.STARTING)
        start = asyncio.ensure_future(self._start(board, port, prefix, keep_on_failure))
        self._starts[board.id] = start
        try:
            await start
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # our caller gave up
            raise BoardError(f"The board '{board.title}' was stopped before it was ready.") from None
        finally:
            self._starts.pop(board.id, None)

    async def _start(self, board: Board, port: int | None, prefix: str | None, keep_on_failure: bool) -> None:
        links = [(run.name, run.path) for run in board.runs]
        live = board.id in self._live
        try:
            async with self._link_lock(board):
                await asyncio.to_thread(_check_and_lay_out, board, links, live)
            process = await self._process_for(board, port, prefix)
            await process.serve()
        except BaseException as error:
            # A new board that never served is not kept (the caller gets the error); a board that
            # failed to restart stays, FAILED, for the user to see and retry or stop.
            if not keep_on_failure or not isinstance(error, BoardError | OSError):
                self._forget(board)
                await self._stop_feeds(board)
                await asyncio.to_thread(remove_folder, board.folder)
            board.error = str(error) if isinstance(error, BoardError) else None
            failed = isinstance(error, BoardError | OSError)
            self._set_state(board, BoardState.FAILED if failed else BoardState.STOPPED)
            if isinstance(error, OSError):
                raise BoardError(f"Could not start TensorBoard: {error}") from error
            raise
        self._processes[board.id] = process
        self._prefixes[board.id] = process.prefix
        board.pid, board.port, board.url = process.pid, process.port, process.url
        board.started_at = time.time()
        assert process.port is not None
        # Not in a thread: no await may come between a started process and its bookkeeping,
        # or a cancellation there would leave it running unseen. It is one small file.
        registry.add(board.id, process.pid, process.port, board.folder, process.private_dir)
        board.network_exposure = process.network_exposure
        watchers = [asyncio.ensure_future(self._watch(board, process))]
        if live or has_merged_runs(links):
            watchers.append(asyncio.ensure_future(self._keep_linking(board)))
        self._watchers[board.id] = watchers
        self._set_state(board, BoardState.READY)

    async def _until_ready(self, board: Board) -> None:
        start = self._starts.get(board.id)
        if start is not None:
            # Shielded: a second caller giving up must not cancel the first caller's start.
            try:
                await asyncio.shield(start)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
                raise BoardError(f"The board '{board.title}' was stopped before it was ready.") from None

    async def _watch(self, board: Board, process: TensorBoardProcess) -> None:
        code = await process.wait()
        if self._processes.get(board.id) is not process or board.state not in _SERVING:
            return  # we are stopping it
        self._processes.pop(board.id, None)
        for task in self._watchers.pop(board.id, []):
            if task is not asyncio.current_task():
                task.cancel()
        await asyncio.to_thread(registry.remove, board.id)
        await process.stop()  # ended already: this only removes its private folder
        board.error = (
            f"TensorBoard exited unexpectedly ({describe_exit(code)}).\n{process.last_lines()}".rstrip()
        )
        board.url = None
        self._set_state(board, BoardState.CRASHED)

    async def _end_process(self, board: Board) -> None:
        start = self._starts.get(board.id)
        if start is not None and not start.done():
            start.cancel()
            with contextlib.suppress(asyncio.CancelledError, BoardError):
                await start
        for task in self._watchers.pop(board.id, []):
            task.cancel()
        process = self._processes.pop(board.id, None)
        if process is not None:
            await process.stop()
            await asyncio.to_thread(registry.remove, board.id)

    async def _keep_linking(self, board: Board) -> None:
        """Link what appears later in the logs folder of a run shown entry by entry (see links.py)."""
        while True:
            await asyncio.sleep(RELOAD_INTERVAL_S)
            links = [(run.name, run.path) for run in board.runs]
            async with self._link_lock(board):
                await asyncio.to_thread(lay_out, board.folder, links, entry_by_entry=board.id in self._live)

    def _set_state(self, board: Board, state: BoardState) -> None:
        board.state = state
        for callback in list(self._subscribers):
            try:
                callback(board)
            except Exception:
                log.exception("A board subscriber failed")


@dataclass(frozen=True)
class _Spare:
    """A TensorBoard started ahead (BoardManager.warm), configured for the board it will be."""

    task: asyncio.Task[TensorBoardProcess]
    port: int | None
    board_id: str


async def _configured(folder: Path, port: int | None, prefix: str | None) -> TensorBoardProcess:
    process = await TensorBoardProcess.spawn(port)
    await process.configure(folder, prefix=prefix)
    return process


async def _end_spare(spare: _Spare | None) -> None:
    """Stop a warm TensorBoard no board took (one that failed to start has nothing to stop)."""
    if spare is not None:
        with contextlib.suppress(BoardError, OSError):
            await (await spare.task).stop()


def _log_failure(what: str) -> Callable[[asyncio.Future[None]], None]:
    """A done-callback that logs the stop of `what` if it failed (no one awaits that task)."""

    def logged(task: asyncio.Future[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("Stopping %s failed", what, exc_info=task.exception())

    return logged


def _normalise(runs: Sequence[BoardRun]) -> tuple[BoardRun, ...]:
    if not runs:
        raise BoardError("Choose at least one run to show in TensorBoard.")
    names = unique_names(run.name for run in runs)
    return tuple(
        BoardRun(name, run.path.expanduser().absolute(), run.key)
        for name, run in zip(names, runs, strict=True)
    )


def _identity(runs: Sequence[BoardRun]) -> _Identity:
    return frozenset((str(run.path), run.key) for run in runs)


def _check_and_lay_out(board: Board, links: list[tuple[str, Path]], live: bool) -> None:
    """Check the runs' folders and link them into the board's folder (one trip to a thread: the
    live sync's threads fill the cache meanwhile, and each trip waits its turn)."""
    for run in board.runs:
        if not run.path.is_dir():
            raise BoardError(f"The logs folder of run '{run.name}' does not exist: {run.path}")
    lay_out(board.folder, links, entry_by_entry=live)


def _title(runs: Sequence[BoardRun]) -> str:
    if len(runs) == 1:
        return runs[0].name
    shown = ", ".join(run.name for run in runs[:2])
    return f"{shown} +{len(runs) - 2}" if len(runs) > 2 else shown
