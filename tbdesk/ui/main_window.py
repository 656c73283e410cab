"""The main window: the search box, the tree of sources and the run details pane on the left, a tab
per board in the centre (most of the window: see window_layout), a Boards button in the menu bar's
corner (the full boards panel is a dock, hidden until asked for from the View menu), menus, and a
status bar that the task runner drives. What the menus do lives in tbdesk.ui.run_actions,
.source_actions, .azure_actions and .cache_actions; the live syncs that feed boards are known to
tbdesk.ui.sync_status."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

import tbdesk
from tbdesk.boards import Board, BoardManager, BoardRun, BoardState
from tbdesk.sources.base import SourceError
from tbdesk.sources.cloud import KIND as CLOUD
from tbdesk.sources.cloud import CloudFolderSource, all_runs
from tbdesk.sources.cloud_access import parse_url
from tbdesk.sources.logdir import LogFolderSource, unreadable_in
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.sync import RunCache
from tbdesk.ui import dialogs, window_layout
from tbdesk.ui.azure_actions import AzureActions
from tbdesk.ui.boards_menu import BoardsButton
from tbdesk.ui.cache_actions import CacheActions, pin_runs
from tbdesk.ui.logs_watch import LogsWatch
from tbdesk.ui.run_actions import RunActions
from tbdesk.ui.run_details import RunDetails
from tbdesk.ui.search import SearchBox
from tbdesk.ui.settings import SavedBoard, Settings
from tbdesk.ui.source_actions import SourceActions
from tbdesk.ui.sync_status import BoardSyncs
from tbdesk.ui.tasks import TaskRunner
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import Kind, unreadable_text
from tbdesk.ui.tree_view import SourceTreeView
from tbdesk.ui.welcome import Welcome

if TYPE_CHECKING:
    from tbdesk.ui.board_view import BoardView

log = logging.getLogger(__name__)

DOCK_HEIGHT = 190  # the full boards panel, when shown from the View menu


class MainWindow(QMainWindow):
    quitRequested = Signal()  # the window closed or Quit was chosen: the app shuts down

    def __init__(
        self,
        manager: BoardManager,
        *,
        workspace: Path | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main-window")
        self.setWindowTitle(tbdesk.APP_NAME)
        self.manager = manager
        self.settings = settings or Settings()
        self._views: dict[str, BoardView] = {}  # board id (or "external:" + url) -> its tab
        self._restored: set[str] = set()  # boards reopened from the last session, not live yet
        self._unreadable: dict[str, str] = {}  # boards with folders or files TensorBoard cannot read
        self._closing = False
        self._first_frame: QRect | None = None  # first launch: where the frame goes, once known
        self._warm_page: QObject | None = None  # Chromium's warm-up page, until the first board
        self._empty_check: asyncio.Future[None] | None = None
        # One cache for every board, so that its pins keep what any open board shows.
        self.run_cache = RunCache(limit=self.settings.cache_limit())
        self.syncs = BoardSyncs(self)

        self.tree_model = SourceTreeModel(self)
        self.tree = SourceTreeView(self.tree_model)
        self.search = SearchBox()
        self.details = RunDetails()
        self.left_splitter = self._make_browser()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("board-tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self._centre = self._make_centre()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(self._centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)
        self._make_boards()
        self._make_rhi_surface()
        self._make_copy_url_button()

        self.tasks = TaskRunner(self.statusBar(), self)
        self.azure = AzureActions(self)
        self.run_actions = RunActions(self)
        self.source_actions = SourceActions(self)
        self.cache_actions = CacheActions(self)
        self._make_actions()
        self._make_menus()
        self._connect()

        self.workspace_source = WorkspaceSource(workspace)
        self.tree_model.add_source(self.workspace_source, position=0)
        self._restore_layout()
        self.azure.restore()

    # --- set-up --------------------------------------------------------------------------------
    def _make_browser(self) -> QSplitter:
        """The left side: the search box over the tree, and the run details under them."""
        browse = QWidget()
        layout = QVBoxLayout(browse)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search)
        layout.addWidget(self._make_search_hint())
        layout.addWidget(self.tree, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("tree-splitter")
        splitter.addWidget(browse)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        return splitter

    def _make_search_hint(self) -> QWidget:
        """Under the search box while nothing loaded matches: the search covers only the runs
        loaded so far (a child run's parent must have been expanded), and a button loads all."""
        self.search_hint = QWidget()
        self.search_hint.setObjectName("search-hint")
        self.search_hint_label = QLabel(
            self.tr("No loaded run matches: the search covers the runs loaded so far.")
        )
        self.search_hint_label.setWordWrap(True)
        self.load_all_button = QPushButton(self.tr("Load all runs and search"))
        self.load_all_button.setObjectName("load-all")
        self.load_all_button.clicked.connect(self.load_everything)
        row = QHBoxLayout(self.search_hint)
        row.setContentsMargins(2, 0, 2, 0)
        row.addWidget(self.search_hint_label, 1)
        row.addWidget(self.load_all_button)
        self.search_hint.hide()
        return self.search_hint

    def _update_search_hint(self, *_: object) -> None:
        query = self.tree.filter.query
        if query.empty:
            self.search_hint.hide()
            return
        found = any(
            node.kind is Kind.RUN and node.run is not None and query.matches(node.run)
            for node in self.tree_model.nodes()
        )
        self.search_hint.setVisible(not found)

    def load_everything(self) -> None:
        """Load every experiment's runs and every run's child runs, page after page, then search
        them (Load all runs and search)."""
        self.tasks.run(self._load_everything(), self.tr("Loading every run"))

    async def _load_everything(self) -> None:
        model = self.tree_model
        while True:
            pending = [
                index for node in list(model.nodes()) if model.canFetchMore(index := model.index_of(node))
            ]
            if not pending:
                break
            for index in pending:
                model.fetchMore(index)
            while model.busy:
                await asyncio.sleep(0.05)
        self.tree.set_query("")  # re-applied over everything now loaded, its runs revealed
        self.tree.set_query(self.search.text())
        self._update_search_hint()

    def _make_centre(self) -> QStackedWidget:
        """The board tabs, or while there are none what to do (Welcome)."""
        self.welcome = Welcome()
        centre = QStackedWidget()
        centre.addWidget(self.welcome)
        centre.addWidget(self.tabs)
        return centre

    def _make_rhi_surface(self) -> None:
        """WORKAROUND for the window vanishing (black) for 0.1-0.5 s when the first dashboard
        appears (Qt 6.12, xcb): a widget composed through the GPU (QtWebEngine's view) makes Qt
        destroy and recreate a window that was made without it. A 1-pixel QRhiWidget, hidden, makes
        the window GPU-composed from its first show (about 70 ms more to show it, on llvmpipe).
        The offscreen platform has no window to recreate, and no GPU to ask."""
        if QGuiApplication.platformName() == "offscreen":
            return
        from PySide6.QtWidgets import QRhiWidget

        surface = QRhiWidget(self)
        surface.setObjectName("rhi-surface")
        surface.setFixedSize(1, 1)
        surface.hide()

    def _make_copy_url_button(self) -> None:
        """Offered in the status bar when no browser could open an address."""
        self._offered_url = ""
        self._offer_text = ""
        self.copy_url_button = QPushButton(self.tr("Copy address"))
        self.copy_url_button.setObjectName("copy-url")
        self.copy_url_button.setFlat(True)
        self.copy_url_button.hide()
        self.copy_url_button.clicked.connect(self._copy_offered_url)
        self.statusBar().addPermanentWidget(self.copy_url_button)
        # Shown with its message only: another message, or the message timing out, hides it.
        self.statusBar().messageChanged.connect(
            lambda text: self.copy_url_button.setVisible(bool(text) and text == self._offer_text)
        )

    def offer_copy_url(self, url: str) -> None:
        """No browser opened url: say so where it is seen, and offer to copy it."""
        self._offered_url = url
        self._offer_text = self.tr("No web browser could open {0}").format(url)
        self.statusBar().showMessage(self._offer_text, 30_000)

    def _copy_offered_url(self) -> None:
        QGuiApplication.clipboard().setText(self._offered_url)
        self.statusBar().showMessage(self.tr("Copied {0}").format(self._offered_url), 5000)

    def warm_up_web(self) -> None:
        """Chromium started before the first board is opened (tbdesk.ui.web.warm_up)."""
        from tbdesk.ui import web

        if self._warm_page is None and not self._views:
            self._warm_page = web.warm_up(self)

    def _make_boards(self) -> None:
        """The Boards button in the menu bar's corner, and the full boards panel in a dock that
        stays hidden until the View menu shows it."""
        from tbdesk.ui.boards_panel import BoardsPanel

        self.boards_panel = BoardsPanel(self.manager)
        self.boards_dock = QDockWidget(self.tr("Boards"), self)
        self.boards_dock.setObjectName("boards-dock")
        self.boards_dock.setWidget(self.boards_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.boards_dock)
        self.boards_dock.hide()
        panel_action = self.boards_dock.toggleViewAction()
        panel_action.setText(self.tr("Boards panel"))
        self.boards_button = BoardsButton(self.manager, self.has_tab, panel_action)
        self.menuBar().setCornerWidget(self.boards_button, Qt.Corner.TopRightCorner)

    def _make_actions(self) -> None:
        self.find_action = self.new_action(self.tr("Find runs…"), self.focus_search, "Ctrl+F")
        self.quit_action = self.new_action(self.tr("Quit"), self.close, "Ctrl+Q")
        self.refresh_action = self.new_action(self.tr("Refresh"), self.refresh, "F5")
        self.refresh_action.setStatusTip(
            self.tr("Reload the tree, or look for new logs of the board in view")
        )
        self.about_action = self.new_action(
            self.tr("About {0}").format(tbdesk.APP_NAME), lambda: dialogs.show_about(self)
        )
        self.update_actions()

    def new_action(self, text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
        """An action owned by this window, for its menus and the tree's context menu."""
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        return act

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        sources = self.source_actions
        file_menu.addAction(sources.open_folder_action)
        file_menu.addAction(sources.open_cloud_action)
        file_menu.addSeparator()
        file_menu.addAction(sources.sign_in_action)
        file_menu.addAction(sources.add_workspace_action)
        file_menu.addAction(sources.remove_workspace_action)
        self.sign_out_menu = file_menu.addMenu(self.tr("Sign out"))
        self.sign_out_menu.setObjectName("sign-out-menu")
        self.sign_out_menu.aboutToShow.connect(lambda: sources.fill_sign_out_menu(self.sign_out_menu))
        self.remove_account_menu = file_menu.addMenu(self.tr("Remove Azure account"))
        self.remove_account_menu.setObjectName("remove-account-menu")
        self.remove_account_menu.aboutToShow.connect(
            lambda: sources.fill_remove_account_menu(self.remove_account_menu)
        )
        file_menu.aboutToShow.connect(self.update_actions)
        file_menu.addSeparator()
        file_menu.addAction(self.cache_actions.clear_cache_action)
        file_menu.addAction(self.cache_actions.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.boards_dock.toggleViewAction())
        self.boards_dock.visibilityChanged.connect(self._fit_boards_dock)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        self.manager.subscribe(self._on_board_changed)
        self.tree.customContextMenuRequested.connect(self.run_actions.show_context_menu)
        self.tree.runsActivated.connect(self.run_actions.open_selected)
        self.tree.selectionModel().selectionChanged.connect(self.update_actions)
        self.tree.selectionModel().selectionChanged.connect(self._update_details)
        self.tree.signInRequested.connect(self.source_actions.sign_in_for_source)
        self.tree.datastoreActivated.connect(self.source_actions.open_datastore)
        self.search.queryChanged.connect(self.tree.set_query)
        self.search.queryChanged.connect(self._update_search_hint)
        self.tree_model.rowsInserted.connect(self._update_search_hint)
        self.tree_model.loadFailed.connect(lambda message: self.statusBar().showMessage(message))
        self.tabs.tabCloseRequested.connect(lambda i: self.close_board_tab(self.tabs.widget(i)))
        self.tabs.currentChanged.connect(self._update_centre)
        self.boards_panel.openBoardRequested.connect(self.show_board_by_id)
        self.boards_panel.openExternalRequested.connect(self.open_external)
        self.boards_panel.errorOccurred.connect(self._show_panel_error)
        self.boards_button.showBoardRequested.connect(self.show_board_by_id)
        self.boards_button.stopBoardRequested.connect(self.stop_board)
        self.boards_button.openExternalRequested.connect(self.open_external)
        self.boards_button.browserFailed.connect(self.offer_copy_url)
        self.welcome.openFolderRequested.connect(self.source_actions.open_folder_action.trigger)
        self.welcome.signInRequested.connect(self.source_actions.sign_in_action.trigger)
        self.welcome.demoRequested.connect(self.create_demo)
        self.tree_model.rowsInserted.connect(self._check_empty_later)
        self.tree_model.rowsRemoved.connect(self._check_empty_later)
        self.syncs.runChanged.connect(self.tree_model.set_sync_status)
        self.syncs.boardChanged.connect(self._show_sync)
        self.logs_watch = LogsWatch(self.manager, self)
        self.logs_watch.changed.connect(self._board_data_changed)

    def _restore_layout(self) -> None:
        if not self._restore_geometry():
            self._first_frame = window_layout.first_geometry(self._screen_area())
            self.setGeometry(self._first_frame)
        state = self.settings.state("dock_state")
        if state is not None:
            self.restoreState(state)
        width, height = self.width(), self.height()
        left = window_layout.left_width(width)
        self.splitter.setSizes([left, width - left])
        details = window_layout.details_height(height)
        self.left_splitter.setSizes([height - details, details])
        for name, splitter in (("splitter", self.splitter), ("tree_splitter", self.left_splitter)):
            saved = self.settings.state(name)
            if saved is not None:
                splitter.restoreState(saved)
        problem = self.settings.problem()
        if problem:
            self.statusBar().showMessage(problem)
        for source_id in self.settings.log_folders():
            self._restore_folder(source_id)

    def _restore_geometry(self) -> bool:
        """Put the window back where it was, unless no current screen shows that place."""
        # Qt's restoreGeometry moves a window that would be off-screen back onto one, keeping its
        # old size; a place no screen shows any more is dropped instead, for a fresh first launch.
        rect = self.settings.window_rect()
        geometry = self.settings.state("geometry")
        screens = [screen.availableGeometry() for screen in QGuiApplication.screens()]
        if rect is None or geometry is None or not window_layout.visible_on(QRect(*rect), screens):
            return False
        return self.restoreGeometry(geometry)

    def _screen_area(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def _fit_boards_dock(self, visible: bool) -> None:
        if visible:  # a strip under the dashboards, not half the window
            self.resizeDocks([self.boards_dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)

    def _restore_folder(self, source_id: str) -> None:
        from tbdesk.sources import open_source

        kind, _, url = source_id.partition(":")
        try:
            # A cloud folder is read again by the Azure account it was read with.
            cloud = kind == CLOUD
            account = self.settings.cloud_account(url) if cloud else None
            self.tree_model.add_source(
                CloudFolderSource(url, account=account) if cloud else open_source(source_id)
            )
        except SourceError as error:
            self.statusBar().showMessage(self.tr("Not showing a remembered folder: {0}").format(error))

    # --- settings ------------------------------------------------------------------------------
    def save_settings(self) -> None:
        self.settings.set_state("geometry", self.saveGeometry())
        frame = self.normalGeometry()
        self.settings.set_window_rect((frame.x(), frame.y(), frame.width(), frame.height()))
        self.settings.set_state("dock_state", self.saveState())
        self.settings.set_state("splitter", self.splitter.saveState())
        self.settings.set_state("tree_splitter", self.left_splitter.saveState())
        self.settings.set_log_folders(
            [
                source.id
                for source in self.tree_model.sources()
                if isinstance(source, LogFolderSource | CloudFolderSource)
            ]
        )
        # What had a tab comes back at the next launch; boards without one do not.
        self.settings.set_boards(
            [
                SavedBoard(board.title, board.runs, True)
                for board in self.manager.boards
                if board.state.is_live and board.id in self._views
            ]
        )
        self.settings.sync()

    def restore_boards(self) -> None:
        """Start again the boards that ran when the app last quit."""
        for saved in self.settings.boards():
            if not saved.tab:  # written by an earlier tbdesk, which kept boards without a tab
                continue
            self.tasks.run(
                self._reopen(saved), self.tr("Reopening {0}").format(saved.title), user_action=False
            )

    async def _reopen(self, saved: SavedBoard) -> None:
        from tbdesk.ui.run_actions import synced_roots

        synced = bool(synced_roots(saved.runs, self.run_cache))  # Azure runs: followed again on Refresh
        board = await self.manager.open(saved.runs, title=saved.title, live=synced)
        # Its runs' logs stay in the cache while it shows them (a clear or a trim keeps them).
        keys = [run.key for run in saved.runs if run.key is not None]
        self.manager.attach(board, await pin_runs(self.run_cache, keys))
        if synced and not self.syncs.feeds(board.id):
            self._restored.add(board.id)
        if saved.tab:
            self.show_board(board)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        target, self._first_frame = self._first_frame, None
        if target is not None and self.size() == target.size():  # not resized by someone since
            # The window manager's frame is known only once shown: the frame, not just the
            # window's inside, must fit the screen.
            frame, inside = self.frameGeometry(), self.geometry()
            self.setGeometry(
                target.adjusted(
                    inside.left() - frame.left(),
                    inside.top() - frame.top(),
                    inside.right() - frame.right(),
                    inside.bottom() - frame.bottom(),
                )
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            self._closing = True
            if self._empty_check is not None:
                self._empty_check.cancel()
            self.save_settings()
            self.tasks.cancel_all()
            self.quitRequested.emit()
        event.accept()

    # --- the tree ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """F5: the board in view looks for new logs now; in the tree (or without a live board in
        view), the tree reloads."""
        focus = QApplication.focusWidget()
        in_tree = focus is not None and self.left_splitter.isAncestorOf(focus)
        board_id = self._key_of(self.tabs.currentWidget()) if self.tabs.count() else None
        if not in_tree and board_id is not None and self.syncs.refresh(board_id):
            self.statusBar().showMessage(self.tr("Looking for new logs…"), 3000)
        else:
            self.tree.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_details(self, *_: object) -> None:
        nodes = self.tree.selected_nodes()
        runs = [node for node in nodes if node.kind is Kind.RUN]
        if len(runs) == 1 and len(nodes) == 1 and runs[0].source is not None and runs[0].run is not None:
            self.details.show_run(runs[0].source, runs[0].run)
        elif runs:
            self.details.show_message(self.tr("{0} runs selected.").format(len(runs)))
        else:
            self.details.show_message(self.tr("Select a run to see its details."))

    # --- opening boards ------------------------------------------------------------------------
    def open_folder_board(self, path: Path) -> None:
        """`tbdesk PATH`: show the folder in the tree and open a board on all of it."""
        folder = path.expanduser().resolve()
        if folder.is_dir():
            self.tree_model.add_source(LogFolderSource(folder))
        name = folder.name or str(folder)
        self.tasks.run(
            self.open_board([BoardRun(name, folder)], name),
            self.tr("Opening {0} in TensorBoard").format(name),
        )

    def open_cloud_board(self, url: str) -> None:
        """`tbdesk URL`: show the cloud folder in the tree and open a board on all its runs,
        mirrored live into the cache; read by the Azure account last chosen for it (if any)."""
        where = parse_url(url)
        source = CloudFolderSource(where, account=self.settings.cloud_account(where.text))
        self.tree_model.add_source(source)
        self.tasks.run(self._open_cloud(source), f"Listing {source.url.text}")

    async def _open_cloud(self, source: CloudFolderSource) -> None:
        self.manager.warm()  # TensorBoard loads while the folder is listed and its runs fetched
        runs = await all_runs(source)
        if not runs:
            raise SourceError(f"No TensorBoard logs in {source.url.text}.")
        self.run_actions.open_runs([(source, run) for run in runs], source.title)

    def open_handed_over(self, paths: list[Path | str]) -> None:
        """A second `tbdesk [PATH...]` handed its folders over: to the front, and open them."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        for path in paths:
            if isinstance(path, str):  # a cloud folder's URL
                self.open_cloud_board(path)
            elif path.is_dir():
                self.open_folder_board(path)
            else:
                self.statusBar().showMessage(self.tr("Not a folder of TensorBoard logs: {0}").format(path))

    async def open_board(self, runs: Sequence[BoardRun], title: str, *, live: bool = False) -> Board:
        """Open (or reuse) a board on runs and show it in a tab; the tab shows loading meanwhile.
        live: runs may join the board while it runs (see BoardManager.open)."""
        existing = self.manager.find(runs)
        pending = None
        if existing is None or existing.id not in self._views:
            pending = self._add_view(f"pending:{id(runs)}", "", title)
        try:
            board = await self.manager.open(runs, title=title, live=live)
        except BaseException:
            if pending is not None:
                self.close_tab(pending)
            raise
        if pending is not None:
            key = self._key_of(pending)
            if board.id in self._views:
                self.close_tab(pending)
            elif key is not None:
                self._views[board.id] = self._views.pop(key)
                self._connect_view(pending, board.id)
        self.show_board(board)
        return board

    def show_board(self, board: Board) -> BoardView:
        view = self._views.get(board.id)
        if view is None:
            view = self._add_view(board.id, board.url or "", board.title)
            self._connect_view(view, board.id)
        self._sync_view(view, board)
        self._show_sync(board.id)
        self.tabs.setCurrentWidget(view)
        self.tabs.setTabToolTip(self.tabs.indexOf(view), "\n".join(run.name for run in board.runs))
        return view

    def show_board_by_id(self, board_id: str) -> None:
        board = self._board(board_id)
        if board is not None:
            self.show_board(board)

    def open_external(self, url: str, title: str) -> None:
        """A TensorBoard that tbdesk did not start (listed by the boards panel)."""
        key = f"external:{url}"
        view = self._views.get(key) or self._add_view(key, url, title, foreign=True)
        self.tabs.setCurrentWidget(view)

    def check_board(self, board_id: str) -> None:
        """Ask the board whether it still answers; the manager marks it not responding (or ready
        again), which the view and the boards panel show. Quiet: no progress bar for a probe."""
        board = self._board(board_id)
        if board is not None:
            asyncio.ensure_future(self.manager.check(board)).add_done_callback(_log_check_failure)

    def restart_board(self, board_id: str) -> None:
        board = self._board(board_id)
        if board is None:
            dialogs.show_error(
                self, self.tr("Restart failed"), self.tr("This board was stopped; open its runs again.")
            )
            return
        self.tasks.run(self.manager.restart(board), self.tr("Restarting {0}").format(board.title))

    def _connect_view(self, view: BoardView, board_id: str) -> None:
        view.restartRequested.connect(lambda: self.restart_board(board_id))
        view.checkRequested.connect(lambda: self.check_board(board_id))
        view.syncRefreshRequested.connect(lambda: self.refresh_sync(board_id))
        board = self._board(board_id)
        if board is not None:
            self.tasks.run(self._check_readable(board), f"Reading {board.title}", user_action=False)

    def refresh_sync(self, board_id: str) -> None:
        """The board's Refresh: its syncs look for new logs now; a board reopened from the last
        session starts following its runs again."""
        if self.syncs.refresh(board_id):
            return
        board = self._board(board_id)
        if board is None or board_id not in self._restored:
            return
        self._restored.discard(board_id)

        async def follow() -> None:
            try:
                await self.run_actions.follow_again(board)
            except BaseException:
                self._restored.add(board_id)  # Refresh may try again
                raise

        self.tasks.run(follow(), self.tr("Following {0} live").format(board.title))

    async def _check_readable(self, board: Board) -> None:
        """Say in the board's strip what its TensorBoard cannot read (it would skip it silently)."""
        unreadable = await asyncio.to_thread(unreadable_in, [run.path for run in board.runs])
        if unreadable:
            self._unreadable[board.id] = unreadable_text(unreadable)
            self._show_sync(board.id)

    def _show_sync(self, board_id: str) -> None:
        view = self._views.get(board_id)
        if view is None:
            return
        summary = self.syncs.summary(board_id)
        if board_id in self._unreadable:
            view.show_sync(self._unreadable[board_id], self._unreadable[board_id], error=True)
        elif summary is not None:
            view.show_sync(summary.text, summary.tooltip, error=summary.error)
        elif board_id in self._restored:
            view.show_sync(
                self.tr("Not live: reopened from the last session"),
                self.tr("Refresh to follow its runs again: their new logs and new child runs"),
            )
        else:
            view.hide_sync()

    def _board_data_changed(self, board_id: str) -> None:
        view = self._views.get(board_id)
        if view is not None:
            view.data_changed()

    def has_tab(self, board_id: str) -> bool:
        return board_id in self._views

    def view_of(self, board: Board) -> BoardView | None:
        return self._views.get(board.id)

    def close_board_tab(self, view: QWidget | None) -> None:
        """The user closed a board's tab: the tab goes, and its board stops with it (the Boards
        list keeps boards without a tab: those were started from there, and say so)."""
        key = self._key_of(view)
        self.close_tab(view)
        board = self._board(key) if key is not None else None
        if board is not None and board.state.is_live and board.state is not BoardState.STOPPING:
            self.stop_board(board.id)

    def close_tab(self, view: QWidget | None) -> None:
        """The tab goes; its board, if any, runs on."""
        key = self._key_of(view)
        if key is None or view is None:
            return
        del self._views[key]
        self.tabs.removeTab(self.tabs.indexOf(view))
        view.deleteLater()
        self._update_centre()

    def _add_view(self, key: str, url: str, title: str, *, foreign: bool = False) -> BoardView:
        from tbdesk.ui.board_view import BoardView  # QtWebEngine loads with the first board

        view = BoardView(url, title, foreign=foreign)
        if self._warm_page is not None:  # Chromium is up: the blank page has done its job
            self._warm_page.deleteLater()
            self._warm_page = None
        view.linkOpenedExternally.connect(
            lambda link: self.statusBar().showMessage(self.tr("Opened {0}").format(link), 5000)
        )
        view.browserFailed.connect(self.offer_copy_url)
        self._views[key] = view
        self.tabs.addTab(view, title)
        self.tabs.setCurrentWidget(view)
        self._update_centre()
        return view

    def _sync_view(self, view: BoardView, board: Board) -> None:
        if board.state in (BoardState.CRASHED, BoardState.FAILED):
            view.show_error(
                self.tr("TensorBoard stopped: {0}").format(board.title) + f"\n{board.error or ''}"
            )
        elif board.state is BoardState.NOT_RESPONDING:
            view.show_not_responding(
                self.tr("TensorBoard is not responding: {0}").format(board.title) + f"\n{board.error or ''}"
            )
        elif board.state is BoardState.READY and board.url and view.showing_error:
            view.set_url(board.url)  # it answers again
        elif board.state is BoardState.STARTING and view.url:
            view.set_url("")  # restarting: the old address is gone
        elif board.state is BoardState.READY and board.url and board.url != view.url:
            view.set_url(board.url)

    def stop_board(self, board_id: str) -> None:
        board = self._board(board_id)
        if board is not None:
            self.tasks.run(self.manager.stop(board), self.tr("Stopping {0}").format(board.title))

    def _on_board_changed(self, board: Board) -> None:
        if not Shiboken.isValid(self.tabs):  # the manager may outlive the window
            return
        self.boards_button.update_count()
        if board.state is BoardState.STOPPED:  # its syncs were stopped before it
            self.tree_model.clear_sync_status(self.syncs.forget(board.id))
            self._restored.discard(board.id)
        view = self._views.get(board.id)
        if view is None:
            return
        if board.state is BoardState.STOPPED:
            self.close_tab(view)
        else:
            self._sync_view(view, board)

    def _board(self, board_id: str) -> Board | None:
        return next((board for board in self.manager.boards if board.id == board_id), None)

    def _key_of(self, view: QWidget | None) -> str | None:
        return next((key for key, each in self._views.items() if each is view), None)

    def _update_centre(self) -> None:
        self._centre.setCurrentIndex(1 if self.tabs.count() else 0)

    def _show_panel_error(self, message: str) -> None:
        self.statusBar().showMessage(message)
        dialogs.show_error(self, self.tr("Boards"), message)

    # --- a fresh start --------------------------------------------------------------------------
    def create_demo(self) -> None:
        """The welcome's Create the demo: the demo experiments in the local workspace, then shown."""
        self.tasks.run(self._create_demo(), self.tr("Creating the demo experiments"))

    async def _create_demo(self) -> None:
        from tbdesk.demo import create_demo

        await asyncio.to_thread(create_demo, self.workspace_source.path)
        self.tree.refresh()
        self.tree.expand(self.tree_model.index(0, 0))
        self._check_empty_later()

    def _check_empty_later(self, parent: QModelIndex | None = None, *_: object) -> None:
        """Whether the tree has anything to open, asked of the workspace in a task: the welcome's
        buttons come first while it has not. Only sources coming and going count (top-level rows)."""
        if self._closing or (parent is not None and parent.isValid()):
            return
        # Not through the task runner: a look at the workspace is not something the user waits for.
        if self._empty_check is not None:
            self._empty_check.cancel()
        self._empty_check = asyncio.ensure_future(self._check_empty())

    async def _check_empty(self) -> None:
        sources = self.tree_model.sources()
        try:
            empty = sources == [self.workspace_source] and not await self.workspace_source.experiments()
        except SourceError as error:  # the tree says why the workspace cannot be read
            log.info("Could not tell whether the local workspace is empty: %s", error)
            return
        if Shiboken.isValid(self.welcome):
            self.welcome.set_empty(empty)

    # --- menus and dialogs ---------------------------------------------------------------------
    def update_actions(self) -> None:
        """Enable what fits the tree's selection."""
        self.run_actions.update_actions()
        self.source_actions.update_actions()

    def ask_folder(
        self, title: str, name: str, chosen: Callable[[Path], object], start: Path | None = None
    ) -> QFileDialog:
        """A folder picker that does not block the event loop; chosen(path) runs on accept."""
        dialog = QFileDialog(self, title, str(start) if start is not None else "")
        dialog.setObjectName(name)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: chosen(Path(path)) if path else None)
        dialog.open()
        return dialog


def _log_check_failure(task: asyncio.Future[bool]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logging.getLogger(__name__).error("Checking a board failed", exc_info=task.exception())
