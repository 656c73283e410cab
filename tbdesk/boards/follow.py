"""A running metrics-only run kept live on its board: its new metric points, appended to its
export's event file while it runs (tbdesk.export.follow), round by round.

Each round reads the run's metrics once (the metrics service has no "since": tbdesk.export.follow
tells the new points by their steps) and appends what is new. Rounds come every `policy.fast`
seconds while points arrive, slowing down to `policy.idle` while none do. The live sync tells
when the run has ended (its status checks): one last round then, and no request after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from tbdesk.export import ExportResult
from tbdesk.export.follow import last_steps, new_points
from tbdesk.export.writer import append_metrics
from tbdesk.model import Run
from tbdesk.sources.base import Source, SourceError
from tbdesk.sync import LiveSync, SyncState

log = logging.getLogger(__name__)


class MetricsFollow:
    """Use from the event loop's thread: `start()`, then `stop()` (or it ends with the run)."""

    def __init__(self, source: Source, sync: LiveSync, exported: ExportResult) -> None:
        if exported.events is None:
            raise ValueError(f"The export of {exported.run.name} has no event file to follow.")
        self.source = source
        self.sync = sync
        self.run: Run = exported.run
        self.events: Path = exported.events  # the export's event file, which the board follows
        self.last = dict(exported.steps)
        self.rounds = 0  # metric reads so far
        self.appended = 0  # points appended so far
        self._first_points: list[Callable[[], None]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def following(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._loop())

    def on_first_points(self, callback: Callable[[], None]) -> None:
        """Called on the loop when points are appended for the first time."""
        self._first_points.append(callback)

    def refresh(self) -> None:
        """Read the run's metrics now instead of at the next round."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def wait_finished(self) -> None:
        if self._task is not None:
            await asyncio.shield(self._task)

    def _ended(self) -> bool | None:
        """True once the run has ended, None when the sync no longer follows it."""
        status = self.sync.status(self.run.key)
        if status is None or status.state is SyncState.STOPPED:
            return None
        return status.state is SyncState.UP_TO_DATE or status.run.status.is_final

    async def _loop(self) -> None:
        policy = self.sync.policy
        pause = policy.fast
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=pause)
            self._wake.clear()
            ended = self._ended()
            if ended is None:
                return
            try:
                got = await self.round()
            except (SourceError, OSError) as exc:  # tried again at the next round
                log.warning("Cannot follow the metrics of %s: %s", self.run.name, exc)
                pause = policy.idle
                continue
            if ended:
                return
            pause = policy.fast if got else min(pause * policy.growth, policy.idle)

    async def round(self) -> int:
        """One read of the run's metrics; appends the new points and returns how many."""
        self.rounds += 1
        metrics = await self.source.metrics(self.run)
        fresh = new_points(metrics, self.last)
        if not fresh:
            return 0
        points, notes = await asyncio.to_thread(append_metrics, fresh, self.events)
        for note in notes:
            log.info("%s: %s", self.run.name, note)
        self.last.update(last_steps(fresh))
        first = not self.appended
        self.appended += points
        if first and points:
            for callback in self._first_points:
                callback()
        return points
