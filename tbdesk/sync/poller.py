"""Live sync of a set of runs and their child runs, for as long as they run.

One task polls them all. Each round first (when due) asks for the status of every run tree (one
request per tree), which is also how child runs that appear mid-sweep are found: they join, and
subscribers hear of them. Then it polls the runs' files (one listing per run, plus the bytes that
changed; see engine.py). While data flows the rounds come `fast`; when nothing changed they back
off towards `idle`; `refresh()` runs one at once. A run that has ended gets one last poll and is
then up to date; when every run has, the task ends. A run whose poll fails shows the error and is
tried again after a growing pause; the others go on. So does a run tree whose status check fails
(or whose new child run cannot be given a folder): its root shows the error until a check goes
through. An error nobody foresaw is logged and shown the same way, never the end of the others.

Runs of a local source (the built-in workspace, a log folder) are on this machine already: their
TensorBoard folder is used in place (no copy), and only their status and new child runs are
followed.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tbdesk.model import Run, RunKey, RunStatus
from tbdesk.paths import make_dirs
from tbdesk.sources.base import Source, SourceError
from tbdesk.sync.cache import RunCache
from tbdesk.sync.engine import DEFAULT_PREFIX, FALLBACK_PREFIX, PROBE_EVERY, QUIET, RunSync
from tbdesk.sync.errors import SyncError, disk_error
from tbdesk.sync.remote import AzureRemote, Remote

log = logging.getLogger(__name__)
# How long the first round's other runs wait, at most, for the board that shows the first one.
OTHERS_WAIT_S = 3.0


class SyncState(enum.StrEnum):
    SYNCING = "syncing"  # its first sync is under way
    LIVE = "live"  # the run is active: its files are followed
    UP_TO_DATE = "up to date"  # the run has ended and its last sync is done
    ERROR = "error"  # the last try failed; another comes at retry_at
    STOPPED = "stopped"


@dataclass(frozen=True)
class RunSyncStatus:
    run: Run
    folder: Path | None  # the local folder a board shows; None: a local run without logs yet
    state: SyncState
    bytes_fetched: int = 0
    files: int = 0
    error: str | None = None
    retry_at: float | None = None  # time.time() of the next try after an error
    refused: tuple[str, ...] = ()  # files refused for their paths, and why

    @property
    def key(self) -> RunKey:
        return self.run.key


@dataclass(frozen=True)
class PollPolicy:
    fast: float = 1.0  # seconds between rounds while data flows
    # Longest pause when nothing changes: new data shows within 10 s at worst (this, plus
    # TensorBoard's 2 s reload, plus the fetch) however rarely a run uploads.
    idle: float = 6.0
    growth: float = 2.0  # each quiet round waits this much longer
    tree_active: float = 5.0  # status checks of the run trees while data flows
    tree_idle: float = 30.0  # ... and when nothing changes
    retry_first: float = 2.0  # after an error, then doubling
    retry_max: float = 60.0
    trim_every: float = 10.0  # seconds between cache trims while bytes arrive
    # Growth a file's record does not show (engine.py): while a run is under way, one event file
    # that grew lately is probed at most this often, and one quiet this long no more.
    probe: float = PROBE_EVERY
    quiet: float = QUIET


@dataclass
class _Tracked:
    status: RunSyncStatus
    sync: RunSync | None  # None: a local run, read in place
    ended: bool = False  # the run's status is final
    done: bool = False  # ... and its last sync after that went through
    failures: int = 0
    next_try: float = 0.0  # time.monotonic()
    tree_error: str | None = None  # the status check of the tree this run is the root of failed
    tree_retry_at: float | None = None  # time.time() of its next try


@dataclass
class _Tree:
    root: Run
    checked: float = float("-inf")
    failures: int = 0
    keys: list[RunKey] = field(default_factory=list)


def _defaults_for(source: Source) -> tuple[PollPolicy, int]:
    """The poll policy and downloads at once that suit the source's runs."""
    from tbdesk.sync.cloud import PARALLEL, POLICY

    return (POLICY, PARALLEL) if found_by_logs(source) else (PollPolicy(), 4)


