"""Live run logs in the window, offline: a running Azure ML run (the emulator appends to its event
file) opened in a real TensorBoard through the real AzureSource; new steps and a child run that
appears mid-sweep reach the same board; the tree and the board's strip show the sync state; the
board's Stop stops the sync; the cache's limit and Clear cache."""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from tbdesk.boards import Board, BoardManager, BoardState
from tbdesk.model import RunKey
from tbdesk.sources.azure import AzureSource
from tbdesk.sync import SyncState
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.settings import GB, Settings
from tbdesk.ui.tree_nodes import NAME, STATUS, SYNC_ROLE
from tests.azureml_emulator import Emulator, EmuWorkspace, Fault, StaticCredential
from tests.sync.sync_helpers import FAST, Events
from tests.ui.ui_helpers import page_lists

pytestmark = [
    pytest.mark.filterwarnings("ignore:FileType Enum is Deprecated:DeprecationWarning:azureml.*"),
    pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning:azureml.*"),
]
EVENTS = "logs/events.out.tfevents.1714550400.host"
WAIT_MS = 30_000


@pytest.fixture
def emulator(azureml_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator(EmuWorkspace()) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def source(emulator: Emulator) -> Iterator[AzureSource]:
    """The real Azure source on the emulated workspace (its config.json, as a user would give it)."""
    config = emulator.config()
    made = AzureSource(
        StaticCredential(),
        config["subscription_id"],
        config["resource_group"],
        config["workspace_name"],
        discovery_url=emulator.discovery_url,
        workspace_id=emulator.workspace.workspace_id,
        policy=FAST,
    )
    yield made
    made.close()


def _get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())
    except OSError:  # TensorBoard answers 400 for a run it has not loaded yet
        return []


def steps(board: Board, run: str, tag: str = "loss") -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return [int(point[1]) for point in _get(f"{board.url}data/plugin/scalars/scalars?{query}")]


def run_row(window: MainWindow, qtbot: Any, run_id: str) -> QModelIndex:
    """Expand the Azure workspace down to a run of experiment 'sweep'."""
    model = window.tree_model
    index = model.source_index(window.tree_model.sources()[-1].id)
    for step in ("sweep", run_id):
        window.tree.expand(index)
        parent = index

        def found(parent: QModelIndex = parent, step: str = step) -> QModelIndex | None:
            for row in range(model.rowCount(parent)):
                node = model.node(model.index(row, NAME, parent))
                if node is None:
                    continue
                if (node.run and node.run.id == step) or (node.experiment and node.experiment.name == step):
                    return model.index(row, NAME, parent)
            return None

        qtbot.waitUntil(lambda f=found: f() is not None, timeout=WAIT_MS)
        index = found() or QModelIndex()
    return index


@pytest.fixture
def window(qtbot: Any, manager: BoardManager, source: AzureSource, tmp_path: Path) -> MainWindow:
    """The window with the emulated Azure ML workspace in its tree."""
    made = MainWindow(manager, settings=Settings(tmp_path / "tbdesk.ini"))
    qtbot.addWidget(made)
    made.tree_model.add_source(source)
    made.show()
    return made


