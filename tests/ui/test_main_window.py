"""The main window with real sources, real TensorBoard boards and real web views."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from tbdesk.boards import BoardManager, BoardState
from tbdesk.local import Experiment as LocalExperiment
from tbdesk.local import Workspace
from tbdesk.ui import dialogs
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.tree_nodes import NAME, Kind
from tests.event_files import write_events
from tests.ui.ui_helpers import UrlCatcher, error_dialogs, show_window, wait_idle


def fill_workspace(path: Path, scratch: Path) -> dict[str, str]:
    """An experiment with a run holding logs and two child runs with logs, and a run without logs."""
    ws = Workspace(path)
    try:
        exp = LocalExperiment(ws, "sweep")
        ids = {}
        bare = exp.start_logging(display_name="no-logs")
        bare.complete()
        ids["no-logs"] = bare.id
        for name in ("lr=0.1", "lr=1"):
            run = exp.start_logging(display_name=name)
            write_events(scratch / name)
            run.upload_folder("logs", str(scratch / name))
            if name == "lr=0.1":
                for fold in ("fold-0", "fold-1"):
                    with run.child_run(fold) as child:
                        write_events(scratch / name / fold)
                        child.upload_folder("logs", str(scratch / name / fold))
            run.complete()
            ids[name] = run.id
        return ids
    finally:
        ws.close()


class Env:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.workspace = tmp / "ws"
        self.ids = fill_workspace(self.workspace, tmp / "scratch")
        self.settings_path = tmp / "config" / "tbdesk.ini"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


def make_window(qtbot: Any, env: Env, manager: BoardManager) -> MainWindow:
    return show_window(qtbot, manager, env.settings_path, env.workspace)


@pytest.fixture
def window(qtbot: Any, env: Env, manager: BoardManager) -> MainWindow:
    return make_window(qtbot, env, manager)


def expand_sweep(qtbot: Any, window: MainWindow) -> Any:
    model = window.tree_model
    source = model.index(0, NAME)
    window.tree.expand(source)
    wait_idle(qtbot, window)
    sweep = model.index(0, NAME, source)
    assert sweep.data() == "sweep"
    window.tree.expand(sweep)
    wait_idle(qtbot, window)
    return sweep


def select(window: MainWindow, *names: str) -> None:
    model = window.tree_model
    window.tree.clearSelection()
    for node in model.nodes():
        if node.kind is Kind.RUN and node.run is not None and node.run.name in names:
            index = model.index_of(node)
            window.tree.selectionModel().select(
                index,
                window.tree.selectionModel().SelectionFlag.Select
                | window.tree.selectionModel().SelectionFlag.Rows,
            )


def test_window_shows_workspace_first_and_the_menus(qtbot: Any, window: MainWindow, env: Env) -> None:
    model = window.tree_model
    assert model.sources()[0].id == window.workspace_source.id
    assert model.index(0, NAME).data() == "Local workspace (ws)"
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert set(menus) == {"&File", "&View", "&Help"}
    assert window.source_actions.open_folder_action.shortcut().toString() == "Ctrl+O"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.refresh_action.shortcut().toString() == "F5"
    assert window.source_actions.open_folder_action in menus["&File"].actions()
    assert window.refresh_action in menus["&View"].actions()
    assert window.about_action in menus["&Help"].actions()
    window.about_action.trigger()
    [about] = [b for b in window.findChildren(QMessageBox) if b.objectName() == dialogs.ABOUT_DIALOG_NAME]
    assert "tbdesk" in about.text()
    about.close()


def test_context_menu_for_runs(qtbot: Any, window: MainWindow) -> None:
    expand_sweep(qtbot, window)
    select(window, "lr=1")
    menu = window.run_actions.context_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "Open in TensorBoard",
        "Compare selected in one TensorBoard",
        "Open with options…",
        "Export to TensorBoard…",
        "Download logs…",
        "Copy run id",
        "Show in folder",
    ]
    assert (
        window.run_actions.open_action.isEnabled() and not window.run_actions.compare_action.isEnabled()
    )  # compare needs two
    assert window.run_actions.export_action.isEnabled()  # what it does: tests/ui/test_export_actions.py
    select(window, "lr=1", "lr=0.1")
    assert (
        window.run_actions.compare_action.isEnabled()
        and not window.run_actions.show_folder_action.isEnabled()
    )


def test_open_in_tensorboard_then_reuse_and_compare(
    qtbot: Any, window: MainWindow, manager: BoardManager, env: Env
) -> None:
    expand_sweep(qtbot, window)
    select(window, "lr=0.1")
    window.run_actions.open_action.trigger()
    # The tab shows (loading) while TensorBoard starts.
    qtbot.waitUntil(lambda: window.tabs.count() == 1, timeout=10_000)
    assert not manager.boards or manager.boards[0].state is BoardState.STARTING
    wait_idle(qtbot, window)
    [board] = manager.boards
    assert board.state is BoardState.READY
    assert sorted(run.name for run in board.runs) == ["lr=0.1", "lr=0.1/fold-0", "lr=0.1/fold-1"]
    view = window.view_of(board)
    assert view is not None and view.url == board.url and window.tabs.currentWidget() is view

    window.tabs.addTab(QPushButton("other"), "other")
    window.tabs.setCurrentIndex(1)
    window.run_actions.open_action.trigger()  # again: the same board, its tab comes to the front
    wait_idle(qtbot, window)
    assert manager.boards == [board] and window.tabs.currentWidget() is view
    assert window.tabs.count() == 2

    select(window, "lr=0.1", "lr=1")
    window.run_actions.compare_action.trigger()
    wait_idle(qtbot, window)
    assert len(manager.boards) == 2
    compared = next(b for b in manager.boards if b is not board)
    assert {run.name for run in compared.runs} >= {"lr=0.1", "lr=1"}
    assert window.tabs.currentWidget() is window.view_of(compared)


def test_failed_open_shows_error_in_status_and_dialog(
    qtbot: Any, window: MainWindow, manager: BoardManager
) -> None:
    expand_sweep(qtbot, window)
    select(window, "no-logs")
    with qtbot.waitSignal(window.tasks.failed, timeout=30_000):
        window.run_actions.open_action.trigger()
    # It has no logs and no metrics to export either.
    assert "No TensorBoard logs or metrics in no-logs" in window.statusBar().currentMessage()
    [box] = error_dialogs(window)
    assert "No TensorBoard logs" in box.text()
    box.close()
    assert manager.boards == [] and window.tabs.count() == 0


def test_crashed_board_shows_error_and_restarts(
    qtbot: Any, window: MainWindow, manager: BoardManager
) -> None:
    expand_sweep(qtbot, window)
    select(window, "lr=1")
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    view = window.view_of(board)
    assert view is not None and board.pid is not None
    os.kill(board.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: board.state is BoardState.CRASHED, timeout=30_000)
    restart = next(b for b in view.findChildren(QPushButton) if b.text() == "Restart")
    qtbot.waitUntil(restart.isVisible, timeout=5000)

    restart.click()
    qtbot.waitUntil(lambda: board.state is BoardState.READY, timeout=30_000)
    wait_idle(qtbot, window)
    assert view.url == board.url and not restart.isVisible()
    assert window.view_of(board) is view and manager.boards == [board]


def test_a_suspended_board_says_not_responding_in_its_tab_and_restarts(
    qtbot: Any, window: MainWindow, manager: BoardManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: SIGSTOP on TensorBoard left the board "ready" for good while the view spun."""
    from tbdesk.ui.board_view import BoardView

    monkeypatch.setattr(BoardView, "LOAD_TIMEOUT_MS", 3_000)
    expand_sweep(qtbot, window)
    select(window, "lr=1")
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    view = window.view_of(board)
    assert view is not None and board.pid is not None
    qtbot.waitUntil(lambda: view.charts_ready, timeout=60_000)
    stopped = board.pid
    os.kill(stopped, signal.SIGSTOP)
    try:
        view.reload_action.trigger()  # a reload asks the board, and its page load times out
        qtbot.waitUntil(lambda: board.state is BoardState.NOT_RESPONDING, timeout=30_000)
        assert board.error == "TensorBoard is suspended (stopped by a signal) and does not answer."
        restart = next(b for b in view.findChildren(QPushButton) if b.text() == "Restart")
        qtbot.waitUntil(restart.isVisible, timeout=10_000)
        row = window.boards_panel.boards_tree.topLevelItem(0)
        assert row is not None and row.text(1) == "not responding"
        restart.click()
        qtbot.waitUntil(lambda: board.state is BoardState.READY and board.pid != stopped, timeout=30_000)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the restart ended it
            os.kill(stopped, signal.SIGCONT)
    qtbot.waitUntil(lambda: view.charts_ready, timeout=60_000)
    assert not restart.isVisible()


