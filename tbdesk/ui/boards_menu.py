"""The Boards button in the menu bar's corner: a compact list of this window's boards and of the
other TensorBoards on this machine, so the dashboard keeps the room the full boards panel (View >
Boards panel) would take.

Each board is a submenu: show its tab, open it in the browser, stop it. A board without a tab says
so here, since closing its tab is how a board is normally stopped. Other TensorBoards are looked for
in a thread each time the list opens; the list fills in when they are found.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu, QToolButton, QWidget
from shiboken6 import Shiboken

from tbdesk.boards import Board, BoardManager, BoardState, RunningTensorBoard, discover
from tbdesk.ui.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)


def is_own(found: RunningTensorBoard, manager: BoardManager) -> bool:
    """A TensorBoard this window started, even one still starting or reopened from the last session:
    its logs folder is under the manager's folder, whatever its pid is known to be yet."""
    if found.pid in {board.pid for board in manager.boards if board.pid is not None}:
        return True
    try:
        return Path(found.logdir).resolve().is_relative_to(manager.root.resolve())
    except (OSError, ValueError):
        return False


def others(found: list[RunningTensorBoard], manager: BoardManager) -> list[RunningTensorBoard]:
    return [each for each in found if not is_own(each, manager)]


_STATES = {
    BoardState.STARTING: QT_TRANSLATE_NOOP("BoardsButton", "starting"),
    BoardState.READY: QT_TRANSLATE_NOOP("BoardsButton", "ready"),
    BoardState.NOT_RESPONDING: QT_TRANSLATE_NOOP("BoardsButton", "not responding"),
    BoardState.STOPPING: QT_TRANSLATE_NOOP("BoardsButton", "stopping"),
    BoardState.STOPPED: QT_TRANSLATE_NOOP("BoardsButton", "stopped"),
    BoardState.CRASHED: QT_TRANSLATE_NOOP("BoardsButton", "crashed"),
    BoardState.FAILED: QT_TRANSLATE_NOOP("BoardsButton", "failed"),
}


def state_text(state: BoardState) -> str:
    """A board's state in the window's language."""
    return QCoreApplication.translate("BoardsButton", _STATES.get(state, state.value))


def external_title(found: RunningTensorBoard) -> str:
    name = Path(found.logdir).name if found.logdir else ""
    return QCoreApplication.translate("BoardsButton", "{0} (port {1})").format(
        name or "TensorBoard", found.port
    )


class BoardsButton(QToolButton):
    """The menu bar's "Boards (N)" button and its list."""

    showBoardRequested = Signal(str)  # board id
    stopBoardRequested = Signal(str)  # board id
    openExternalRequested = Signal(str, str)  # url, title
    browserFailed = Signal(str)  # no system browser could open this URL

    def __init__(
        self,
        manager: BoardManager,
        has_tab: Callable[[str], bool],
        panel_action: QAction,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("boards-button")
        self._manager = manager
        self._has_tab = has_tab
        self._panel_action = panel_action
        self._external: list[RunningTensorBoard] = []
        self._discovering: asyncio.Future[Any] | None = None
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setAutoRaise(True)
        self.setToolTip(self.tr("This window's boards and the other TensorBoards on this machine"))
        self.list_menu = QMenu(self)
        self.list_menu.setObjectName("boards-menu")
        self.list_menu.aboutToShow.connect(self._on_about_to_show)
        self.setMenu(self.list_menu)
        # The menu bar lays its corner out once: room for any count from the start, not elided later.
        self.setText(self.tr("Boards ({0})").format(99))
        self.setMinimumWidth(self.sizeHint().width())
        self.update_count()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.minimumWidth()), hint.height())

    def update_count(self) -> None:
        count = sum(1 for board in self._manager.boards if board.state.is_live)
        self.setText(self.tr("Boards ({0})").format(count) if count else self.tr("Boards"))

    def external(self) -> list[RunningTensorBoard]:
        """The other TensorBoards found when the list last opened."""
        return list(self._external)

    # --- the list -------------------------------------------------------------------------------
    def _on_about_to_show(self) -> None:
        self.fill()
        if self._discovering is None or self._discovering.done():
            self._discovering = asyncio.ensure_future(asyncio.to_thread(discover))
            self._discovering.add_done_callback(self._on_discovered)

    def _on_discovered(self, task: asyncio.Future[Any]) -> None:
        if not Shiboken.isValid(self) or task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.warning("Could not look for TensorBoards", exc_info=error)
            return
        self._external = others(task.result(), self._manager)
        if self.list_menu.isVisible():
            self.fill()

    def fill(self) -> None:
        menu = self.list_menu
        # Not QMenu.clear(): under PySide it deletes the boards panel's toggle action too.
        for action in menu.actions():
            menu.removeAction(action)
            if action is not self._panel_action:
                sub = action.menu()
                (sub if isinstance(sub, QMenu) else action).deleteLater()
        menu.addSection(self.tr("Boards of this window"))
        boards = [board for board in self._manager.boards if board.state.is_live]
        if not boards:
            menu.addAction(self.tr("None: open runs from the tree")).setEnabled(False)
        for board in boards:
            self._add_board(menu, board)
        menu.addSection(self.tr("Other TensorBoards on this machine"))
        # Filtered again: one of ours may have started since they were looked for.
        external = others(self._external, self._manager)
        if not external:
            menu.addAction(self.tr("None found")).setEnabled(False)
        for found in external:
            self._add_external(menu, found)
        menu.addSeparator()
        menu.addAction(self._panel_action)

    def _add_board(self, menu: QMenu, board: Board) -> None:
        label = f"{board.title}: {state_text(board.state)}"
        if not self._has_tab(board.id):
            label += self.tr(" (no tab: stop it here)")
        sub = menu.addMenu(label)
        sub.setToolTipsVisible(True)
        sub.addAction(self.tr("Show"), lambda: self.showBoardRequested.emit(board.id))
        browser = sub.addAction(self.tr("Open in browser"), lambda: self._open_url(board.url))
        browser.setEnabled(bool(board.url))
        sub.addAction(self.tr("Stop"), lambda: self.stopBoardRequested.emit(board.id))

    def _add_external(self, menu: QMenu, found: RunningTensorBoard) -> None:
        title = external_title(found)
        sub = menu.addMenu(title)
        sub.addAction(self.tr("Open in window"), lambda: self.openExternalRequested.emit(found.url, title))
        sub.addAction(self.tr("Open in browser"), lambda: self._open_url(found.url))

    def _open_url(self, url: str | None) -> None:
        if url and not QDesktopServices.openUrl(QUrl(url)):
            self.browserFailed.emit(url)
