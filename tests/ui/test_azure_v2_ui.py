"""Azure ML v2 jobs in the window: the tree shows them with their display names, kinds of job and
statuses, the details pane their MLflow params, and Open shows a job whose TensorBoard logs are
under outputs/tensorboard/ on a real board (the emulator's seed_v2, the real AzureSource)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from tbdesk import paths
from tbdesk.auth import sign_in
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.boards import BoardManager, BoardState
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.run_details import PARAMETERS, RUN, SECTIONS
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import NAME, STATUS, TYPE
from tests.auth.fixtures import (  # noqa: F401 - fixtures, registered by their names
    MemoryKeyring,
    add_robot,
    memory_keyring_fixture,
    token_server_fixture,
)
from tests.auth.token_server import TokenServer
from tests.azureml_emulator import Emulator, EmuWorkspace
from tests.azureml_emulator.marks import AZUREML_WARNINGS
from tests.azureml_emulator.seed_v2 import seed_v2
from tests.ui.test_azure_ui import child, open_path, select
from tests.ui.ui_helpers import idle, show_window

pytestmark = AZUREML_WARNINGS
WAIT_MS = 30_000


@pytest.fixture
def emulator(azureml_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    workspace = EmuWorkspace()
    seed_v2(workspace)
    with Emulator(workspace) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture(name="account")
def account_fixture(
    emulator: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer, run_async: Any
) -> Account:
    """A service principal signed in, with the emulated workspace (as in test_azure_ui)."""
    store = AccountStore()
    signed: Account = run_async(sign_in(store, add_robot(store, token_server, emulator.url)))
    ws = emulator.workspace
    store.add_workspace(WorkspaceEntry(signed.id, ws.subscription_id, ws.resource_group, ws.name))
    return signed


@pytest.fixture(name="make_window")
def make_window_fixture(qtbot: Any, manager: BoardManager, tmp_path: Path) -> Callable[[], MainWindow]:
    return lambda: show_window(qtbot, manager, tmp_path / "tbdesk.ini")


def rows(model: SourceTreeModel, parent: QModelIndex) -> dict[str, tuple[str, str]]:
    """Each row's name -> (type, status), as the tree shows them."""
    found = {}
    for row in range(model.rowCount(parent)):
        name = model.index(row, NAME, parent).data()
        found[str(name)] = (model.index(row, TYPE, parent).data(), model.index(row, STATUS, parent).data())
    return found


def test_v2_jobs_show_as_jobs_with_kinds_and_statuses(
    qtbot: Any, account: Account, emulator: Emulator, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    model = window.tree_model
    assert model.headerData(TYPE, Qt.Orientation.Horizontal) == "Type"
    experiment = open_path(qtbot, window, "CI robot", "ws-emulated", "fraud-v2")
    assert rows(model, experiment) == {
        "train-fraud-model": ("Command", "Completed"),
        "tune-fraud-model": ("Sweep", "Completed"),
    }
    sweep = open_path(qtbot, window, "CI robot", "ws-emulated", "fraud-v2", "tune-fraud-model")
    trials = rows(model, sweep)
    assert len(trials) == 4 and {kind for kind, _ in trials.values()} == {"Command"}
    assert sorted(status for _, status in trials.values()) == ["Completed"] * 3 + ["Failed"]

    pipeline = open_path(qtbot, window, "CI robot", "ws-emulated", "fraud-pipeline", "fraud-pipeline")
    assert rows(model, pipeline) == {
        "prep_data": ("Pipeline step", "Completed"),
        "score_model": ("Pipeline step", "Completed"),
        "tune-fraud-model": ("Sweep", "Completed"),
    }
    step = open_path(
        qtbot, window, "CI robot", "ws-emulated", "fraud-pipeline", "fraud-pipeline", "tune-fraud-model"
    )
    assert len(rows(model, step)) == 3  # the sweep step's trials: the pipeline's grandchildren

    vision = open_path(qtbot, window, "CI robot", "ws-emulated", "vision-v2")
    assert rows(model, vision) == {
        "resnet-live": ("Command", "Running"),
        "resnet-outputs": ("Command", "Completed"),
    }

    # The details pane: the kind of job and its MLflow params.
    command = child(model, experiment, "train-fraud-model")
    assert command is not None
    select(window, command)
    qtbot.waitUntil(lambda: not window.details.busy, timeout=WAIT_MS)
    fields = dict(window.details.values(RUN))
    assert (fields["Job type"], fields["Display name"]) == ("Command", "train-fraud-model")
    assert window.details.values(PARAMETERS) == [
        ("batch_size", "256"),
        ("epochs", "8"),
        ("optimizer", "adam"),
    ]
    assert PARAMETERS in SECTIONS


def test_open_a_job_whose_tensorboard_logs_are_under_outputs(
    qtbot: Any,
    account: Account,
    emulator: Emulator,
    manager: BoardManager,
    make_window: Callable[[], MainWindow],
) -> None:
    window = make_window()
    vision = open_path(qtbot, window, "CI robot", "ws-emulated", "vision-v2")
    job = child(window.tree_model, vision, "resnet-outputs")
    assert job is not None
    select(window, job)
    window.run_actions.open_action.trigger()
    qtbot.waitUntil(lambda: idle(window) and bool(manager.boards), timeout=60_000)
    [board] = manager.boards
    url = board.url
    assert board.state is BoardState.READY and url is not None

    def served() -> list[str]:
        with urllib.request.urlopen(url + "data/runs", timeout=10) as answer:
            return list(json.loads(answer.read()))

    wanted = {"resnet-outputs/train", "resnet-outputs/validation"}
    qtbot.waitUntil(lambda: wanted <= set(served()), timeout=WAIT_MS)
    # Synced from outputs/tensorboard/ into the run cache, not exported from its metrics.
    (shown,) = board.runs
    assert shown.path.is_relative_to(paths.cache_dir() / "runs")
    assert sorted(p.name for p in shown.path.iterdir()) == ["train", "validation"]