def found_by_logs(source: Source) -> bool:
    """The source's runs are folders of logs, each found by the event files it holds (a cloud
    folder's): the sync takes a run's whole folder, and it has logs before its first sync."""
    from tbdesk.sources.cloud import CloudFolderSource

    return isinstance(source, CloudFolderSource)


def remote_for(source: Source) -> Remote | None:
    """How to fetch the runs of a source; None when its runs are on this machine already."""
    from tbdesk.sources.azure import AzureSource
    from tbdesk.sources.cloud import CloudFolderSource
    from tbdesk.sync.cloud import CloudRemote

    if isinstance(source, CloudFolderSource):
        return CloudRemote(source)
    return AzureRemote(source) if isinstance(source, AzureSource) else None


class LiveSync:
    """Use from the event loop's thread. `start()` does a first sync and returns; polling goes on
    in a task until every run has ended, or until `stop()`. With children=False it follows the
    roots alone: no child run's logs are fetched, and no new child run joins."""

    def __init__(
        self,
        source: Source,
        roots: Sequence[Run],
        *,
        cache: RunCache | None = None,
        prefix: str = DEFAULT_PREFIX,
        policy: PollPolicy | None = None,
        limit: int | None = None,
        remote: Remote | None = None,
        children: bool = True,
    ) -> None:
        self.source = source
        self.children = children  # follow the roots' child runs too (else the roots alone)
        self.prefix = prefix
        default_policy, default_limit = _defaults_for(source)
        self.policy = policy or default_policy
        self.cache = cache or RunCache()
        self._remote = remote if remote is not None else remote_for(source)
        if self._remote is not None and found_by_logs(source):
            self.prefix = ""  # a cloud folder's run is a logs folder itself, as a local one is
        self._trees = [_Tree(root) for root in roots]
        self._runs: dict[RunKey, _Tracked] = {}
        self._limit = asyncio.Semaphore(limit or default_limit)
        self._subscribers: list[Callable[[RunSyncStatus], None]] = []
        self._joined: list[Callable[[RunSyncStatus], None]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._trimmed = float("-inf")
        self._stopped = False
        self._flowing = False  # bytes arrived in the last round
        self._first_synced = asyncio.Event()  # the first run was synced once (or never will be)
        self._others_may_go = asyncio.Event()  # the first round's other runs may be synced

    # ---- the public face
    def subscribe(self, callback: Callable[[RunSyncStatus], None]) -> None:
        """Called on the loop whenever a run's sync status changes."""
        self._subscribers.append(callback)

    def on_run_added(self, callback: Callable[[RunSyncStatus], None]) -> None:
        """Called on the loop when a child run appears after `start()` (a board adds it)."""
        self._joined.append(callback)

    @property
    def statuses(self) -> list[RunSyncStatus]:
        return [tracked.status for tracked in self._runs.values()]

    def status(self, key: RunKey) -> RunSyncStatus | None:
        tracked = self._runs.get(key)
        return tracked.status if tracked else None

    @property
    def finished(self) -> bool:
        """Every run has ended and is up to date: polling is over."""
        task = self._task
        return (
            task is not None
            and task.done()
            and not self._stopped
            and not task.cancelled()
            and task.exception() is None
        )

    async def start(self, *, wait: bool = True) -> list[RunSyncStatus]:
        """Find the runs (and child runs), sync each once, start following them; the statuses
        have each run's local folder. Raises SourceError when the runs cannot be read at all.
        wait=False: the first sync runs in the background instead, at once; the folders exist
        (maybe empty, state SYNCING) on return and fill as the bytes come, so a board can start
        on them meanwhile (TensorBoard picks up new files and runs at each reload)."""
        if self._task is not None:
            return self.statuses
        results = await asyncio.gather(
            *(self._check_tree(tree, now=time.monotonic()) for tree in self._trees)
        )
        if not self._runs and any(isinstance(r, Exception) for r in results):
            raise next(r for r in results if isinstance(r, Exception))
        if wait:
            await self._round(time.monotonic(), first=True)
        self._task = asyncio.ensure_future(self._loop(first=not wait))
        self._task.add_done_callback(self._loop_ended)
        return self.statuses

    async def first_run_synced(self) -> None:
        """Until the first run given (the newest: listings put it first) has been synced once, or
        the first round has ended without it. After start(wait=False): a board started then finds
        that run's files at its first scan of the logs instead of at a reload."""
        await self._first_synced.wait()

    def let_others_go(self) -> None:
        """The first round's other runs may be synced now: the board that waited for the first
        one is up. Until this is called (or OTHERS_WAIT_S has passed), they keep off the store
        and the CPU that the board's first load of the first run needs."""
        self._others_may_go.set()

    def refresh(self) -> None:
        """Poll everything now (errors included) instead of at the next round."""
        for tracked in self._runs.values():
            tracked.next_try = 0.0
        for tree in self._trees:
            tree.checked = float("-inf")
        self._wake.set()

    async def wait_finished(self) -> None:
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        """Stop following the runs (transfers in flight end at their next chunk) and unpin them."""
        if self._stopped:
            return
        self._stopped = True
        self._first_synced.set()
        for tracked in self._runs.values():
            if tracked.sync is not None:
                tracked.sync.cancel()
        if self._task is not None:
            self._task.cancel()
            # Whatever ended the loop (it was logged then), the runs are unpinned all the same.
            await asyncio.gather(self._task, return_exceptions=True)
        for key, tracked in self._runs.items():
            if tracked.sync is not None:
                await asyncio.to_thread(self.cache.unpin, key)
            if not tracked.done:
                self._set(tracked, state=SyncState.STOPPED, retry_at=None)

    # ---- rounds
    async def _loop(self, *, first: bool = False) -> None:
        pause = self.policy.fast
        if first:
            self._flowing = await self._round(time.monotonic(), first=True, head_first=True)
        while not all(tracked.done for tracked in self._runs.values()):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._next_wait(pause))
            self._wake.clear()
            now = time.monotonic()
            due = [tree for tree in self._trees if self._tree_due(tree, now)]
            checks = await asyncio.gather(
                *(self._check_tree(tree, now) for tree in due), return_exceptions=True
            )
            for tree, outcome in zip(due, checks, strict=True):
                if isinstance(outcome, BaseException) and not isinstance(outcome, SourceError):
                    self._tree_failed(tree, now, _unforeseen(outcome, tree.root))
            flowed = self._flowing = await self._round(now)
            pause = self.policy.fast if flowed else min(pause * self.policy.growth, self.policy.idle)

    def _backoff(self, failures: int) -> float:
        """Seconds until the next try after this many failures in a row."""
        return min(self.policy.retry_first * 2.0 ** (failures - 1), self.policy.retry_max)

    def _next_wait(self, pause: float) -> float:
        now = time.monotonic()
        retries = [t.next_try - now for t in self._runs.values() if not t.done and t.failures]
        # A probe coming due (engine.py) wakes the loop, no sooner than a fast round would.
        probes = [
            max(t.sync.probe_due - now, self.policy.fast)
            for t in self._runs.values()
            if not t.done and not t.failures and t.sync is not None and t.sync.probe_due is not None
        ]
        return max(0.0, min([pause, *retries, *probes]))

    async def _round(self, now: float, *, first: bool = False, head_first: bool = False) -> bool:
        """Poll every run that is due; True when bytes arrived. head_first: the first run (the
        newest) alone, then the others; a board waits for that one (first_run_synced), and it
        need not share the store with them."""
        due = [t for t in self._runs.values() if not t.done and (first or t.next_try <= now)]
        first_root = self._runs.get(self._trees[0].root.key) if self._trees else None
        head = [t for t in due if t is first_root] if head_first else []
        polls = [
            *await asyncio.gather(*(self._poll(tracked, now) for tracked in head), return_exceptions=True)
        ]
        self._first_synced.set()
        if head:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._others_may_go.wait(), OTHERS_WAIT_S)
        rest = [tracked for tracked in due if tracked is not first_root or not head]
        due = head + rest  # the order of polls
        polls += await asyncio.gather(*(self._poll(tracked, now) for tracked in rest), return_exceptions=True)
        fetched = 0
        for tracked, outcome in zip(due, polls, strict=True):
            if isinstance(outcome, BaseException):
                self._poll_failed(tracked, _unforeseen(outcome, tracked.status.run))
            else:
                fetched += outcome
        if fetched and time.monotonic() - self._trimmed >= self.policy.trim_every:
            self._trimmed = time.monotonic()
            try:
                evicted = await asyncio.to_thread(self.cache.trim)
            except OSError as exc:  # the cache stays over its limit a while; syncing goes on
                log.warning("Cannot trim the cache of synced runs: %s", exc)
            else:
                if evicted:
                    log.info("Cache over its limit: removed %d runs no board shows.", len(evicted))
        return fetched > 0

    async def _poll(self, tracked: _Tracked, now: float) -> int:
        """One poll of the run's files; the bytes fetched."""
        was_ended = tracked.ended
        changes: dict[str, object] = {}
        fetched = 0
        try:
            if tracked.sync is None:  # in place: nothing to copy
                await self._find_local_folder(tracked)
            else:
                # The round's clock: probes of runs polled together come due together (one wake).
                result = await tracked.sync.poll(probe=not was_ended, final=was_ended, at=now)
                fetched = result.fetched
                changes = {
                    "bytes_fetched": tracked.sync.bytes_fetched,
                    "files": result.files,
                    "refused": result.refused,
                }
        except SourceError as exc:
            self._poll_failed(tracked, str(exc))
            return 0
        tracked.failures = 0
        tracked.done = was_ended
        self._settle(tracked, SyncState.UP_TO_DATE if was_ended else SyncState.LIVE, **changes)
        return fetched

    def _poll_failed(self, tracked: _Tracked, error: str) -> None:
        tracked.failures += 1
        wait = self._backoff(tracked.failures)
        tracked.next_try = time.monotonic() + wait
        self._set(tracked, state=SyncState.ERROR, error=error, retry_at=time.time() + wait)

    def _settle(self, tracked: _Tracked, state: SyncState, **changes: object) -> None:
        """Show a poll that went through: in `state`, unless the status check of the run tree it
        is the root of is failing (that error stays in view until a check goes through)."""
        error, retry_at = tracked.tree_error, tracked.tree_retry_at
        self._set(
            tracked,
            state=state if error is None else SyncState.ERROR,
            error=error,
            retry_at=retry_at,
            **changes,
        )

    async def _find_local_folder(self, tracked: _Tracked) -> None:
        """A local run that had no TensorBoard logs yet may have some now: it then joins."""
        if tracked.status.folder is not None:
            return
        folder = await self.source.tensorboard_dir(tracked.status.run)
        if folder is not None:
            self._set(tracked, folder=folder)
            if self._task is not None:
                for callback in list(self._joined):
                    self._call(callback, tracked.status)

    # ---- run trees
    def _tree_due(self, tree: _Tree, now: float) -> bool:
        if tree.keys and all(self._runs[key].ended for key in tree.keys if key in self._runs):
            return False  # everything in it has ended: no child can appear any more
        if tree.failures:
            wait = self._backoff(tree.failures)
        else:
            wait = self.policy.tree_active if self._flowing else self.policy.tree_idle
        return now - tree.checked >= wait

    async def _check_tree(self, tree: _Tree, now: float) -> Exception | None:
        """Fresh status of the runs of a tree, new ones joining; returns what failed."""
        try:
            runs = await self._fresh_tree(tree.root)
        except SourceError as exc:
            self._tree_failed(tree, now, f"Cannot check the status of {tree.root.name}: {exc}")
            return exc
        failed: SourceError | None = None
        for run in runs:
            tracked = self._runs.get(run.key)
            if tracked is None:
                try:
                    tracked = await self._track(run)
                except SourceError as exc:  # it joins at the next check that goes through
                    if failed is None:
                        failed = exc
                        self._tree_failed(tree, now, f"Cannot follow the run {run.name}: {exc}")
                    continue
                tree.keys.append(run.key)
                if self._task is not None:  # joined after start: the board adds it
                    for callback in list(self._joined):
                        self._call(callback, tracked.status)
            else:
                self._set(tracked, run=run)
            # Every state but the three final ones may still change (a job getting its compute,
            # one that stopped answering for a minute). A status a service says that tbdesk does
            # not know is one of those too; a local source that cannot tell (a log folder) gets
            # one sync, no loop.
            tracked.ended = run.status.is_final or (run.status is RunStatus.UNKNOWN and self._remote is None)
        if failed is not None:
            return failed
        tree.failures = 0
        tree.checked = now
        root = self._runs.get(tree.root.key)
        if root is not None and root.tree_error is not None:
            root.tree_error = root.tree_retry_at = None
            if not root.failures:
                self._settle(root, SyncState.UP_TO_DATE if root.done else SyncState.LIVE)
        return None

    def _tree_failed(self, tree: _Tree, now: float, error: str) -> None:
        """Shown on the tree's root (when it is followed) as an error, with the next try."""
        tree.failures += 1
        tree.checked = now
        root = self._runs.get(tree.root.key)
        if root is None:
            return
        root.tree_error = error
        root.tree_retry_at = time.time() + self._backoff(tree.failures)
        if not root.failures:  # else its poll's error is in view, and this one after it
            self._set(root, state=SyncState.ERROR, error=error, retry_at=root.tree_retry_at)

    async def _fresh_tree(self, root: Run) -> list[Run]:
        if self._remote is not None:
            runs = await self._remote.tree(root)
            return runs if self.children else [run for run in runs if run.key == root.key]
        found = [await self._fresh_local(root)]
        level = list(found) if self.children else []
        while level:
            kids = await asyncio.gather(*(self.source.children(run) for run in level))
            level = [kid for group in kids for kid in group]
            found += level
        return found

    async def _fresh_local(self, run: Run) -> Run:
        from tbdesk.sources.workspace import WorkspaceSource

        if isinstance(self.source, WorkspaceSource):
            source = self.source

            def read() -> Run:
                from tbdesk.local.store import WorkspaceStore

                with WorkspaceStore(source.path, read_only=True) as store:
                    record = store.get_run(run.id)
                return source.to_run(record) if record is not None else run

            try:
                return await asyncio.to_thread(read)
            except Exception as exc:  # the store's own errors and OSError alike
                raise SyncError(f"Cannot read the status of {run.name}: {exc}") from exc
        return run

    async def _track(self, run: Run) -> _Tracked:
        if self._remote is None:
            folder = await self.source.tensorboard_dir(run)
            tracked = _Tracked(RunSyncStatus(run, folder, SyncState.SYNCING), None)
        else:
            try:
                entry = await asyncio.to_thread(self.cache.folder, run.key)
                fallback = FALLBACK_PREFIX if self.prefix == DEFAULT_PREFIX else None
                sync = RunSync(
                    self._remote,
                    run,
                    entry,
                    prefix=self.prefix,
                    fallback=fallback,
                    limit=self._limit,
                    probe_every=self.policy.probe,
                    quiet=self.policy.quiet,
                )
                await asyncio.to_thread(make_dirs, sync.folder)
            except OSError as exc:  # a full disk, most likely
                raise disk_error(exc, self.cache.root) from exc
            await asyncio.to_thread(self.cache.pin, run.key)
            tracked = _Tracked(RunSyncStatus(run, sync.folder, SyncState.SYNCING), sync)
        self._runs[run.key] = tracked
        return tracked

    def _loop_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or task.exception() is None:
            return
        error = task.exception()
        log.error("Live sync stopped on an unexpected error", exc_info=error)
        for tracked in self._runs.values():  # nothing follows them any more: say so
            if not tracked.done:
                self._set(tracked, state=SyncState.ERROR, error=f"Syncing stopped: {error}", retry_at=None)

    # ---- telling
    def _set(self, tracked: _Tracked, **changes: object) -> None:
        status = replace(tracked.status, **changes)  # type: ignore[arg-type]
        if status == tracked.status:
            return
        tracked.status = status
        for callback in list(self._subscribers):
            self._call(callback, status)

    @staticmethod
    def _call(callback: Callable[[RunSyncStatus], None], status: RunSyncStatus) -> None:
        try:
            callback(status)
        except Exception:  # one broken subscriber must not stop the sync of everyone
            log.exception("A sync subscriber failed")


def _unforeseen(exc: BaseException, run: Run) -> str:
    """Log an error nobody foresaw (a bug, most likely) and say it for the user; what is not an
    Exception (cancellation, an interrupt) goes on up."""
    if not isinstance(exc, Exception):
        raise exc
    log.error("Syncing %s failed unexpectedly", run.name, exc_info=exc)
    return f"Syncing {run.name} failed unexpectedly ({type(exc).__name__}: {exc}); it is tried again."
