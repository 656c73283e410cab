"""The main window: the search box, the tree of sources and the run details pane on the left, a tab
per board in the centre, the boards panel in a dock, menus, and a status bar that the task runner
drives."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

import tbdesk
from tbdesk.boards import Board, BoardManager, BoardRun, BoardState
from tbdesk.model import Experiment, Run
from tbdesk.sources.base import Source, SourceError
from tbdesk.sources.logdir import LogFolderSource
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.ui import dialogs, export_dialog
from tbdesk.ui.azure_actions import AzureActions, is_azure
from tbdesk.ui.run_details import RunDetails
from tbdesk.ui.search import SearchBox
from tbdesk.ui.settings import SavedBoard, Settings
from tbdesk.ui.source_tree import Kind, Node, SourceTreeModel, SourceTreeView
from tbdesk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from tbdesk.export import ExportProgress, ExportResult
    from tbdesk.ui.board_view import BoardView

Selection = list[tuple[Source, Run]]
Experiments = Sequence[tuple[Source, Experiment]]

DEFAULT_SIZE = QSize(1400, 900)
DOCK_HEIGHT = 190
DETAILS_HEIGHT = 300
_UNSAFE = re.compile(r"[^A-Za-z0-9._=+-]+")


def _folder_name(run: Run) -> str:
    """A file name for a run's download folder (run names may hold slashes and worse)."""
    name = _UNSAFE.sub("_", run.name or run.id).strip("._")[:100]
    return name or _UNSAFE.sub("_", run.id).strip("._") or "run"


def _identity(runs: Sequence[BoardRun]) -> frozenset[tuple[str, object]]:
    # What makes two boards the same for the manager: the folders and runs they show.
    return frozenset((str(run.path.expanduser().absolute()), run.key) for run in runs)


def _title(items: Selection) -> str:
    return _names_title([run.name or run.id for _, run in items])


