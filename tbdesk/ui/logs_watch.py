"""Which boards' logs changed, so that their pages fetch their data again (BoardView.data_changed):
TensorBoard's page does not notice runs or steps that arrive after it loaded.

As often as a board's data server rescans its folders, the files below every ready board's runs are
looked at in a worker thread (tbdesk.boards.logs_state). That catches whatever wrote them: a live
sync's mirror, a training on this machine, an export appending points."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import Shiboken

from tbdesk.boards import BoardManager, BoardState
from tbdesk.boards.logs_state import LogsState, logs_state
from tbdesk.boards.process import RELOAD_INTERVAL_S

_log = logging.getLogger(__name__)


class LogsWatch(QObject):
    changed = Signal(str)  # a board's id: its logs changed (or it just became ready)

    def __init__(self, manager: BoardManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._manager = manager
        self._seen: dict[str, LogsState] = {}
        self._looking: asyncio.Future[None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(RELOAD_INTERVAL_S * 1000)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        if self._looking is not None and not self._looking.done():
            return  # a slow disk: one look at a time
        folders = {
            board.id: [run.path for run in board.runs]
            for board in self._manager.boards
            if board.state is BoardState.READY
        }
        if not folders:  # nothing to look at: no thread trip
            self._seen.clear()
            return
        self._looking = asyncio.ensure_future(self._compare(folders))
        self._looking.add_done_callback(_log_failure)

    async def _compare(self, folders: dict[str, list[Path]]) -> None:
        states = await asyncio.to_thread(lambda: {key: logs_state(paths) for key, paths in folders.items()})
        if not Shiboken.isValid(self):  # the window closed meanwhile
            return
        for board_id, state in states.items():
            # A board seen for the first time counts as changed: logs may have come between its
            # page's first fetch and this look.
            if self._seen.get(board_id) != state:
                self._seen[board_id] = state
                self.changed.emit(board_id)
        for gone in set(self._seen) - set(states):
            del self._seen[gone]


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.error("Looking at the boards' logs failed", exc_info=task.exception())
