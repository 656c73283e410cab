"""What the window does with the runs selected in the tree: open them in a board (each alone, or
compared in one; their logs synced live while the board is open), export their metric history,
download their logs, copy their ids, show them in their folder or in Azure ML studio; and the
tree's context menu, which offers what fits the selection.

Every action runs as a task of the window's task runner (progress, cancel, clear errors).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from tbdesk.boards import Board, BoardError, BoardRun
from tbdesk.model import Experiment, Run
from tbdesk.sources.base import Source, SourceError
from tbdesk.sources.cloud import CloudFolderSource, all_runs
from tbdesk.sources.logdir import LogFolderSource
from tbdesk.sync import DEFAULT_PREFIX, RunCache
from tbdesk.sync.engine import FILES
from tbdesk.ui import export_dialog
from tbdesk.ui.azure_actions import is_azure
from tbdesk.ui.sync_status import asked
from tbdesk.ui.tree_nodes import Kind

if TYPE_CHECKING:
    from tbdesk.boards.prepare import LiveRuns
    from tbdesk.export import ExportProgress, ExportResult
    from tbdesk.sources.azure import AzureSource
    from tbdesk.ui.main_window import MainWindow

Selection = list[tuple[Source, Run]]
Experiments = Sequence[tuple[Source, Experiment]]
OPTIONS_DIALOG_NAME = "open-options-dialog"

_UNSAFE = re.compile(r"[^A-Za-z0-9._=+-]+")


def _names_title(names: Sequence[str]) -> str:
    """'a', 'a, b' or 'a, b +3'."""
    return (
        names[0]
        if len(names) == 1
        else ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
    )


def _title(items: Selection) -> str:
    return _names_title([run.name or run.id for _, run in items])


def _folder_name(run: Run) -> str:
    """A file name for a run's download folder (run names may hold slashes and worse)."""
    name = _UNSAFE.sub("_", run.name or run.id).strip("._")[:100]
    return name or _UNSAFE.sub("_", run.id).strip("._") or "run"


class RunActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.open_action = window.new_action(self.tr("Open in TensorBoard"), self.open_selected)
        self.compare_action = window.new_action(
            self.tr("Compare selected in one TensorBoard"), self.compare_selected
        )
        self.options_action = window.new_action(self.tr("Open with options…"), self.open_with_options)
        self.options_action.setStatusTip(
            self.tr("Open the selected runs in one board, choosing where their logs are")
        )
        self.export_action = window.new_action(self.tr("Export to TensorBoard…"), self.export_selected)
        self.export_action.setStatusTip(
            self.tr("Write the metric history of runs as TensorBoard event files")
        )
        self.download_action = window.new_action(self.tr("Download logs…"), self.download_selected)
        self.copy_id_action = window.new_action(self.tr("Copy run id"), self.copy_run_ids)
        self.studio_action = window.new_action(
            self.tr("Open in Azure ML studio"), self.open_selected_in_studio
        )
        self.studio_action.setStatusTip(self.tr("Show the run's page in Azure ML studio in your web browser"))
        self.show_folder_action = window.new_action(self.tr("Show in folder"), self.show_selected_in_folder)
        self.open_whole_action = window.new_action(self.tr("Open in TensorBoard"), self.open_selected_wholes)
        self.open_whole_action.setStatusTip(
            self.tr("One board on every run of the selected experiment or logs folder")
        )

    # --- the context menu ----------------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """The menu for the tree's current selection."""
        window = self._window
        window.update_actions()
        menu = QMenu(window)
        menu.setToolTipsVisible(True)
        runs = window.tree.selected_runs()
        if runs:
            for act in (self.open_action, self.compare_action, self.options_action, self.export_action):
                menu.addAction(act)
            menu.addSeparator()
            if any(is_azure(source) for source, _ in runs):
                menu.addAction(self.studio_action)
            for act in (self.download_action, self.copy_id_action, self.show_folder_action):
                menu.addAction(act)
        elif self.selected_experiments():
            menu.addAction(self.open_whole_action)
            menu.addAction(self.export_action)
            menu.addSeparator()
            menu.addAction(window.refresh_action)
        else:
            if self.selected_log_folders():
                menu.addAction(self.open_whole_action)
            menu.addAction(window.refresh_action)
            sources = window.source_actions
            if sources.close_folder_action.isEnabled():
                menu.addAction(sources.close_folder_action)
            if sources.selected_workspaces():
                menu.addAction(sources.remove_workspace_action)
            accounts = sources.selected_accounts()
            if accounts:
                menu.addSeparator()
                menu.addAction(sources.add_workspace_action)
                menu.addAction(sources.sign_in_again_action)
                sign_out = menu.addAction(self.tr("Sign out"))
                sign_out.triggered.connect(lambda: [window.azure.sign_out(account) for account in accounts])
                if len(accounts) == 1:  # each removal asks first: one at a time
                    remove = menu.addAction(self.tr("Remove account…"))
                    remove.triggered.connect(lambda: window.azure.ask_remove_account(accounts[0]))
        return menu

    def show_context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self._window.tree.viewport().mapToGlobal(pos))

    def update_actions(self) -> None:
        """Enable what fits the tree's selection."""
        runs = self._window.tree.selected_runs()
        count = len(runs)
        self.open_action.setEnabled(count >= 1)
        self.export_action.setEnabled(count >= 1 or bool(self.selected_experiments()))
        self.compare_action.setEnabled(count >= 2)
        self.options_action.setEnabled(count >= 1)
        self.download_action.setEnabled(count >= 1)
        self.copy_id_action.setEnabled(count >= 1)
        self.show_folder_action.setEnabled(count == 1 and not is_azure(runs[0][0]))
        self.open_whole_action.setEnabled(bool(self.selected_experiments() or self.selected_log_folders()))
        self.studio_action.setEnabled(any(is_azure(source) for source, _ in runs))

    def selected_log_folders(self) -> list[LogFolderSource]:
        return [
            node.source
            for node in self._window.tree.selected_nodes()
            if node.kind is Kind.SOURCE and isinstance(node.source, LogFolderSource)
        ]

    def open_selected_wholes(self) -> None:
        """A board on each selected logs folder (all of it), and on each selected experiment (every
        run, each with its child runs)."""
        for folder in self.selected_log_folders():
            self._window.open_folder_board(folder.path)
        for source, experiment in self.selected_experiments():
            self._window.tasks.run(
                self._open_experiment(source, experiment),
                self.tr("Opening {0} in TensorBoard").format(experiment.name),
            )

    async def _open_experiment(self, source: Source, experiment: Experiment) -> Board:
        runs = [run async for page in source.runs(experiment) for run in page]
        if not runs:
            raise SourceError(self.tr("The experiment {0} has no runs to open.").format(experiment.name))
        return await self._open_runs([(source, run) for run in runs], experiment.name, DEFAULT_PREFIX)

    def selected_experiments(self) -> list[tuple[Source, Experiment]]:
        return [
            (node.source, node.experiment)
            for node in self._window.tree.selected_nodes()
            if node.kind is Kind.EXPERIMENT and node.source is not None and node.experiment is not None
        ]

    # --- opening boards ------------------------------------------------------------------------
    def open_selected(self) -> None:
        """A board per selected run (each with its child runs)."""
        for item in self._window.tree.selected_runs():
            self.open_runs([item])

    def compare_selected(self) -> None:
        """One board with every selected run (and their child runs)."""
        items = self._window.tree.selected_runs()
        if items:
            self.open_runs(items)

    def open_with_options(self) -> QInputDialog | None:
        """One board on the selected runs, with their logs where the user says (default logs/)."""
        items = self._window.tree.selected_runs()
        if not items:
            return None
        dialog = QInputDialog(self._window)
        dialog.setObjectName(OPTIONS_DIALOG_NAME)
        dialog.setWindowTitle(self.tr("Open with options"))
        dialog.setLabelText(
            self.tr("Folder of the TensorBoard logs in each run (for example logs/ or outputs/tb/):")
        )
        dialog.setTextValue(self._window.settings.logs_prefix())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda prefix: self.open_runs(items, prefix=_prefix(prefix)))
        dialog.open()
        return dialog

    def open_runs(self, items: Selection, title: str | None = None, *, prefix: str | None = None) -> None:
        """One board on the runs; prefix: the folder of their logs (Open with options, where ""
        is the whole run), else logs/. The one chosen is only offered again in that dialog."""
        name = title or _title(items)
        if prefix is not None:
            self._window.settings.set_logs_prefix(prefix)
        chosen = prefix if prefix is not None else DEFAULT_PREFIX
        opening = self._open_runs(items, name, chosen)
        if prefix is not None:  # a folder the user named: it must hold something
            opening = self._open_if_found(items, prefix, opening)
        self._window.tasks.run(opening, self.tr("Opening {0} in TensorBoard").format(name))

    async def _open_if_found(
        self, items: Selection, prefix: str, opening: Coroutine[Any, Any, Board]
    ) -> Board:
        """Open only when some run has files in the folder named in Open with options: else the
        runs' exports (or an existing board of them) would show, as if the folder had been found."""
        try:
            for source, run in items:
                if await source.files(run, prefix):
                    return await opening
        except BaseException:
            opening.close()
            raise
        opening.close()
        if prefix:
            raise SourceError(
                self.tr("No files in {0} of {1}: opened nothing.").format(prefix, _title(items))
            )
        raise SourceError(self.tr("No files in {0}: opened nothing.").format(_title(items)))

    async def _open_runs(self, items: Selection, title: str, prefix: str) -> Board:
        """The runs' logs are synced live into the cache (runs without logs of their own are
        exported), and the syncs go on feeding the board until it stops."""
        from tbdesk.boards.prepare import prepare_live_runs

        window = self._window
        wanted = asked(items, prefix)
        shown = window.syncs.board_for(wanted)
        board = next((b for b in window.manager.boards if b.id == shown and b.state.is_live), None)
        job = asyncio.current_task()
        if board is not None:  # opened already: show it, look for new logs, export anew
            window.syncs.refresh(board.id)
            window.show_board(board)
            for live in window.syncs.feeds(board.id):
                await live.export_again(lambda update: self.show_export_progress(update, job))
            return board
        window.manager.warm()  # TensorBoard loads while the runs are synced or exported
        lives: list[LiveRuns] = []
        empty: list[BoardError] = []
        try:
            for source, source_runs in _by_source(items):
                window.tasks.report(
                    0, 0, detail=self.tr("syncing the logs of {0}").format(_title(items)), task=job
                )
                try:
                    live = await prepare_live_runs(
                        source,
                        source_runs,
                        cache=window.run_cache,
                        prefix=prefix,
                        progress=lambda update: self.show_export_progress(update, job),
                        taken=[run.name for other in lives for run in other.runs],
                    )
                except BoardError as error:  # nothing to show: left out, as within one source
                    empty.append(error)
                    continue
                lives.append(live)
            if not lives:
                raise empty[0]
            window.tasks.report(0, 0, detail="", task=job)
            runs = [run for live in lives for run in live.runs]
            board = await window.open_board(runs, title, live=True)
        except BaseException:
            await asyncio.gather(*(live.stop() for live in lives), return_exceptions=True)
            raise
        if window.syncs.feeds(board.id):  # the same runs from elsewhere: that board is fed already
            await asyncio.gather(*(live.stop() for live in lives))
            window.syncs.refresh(board.id)
            return board
        for live in lives:
            live.attach(window.manager, board)
            window.syncs.add(board, live, wanted)
        return board

    async def follow_again(self, board: Board) -> None:
        """Make a board reopened from the last session live again: the Azure runs it shows are
        synced anew into the folders it shows, and child runs that join it are added, as for a
        board opened now. Raises SourceError when its runs cannot be found."""
        from tbdesk.boards.prepare import LiveRuns
        from tbdesk.sources.azure import AzureSource
        from tbdesk.sync import LiveSync, found_by_logs

        window = self._window
        sources = {source.id: source for source in window.tree_model.sources()}
        for source_id, (run_ids, prefix) in synced_roots(board.runs, window.run_cache).items():
            source = sources.get(source_id)
            if isinstance(source, CloudFolderSource):  # its runs are found by one listing
                found = {run.id: run for run in await all_runs(source)}
                missing = [run_id for run_id in run_ids if run_id not in found]
                if missing:
                    raise SourceError(
                        self.tr("The run {0} is not in {1} any more.").format(missing[0], source.url.text)
                    )
                roots = [found[run_id] for run_id in run_ids]
            elif isinstance(source, AzureSource):
                roots = await _find_runs(source, run_ids)
            else:
                raise SourceError(
                    self.tr("The workspace of the runs of {0} is not in the tree any more.").format(
                        board.title
                    )
                )
            live = LiveRuns(source, LiveSync(source, roots, cache=window.run_cache, prefix=prefix))
            try:
                await live.sync.start(wait=not found_by_logs(source))  # the board shows them
            except BaseException:
                await live.stop()
                raise
            live.names.update((run.key, run.name) for run in board.runs if run.key is not None)
            live.attach(window.manager, board)
            window.syncs.add(board, live, asked([(source, run) for run in roots], prefix))

    def open_selected_in_studio(self) -> None:
        self._window.azure.open_in_studio(self._window.tree.selected_runs())

    # --- export --------------------------------------------------------------------------------
    def export_selected(self) -> QFileDialog | None:
        """Export to TensorBoard…: the selected runs and every run of the selected experiments."""
        items, experiments = self._window.tree.selected_runs(), self.selected_experiments()
        if not items and not experiments:
            return None
        return self._window.ask_folder(
            self.tr("Export to TensorBoard: choose a folder"),
            export_dialog.FOLDER_DIALOG_NAME,
            lambda folder: self.export_to(folder, items, experiments),
            start=export_dialog.last_folder(self._window.settings),
        )

    def export_to(
        self, folder: Path, items: Selection, experiments: Experiments = ()
    ) -> asyncio.Task[list[ExportResult]]:
        """Export runs (each with its child runs) into folder, then offer to open them in a board."""
        export_dialog.remember_folder(self._window.settings, folder)
        title = _names_title([run.name or run.id for _, run in items] + [exp.name for _, exp in experiments])

        def offer(results: list[ExportResult]) -> None:
            self.offer_board(folder, results)

        return self._window.tasks.run(
            self._export(folder, items, experiments),
            self.tr("Exporting {0} to TensorBoard").format(title),
            on_success=offer,
            done_text=lambda results: export_dialog.summary(folder, results),
        )

    async def _export(self, folder: Path, items: Selection, experiments: Experiments) -> list[ExportResult]:
        from tbdesk.export import export_runs

        job = asyncio.current_task()
        wanted = list(items)
        for source, experiment in experiments:
            self._window.tasks.report(0, 0, detail=self.tr("listing the runs of {0}").format(experiment.name))
            wanted += [(source, run) for run in await _all_runs(source, experiment)]
        if not wanted:
            names = ", ".join(experiment.name for _, experiment in experiments)
            if names:
                raise SourceError(self.tr("There are no runs to export in {0}.").format(names))
            raise SourceError(self.tr("There are no runs to export in the selection."))
        results: list[ExportResult] = []
        # One source after the other: each call chooses its new folders' names in the same folder.
        for source, runs in _by_source(wanted):
            results += await export_runs(
                source, runs, folder, progress=lambda update: self.show_export_progress(update, job)
            )
        return results

    def show_export_progress(self, update: ExportProgress, job: asyncio.Task[Any] | None) -> None:
        """An export's progress, run by run, in the status bar of the job that runs it."""
        self._window.tasks.report(
            update.runs_done, update.runs_total, detail=export_dialog.progress_text(update), task=job
        )

    def offer_board(self, folder: Path, results: Sequence[ExportResult]) -> QMessageBox:
        """The export is done: say so, and offer to open what it wrote in a board."""
        return export_dialog.offer_board(self._window, folder, results, lambda: self.open_exported(results))

    def open_exported(self, results: Sequence[ExportResult]) -> None:
        runs = [BoardRun(result.folder.name, result.folder, result.run.key) for result in results]
        title = _names_title([run.name for run in runs])
        self._window.tasks.run(
            self._window.open_board(runs, title), self.tr("Opening {0} in TensorBoard").format(title)
        )

    # --- logs, ids and folders -----------------------------------------------------------------
    def download_selected(self) -> QFileDialog | None:
        items = self._window.tree.selected_runs()
        if not items:
            return None
        return self._window.ask_folder(
            self.tr("Download logs to folder"),
            "download-logs-dialog",
            lambda folder: self.download_logs(items, folder),
        )

    def download_logs(self, items: Selection, dest: Path | str) -> None:
        folder = Path(dest)
        self._window.tasks.run(
            self._download(items, folder),
            self.tr("Downloading logs of {0}").format(_title(items)),
            done_text=lambda n: (
                self.tr("Downloaded %Ln files to {0}", "", n).format(folder)
                if n
                else self.tr("The selected runs have no logs")
            ),
        )

    async def _download(self, items: Selection, dest: Path) -> int:
        copied = 0
        used: set[str] = set()
        for done, (source, run) in enumerate(items):
            self._window.tasks.report(done, len(items), self.tr("Downloading logs of {0}").format(run.name))
            name = base = _folder_name(run)
            while name in used:
                name = f"{base}-{len(used)}"
            used.add(name)
            # A folder of logs holds nothing but logs; other sources keep them under logs/.
            prefix = "" if isinstance(source, LogFolderSource | CloudFolderSource) else DEFAULT_PREFIX
            copied += len(await source.fetch_files(run, dest / name, prefix))
        return copied

    def copy_run_ids(self) -> None:
        ids = [run.id for _, run in self._window.tree.selected_runs()]
        if ids:
            QGuiApplication.clipboard().setText("\n".join(ids))
            self._window.statusBar().showMessage(self.tr("Copied %n run ids", "", len(ids)), 5000)

    def show_selected_in_folder(self) -> None:
        items = self._window.tree.selected_runs()
        if items:
            source, run = items[0]
            self._window.tasks.run(
                self._show_in_folder(source, run), self.tr("Showing {0} in its folder").format(run.name)
            )

    async def _show_in_folder(self, source: Source, run: Run) -> None:
        """The run's logs folder; for a run that only logged metrics, the folder its metrics are
        exported to (as Open in TensorBoard exports them), not an error."""
        from tbdesk.boards.prepare import prepare_board_runs

        folder = await source.tensorboard_dir(run)
        if folder is None:
            exported = await prepare_board_runs(source, [run], children=False)
            if not exported:
                raise SourceError(
                    self.tr("The run {0} has neither logs nor metrics to show in a folder.").format(run.name)
                )
            folder = exported[0].path
            self._window.statusBar().showMessage(
                self.tr("{0} logged metrics only: showing the folder they are exported to").format(run.name),
                10_000,
            )
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            raise SourceError(self.tr("No file manager could open {0}.").format(folder))


