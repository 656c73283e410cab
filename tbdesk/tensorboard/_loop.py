"""The Python API's engine room: a private asyncio loop in a daemon thread that owns the boards
and the live syncs feeding them.

The API is called from plain scripts and from notebooks, whose own loop is already running (so
`asyncio.run` is not an option there). Every coroutine of the engine runs on this one loop instead,
and the caller's thread waits for it. The thread lives as long as the process: TensorBoard is
spawned from it, and the kernel's PDEATHSIG (which ends a board when tbdesk dies, even by SIGKILL)
fires when the spawning *thread* ends, not the process. On a normal exit every sync is stopped,
then every board.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures.thread  # noqa: F401 - imported for its exit hook, which ours must precede
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tbdesk.boards import Board, BoardManager, BoardRun
from tbdesk.model import Run, RunKey

if TYPE_CHECKING:
    from tbdesk.boards.prepare import LiveRuns
    from tbdesk.sources.base import Source
    from tbdesk.sync import LiveSync, RunSyncStatus

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP_TIMEOUT_S = 15.0  # at exit: TensorBoard gets 5 s to end gracefully, then SIGKILL
# A Tensorboard's folder (the user's local_root, or its temporary one) holds what it shows: the
# sync never evicts runs from it.
_NEVER_EVICT = 2**63


@dataclass
class _SharedSync:
    """A live sync of run trees into one folder, and how many Tensorboard objects use it."""

    live: LiveSync
    cache_root: Path | None  # None: runs read in place
    roots: frozenset[RunKey]
    started: asyncio.Future[list[RunSyncStatus]]  # its first sync
    users: int = 1

    async def stop(self) -> None:
        if not self.started.done():
            self.started.cancel()
            await asyncio.wait([self.started])  # its end, whatever it is, without raising it
        await self.live.stop()


class EngineThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.manager = BoardManager()
        self._users: dict[str, int] = {}  # board id -> how many Tensorboard objects use it
        self._syncs: list[_SharedSync] = []
        self._exit_hooks: list[Callable[[], None]] = []
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="tbdesk-boards", daemon=True)
        self._thread.start()
        ready.wait()

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(ready.set)
        self.loop.run_forever()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run coro on the loop and wait for its result in this thread. Interrupted (Ctrl+C in a
        script, the stop button of a notebook), it cancels the coroutine before re-raising."""
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("tbdesk's Python API cannot be called from its own event loop.")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    async def open_board(self, runs: Sequence[BoardRun], port: int | None, *, live: bool = False) -> Board:
        """A board for one user. The manager hands out the live board that shows the same runs
        (one TensorBoard is enough), so boards are counted: the last user's release stops it.
        live: runs may join it while it runs (child runs of a synced sweep)."""
        board = await self.manager.open(runs, port=port, live=live)
        self._users[board.id] = self._users.get(board.id, 0) + 1
        return board

    async def release_board(self, board: Board) -> None:
        users = self._users.pop(board.id, 1) - 1
        if users > 0:
            self._users[board.id] = users
        else:
            await self.manager.stop(board)

    async def open_sync(
        self, source: Source, roots: Sequence[Run], cache_root: Path | None, prefix: str
    ) -> LiveSync:
        """A live sync of the runs (and their child runs), its first sync done (under way for runs
        found by their logs, a cloud folder's: a board shows them as they fill): the logs of runs
        stored elsewhere come into cache_root (None: the source's runs are on this machine). The
        same runs synced into the same folder share one sync (a notebook cell run twice): two
        syncs of one run into one folder would both append its new bytes."""
        from tbdesk.sync import LiveSync, RunCache, found_by_logs

        wanted = frozenset(run.key for run in roots)
        for shared in self._syncs:
            if (
                shared.roots == wanted
                and shared.cache_root == cache_root
                and shared.live.source.id == source.id
            ):
                shared.users += 1
                return await self._join(shared)
        cache = RunCache(cache_root, limit=_NEVER_EVICT) if cache_root is not None else None
        live = LiveSync(source, roots, cache=cache, prefix=prefix)
        # Listed before its first sync is done: a second caller meanwhile joins it.
        # Runs found by their logs (a cloud folder's) fill their folders while the board starts.
        started = asyncio.ensure_future(live.start(wait=not found_by_logs(source)))
        shared = _SharedSync(live, cache_root, wanted, started)
        self._syncs.append(shared)
        return await self._join(shared)

    async def _join(self, shared: _SharedSync) -> LiveSync:
        try:
            # Shielded: one caller giving up must not cancel the start another one waits for.
            await asyncio.shield(shared.started)
        except BaseException:
            await self.release_sync(shared.live)
            raise
        return shared.live

    async def release_sync(self, live: LiveSync) -> None:
        """One user fewer; the last one's release stops the sync."""
        shared = next((s for s in self._syncs if s.live is live), None)
        if shared is None:
            return
        shared.users -= 1
        if shared.users <= 0:
            self._syncs.remove(shared)
            await shared.stop()

    async def release(self, board: Board | None, feeds: Sequence[LiveRuns]) -> None:
        """Release what a Tensorboard object holds: its feeds (no more runs join its board, and
        their syncs have one user fewer), then its board (no more fetches for a board that is
        going away)."""
        for feed in feeds:
            feed.detach()
            await self.release_sync(feed.sync)
        if board is not None:
            await self.release_board(board)

    async def _stop_everything(self) -> None:
        syncs, self._syncs = self._syncs, []
        results = await asyncio.gather(*(shared.stop() for shared in syncs), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                log.error("Could not stop a live sync at exit", exc_info=result)
        await self.manager.stop_all()

    def at_exit(self, hook: Callable[[], None]) -> None:
        """Run hook (blocking work, in the exiting thread) after the boards are stopped at exit."""
        self._exit_hooks.append(hook)

    def shutdown(self) -> None:
        """Stop every sync, then every board, and run the exit hooks; the loop keeps running (it
        is a daemon's)."""
        if self._thread.is_alive():
            try:
                self.call(self._stop_everything(), _STOP_TIMEOUT_S)
            except Exception:
                log.exception("Could not stop every TensorBoard at exit")
        for hook in self._exit_hooks:
            try:
                hook()
            except Exception:
                log.exception("An exit hook of tbdesk.tensorboard failed")
        self._exit_hooks.clear()


_engine: EngineThread | None = None
_lock = threading.Lock()


def engine() -> EngineThread:
    """The process's engine thread, started on first use."""
    global _engine  # noqa: PLW0603 - one per process, made lazily so that importing starts nothing
    with _lock:
        if _engine is None:
            _engine = EngineThread()
            _register_exit(_engine.shutdown)
        return _engine


def _register_exit(hook: Callable[[], None]) -> None:
    """Run hook when the interpreter exits normally.

    Stopping a board needs worker threads (the manager removes its files with asyncio.to_thread),
    and by the time `atexit` handlers run, concurrent.futures already refuses new work. Threading's
    own exit hooks run earlier, in reverse order of registration, so ours (registered after
    concurrent.futures.thread's) runs while the executor still works. That hook is CPython-internal:
    without it, fall back to atexit.
    """
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        with contextlib.suppress(RuntimeError):  # already shutting down: atexit is all we have
            register(hook)
            return
    atexit.register(hook)