def _names_title(names: Sequence[str]) -> str:
    """'a', 'a, b' or 'a, b +3'."""
    return (
        names[0]
        if len(names) == 1
        else ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
    )


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
        self._closing = False

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
        hint = QLabel("Right-click runs in the tree and choose <b>Open in TensorBoard</b>.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setEnabled(False)
        self._centre = QStackedWidget()
        self._centre.addWidget(hint)
        self._centre.addWidget(self.tabs)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(self._centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, DEFAULT_SIZE.width() - 420])
        self.setCentralWidget(self.splitter)

        from tbdesk.ui.boards_panel import BoardsPanel

        self.boards_panel = BoardsPanel(manager)
        self.boards_dock = QDockWidget("Boards", self)
        self.boards_dock.setObjectName("boards-dock")
        self.boards_dock.setWidget(self.boards_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.boards_dock)

        self.tasks = TaskRunner(self.statusBar(), self)
        self.azure = AzureActions(self)
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
        layout.addWidget(self.tree, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("tree-splitter")
        splitter.addWidget(browse)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([DEFAULT_SIZE.height() - DETAILS_HEIGHT, DETAILS_HEIGHT])
        return splitter

    def _make_actions(self) -> None:
        def action(text: str, slot: object = None, shortcut: QKeySequence | None = None) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(shortcut)
            if callable(slot):
                act.triggered.connect(slot)
            return act

        self.open_action = action("Open in TensorBoard", self.open_selected)
        self.compare_action = action("Compare selected in one TensorBoard", self.compare_selected)
        self.export_action = action("Export to TensorBoard…", self.export_selected)
        self.export_action.setStatusTip("Write the metric history of runs as TensorBoard event files")
        self.download_action = action("Download logs…", self.download_selected)
        self.copy_id_action = action("Copy run id", self.copy_run_ids)
        self.studio_action = action("Open in Azure ML studio", self.open_selected_in_studio)
        self.studio_action.setStatusTip("Show the run's page in Azure ML studio in your web browser")
        self.find_action = action("Find runs…", self.focus_search, QKeySequence("Ctrl+F"))
        self.sign_in_action = action("Sign in to Azure…", self.azure.ask_sign_in)
        self.add_workspace_action = action("Add Azure ML workspace…", self.add_workspace)
        self.remove_workspace_action = action("Remove workspace", self.remove_selected_workspaces)
        self.sign_in_again_action = action("Sign in again", self.sign_in_selected_again)
        self.show_folder_action = action("Show in folder", self.show_selected_in_folder)
        self.close_folder_action = action("Close folder", self.close_selected_folder)
        self.open_folder_action = action("Open logs folder…", self.ask_log_folder, QKeySequence("Ctrl+O"))
        self.quit_action = action("Quit", self.close, QKeySequence("Ctrl+Q"))
        self.refresh_action = action("Refresh", self.tree.refresh, QKeySequence("F5"))
        self.about_action = action(f"About {tbdesk.APP_NAME}", lambda: dialogs.show_about(self))
        self._update_actions()

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_folder_action)
        file_menu.addSeparator()
        file_menu.addAction(self.sign_in_action)
        file_menu.addAction(self.add_workspace_action)
        file_menu.addAction(self.remove_workspace_action)
        self.sign_out_menu = file_menu.addMenu("Sign out")
        self.sign_out_menu.setObjectName("sign-out-menu")
        self.sign_out_menu.aboutToShow.connect(self._fill_sign_out_menu)
        file_menu.aboutToShow.connect(self._update_actions)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.boards_dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        self.manager.subscribe(self._on_board_changed)
        self.tree.customContextMenuRequested.connect(self._show_context_menu)
        self.tree.runsActivated.connect(self.open_selected)
        self.tree.selectionModel().selectionChanged.connect(self._update_actions)
        self.tree.selectionModel().selectionChanged.connect(self._update_details)
        self.tree.signInRequested.connect(self._sign_in_for_source)
        self.search.queryChanged.connect(self.tree.set_query)
        self.tree_model.loadFailed.connect(lambda message: self.statusBar().showMessage(message))
        self.tabs.tabCloseRequested.connect(lambda i: self.close_tab(self.tabs.widget(i)))
        self.tabs.currentChanged.connect(self._update_centre)
        self.boards_panel.openBoardRequested.connect(self.show_board_by_id)
        self.boards_panel.openExternalRequested.connect(self.open_external)
        self.boards_panel.errorOccurred.connect(self._show_panel_error)

    def _restore_layout(self) -> None:
        geometry = self.settings.state("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        state = self.settings.state("dock_state")
        if state is None or not self.restoreState(state):
            # The dashboards get the room; the boards panel a strip below them.
            self.resizeDocks([self.boards_dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)
        for name, splitter in (("splitter", self.splitter), ("tree_splitter", self.left_splitter)):
            saved = self.settings.state(name)
            if saved is not None:
                splitter.restoreState(saved)
        problem = self.settings.problem()
        if problem:
            self.statusBar().showMessage(problem)
        for source_id in self.settings.log_folders():
            self._restore_folder(source_id)

    def _restore_folder(self, source_id: str) -> None:
        from tbdesk.sources import open_source

        try:
            self.tree_model.add_source(open_source(source_id))
        except SourceError as error:
            self.statusBar().showMessage(f"Not showing a remembered folder: {error}")

    # --- settings ------------------------------------------------------------------------------
    def save_settings(self) -> None:
        self.settings.set_state("geometry", self.saveGeometry())
        self.settings.set_state("dock_state", self.saveState())
        self.settings.set_state("splitter", self.splitter.saveState())
        self.settings.set_state("tree_splitter", self.left_splitter.saveState())
        self.settings.set_log_folders(
            [source.id for source in self.tree_model.sources() if isinstance(source, LogFolderSource)]
        )
        self.settings.set_boards(
            [
                SavedBoard(board.title, board.runs, board.id in self._views)
                for board in self.manager.boards
                if board.state.is_live
            ]
        )
        self.settings.sync()

    def restore_boards(self) -> None:
        """Start again the boards that ran when the app last quit."""
        for saved in self.settings.boards():
            self.tasks.run(self._reopen(saved), f"Reopening {saved.title}", user_action=False)

    async def _reopen(self, saved: SavedBoard) -> None:
        board = await self.manager.open(saved.runs, title=saved.title)
        if saved.tab:
            self.show_board(board)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            self._closing = True
            self.save_settings()
            self.tasks.cancel_all()
            self.quitRequested.emit()
        event.accept()

    # --- sources -------------------------------------------------------------------------------
    def ask_log_folder(self) -> QFileDialog:
        return self._ask_folder("Open logs folder", "open-folder-dialog", self.add_log_folder)

    def add_log_folder(self, path: Path | str) -> None:
        folder = Path(path)
        if not folder.is_dir():
            dialogs.show_error(self, "Open logs folder failed", f"{folder} is not a folder.")
            return
        index = self.tree_model.add_source(LogFolderSource(folder))
        self.tree.expand(index)
        self.tree.setCurrentIndex(index)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_details(self, *_: object) -> None:
        nodes = self.tree.selected_nodes()
        runs = [node for node in nodes if node.kind is Kind.RUN]
        if len(runs) == 1 and len(nodes) == 1 and runs[0].source is not None and runs[0].run is not None:
            self.details.show_run(runs[0].source, runs[0].run)
        elif runs:
            self.details.show_message(f"{len(runs)} runs selected.")
        else:
            self.details.show_message("Select a run to see its details.")

    # --- Azure ---------------------------------------------------------------------------------
    def add_workspace(self) -> QWidget:
        """Add Azure ML workspace…, for the account selected in the tree (if one is)."""
        accounts = [self._account_of(node) for node in self.tree.selected_nodes()]
        return self.azure.ask_add_workspace(next((a for a in accounts if a is not None), None))

    def remove_selected_workspaces(self) -> None:
        for node in self._selected_workspaces():
            if node.source is not None:
                self.azure.remove_workspace(node.source.id)

    def sign_in_selected_again(self) -> None:
        for account in dict.fromkeys(self._account_of(node) for node in self.tree.selected_nodes()):
            if account is not None:
                self.azure.sign_in_again(account)

    def open_selected_in_studio(self) -> None:
        self.azure.open_in_studio(self.tree.selected_runs())

    def _sign_in_for_source(self, source_id: str) -> None:
        account = self.azure.account_of(source_id)
        if account is not None:
            self.azure.sign_in_again(account)

    def _account_of(self, node: Node) -> str | None:
        """The Azure account a node belongs to (an account, one of its workspaces, or below)."""
        while node.parent is not None and node.kind is not Kind.ACCOUNT:
            node = node.parent
        return node.account if node.kind is Kind.ACCOUNT else None

    def _selected_workspaces(self) -> list[Node]:
        return [
            node for node in self.tree.selected_nodes() if node.kind is Kind.SOURCE and is_azure(node.source)
        ]

    def _selected_accounts(self) -> list[str]:
        return [node.account for node in self.tree.selected_nodes() if node.account is not None]

    def _fill_sign_out_menu(self) -> None:
        from tbdesk.ui.azure_actions import account_title

        self.sign_out_menu.clear()
        accounts = self.azure.accounts()
        for account in accounts:
            act = self.sign_out_menu.addAction(account_title(account))
            act.triggered.connect(lambda _=False, account_id=account.id: self.azure.sign_out(account_id))
        if not accounts:
            self.sign_out_menu.addAction("Not signed in").setEnabled(False)

    def close_selected_folder(self) -> None:
        for node in self.tree.selected_nodes():
            if node.kind is Kind.SOURCE and isinstance(node.source, LogFolderSource):
                self.tree_model.remove_source(node.source.id)

    # --- opening boards ------------------------------------------------------------------------
    def open_selected(self) -> None:
        """A board per selected run (each with its child runs)."""
        for item in self.tree.selected_runs():
            self.open_runs([item])

    def compare_selected(self) -> None:
        """One board with every selected run (and their child runs)."""
        items = self.tree.selected_runs()
        if items:
            self.open_runs(items)

    def open_runs(self, items: Selection, title: str | None = None) -> None:
        name = title or _title(items)
        self.tasks.run(self._open_runs(items, name), f"Opening {name} in TensorBoard")

    async def _open_runs(self, items: Selection, title: str) -> Board:
        """Runs without TensorBoard logs of their own are exported into the cache first."""
        from tbdesk.boards.prepare import prepare_board_runs

        job = asyncio.current_task()
        runs: list[BoardRun] = []
        for source, source_runs in _by_source(items):
            runs += await prepare_board_runs(
                source,
                source_runs,
                children=True,
                progress=lambda update: self.show_export_progress(update, job),
            )
        self.tasks.report(0, 0, detail="", task=job)
        return await self.open_board(runs, title)

    def open_folder_board(self, path: Path) -> None:
        """`tbdesk PATH`: show the folder in the tree and open a board on all of it."""
        folder = path.expanduser().resolve()
        if folder.is_dir():
            self.tree_model.add_source(LogFolderSource(folder))
        name = folder.name or str(folder)
        self.tasks.run(self.open_board([BoardRun(name, folder)], name), f"Opening {name} in TensorBoard")

    async def open_board(self, runs: Sequence[BoardRun], title: str) -> Board:
        """Open (or reuse) a board on runs and show it in a tab; the tab shows loading meanwhile."""
        wanted = _identity(runs)
        existing = next(
            (b for b in self.manager.boards if b.state.is_live and _identity(b.runs) == wanted), None
        )
        pending = None
        if existing is None or existing.id not in self._views:
            pending = self._add_view(f"pending:{id(runs)}", "", title)
        try:
            board = await self.manager.open(runs, title=title)
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
                pending.restartRequested.connect(lambda: self.restart_board(board.id))
        self.show_board(board)
        return board

    def show_board(self, board: Board) -> BoardView:
        view = self._views.get(board.id)
        if view is None:
            view = self._add_view(board.id, board.url or "", board.title)
            view.restartRequested.connect(lambda: self.restart_board(board.id))
        self._sync_view(view, board)
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
        view = self._views.get(key) or self._add_view(key, url, title)
        self.tabs.setCurrentWidget(view)

    def restart_board(self, board_id: str) -> None:
        board = self._board(board_id)
        if board is None:
            dialogs.show_error(self, "Restart failed", "This board was stopped; open its runs again.")
            return
        self.tasks.run(self.manager.restart(board), f"Restarting {board.title}")

    def view_of(self, board: Board) -> BoardView | None:
        return self._views.get(board.id)

    def close_tab(self, view: QWidget | None) -> None:
        """Closing a tab leaves its board running; the boards panel stops boards."""
        key = self._key_of(view)
        if key is None or view is None:
            return
        del self._views[key]
        self.tabs.removeTab(self.tabs.indexOf(view))
        view.deleteLater()
        self._update_centre()

    def _add_view(self, key: str, url: str, title: str) -> BoardView:
        from tbdesk.ui.board_view import BoardView  # QtWebEngine loads with the first board

        view = BoardView(url, title)
        view.linkOpenedExternally.connect(lambda link: self.statusBar().showMessage(f"Opened {link}", 5000))
        self._views[key] = view
        self.tabs.addTab(view, title)
        self.tabs.setCurrentWidget(view)
        self._update_centre()
        return view

    def _sync_view(self, view: BoardView, board: Board) -> None:
        if board.state in (BoardState.CRASHED, BoardState.FAILED):
            view.show_error(f"TensorBoard stopped: {board.title}\n{board.error or ''}")
        elif board.state is BoardState.STARTING and view.url:
            view.set_url("")  # restarting: the old address is gone
        elif board.state is BoardState.READY and board.url and board.url != view.url:
            view.set_url(board.url)

    def _on_board_changed(self, board: Board) -> None:
        view = self._views.get(board.id)
        if view is None or not Shiboken.isValid(self.tabs):  # the manager may outlive the window
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
        dialogs.show_error(self, "Boards", message)

    # --- export --------------------------------------------------------------------------------
    def export_selected(self) -> QFileDialog | None:
        """Export to TensorBoard…: the selected runs and every run of the selected experiments."""
        items, experiments = self.tree.selected_runs(), self._selected_experiments()
        if not items and not experiments:
            return None
        return self._ask_folder(
            "Export to TensorBoard: choose a folder",
            export_dialog.FOLDER_DIALOG_NAME,
            lambda folder: self.export_to(folder, items, experiments),
            start=export_dialog.last_folder(self.settings),
        )

    def export_to(
        self, folder: Path, items: Selection, experiments: Experiments = ()
    ) -> asyncio.Task[list[ExportResult]]:
        """Export runs (each with its child runs) into folder, then offer to open them in a board."""
        export_dialog.remember_folder(self.settings, folder)
        title = _names_title([run.name or run.id for _, run in items] + [exp.name for _, exp in experiments])

        def offer(results: list[ExportResult]) -> None:
            self.offer_board(folder, results)

        return self.tasks.run(
            self._export(folder, items, experiments),
            f"Exporting {title} to TensorBoard",
            on_success=offer,
            done_text=lambda results: export_dialog.summary(folder, results),
        )

    async def _export(self, folder: Path, items: Selection, experiments: Experiments) -> list[ExportResult]:
        from tbdesk.export import export_runs

        job = asyncio.current_task()
        wanted = list(items)
        for source, experiment in experiments:
            self.tasks.report(0, 0, detail=f"listing the runs of {experiment.name}")
            wanted += [(source, run) for run in await _all_runs(source, experiment)]
        if not wanted:
            names = ", ".join(experiment.name for _, experiment in experiments)
            raise SourceError(f"There are no runs to export in {names or 'the selection'}.")
        results: list[ExportResult] = []
        # One source after the other: each call chooses its new folders' names in the same folder.
        for source, runs in _by_source(wanted):
            results += await export_runs(
                source, runs, folder, progress=lambda update: self.show_export_progress(update, job)
            )
        return results

    def show_export_progress(self, update: ExportProgress, job: asyncio.Task[Any] | None) -> None:
        """An export's progress, run by run, in the status bar of the job that runs it."""
        self.tasks.report(
            update.runs_done, update.runs_total, detail=export_dialog.progress_text(update), task=job
        )

    def offer_board(self, folder: Path, results: Sequence[ExportResult]) -> QMessageBox:
        """The export is done: say so, and offer to open what it wrote in a board."""
        return export_dialog.offer_board(self, folder, results, lambda: self.open_exported(results))

    def open_exported(self, results: Sequence[ExportResult]) -> None:
        runs = [BoardRun(result.folder.name, result.folder, result.run.key) for result in results]
        title = _names_title([run.name for run in runs])
        self.tasks.run(self.open_board(runs, title), f"Opening {title} in TensorBoard")

    def _selected_experiments(self) -> list[tuple[Source, Experiment]]:
        return [
            (node.source, node.experiment)
            for node in self.tree.selected_nodes()
            if node.kind is Kind.EXPERIMENT and node.source is not None and node.experiment is not None
        ]

    # --- other run actions ---------------------------------------------------------------------
    def download_selected(self) -> QFileDialog | None:
        items = self.tree.selected_runs()
        if not items:
            return None
        return self._ask_folder(
            "Download logs to folder",
            "download-logs-dialog",
            lambda folder: self.download_logs(items, folder),
        )

    def download_logs(self, items: Selection, dest: Path | str) -> None:
        folder = Path(dest)
        self.tasks.run(
            self._download(items, folder),
            f"Downloading logs of {_title(items)}",
            done_text=lambda n: (
                f"Downloaded {n} files to {folder}" if n else "The selected runs have no logs"
            ),
        )

    async def _download(self, items: Selection, dest: Path) -> int:
        copied = 0
        used: set[str] = set()
        for done, (source, run) in enumerate(items):
            self.tasks.report(done, len(items), f"Downloading logs of {run.name}")
            name = base = _folder_name(run)
            while name in used:
                name = f"{base}-{len(used)}"
            used.add(name)
            # A folder of logs holds nothing but logs; other sources keep them under logs/.
            prefix = "" if isinstance(source, LogFolderSource) else "logs/"
            copied += len(await source.fetch_files(run, dest / name, prefix))
        return copied

    def copy_run_ids(self) -> None:
        ids = [run.id for _, run in self.tree.selected_runs()]
        if ids:
            QGuiApplication.clipboard().setText("\n".join(ids))
            self.statusBar().showMessage("Copied run id" + ("s" if len(ids) > 1 else ""), 5000)

    def show_selected_in_folder(self) -> None:
        items = self.tree.selected_runs()
        if items:
            source, run = items[0]
            self.tasks.run(self._show_in_folder(source, run), f"Showing {run.name} in its folder")

    async def _show_in_folder(self, source: Source, run: Run) -> None:
        folder = await source.tensorboard_dir(run)
        if folder is None:
            raise SourceError(f"The run {run.name} has no folder on this machine.")
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            raise SourceError(f"No file manager could open {folder}.")

    # --- menus and dialogs ---------------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """The menu for the tree's current selection."""
        self._update_actions()
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        runs = self.tree.selected_runs()
        if runs:
            for act in (self.open_action, self.compare_action, self.export_action):
                menu.addAction(act)
            menu.addSeparator()
            if any(is_azure(source) for source, _ in runs):
                menu.addAction(self.studio_action)
            for act in (self.download_action, self.copy_id_action, self.show_folder_action):
                menu.addAction(act)
        elif self._selected_experiments():
            menu.addAction(self.export_action)
            menu.addSeparator()
            menu.addAction(self.refresh_action)
        else:
            menu.addAction(self.refresh_action)
            if self.close_folder_action.isEnabled():
                menu.addAction(self.close_folder_action)
            if self._selected_workspaces():
                menu.addAction(self.remove_workspace_action)
            accounts = self._selected_accounts()
            if accounts:
                menu.addSeparator()
                menu.addAction(self.add_workspace_action)
                menu.addAction(self.sign_in_again_action)
                sign_out = menu.addAction("Sign out")
                sign_out.triggered.connect(lambda: [self.azure.sign_out(account) for account in accounts])
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _update_actions(self) -> None:
        count = len(self.tree.selected_runs())
        self.open_action.setEnabled(count >= 1)
        self.export_action.setEnabled(count >= 1 or bool(self._selected_experiments()))
        self.compare_action.setEnabled(count >= 2)
        self.download_action.setEnabled(count >= 1)
        self.copy_id_action.setEnabled(count >= 1)
        runs = self.tree.selected_runs()
        self.show_folder_action.setEnabled(count == 1 and not is_azure(runs[0][0]))
        self.studio_action.setEnabled(any(is_azure(source) for source, _ in runs))
        self.remove_workspace_action.setEnabled(bool(self._selected_workspaces()))
        self.close_folder_action.setEnabled(
            any(
                node.kind is Kind.SOURCE and isinstance(node.source, LogFolderSource)
                for node in self.tree.selected_nodes()
            )
        )

    def _ask_folder(
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


def _by_source(items: Selection) -> list[tuple[Source, list[Run]]]:
    """The runs grouped by their source, in order."""
    grouped: dict[str, tuple[Source, list[Run]]] = {}
    for source, run in items:
        grouped.setdefault(source.id, (source, []))[1].append(run)
    return list(grouped.values())


async def _all_runs(source: Source, experiment: Experiment) -> list[Run]:
    runs: list[Run] = []
    async for page in source.runs(experiment):
        runs += page
    return runs