def _prefix(text: str) -> str:
    """A logs prefix as the sync wants it: relative, '/'-separated, ending in '/' ('' for all)."""
    parts = [part.strip() for part in text.replace("\\", "/").split("/") if part.strip() not in ("", ".")]
    return "/".join(parts) + "/" if parts else ""


def synced_roots(runs: Sequence[BoardRun], cache: RunCache) -> dict[str, tuple[list[str], str]]:
    """The ids of a board's top runs whose logs were synced into the cache (a run shown under
    another one's name comes with that run's tree), by source, with the logs prefix they were
    synced from (read from the folders the board shows: <entry>/files/<prefix>)."""
    names = [run.name for run in runs]
    found: dict[str, tuple[list[str], str]] = {}
    for run in runs:
        if run.key is None or not run.path.is_relative_to(cache.root):
            continue
        if any(run.name.startswith(other + "/") for other in names):
            continue
        inside = run.path.relative_to(cache.root).parts[1:]
        if inside[:1] != (FILES,):
            continue
        prefix = "/".join(inside[1:])
        run_ids, _ = found.setdefault(run.key.source_id, ([], prefix + "/" if prefix else ""))
        run_ids.append(run.key.run_id)
    return found


async def _find_runs(source: AzureSource, run_ids: Sequence[str]) -> list[Run]:
    """Runs by their ids alone: a board remembers no experiment, so each is looked for in the
    experiments of its workspace, the one where the last was found first (once, when asked)."""
    experiments = [experiment.name for experiment in await source.experiments()]
    found: list[Run] = []
    for run_id in run_ids:
        for name in experiments:
            try:
                run = await source.get_run(name, run_id)
            except SourceError:
                continue
            found.append(run)
            experiments.remove(name)
            experiments.insert(0, name)
            break
        else:
            raise SourceError(
                QCoreApplication.translate("RunActions", "The run {0} is not in {1} any more.").format(
                    run_id, source.title
                )
            )
    return found


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