def test_a_running_azure_sweep_streams_into_one_board(
    qtbot: Any, emulator: Emulator, source: AzureSource, window: MainWindow, run_async: Any
) -> None:
    ws = emulator.workspace
    parent = ws.add_run("sweep", "sweep_1", status="Running", display_name="sweep")
    parent.upload(EVENTS, Events("best").steps(0, 2))
    first = ws.add_run("sweep", "sweep_1_0", parent=parent, status="Running", display_name="lr=0.1")
    events = Events("loss")
    first.upload(EVENTS, events.steps(0, 5))

    manager = window.manager
    root = run_async(source.get_run("sweep", parent.id))

    window.run_actions.open_runs([(source, root)])
    qtbot.waitUntil(lambda: not window.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    [board] = manager.boards
    assert board.state is BoardState.READY and board.url is not None
    shown = {run.name: run.path for run in board.runs}
    assert set(shown) == {"sweep", "sweep/lr=0.1"}
    assert all(path.is_relative_to(window.run_cache.root) for path in shown.values())
    qtbot.waitUntil(lambda: steps(board, "sweep/lr=0.1") == [0, 1, 2, 3, 4], timeout=WAIT_MS)
    assert steps(board, "sweep", "best") == [0, 1]  # the parent's own logs, beside its child run

    # The board's strip and the run's row say the sync is live.
    view = window.view_of(board)
    assert view is not None
    qtbot.waitUntil(lambda: view.sync_text.startswith("Live - 2 runs, "), timeout=WAIT_MS)
    assert view.sync_text.endswith(" fetched")
    row = run_row(window, qtbot, parent.id)
    sync = row.siblingAtColumn(STATUS).data(SYNC_ROLE)
    assert sync is not None and sync.state is SyncState.LIVE and sync.bytes_fetched > 0
    assert "Sync: Live: 1 file, " in row.data(Qt.ItemDataRole.ToolTipRole)
    assert row.siblingAtColumn(STATUS).data(Qt.ItemDataRole.DecorationRole) is not None  # its icon

    # New steps uploaded while it runs reach the board.
    first.append(EVENTS, events.steps(5, 10))
    qtbot.waitUntil(lambda: steps(board, "sweep/lr=0.1")[-1:] == [9], timeout=WAIT_MS)

    # A child run that appears mid-sweep joins the same board, without a restart; Refresh in
    # the strip looks for it at once.
    pid = board.pid
    late = ws.add_run("sweep", "sweep_1_1", parent=parent, status="Running", display_name="lr=0.01")
    late.upload(EVENTS, Events("loss").steps(0, 3))
    refresh = view.findChild(QPushButton, "sync-refresh")
    assert refresh is not None and refresh.text() == "Refresh"
    refresh.click()
    qtbot.waitUntil(lambda: steps(board, "sweep/lr=0.01") == [0, 1, 2], timeout=WAIT_MS)
    assert board.pid == pid and manager.boards == [board]
    assert "sweep/lr=0.01" in _get(f"{board.url}data/runs")
    assert steps(board, "sweep/lr=0.1")[-1:] == [9]  # the others kept showing all along
    qtbot.waitUntil(lambda: view.sync_text.startswith("Live - 3 runs"), timeout=WAIT_MS)
    # ... and the board's page lists it, without the user reloading it.
    run_async(page_lists(view, {"sweep", "sweep/lr=0.1", "sweep/lr=0.01"}), timeout=WAIT_MS / 1000)

    # An error shows with its retry; Retry asks again once the service is back.
    fault = emulator.inject(Fault(match="/artifacts/ExperimentRun/", status=500, times=10_000))
    window.tabs.setCurrentWidget(view)
    view.web_view.setFocus()
    QApplication.processEvents()
    focus = QApplication.focusWidget()
    assert focus is None or not window.left_splitter.isAncestorOf(focus)
    window.refresh_action.trigger()  # F5 with a board in view: its sync looks now
    qtbot.waitUntil(lambda: view.sync_text.startswith("Error: "), timeout=WAIT_MS)
    assert "retrying in" in view.sync_text and refresh.text() == "Retry"
    assert window.tree_model.sync_status(root.key) is not None
    fault.times = 0
    refresh.click()
    qtbot.waitUntil(lambda: view.sync_text.startswith("Live - 3 runs"), timeout=WAIT_MS)

    # Clear cache keeps what the open board shows, and removes the rest.
    stale = window.run_cache.folder(RunKey("azureml:elsewhere", "old_run")) / "files" / "a.bin"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x" * 5000)
    box = window.cache_actions.ask_clear_cache()
    button = box.button(QMessageBox.StandardButton.Yes)
    assert button is not None
    button.click()
    qtbot.waitUntil(lambda: "Cleared the cache" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert "freed 4.9 kB (1 run); kept 3 runs that open boards show" in window.statusBar().currentMessage()
    assert not stale.exists() and all(path.is_dir() for path in shown.values())

    # The board panel's Stop stops the sync first: nothing more is asked of Azure.
    feeds = window.syncs.feeds(board.id)
    item = window.boards_panel.boards_tree.topLevelItem(0)
    assert item is not None
    item.setSelected(True)
    window.boards_panel.stop_action.trigger()
    qtbot.waitUntil(lambda: not manager.boards, timeout=WAIT_MS)
    assert window.tree_model.sync_status(root.key) is None
    assert not window.run_cache.is_pinned(root.key)
    # The board is gone once its syncs' stop() returned: their polling tasks are over, so no
    # request can come from them any more, and none came since.
    emulator.clear_log()
    first.append(EVENTS, events.steps(10, 12))
    [live] = feeds
    assert {status.state for status in live.sync.statuses} == {SyncState.STOPPED}
    assert live.sync._task is not None and live.sync._task.done()
    assert emulator.requests() == []


def test_cache_limit_in_preferences(qtbot: Any, manager: BoardManager, tmp_path: Path) -> None:
    settings_file = tmp_path / "tbdesk.ini"
    window = MainWindow(manager, settings=Settings(settings_file))
    qtbot.addWidget(window)
    cache = window.run_cache
    old, recent = RunKey("azureml:x", "old"), RunKey("azureml:x", "recent")
    for key, size in ((old, 8 * 2**20), (recent, 4 * 2**20)):
        data = cache.folder(key) / "files" / "events.out.tfevents.1.host"
        data.parent.mkdir(parents=True)
        data.write_bytes(b"\0" * size)
    marker = cache.folder(old) / ".sync" / "entry.json"
    os.utime(marker, (1_000_000, 1_000_000))  # used long ago

    dialog = window.cache_actions.show_preferences()
    assert dialog.cache_limit.value() == pytest.approx(10.0)  # the default, in GB
    qtbot.waitUntil(lambda: dialog.usage.text().endswith(" and holds 12.0 MB"), timeout=WAIT_MS)
    assert str(cache.root) in dialog.usage.text()
    dialog.cache_limit.setValue(0.01)
    dialog.accept()
    qtbot.waitUntil(lambda: "Cache size limit" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert "removed 1 run no board shows" in window.statusBar().currentMessage()
    assert cache.limit == int(0.01 * GB)
    assert [entry.key for entry in cache.entries()] == [recent]  # the least recently used went
    window.settings.sync()
    assert Settings(settings_file).cache_limit() == int(0.01 * GB)  # kept for the next launch


def test_open_with_options_syncs_another_logs_folder(
    qtbot: Any, emulator: Emulator, source: AzureSource, window: MainWindow, run_async: Any
) -> None:
    ended = emulator.workspace.add_run("sweep", "tb_run", status="Completed", display_name="elsewhere")
    ended.upload("outputs/tb/events.out.tfevents.1714550400.host", Events("loss").steps(0, 4))
    ended.upload(EVENTS, Events("other").steps(0, 2))
    selection = window.tree.selectionModel()
    selection.select(
        run_row(window, qtbot, ended.id),
        selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows,
    )
    dialog = window.run_actions.open_with_options()
    assert dialog is not None and dialog.textValue() == "logs/"
    dialog.setTextValue(" outputs\\tb ")
    dialog.accept()
    qtbot.waitUntil(lambda: not window.tasks.busy and bool(window.manager.boards), timeout=WAIT_MS)
    [board] = window.manager.boards
    [shown] = board.runs
    assert shown.name == "elsewhere" and shown.path.parts[-2:] == ("outputs", "tb")
    qtbot.waitUntil(lambda: steps(board, "elsewhere") == [0, 1, 2, 3], timeout=WAIT_MS)
    assert window.settings.logs_prefix() == "outputs/tb/"  # offered again next time
    view = window.view_of(board)
    assert view is not None
    qtbot.waitUntil(lambda: view.sync_text.startswith("Up to date - 1 run, "), timeout=WAIT_MS)

    # A plain Open still syncs logs/: the folder chosen is only offered again in the dialog.
    window.run_actions.open_selected()
    qtbot.waitUntil(lambda: not window.tasks.busy and len(window.manager.boards) == 2, timeout=WAIT_MS)
    plain = window.manager.boards[1]
    assert [run.path.name for run in plain.runs] == ["logs"]
    qtbot.waitUntil(lambda: steps(plain, "elsewhere", "other") == [0, 1], timeout=WAIT_MS)
    again = window.run_actions.open_with_options()
    assert again is not None and again.textValue() == "outputs/tb/"
    again.reject()

    # An empty folder is the whole run, not logs/.
    window.run_actions.open_runs(window.tree.selected_runs(), prefix="")
    qtbot.waitUntil(lambda: not window.tasks.busy and len(window.manager.boards) == 3, timeout=WAIT_MS)
    [whole] = window.manager.boards[2].runs
    assert whole.path.name == "files" and sorted(p.name for p in whole.path.iterdir()) == ["logs", "outputs"]


def test_a_board_reopened_at_launch_follows_its_running_run_again_on_refresh(
    qtbot: Any, emulator: Emulator, source: AzureSource, window: MainWindow, run_async: Any
) -> None:
    ws = emulator.workspace
    running = ws.add_run("sweep", "sweep_2", status="Running", display_name="running")
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 3))
    manager = window.manager
    window.run_actions.open_runs([(source, run_async(source.get_run("sweep", running.id)))])
    qtbot.waitUntil(lambda: not window.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    window.save_settings()
    run_async(manager.stop_all())  # what quitting does

    # The next launch: the board comes back, showing what was synced, and says it is not live.
    again = MainWindow(manager, settings=Settings(window.settings.path))
    qtbot.addWidget(again)
    again.tree_model.add_source(source)
    again.show()
    again.restore_boards()
    qtbot.waitUntil(lambda: not again.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    [board] = manager.boards
    view = again.view_of(board)
    assert view is not None and view.sync_text.startswith("Not live: ")
    qtbot.waitUntil(lambda: steps(board, "running") == [0, 1, 2], timeout=WAIT_MS)

    # Refresh follows it again: new steps, and a child run that appears, reach the same board.
    running.append(EVENTS, events.steps(3, 6))
    refresh = view.findChild(QPushButton, "sync-refresh")
    assert refresh is not None
    refresh.click()
    qtbot.waitUntil(lambda: steps(board, "running")[-1:] == [5], timeout=WAIT_MS)
    child = ws.add_run("sweep", "sweep_2_0", parent=running, status="Running", display_name="fold")
    child.upload(EVENTS, Events("loss").steps(0, 2))
    refresh.click()
    qtbot.waitUntil(lambda: steps(board, "running/fold") == [0, 1], timeout=WAIT_MS)
    assert manager.boards == [board]
    qtbot.waitUntil(lambda: view.sync_text.startswith("Live - 2 runs"), timeout=WAIT_MS)