def test_closing_a_tab_keeps_the_board_and_stopping_closes_the_tab(
    qtbot: Any, window: MainWindow, manager: BoardManager, run_async: Any
) -> None:
    expand_sweep(qtbot, window)
    select(window, "lr=1")
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    window.close_tab(window.view_of(board))
    assert window.tabs.count() == 0 and board.state is BoardState.READY

    window.show_board_by_id(board.id)  # what the boards panel asks for
    assert window.tabs.count() == 1
    run_async(manager.stop(board))
    assert window.tabs.count() == 0 and window.view_of(board) is None


def test_copy_run_id_download_logs_and_show_in_folder(
    qtbot: Any, window: MainWindow, env: Env, tmp_path: Path, browser: UrlCatcher
) -> None:
    expand_sweep(qtbot, window)
    select(window, "lr=1", "lr=0.1")
    window.run_actions.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text().split("\n") == [env.ids["lr=1"], env.ids["lr=0.1"]]

    dest = tmp_path / "downloads"
    dest.mkdir()
    window.run_actions.download_action.trigger()
    dialog = window.findChild(QFileDialog, "download-logs-dialog")
    assert dialog is not None and dialog.isVisible()
    dialog.fileSelected.emit(str(dest))  # what the dialog sends when the user picks the folder
    dialog.close()
    wait_idle(qtbot, window)
    assert window.statusBar().currentMessage().startswith("Downloaded 2 files to")
    assert len(list((dest / "lr=1").glob("logs/events.out.tfevents.*"))) == 1
    assert len(list((dest / "lr=0.1").glob("logs/events.out.tfevents.*"))) == 1

    select(window, "lr=1")
    window.run_actions.show_folder_action.trigger()
    wait_idle(qtbot, window)
    [url] = browser.urls
    folder = Path(QUrl(url).toLocalFile())
    assert folder.is_dir() and any(folder.glob("events.out.tfevents.*"))


