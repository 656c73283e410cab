"""Live syncs in the window: which syncs feed which board, and how their state reads - a line per
run (the tree's tooltip) and a summary per board (the strip above its dashboard)."""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from shiboken6 import Shiboken

from tbdesk.boards import Board
from tbdesk.model import Run, RunKey
from tbdesk.sources.base import Source
from tbdesk.sync import RunSyncStatus, SyncState
from tbdesk.ui.locale_text import counts
from tbdesk.ui.locale_text import size as byte_size

if TYPE_CHECKING:
    from tbdesk.boards.prepare import LiveRuns  # with the export engine: loaded with the first board

# What the user asked a board for: its runs (by key) and the logs prefix. Opening the same again
# shows that board, even after child runs joined it.
Asked = tuple[frozenset[RunKey], str]


def asked(items: Iterable[tuple[Source, Run]], prefix: str) -> Asked:
    return frozenset(run.key for _, run in items), prefix


def _retry_text(status: RunSyncStatus, now: float) -> str:
    if status.retry_at is None:
        return ""
    return QCoreApplication.translate("SyncStatus", " - retrying in {0} s").format(
        max(0, math.ceil(status.retry_at - now))
    )


def run_line(status: RunSyncStatus, now: float | None = None) -> str:
    """A run's sync state in a few words: 'Live: 3 files, 1.2 MB fetched'."""
    now = time.time() if now is None else now
    translate = QCoreApplication.translate
    fetched = translate("SyncStatus", "{0}, {1} fetched").format(
        counts().files(status.files), byte_size(status.bytes_fetched)
    )
    line = {
        SyncState.SYNCING: translate("SyncStatus", "Syncing…"),
        SyncState.LIVE: translate("SyncStatus", "Live: {0}").format(fetched),
        SyncState.UP_TO_DATE: translate("SyncStatus", "Up to date: {0}").format(fetched),
        SyncState.STOPPED: translate("SyncStatus", "Sync stopped"),
        SyncState.ERROR: translate("SyncStatus", "Error: {0}").format(status.error)
        + _retry_text(status, now),
    }[status.state]
    if status.refused:
        refused = "; ".join(status.refused[:3]) + (" …" if len(status.refused) > 3 else "")
        line += "\n" + translate("SyncStatus", "Refused: {0}").format(refused)
    return line


@dataclass(frozen=True)
class SyncSummary:
    text: str  # "Live - 3 runs, 1.2 MB fetched"
    tooltip: str  # a line per run
    error: bool


def summarize(statuses: Sequence[RunSyncStatus], now: float | None = None) -> SyncSummary | None:
    """A board's syncs in one line; None when nothing feeds it."""
    if not statuses:
        return None
    now = time.time() if now is None else now
    translate = QCoreApplication.translate
    fetched = translate("SyncStatus", "{0}, {1} fetched").format(
        counts().runs(len(statuses)), byte_size(sum(s.bytes_fetched for s in statuses))
    )
    errors = [status for status in statuses if status.state is SyncState.ERROR]
    states = {status.state for status in statuses}
    if errors:
        first = errors[0]
        text = translate("SyncStatus", "Error: {0}").format(
            f"{first.run.name or first.run.id}: {first.error}"
        ) + _retry_text(first, now)
    elif states & {SyncState.LIVE, SyncState.SYNCING}:
        text = translate("SyncStatus", "Live - {0}").format(fetched)
    elif states == {SyncState.STOPPED}:
        text = translate("SyncStatus", "Sync stopped")
    else:
        text = translate("SyncStatus", "Up to date - {0}").format(fetched)
    tooltip = "\n".join(f"{s.run.name or s.run.id}: {run_line(s, now)}" for s in statuses)
    return SyncSummary(text, tooltip, bool(errors))


class BoardSyncs(QObject):
    """The live syncs of the window's boards. Stopping them is the board manager's business
    (`LiveRuns.attach`); this only knows them, tells their changes, and refreshes them."""

    boardChanged = Signal(str)  # board id: its summary changed (or, while in error, its countdown)
    runChanged = Signal(object)  # a RunSyncStatus

    TICK_MS = 1000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._feeds: dict[str, list[LiveRuns]] = {}
        self._asked: dict[str, Asked] = {}
        self._tick = QTimer(self)
        self._tick.setInterval(self.TICK_MS)
        self._tick.timeout.connect(self._count_down)

    def add(self, board: Board, live: LiveRuns, wanted: Asked) -> None:
        self._feeds.setdefault(board.id, []).append(live)
        # A board fed by several syncs (one per source) was asked for their runs together.
        keys, prefix = wanted
        before = self._asked.get(board.id)
        self._asked[board.id] = (keys | before[0] if before is not None else keys, prefix)
        live.sync.subscribe(_while_alive(self, lambda syncs, status: syncs._changed(board.id, status)))
        for status in live.sync.statuses:
            self.runChanged.emit(status)
        self.boardChanged.emit(board.id)

    def board_for(self, wanted: Asked) -> str | None:
        """The board opened for exactly this (and still fed)."""
        return next((board_id for board_id, each in self._asked.items() if each == wanted), None)

    def feeds(self, board_id: str) -> list[LiveRuns]:
        """What feeds the board ([] when nothing does)."""
        return list(self._feeds.get(board_id, []))

    def statuses(self, board_id: str) -> list[RunSyncStatus]:
        return [status for live in self._feeds.get(board_id, []) for status in live.sync.statuses]

    def summary(self, board_id: str) -> SyncSummary | None:
        return summarize(self.statuses(board_id))

    def refresh(self, board_id: str) -> bool:
        """Poll the board's syncs now; False when nothing feeds it."""
        feeds = self._feeds.get(board_id, [])
        for live in feeds:
            live.sync.refresh()
        return bool(feeds)

    def forget(self, board_id: str) -> list[RunKey]:
        """The board stopped (and its syncs with it): the runs no other board syncs now."""
        gone = self._feeds.pop(board_id, [])
        self._asked.pop(board_id, None)
        still = {status.key for board in self._feeds for status in self.statuses(board)}
        return [status.key for live in gone for status in live.sync.statuses if status.key not in still]

    def _changed(self, board_id: str, status: RunSyncStatus) -> None:
        if board_id not in self._feeds:
            return
        self.runChanged.emit(status)
        self.boardChanged.emit(board_id)
        if status.state is SyncState.ERROR and not self._tick.isActive():
            self._tick.start()

    def _count_down(self) -> None:
        waiting = [
            board_id
            for board_id in self._feeds
            if any(status.state is SyncState.ERROR for status in self.statuses(board_id))
        ]
        for board_id in waiting:
            self.boardChanged.emit(board_id)
        if not waiting:
            self._tick.stop()


def _while_alive(
    owner: BoardSyncs, method: Callable[[BoardSyncs, RunSyncStatus], None]
) -> Callable[[RunSyncStatus], None]:
    """A sync's callback that does nothing once owner is gone (a sync may outlive the window)."""
    ref = weakref.ref(owner)

    def call(status: RunSyncStatus) -> None:
        alive = ref()
        if alive is not None and Shiboken.isValid(alive):
            method(alive, status)

    return call
