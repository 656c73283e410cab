"""Compare across every kind of source in one board: a run of a cloud folder (moto's real S3
server), runs of an Azure ML workspace (the emulator: one with TensorBoard logs, still running,
and one that logged metrics only, exported), a run of the local workspace and a run of a plain
logs folder, selected together in the window's tree and compared from its context menu. One real
TensorBoard serves every run under its own name; the cloud and Azure parts stay live on that board;
stopping the board stops every sync it had. Also: runs named alike in two sources (renamed with
their child runs and "/metrics"), the board reopened at the next launch (one sync per source
again), and a source with nothing to show beside one that has."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QPushButton

from tbdesk.boards import Board, BoardManager, BoardState, procinfo
from tbdesk.model import RunKey
from tbdesk.sources.azure import AzureSource
from tbdesk.sources.cloud_access import parse_url
from tbdesk.sync import SyncState
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.tree_nodes import Kind
from tests.azureml_emulator import Emulator, EmuWorkspace
from tests.azureml_emulator.clients import emulator_source
from tests.cloud.fixtures import bucket, s3, s3_server
from tests.cloud.servers import S3Server
from tests.sync.sync_helpers import FAST, Events
from tests.ui.test_main_window import Env, env, make_window
from tests.ui.ui_helpers import error_dialogs, wait_idle

__all__ = ["bucket", "env", "s3", "s3_server"]  # fixtures

pytestmark = [
    pytest.mark.filterwarnings("ignore:FileType Enum is Deprecated:DeprecationWarning:azureml.*"),
    pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning:azureml.*"),
]
EVENTS = "events.out.tfevents.1714550400.host"
WAIT_MS = 60_000


@pytest.fixture
def emulator(azureml_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator(EmuWorkspace()) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def azure(emulator: Emulator) -> Iterator[AzureSource]:
    made = emulator_source(emulator, policy=FAST)
    yield made
    made.close()


@dataclass(frozen=True)
class Stores:
    """Where the remote runs live: a fresh bucket on moto's S3 server, and the Azure ML emulator
    with an AzureSource on its workspace."""

    bucket: Any
    s3: S3Server
    emulator: Emulator
    azure: AzureSource


@pytest.fixture
def stores(bucket: Any, s3: S3Server, emulator: Emulator, azure: AzureSource) -> Stores:
    return Stores(bucket, s3, emulator, azure)


def _get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())
    except OSError:  # TensorBoard answers 400 for a run it has not loaded yet
        return []


def steps(board: Board, run: str, tag: str = "loss") -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return [int(point[1]) for point in _get(f"{board.url}data/plugin/scalars/scalars?{query}")]


def expand_all(qtbot: Any, window: MainWindow) -> None:
    """Expand every source and experiment of the tree (each loads its children once)."""
    model = window.tree_model
    expanded: set[int] = set()
    while True:
        wait_idle(qtbot, window, WAIT_MS)
        todo = [
            node
            for node in model.nodes()
            if node.kind in (Kind.SOURCE, Kind.EXPERIMENT) and id(node) not in expanded
        ]
        if not todo:
            return
        for node in todo:
            expanded.add(id(node))
            window.tree.expand(model.index_of(node))


def select_runs(window: MainWindow, keys: list[RunKey]) -> None:
    model = window.tree_model
    selection = window.tree.selectionModel()
    selection.clearSelection()
    found = []
    for node in model.nodes():
        if node.kind is Kind.RUN and node.run is not None and node.run.key in keys:
            found.append(node.run.key)
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            selection.select(model.index_of(node), flags)
    assert set(found) == set(keys) and len(found) == len(keys)


def test_compare_a_cloud_an_azure_a_local_and_a_folder_run_in_one_live_board(
    qtbot: Any, env: Env, manager: BoardManager, stores: Stores
) -> None:
    bucket, s3, emulator, azure = stores.bucket, stores.s3, stores.emulator, stores.azure
    # A cloud run on moto, and a plain logs folder whose run has the same name.
    cloud_events = Events("loss")
    cloud_first = cloud_events.steps(0, 4)
    bucket.put_object(Key=f"tb/exp/train/{EVENTS}", Body=cloud_first)
    url = f"s3://{bucket.name}/tb"
    plain = env.tmp / "plain"
    (plain / "train").mkdir(parents=True)
    (plain / "train" / EVENTS).write_bytes(Events("loss").steps(0, 3))
    # An Azure ML run still running with TensorBoard logs, and one that logged metrics only.
    ws = emulator.workspace
    logged = ws.add_run("azexp", "az_logged", status="Running", display_name="az-logged")
    az_events = Events("loss")
    logged.upload(f"logs/{EVENTS}", az_events.steps(0, 2))
    metrics_only = ws.add_run("azexp", "az_metrics", status="Completed", display_name="az-metrics")
    for step in range(3):
        metrics_only.log("loss", step / 10, step=step)

    window = make_window(qtbot, env, manager)
    window.tree_model.add_source(azure)
    window.source_actions.add_cloud_folder(parse_url(url))
    window.source_actions.add_log_folder(plain)
    expand_all(qtbot, window)
    cloud_id, plain_id = f"cloud:{url}", window.tree_model.sources()[-1].id
    local_id = window.workspace_source.id
    keys = [
        RunKey(cloud_id, "exp/train"),
        RunKey(azure.id, "az_logged"),
        RunKey(azure.id, "az_metrics"),
        RunKey(local_id, env.ids["lr=1"]),
        RunKey(plain_id, "train"),
    ]
    select_runs(window, keys)

    menu = window.run_actions.context_menu()
    [compare] = [a for a in menu.actions() if a.text() == "Compare selected in one TensorBoard"]
    assert compare.isEnabled()
    compare.trigger()
    qtbot.waitUntil(lambda: not window.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    assert not error_dialogs(window)

    # One board, one real TensorBoard, each run under its own readable name.
    [board] = manager.boards
    assert board.state is BoardState.READY and board.url is not None and board.pid is not None
    assert procinfo.is_alive(board.pid)
    names = {run.key: run.name for run in board.runs}
    assert set(names) == set(keys)
    assert len(set(names.values())) == len(keys)
    assert names[RunKey(azure.id, "az_logged")] == "az-logged"
    assert names[RunKey(azure.id, "az_metrics")] == "az-metrics"
    assert names[RunKey(local_id, env.ids["lr=1"])] == "lr=1"
    assert {names[keys[0]], names[keys[-1]]} == {"train", "train (2)"}
    cloud_name = names[keys[0]]
    plain_name = names[keys[-1]]
    qtbot.waitUntil(lambda: steps(board, cloud_name) == [0, 1, 2, 3], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, plain_name) == [0, 1, 2], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "az-logged") == [0, 1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "az-metrics") == [0, 1, 2], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "lr=1") == [0, 1, 2, 3, 4], timeout=WAIT_MS)
    assert sorted(_get(f"{board.url}data/runs")) == sorted(names.values())

    # The cloud part and the Azure part stay live on that same board.
    pid = board.pid
    bucket.put_object(Key=f"tb/exp/train/{EVENTS}", Body=cloud_first + cloud_events.steps(4, 6))
    logged.append(f"logs/{EVENTS}", az_events.steps(2, 4))
    qtbot.waitUntil(lambda: steps(board, cloud_name)[-1:] == [5], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "az-logged")[-1:] == [3], timeout=WAIT_MS)
    assert manager.boards == [board] and board.pid == pid
    compare.trigger()  # the same selection again: that board, not another
    wait_idle(qtbot, window, WAIT_MS)
    assert manager.boards == [board] and window.tabs.currentWidget() is window.view_of(board)

    # Stopping the board stops every sync that fed it: nothing more is asked of moto or Azure.
    feeds = window.syncs.feeds(board.id)
    assert {live.source.id for live in feeds} == {cloud_id, azure.id, local_id, plain_id}
    window.stop_board(board.id)
    qtbot.waitUntil(lambda: not manager.boards, timeout=WAIT_MS)
    assert not procinfo.is_alive(pid)
    for live in feeds:
        assert live.sync._task is None or live.sync._task.done()
        assert SyncState.LIVE not in {status.state for status in live.sync.statuses}
        assert not any(follow.following for follows in live.follows.values() for follow in follows)
    assert not any(window.run_cache.is_pinned(key) for key in keys)
    s3.reset()
    emulator.clear_log()
    bucket.put_object(Key=f"tb/exp/train/{EVENTS}", Body=cloud_first + cloud_events.steps(4, 8))
    logged.append(f"logs/{EVENTS}", az_events.steps(4, 6))
    s3.reset()  # the upload above is not tbdesk's
    qtbot.wait(3_000)  # longer than a round of either sync while they were live
    assert sum(s3.counts().values()) == 0
    assert emulator.requests() == []


def test_runs_named_alike_in_two_sources_keep_their_families_apart(
    qtbot: Any, env: Env, manager: BoardManager, emulator: Emulator, azure: AzureSource
) -> None:
    """An Azure sweep and a running metrics-only Azure run named like runs of the local workspace:
    each Azure run is renamed with its whole family (its child runs, its "/metrics"), never
    shown inside the local run of the same name, and a child run that joins later follows it."""
    ws = emulator.workspace
    sweep = ws.add_run("azexp", "az_sweep", status="Running", display_name="lr=1")
    sweep.upload(f"logs/{EVENTS}", Events("loss").steps(0, 2))
    fold = ws.add_run("azexp", "az_sweep_0", parent=sweep, status="Completed", display_name="fold-0")
    fold.upload(f"logs/{EVENTS}", Events("loss").steps(0, 3))
    running = ws.add_run("azexp", "az_running", status="Running", display_name="lr=0.1")
    for step in range(4):
        running.log("acc", step / 10, step=step)

    window = make_window(qtbot, env, manager)
    window.tree_model.add_source(azure)
    expand_all(qtbot, window)
    local_id = window.workspace_source.id
    select_runs(
        window,
        [
            RunKey(local_id, env.ids["lr=1"]),
            RunKey(local_id, env.ids["lr=0.1"]),
            RunKey(azure.id, sweep.id),
            RunKey(azure.id, running.id),
        ],
    )
    window.run_actions.compare_action.trigger()
    qtbot.waitUntil(lambda: not window.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    assert not error_dialogs(window)
    [board] = manager.boards
    assert board.url is not None
    names = {run.name: run for run in board.runs}
    assert set(names) == {
        "lr=1",
        "lr=0.1",
        "lr=0.1/fold-0",
        "lr=0.1/fold-1",
        "lr=1 (2)",
        "lr=1 (2)/fold-0",
        "lr=0.1 (2)",
        "lr=0.1 (2)/metrics",
    }
    assert names["lr=1"].key == RunKey(local_id, env.ids["lr=1"])
    assert names["lr=1 (2)/fold-0"].key == RunKey(azure.id, fold.id)
    qtbot.waitUntil(lambda: steps(board, "lr=1 (2)/fold-0") == [0, 1, 2], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "lr=0.1 (2)/metrics", "acc") == [0, 1, 2, 3], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "lr=0.1/fold-0") == [0, 1, 2, 3, 4], timeout=WAIT_MS)

    # A child run that joins the Azure sweep shows under the sweep's name on this board, and
    # the running run's new points under its "/metrics".
    late = ws.add_run("azexp", "az_sweep_1", parent=sweep, status="Running", display_name="fold-1")
    late.upload(f"logs/{EVENTS}", Events("loss").steps(0, 2))
    running.log("acc", 0.4, step=4)
    window.syncs.refresh(board.id)
    qtbot.waitUntil(lambda: steps(board, "lr=1 (2)/fold-1") == [0, 1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "lr=0.1 (2)/metrics", "acc")[-1:] == [4], timeout=WAIT_MS)
    assert "lr=1/fold-1" not in _get(f"{board.url}data/runs")
    assert manager.boards == [board]


def test_a_mixed_board_reopened_at_launch_follows_each_source_again(
    qtbot: Any, env: Env, manager: BoardManager, stores: Stores, run_async: Any
) -> None:
    """The board comes back at the next launch; Refresh follows its cloud run and its Azure run
    again (two syncs on one board); opening either run alone then gives a board of its own."""
    bucket, emulator, azure = stores.bucket, stores.emulator, stores.azure
    cloud_events, az_events = Events("loss"), Events("loss")
    cloud_first = cloud_events.steps(0, 3)
    bucket.put_object(Key=f"tb/exp/train/{EVENTS}", Body=cloud_first)
    url = f"s3://{bucket.name}/tb"
    logged = emulator.workspace.add_run("azexp", "az_logged", status="Running", display_name="az-logged")
    logged.upload(f"logs/{EVENTS}", az_events.steps(0, 2))
    window = make_window(qtbot, env, manager)
    window.source_actions.add_cloud_folder(parse_url(url))
    window.tree_model.add_source(azure)
    expand_all(qtbot, window)
    cloud_key, azure_key = RunKey(f"cloud:{url}", "exp/train"), RunKey(azure.id, logged.id)
    select_runs(window, [cloud_key, azure_key, RunKey(window.workspace_source.id, env.ids["lr=1"])])
    window.run_actions.compare_selected()
    qtbot.waitUntil(lambda: not window.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    window.close()  # the board is remembered for the next launch
    run_async(manager.stop_all())  # what quitting does

    again = make_window(qtbot, env, manager)
    again.tree_model.add_source(azure)
    again.restore_boards()
    qtbot.waitUntil(lambda: not again.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    [board] = manager.boards
    qtbot.waitUntil(lambda: steps(board, "train") == [0, 1, 2], timeout=WAIT_MS)
    bucket.put_object(Key=f"tb/exp/train/{EVENTS}", Body=cloud_first + cloud_events.steps(3, 5))
    logged.append(f"logs/{EVENTS}", az_events.steps(2, 4))
    view = again.view_of(board)
    assert view is not None
    refresh = view.findChild(QPushButton, "sync-refresh")
    assert refresh is not None
    refresh.click()
    qtbot.waitUntil(lambda: steps(board, "train")[-1:] == [4], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: steps(board, "az-logged")[-1:] == [3], timeout=WAIT_MS)
    assert {live.source.id for live in again.syncs.feeds(board.id)} == {cloud_key.source_id, azure.id}

    # Either run alone is not what that board was opened for: each gets a board of its own.
    expand_all(qtbot, again)
    for key in (cloud_key, azure_key):
        select_runs(again, [key])
        again.run_actions.open_selected()
        wait_idle(qtbot, again, WAIT_MS)
        alone = manager.boards[-1]
        assert alone is not board and [run.key for run in alone.runs] == [key]
    assert len(manager.boards) == 3
    assert not error_dialogs(again)


def test_a_source_whose_runs_have_nothing_to_show_leaves_the_others_on_the_board(
    qtbot: Any, env: Env, manager: BoardManager
) -> None:
    """As within one source, where a run with neither logs nor metrics is left out: the local
    workspace's run without anything beside a logs folder's run gives a board of the latter."""
    plain = env.tmp / "plain"
    (plain / "train").mkdir(parents=True)
    (plain / "train" / EVENTS).write_bytes(Events("loss").steps(0, 3))
    window = make_window(qtbot, env, manager)
    window.source_actions.add_log_folder(plain)
    expand_all(qtbot, window)
    empty = RunKey(window.workspace_source.id, env.ids["no-logs"])
    train = RunKey(window.tree_model.sources()[-1].id, "train")
    select_runs(window, [empty, train])
    window.run_actions.compare_selected()
    qtbot.waitUntil(lambda: not window.tasks.busy and bool(manager.boards), timeout=WAIT_MS)
    assert not error_dialogs(window)
    [board] = manager.boards
    assert [(run.name, run.key) for run in board.runs] == [("train", train)]
    qtbot.waitUntil(lambda: steps(board, "train") == [0, 1, 2], timeout=WAIT_MS)