def test_open_logs_folder_and_settings_round_trip(
    qtbot: Any, env: Env, manager: BoardManager, tmp_path: Path, run_async: Any
) -> None:
    logs = tmp_path / "tb-logs"
    write_events(logs / "mnist" / "a")
    window = make_window(qtbot, env, manager)
    window.resize(QSize(701, 555))
    dialog = window.source_actions.ask_log_folder()
    dialog.fileSelected.emit(str(logs))  # what the dialog sends when the user picks the folder
    dialog.close()
    assert [s.title for s in window.tree_model.sources()] == ["Local workspace (ws)", "tb-logs"]
    expand_sweep(qtbot, window)
    select(window, "lr=1")
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    with qtbot.waitSignal(window.quitRequested):
        window.close()  # saves what the next launch needs
    run_async(manager.stop_all())  # as the app does before it exits
    assert env.settings_path.is_file()

    again = make_window(qtbot, env, manager)
    assert again.size() == QSize(701, 555)
    assert [s.title for s in again.tree_model.sources()] == ["Local workspace (ws)", "tb-logs"]
    again.restore_boards()
    wait_idle(qtbot, again)
    [reopened] = manager.boards
    assert reopened is not board and reopened.state is BoardState.READY
    assert [(r.name, r.path, r.key) for r in reopened.runs] == [(r.name, r.path, r.key) for r in board.runs]
    assert again.tabs.currentWidget() is again.view_of(reopened)


def test_refresh_action_reloads_the_tree(qtbot: Any, window: MainWindow, env: Env) -> None:
    sweep = expand_sweep(qtbot, window)
    ws = Workspace(env.workspace)
    LocalExperiment(ws, "sweep").start_logging(display_name="late")
    ws.close()
    window.refresh_action.trigger()
    wait_idle(qtbot, window)
    qtbot.waitUntil(
        lambda: window.tree.isExpanded(window.tree_model.index(0, NAME, window.tree_model.index(0, NAME)))
    )
    sweep = window.tree_model.index(0, NAME, window.tree_model.index(0, NAME))
    assert window.tree_model.index(0, NAME, sweep).data() == "late"


def test_uncaught_errors_show_a_dialog(qtbot: Any, window: MainWindow) -> None:
    previous = dialogs.install_excepthook(lambda: window)
    try:
        try:
            raise ZeroDivisionError("boom")
        except ZeroDivisionError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        sys.excepthook = previous
    [box] = error_dialogs(window)
    assert box.text() == "Something went wrong: ZeroDivisionError: boom"
    assert "Traceback" in box.detailedText()
    box.close()


def test_show_in_folder_on_a_metrics_only_run_shows_its_export(
    qtbot: Any, env: Env, manager: BoardManager, browser: UrlCatcher
) -> None:
    ws = Workspace(env.workspace)
    run = LocalExperiment(ws, "sweep").start_logging(display_name="metrics-only")
    for step in range(3):
        run.log("loss", 1.0 / (step + 1), step=step)
    run.complete()
    ws.close()
    window = make_window(qtbot, env, manager)
    expand_sweep(qtbot, window)
    select(window, "metrics-only")
    window.run_actions.show_folder_action.trigger()
    wait_idle(qtbot, window)
    assert not error_dialogs(window)
    [url] = browser.urls
    folder = Path(QUrl(url).toLocalFile())
    assert any(folder.rglob("events.out.tfevents.*"))
    assert "exported" in window.statusBar().currentMessage()


