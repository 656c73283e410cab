"""The boards panel: this app's boards (state, port, runs, uptime, memory) with stop, restart and
open-in-browser, and, apart, the other TensorBoards running on this machine."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QFont, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tbdesk.boards import Board, BoardManager, BoardState, RunningTensorBoard, discover, exposure_warning
from tbdesk.ui import locale_text
from tbdesk.ui.boards_menu import external_title, others, state_text
from tbdesk.ui.i18n import QT_TRANSLATE_NOOP

_log = logging.getLogger(__name__)

_ID_ROLE = Qt.ItemDataRole.UserRole
_NONE = "\N{EM DASH}"


class BoardColumn:
    NAME, STATE, PORT, RUNS, UPTIME, MEMORY = range(6)
    TITLES = (
        QT_TRANSLATE_NOOP("BoardsPanel", "Board"),
        QT_TRANSLATE_NOOP("BoardsPanel", "State"),
        QT_TRANSLATE_NOOP("BoardsPanel", "Port"),
        QT_TRANSLATE_NOOP("BoardsPanel", "Runs"),
        QT_TRANSLATE_NOOP("BoardsPanel", "Uptime"),
        QT_TRANSLATE_NOOP("BoardsPanel", "Memory"),
    )


class ExternalColumn:
    FOLDER, PORT, PID, UPTIME, URL = range(5)
    TITLES = (
        QT_TRANSLATE_NOOP("BoardsPanel", "Logs folder"),
        QT_TRANSLATE_NOOP("BoardsPanel", "Port"),
        QT_TRANSLATE_NOOP("BoardsPanel", "PID"),
        QT_TRANSLATE_NOOP("BoardsPanel", "Uptime"),
        QT_TRANSLATE_NOOP("BoardsPanel", "URL"),
    )


def format_uptime(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours:02d} h"


def format_memory(size: int | None) -> str:
    if size is None:
        return _NONE
    return locale_text.size(size)


def _memory_of(boards: Sequence[Board]) -> dict[str, int | None]:
    # Reads /proc for each board's process tree: blocking, so it runs in a thread.
    return {board.id: board.memory_bytes() for board in boards}


class BoardsPanel(QWidget):
    """Lists the manager's boards and the other TensorBoards on this machine.

    Stop and restart run the manager's coroutines on the asyncio loop; their failures come out of
    errorOccurred for the window to show.
    """

    openBoardRequested = Signal(str)  # board id: show this board's tab
    openExternalRequested = Signal(str, str)  # url, title: show another TensorBoard in a tab
    errorOccurred = Signal(str)  # a message for the user

    REFRESH_MS = 2_000  # uptime and memory
    DISCOVER_MS = 10_000  # other TensorBoards (reads info files and asks each one's port)

    def __init__(self, manager: BoardManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._manager = manager
        self._memory: dict[str, int | None] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._memory_task: asyncio.Future[Any] | None = None
        self._discover_task: asyncio.Future[Any] | None = None
        self._external: list[RunningTensorBoard] = []

        self.boards_tree = self._tree(BoardColumn.TITLES)
        self.boards_tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.boards_tree.itemActivated.connect(self._on_board_activated)
        self.boards_tree.itemSelectionChanged.connect(self._update_actions)
        self.boards_tree.customContextMenuRequested.connect(self._board_menu)
        self.external_tree = self._tree(ExternalColumn.TITLES)
        self.external_tree.itemActivated.connect(lambda _item, _col: self.open_external_in_window())
        self.external_tree.itemSelectionChanged.connect(self._update_actions)
        self.external_tree.customContextMenuRequested.connect(self._external_menu)
        self.external_status = QLabel(self)
        self.external_status.setWordWrap(True)
        # Said once, above the boards, when the kernel gave a board no private network.
        self.exposure_note = QLabel(self)
        self.exposure_note.setWordWrap(True)
        self.exposure_note.setStyleSheet("color: #c62828;")
        self.exposure_note.hide()

        self.open_action = self._action(
            QT_TRANSLATE_NOOP("BoardsPanel", "Open"),
            self.open_selected,
            QT_TRANSLATE_NOOP("BoardsPanel", "Show the board's dashboard"),
        )
        self.stop_action = self._action(
            QT_TRANSLATE_NOOP("BoardsPanel", "Stop"),
            self.stop_selected,
            QT_TRANSLATE_NOOP("BoardsPanel", "Stop TensorBoard and close the board"),
        )
        self.restart_action = self._action(
            QT_TRANSLATE_NOOP("BoardsPanel", "Restart"),
            self.restart_selected,
            QT_TRANSLATE_NOOP("BoardsPanel", "Start TensorBoard again"),
        )
        self.open_in_browser_action = self._action(
            QT_TRANSLATE_NOOP("BoardsPanel", "Open in browser"),
            self.open_selected_in_browser,
            QT_TRANSLATE_NOOP("BoardsPanel", "Open the dashboard in the system browser"),
        )
        self.open_external_action = self._action(
            QT_TRANSLATE_NOOP("BoardsPanel", "Open in window"),
            self.open_external_in_window,
            QT_TRANSLATE_NOOP("BoardsPanel", "Show this TensorBoard in a tab of this window"),
        )
        self.open_external_in_browser_action = self._action(
            QT_TRANSLATE_NOOP("BoardsPanel", "Open in browser"),
            self.open_external_in_browser,
            QT_TRANSLATE_NOOP("BoardsPanel", "Open this TensorBoard in the system browser"),
        )
        self.discover_action = self._action(
            QT_TRANSLATE_NOOP("BoardsPanel", "Refresh"),
            self.discover_now,
            QT_TRANSLATE_NOOP("BoardsPanel", "Look again for TensorBoards running on this machine"),
        )

        ours = self._section(
            self.tr("Boards of this window"),
            self.boards_tree,
            [self.open_action, self.open_in_browser_action, self.restart_action, self.stop_action],
            self.exposure_note,
        )
        others = self._section(
            self.tr("Other TensorBoards on this machine"),
            self.external_tree,
            [self.open_external_action, self.open_external_in_browser_action, self.discover_action],
            self.external_status,
        )
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(ours)
        splitter.addWidget(others)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(self.REFRESH_MS)
        self._refresh_timer.timeout.connect(self._tick)
        self._discover_timer = QTimer(self)
        self._discover_timer.setInterval(self.DISCOVER_MS)
        self._discover_timer.timeout.connect(self.discover_now)

        manager.subscribe(_while_alive(self, BoardsPanel._on_board_changed))
        self.refresh()

    # -- public API -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the manager's boards as they are now."""
        boards = self._manager.boards
        wanted = {board.id: board for board in boards}
        tree = self.boards_tree
        for index in reversed(range(tree.topLevelItemCount())):
            item = tree.topLevelItem(index)
            if item is not None and item.data(0, _ID_ROLE) not in wanted:
                tree.takeTopLevelItem(index)
        present = {self._board_id(item): item for item in self._board_items()}
        for board in boards:
            item = present.get(board.id)
            if item is None:
                item = QTreeWidgetItem(tree)
                item.setData(0, _ID_ROLE, board.id)
            self._fill_board_item(item, board)
        exposed = next((board.network_exposure for board in boards if board.network_exposure), None)
        if exposed:
            self.exposure_note.setText(self.tr(exposure_warning(exposed)))
        self.exposure_note.setVisible(bool(exposed))
        self._update_actions()

    def selected_boards(self) -> list[Board]:
        wanted = {self._board_id(item) for item in self.boards_tree.selectedItems()}
        return [board for board in self._manager.boards if board.id in wanted]

    def selected_external(self) -> RunningTensorBoard | None:
        items = self.external_tree.selectedItems()
        if not items:
            return None
        index = self.external_tree.indexOfTopLevelItem(items[0])
        return self._external[index] if 0 <= index < len(self._external) else None

    def open_selected(self) -> None:
        boards = self.selected_boards()
        if boards:
            self.openBoardRequested.emit(boards[0].id)

    def stop_selected(self) -> None:
        for board in self.selected_boards():
            self._run(
                self._manager.stop(board), self.tr("Could not stop the board '{0}'").format(board.title)
            )

    def restart_selected(self) -> None:
        for board in self.selected_boards():
            self._run(
                self._manager.restart(board), self.tr("Could not restart the board '{0}'").format(board.title)
            )

    def open_selected_in_browser(self) -> None:
        for board in self.selected_boards():
            if board.url:
                QDesktopServices.openUrl(QUrl(board.url))

    def open_external_in_window(self) -> None:
        found = self.selected_external()
        if found is not None:
            self.openExternalRequested.emit(found.url, external_title(found))

    def open_external_in_browser(self) -> None:
        found = self.selected_external()
        if found is not None:
            QDesktopServices.openUrl(QUrl(found.url))

    def discover_now(self) -> None:
        """Look for other TensorBoards in a thread; the list updates when it is done."""
        if self._discover_task is not None and not self._discover_task.done():
            return
        self.external_status.setText(self.tr("Looking for TensorBoards…"))
        self._discover_task = asyncio.ensure_future(asyncio.to_thread(discover))
        self._discover_task.add_done_callback(_while_alive(self, BoardsPanel._on_discovered))

    # -- boards ---------------------------------------------------------------------------------

    def _on_board_changed(self, _board: Board) -> None:
        self.refresh()

    def _fill_board_item(self, item: QTreeWidgetItem, board: Board) -> None:
        runs = ", ".join(run.name for run in board.runs)
        item.setText(BoardColumn.NAME, board.title)
        item.setToolTip(BoardColumn.NAME, board.url or "")
        item.setText(BoardColumn.STATE, state_text(board.state))
        item.setToolTip(BoardColumn.STATE, board.error or "")
        item.setText(BoardColumn.PORT, str(board.port) if board.port else _NONE)
        item.setText(BoardColumn.RUNS, runs)
        item.setToolTip(BoardColumn.RUNS, "\n".join(f"{run.name}: {run.path}" for run in board.runs))
        ready = board.state is BoardState.READY and board.started_at is not None
        uptime = format_uptime(time.time() - board.started_at) if ready and board.started_at else _NONE
        item.setText(BoardColumn.UPTIME, uptime)
        item.setText(BoardColumn.MEMORY, format_memory(self._memory.get(board.id)) if ready else _NONE)
        font = QFont(item.font(BoardColumn.STATE))
        font.setBold(board.state in (BoardState.CRASHED, BoardState.FAILED))
        item.setFont(BoardColumn.STATE, font)

    def _tick(self) -> None:
        self.refresh()
        if self._memory_task is None or self._memory_task.done():
            live = [board for board in self._manager.boards if board.state is BoardState.READY]
            self._memory_task = asyncio.ensure_future(asyncio.to_thread(_memory_of, live))
            self._memory_task.add_done_callback(_while_alive(self, BoardsPanel._on_memory))

    def _on_memory(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        if task.exception() is not None:
            _log.warning("Could not read the boards' memory use", exc_info=task.exception())
            return
        self._memory = task.result()
        self.refresh()

    def _on_board_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.openBoardRequested.emit(self._board_id(item))

    def _run(self, coro: Coroutine[Any, Any, Any], failure: str) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_while_alive(self, lambda panel, task: panel._report(task, failure)))

    def _report(self, task: asyncio.Future[Any], failure: str) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self.errorOccurred.emit(f"{failure}: {error}" if str(error) else f"{failure}: {error!r}")

    # -- other TensorBoards -----------------------------------------------------------------------

    def _on_discovered(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            _log.warning("Could not look for TensorBoards", exc_info=error)
            self.external_status.setText(self.tr("Could not look for TensorBoards: {0}").format(error))
            return
        self._show_external(others(task.result(), self._manager))

    def _show_external(self, found: list[RunningTensorBoard]) -> None:
        selected = self.selected_external()
        self._external = found
        tree = self.external_tree
        tree.clear()
        now = time.time()
        for board in found:
            item = QTreeWidgetItem(tree)
            item.setText(ExternalColumn.FOLDER, board.logdir or _NONE)
            item.setToolTip(ExternalColumn.FOLDER, board.logdir)
            item.setText(ExternalColumn.PORT, str(board.port))
            item.setText(ExternalColumn.PID, str(board.pid))
            item.setText(
                ExternalColumn.UPTIME, format_uptime(now - board.started) if board.started else _NONE
            )
            item.setText(ExternalColumn.URL, board.url)
            if board.ours:
                item.setToolTip(ExternalColumn.PID, self.tr("Started by another tbdesk window"))
            if selected is not None and (board.pid, board.port) == (selected.pid, selected.port):
                item.setSelected(True)
        count = len(found)
        self.external_status.setText(
            self.tr("None found.") if count == 0 else self.tr("{0} found.").format(count)
        )
        self._update_actions()

    # -- widgets and menus ------------------------------------------------------------------------

    def _update_actions(self) -> None:
        boards = self.selected_boards()
        self.open_action.setEnabled(len(boards) == 1)
        self.stop_action.setEnabled(any(board.state is not BoardState.STOPPING for board in boards))
        self.restart_action.setEnabled(any(board.state is not BoardState.STOPPING for board in boards))
        self.open_in_browser_action.setEnabled(any(board.url for board in boards))
        has_external = self.selected_external() is not None
        self.open_external_action.setEnabled(has_external)
        self.open_external_in_browser_action.setEnabled(has_external)

    def _board_menu(self, position: QPoint) -> None:
        if self.boards_tree.itemAt(position) is None:
            return
        self._menu(
            self.boards_tree,
            position,
            [self.open_action, self.open_in_browser_action, self.restart_action, self.stop_action],
        )

    def _external_menu(self, position: QPoint) -> None:
        if self.external_tree.itemAt(position) is None:
            return
        self._menu(
            self.external_tree, position, [self.open_external_action, self.open_external_in_browser_action]
        )

    def _menu(self, tree: QTreeWidget, position: QPoint, actions: list[QAction]) -> None:
        menu = QMenu(self)
        menu.addActions(actions)
        menu.popup(tree.viewport().mapToGlobal(position))

    def _tree(self, titles: Sequence[str]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setHeaderLabels([self.tr(title) for title in titles])
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAllColumnsShowFocus(True)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # Short columns fit their content; the last one (runs, URL) takes the rest.
        tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tree.header().setStretchLastSection(True)
        return tree

    def _action(self, text: str, slot: Callable[[], None], tip: str) -> QAction:
        action = QAction(self.tr(text), self)
        action.setToolTip(self.tr(tip))
        action.triggered.connect(slot)
        return action

    def _section(
        self, title: str, tree: QTreeWidget, actions: list[QAction], footer: QWidget | None = None
    ) -> QWidget:
        section = QWidget(self)
        heading = QLabel(title, section)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        buttons = QHBoxLayout()
        buttons.addWidget(heading)
        buttons.addStretch(1)
        for action in actions:
            button = QPushButton(action.text(), section)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            action.enabledChanged.connect(button.setEnabled)
            button.setEnabled(action.isEnabled())
            buttons.addWidget(button)
        layout = QVBoxLayout(section)
        layout.addLayout(buttons)
        layout.addWidget(tree, 1)
        if footer is not None:
            layout.addWidget(footer)
        return section

    def _board_items(self) -> list[QTreeWidgetItem]:
        tree = self.boards_tree
        return [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]

    @staticmethod
    def _board_id(item: QTreeWidgetItem) -> str:
        return str(item.data(0, _ID_ROLE))

    # -- visibility -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresh_timer.start()
        self._discover_timer.start()
        self._tick()
        self.discover_now()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._refresh_timer.stop()
        self._discover_timer.stop()


def _while_alive(panel: BoardsPanel, method: Callable[..., None]) -> Callable[..., None]:
    """A callback for the engine (board changes, finished tasks) that does nothing once the panel
    is gone: the manager outlives the widgets that subscribe to it."""
    ref = weakref.ref(panel)

    def call(*args: Any) -> None:
        alive = ref()
        if alive is not None and shiboken6.isValid(alive):
            method(alive, *args)

    return call