def test_open_with_options_on_a_folder_that_does_not_exist_opens_nothing(
    qtbot: Any, window: MainWindow, manager: BoardManager
) -> None:
    expand_sweep(qtbot, window)
    select(window, "lr=1")
    window.run_actions.open_action.trigger()  # a board on the run exists already
    wait_idle(qtbot, window)
    [board] = manager.boards
    dialog = window.run_actions.open_with_options()
    assert dialog is not None
    dialog.setTextValue("no/such/folder")
    dialog.accept()
    wait_idle(qtbot, window)
    [error] = error_dialogs(window)
    assert "No files in no/such/folder/ of lr=1" in error.text() and "opened nothing" in error.text()
    assert manager.boards == [board] and window.tabs.count() == 1
    error.close()


@pytest.mark.qt_log_ignore("This plugin does not support QPlatformServices::openUrl")
def test_open_in_browser_without_a_browser_says_so_and_offers_the_address(
    qtbot: Any, window: MainWindow, manager: BoardManager
) -> None:
    """No handler and the offscreen platform: openUrl fails, as on a machine without a browser."""
    expand_sweep(qtbot, window)
    select(window, "lr=1")
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    view = window.view_of(board)
    assert view is not None and board.url
    view.open_in_browser_action.trigger()
    assert window.statusBar().currentMessage() == f"No web browser could open {board.url}"
    assert window.copy_url_button.isVisible()
    window.copy_url_button.click()
    assert QGuiApplication.clipboard().text() == board.url
    assert not window.copy_url_button.isVisible()  # gone with its message


def test_searching_a_child_run_not_loaded_says_so_and_loads_everything(
    qtbot: Any, window: MainWindow
) -> None:
    expand_sweep(qtbot, window)  # the runs are loaded, not their child runs
    wait_idle(qtbot, window)
    window.search.setText("fold-1")
    window.search.returnPressed.emit()
    assert window.search_hint.isVisible()
    assert "covers the runs loaded so far" in window.search_hint_label.text()
    window.load_all_button.click()
    wait_idle(qtbot, window)
    assert not window.search_hint.isVisible()
    shown = []
    proxy = window.tree.model()
    pending = [proxy.index(0, 0)]
    while pending:
        index = pending.pop()
        shown.append(index.data())
        pending += [proxy.index(row, 0, index) for row in range(proxy.rowCount(index))]
    assert "fold-1" in shown and "fold-0" not in shown


def test_open_a_whole_logs_folder_and_a_whole_experiment(
    qtbot: Any, env: Env, manager: BoardManager, tmp_path: Path
) -> None:
    from tbdesk.ui.tree_nodes import status_text

    logs = tmp_path / "tb-logs"
    write_events(logs / "mnist" / "a")
    write_events(logs / "mnist" / "b")
    window = make_window(qtbot, env, manager)
    window.source_actions.add_log_folder(logs)
    wait_idle(qtbot, window)
    folder = window.tree_model.index(1, NAME)
    flags = window.tree.selectionModel().SelectionFlag.ClearAndSelect
    window.tree.selectionModel().select(folder, flags | window.tree.selectionModel().SelectionFlag.Rows)
    menu = window.run_actions.context_menu()
    assert window.run_actions.open_whole_action in menu.actions()
    window.run_actions.open_whole_action.trigger()
    wait_idle(qtbot, window)
    [whole] = manager.boards
    assert [run.path for run in whole.runs] == [logs.resolve()]

    # The runs of a log folder say they are live while their files grow (they were just written).
    window.tree.expand(folder)
    wait_idle(qtbot, window)
    experiment = window.tree_model.index(0, NAME, folder)
    window.tree.expand(experiment)
    wait_idle(qtbot, window)
    run = window.tree_model.node(window.tree_model.index(0, NAME, experiment))
    assert run is not None and run.run is not None and status_text(run.run) == "live"

    expand_sweep(qtbot, window)
    sweep = window.tree_model.index(0, NAME, window.tree_model.index(0, NAME))
    window.tree.selectionModel().select(sweep, flags | window.tree.selectionModel().SelectionFlag.Rows)
    window.run_actions.open_whole_action.trigger()
    wait_idle(qtbot, window)
    board = manager.boards[-1]
    assert board is not whole and board.title == "sweep"
    assert {"lr=0.1", "lr=1"} <= {run.name.split("/")[0] for run in board.runs}
