"""Azure ML in the window, offline: the real AzureSource against the emulated Azure ML service, and
sign-ins through azure-identity's real credentials against the stand-in identity service
(tests/auth). Dialogs are driven as a person would, never through exec()."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import QDialog, QMessageBox

from tbdesk import paths
from tbdesk.auth import sign_in
from tbdesk.auth.session import session
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.boards import BoardManager, BoardState
from tbdesk.ui.azure_dialogs import (
    ADD_WORKSPACE_DIALOG_NAME,
    DEVICE_CODE_DIALOG_NAME,
    REMOVE_ACCOUNT_DIALOG_NAME,
    SIGN_IN_DIALOG_NAME,
    AddWorkspaceDialog,
    DeviceCodeDialog,
    RemoveAccountDialog,
    SignInDialog,
)
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.run_details import FILES, METRICS, RUN, TAGS
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import NAME, Kind
from tests.auth.fixtures import (  # noqa: F401 - fixtures, registered by their names
    MemoryKeyring,
    add_robot,
    memory_keyring_fixture,
    no_secret_service_fixture,
    token_server_fixture,
    use_keyring_fixture,
)
from tests.auth.token_server import CLIENT_ID, TokenServer
from tests.azureml_emulator import Emulator, EmuWorkspace, Fault, seed_demo
from tests.azureml_emulator.marks import AZUREML_WARNINGS
from tests.azureml_emulator.seed import seed_automl, seed_odd_metrics
from tests.azureml_emulator.tokens import TENANT
from tests.ui.ui_helpers import UrlCatcher, idle, show_window

pytestmark = AZUREML_WARNINGS
WAIT_MS = 30_000


@pytest.fixture
def emulator(azureml_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    workspace = EmuWorkspace()
    seed_demo(workspace, sweep_children=12)
    with Emulator(workspace) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def account(
    emulator: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer, run_async: Any
) -> Account:
    """A service principal signed in (its secret in the keyring), with the emulated workspace."""
    store = AccountStore()
    signed: Account = run_async(sign_in(store, add_robot(store, token_server, emulator.url)))
    ws = emulator.workspace
    store.add_workspace(WorkspaceEntry(signed.id, ws.subscription_id, ws.resource_group, ws.name))
    return signed


@pytest.fixture
def make_window(qtbot: Any, manager: BoardManager, tmp_path: Path) -> Callable[[], MainWindow]:
    return lambda: show_window(qtbot, manager, tmp_path / "tbdesk.ini")


def child(model: SourceTreeModel, parent: QModelIndex, prefix: str) -> QModelIndex | None:
    for row in range(model.rowCount(parent)):
        index = model.index(row, NAME, parent)
        if str(index.data()).startswith(prefix):
            return index
    return None


def names(model: SourceTreeModel, parent: QModelIndex) -> list[str]:
    return [str(model.index(row, NAME, parent).data()) for row in range(model.rowCount(parent))]


def open_path(qtbot: Any, window: MainWindow, *path: str) -> QModelIndex:
    """Expand the tree along path (each step a name prefix) and return the last node."""
    model = window.tree_model
    index = QModelIndex()
    for step in path:
        parent = index
        qtbot.waitUntil(
            lambda p=parent, s=step: child(model, p, s) is not None and idle(window), timeout=WAIT_MS
        )
        index = child(model, parent, step) or QModelIndex()
        window.tree.expand(index)
    qtbot.waitUntil(lambda: idle(window), timeout=WAIT_MS)
    return index


def select(window: MainWindow, *indexes: QModelIndex) -> None:
    selection = window.tree.selectionModel()
    window.tree.clearSelection()
    for index in indexes:
        selection.select(index, selection.SelectionFlag.Select | selection.SelectionFlag.Rows)


def visible_rows(window: MainWindow, parent: QModelIndex) -> list[str]:
    view = window.tree.model()
    shown = window.tree.view_index(parent)
    return [str(view.index(row, NAME, shown).data()) for row in range(view.rowCount(shown))]


def test_workspace_under_its_account_down_to_child_runs(
    qtbot: Any, account: Account, emulator: Emulator, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()  # as at a launch: the remembered account and workspace come back
    model = window.tree_model
    account_index = model.account_index(account.id)
    assert account_index.data() == f"CI robot ({account.username})" and account.username
    assert names(model, account_index) == ["ws-emulated"]
    assert emulator.log == []  # nothing is asked of Azure before the workspace is expanded

    window.tree.expand(account_index)
    open_path(qtbot, window, "CI robot", "ws-emulated")
    workspace = child(model, account_index, "ws-emulated")
    assert workspace is not None
    # Its datastores come after its experiments, listed only when that row is expanded.
    assert names(model, workspace) == ["lr-sweep", "metric-kinds", "mnist-cnn", "Datastores"]
    parent = open_path(qtbot, window, "CI robot", "ws-emulated", "lr-sweep", "lr sweep")
    children = names(model, parent)
    assert len(children) == 12 and "HD_lr-sweep_parent_2" in children

    # The details of a child run, read from Azure without blocking the window.
    target = child(model, parent, "HD_lr-sweep_parent_2")
    assert target is not None
    select(window, target)
    qtbot.waitUntil(lambda: not window.details.busy, timeout=WAIT_MS)
    fields = dict(window.details.values(RUN))
    assert fields["Status"] == "Completed" and fields["Parent run"] == "HD_lr-sweep_parent"
    assert window.details.values(TAGS) == [("learning_rate", "0.003")]
    metrics = dict(window.details.values(METRICS))
    assert metrics["loss"].startswith("scalar, 5 points, last ") and "accuracy" in metrics
    assert window.details.values(FILES) == [("No files", "")]

    # A slow answer for one run is dropped when the selection moves on.
    emulator.inject(Fault(match=r"/runs/HD_lr-sweep_parent_5/list", delay=1.5))
    slow = child(model, parent, "HD_lr-sweep_parent_5")
    assert slow is not None
    select(window, slow)
    slow_tasks = list(window.details._tasks)
    select(window, target)
    qtbot.waitUntil(lambda: not window.details.busy and all(t.done() for t in slow_tasks), timeout=WAIT_MS)
    assert any(task.cancelled() for task in slow_tasks)
    assert window.details.run is not None and window.details.run.id == "HD_lr-sweep_parent_2"
    assert dict(window.details.values(METRICS))["loss"].startswith("scalar, 5 points")

    # Search by tag: only the matching child run shows, under its parent.
    window.search.setText("tag:learning_rate=0.003")
    qtbot.waitUntil(lambda: not window.tree.filter.query.empty, timeout=5000)
    assert visible_rows(window, parent) == ["HD_lr-sweep_parent_2"]
    window.search.clear()
    assert len(visible_rows(window, parent)) == 12

    assert emulator.writes() == []  # browsing never changes the workspace


def test_open_in_azure_ml_studio(
    qtbot: Any,
    account: Account,
    emulator: Emulator,
    make_window: Callable[[], MainWindow],
    browser: UrlCatcher,
) -> None:
    window = make_window()
    model = window.tree_model
    experiment = open_path(qtbot, window, "CI robot", "ws-emulated", "mnist-cnn")
    run = model.index(0, NAME, experiment)
    select(window, run)
    menu = window.run_actions.context_menu()
    assert "Open in Azure ML studio" in [action.text() for action in menu.actions()]
    assert not window.run_actions.show_folder_action.isEnabled()  # an Azure run has no folder here
    window.run_actions.studio_action.trigger()
    qtbot.waitUntil(lambda: bool(browser.urls) and idle(window), timeout=WAIT_MS)
    node = model.node(run)
    assert node is not None and node.run is not None
    [url] = browser.urls
    ws = emulator.workspace
    assert url == (
        f"https://ml.azure.com/runs/{node.run.id}?wsid=/subscriptions/{ws.subscription_id}"
        f"/resourcegroups/{ws.resource_group}/workspaces/{ws.name}&tid={TENANT}"
    )


def test_start_up_never_reads_the_keyring_on_the_ui_thread(
    qtbot: Any,
    account: Account,
    memory_keyring: MemoryKeyring,
    make_window: Callable[[], MainWindow],
) -> None:
    """A locked keyring prompts and blocks its caller: the remembered workspaces come back without
    reading it, and the service principal's secret is read when the workspace first connects,
    in a worker thread."""
    session().forget(account.id)  # a new launch: no credential made yet
    memory_keyring.read_in.clear()
    window = make_window()
    assert window.tree_model.source_index(AccountStore().workspaces[0].source_id).isValid()
    assert memory_keyring.read_in == []
    open_path(qtbot, window, "CI robot", "ws-emulated", "mnist-cnn")
    assert memory_keyring.read_in and threading.main_thread() not in memory_keyring.read_in


def test_open_and_compare_azure_runs_in_tensorboard(
    qtbot: Any,
    account: Account,
    emulator: Emulator,
    manager: BoardManager,
    make_window: Callable[[], MainWindow],
) -> None:
    window = make_window()
    model = window.tree_model
    experiment = open_path(qtbot, window, "CI robot", "ws-emulated", "mnist-cnn")
    with_logs, metrics_only = child(model, experiment, "cnn lr=0.01"), child(model, experiment, "cnn lr=0.03")
    assert with_logs is not None and metrics_only is not None

    select(window, with_logs, metrics_only)
    window.run_actions.compare_action.trigger()
    qtbot.waitUntil(lambda: idle(window) and bool(manager.boards), timeout=60_000)
    [board] = manager.boards
    url = board.url
    assert board.state is BoardState.READY and url is not None
    shown = {run.name: run.path for run in board.runs}
    # The run with TensorBoard logs had its logs/ downloaded; the other had its metrics exported.
    assert shown["cnn lr=0.01"].is_relative_to(paths.cache_dir() / "runs")
    assert sorted(p.name for p in shown["cnn lr=0.01"].iterdir()) == ["train", "validation"]
    assert shown["cnn lr=0.03"].is_relative_to(paths.cache_dir() / "exports")

    def served() -> list[str]:
        with urllib.request.urlopen(url + "data/runs", timeout=10) as answer:
            return list(json.loads(answer.read()))

    qtbot.waitUntil(lambda: "cnn lr=0.01/train" in served(), timeout=WAIT_MS)
    assert "cnn lr=0.01/validation" in served()

    # Opened again: the logs in the cache are current, so nothing is downloaded twice.
    emulator.clear_log()
    select(window, with_logs)
    window.run_actions.open_action.trigger()
    qtbot.waitUntil(lambda: idle(window) and len(manager.boards) == 2, timeout=60_000)
    assert emulator.requests("GET", contains="/blob/") == []


def test_azure_errors_show_in_the_tree_and_status_bar(
    qtbot: Any, account: Account, emulator: Emulator, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    model = window.tree_model
    fault = emulator.inject(Fault(match="experiments:query", status=403, times=100))
    workspace = open_path(qtbot, window, "CI robot", "ws-emulated")
    [row] = names(model, workspace)
    assert row.startswith(
        "Could not load: Your Azure account has no access to the experiments of ws-emulated"
    )
    node = model.node(model.index(0, NAME, workspace))
    assert node is not None and node.kind is Kind.ERROR
    assert "no access" in window.statusBar().currentMessage()

    fault.times = 0  # access granted: activating the error row asks again
    window.tree.activated.emit(window.tree.view_index(model.index(0, NAME, workspace)))
    qtbot.waitUntil(lambda: idle(window) and "mnist-cnn" in names(model, workspace), timeout=WAIT_MS)


def test_sign_in_with_a_device_code_then_pick_a_workspace(
    qtbot: Any,
    emulator: Emulator,
    token_server: TokenServer,
    make_window: Callable[[], MainWindow],
    browser: UrlCatcher,
) -> None:
    window = make_window()
    token_server.pending_polls = 10**9  # the person has not entered the code yet
    window.source_actions.sign_in_action.trigger()
    dialog = window.findChild(SignInDialog, SIGN_IN_DIALOG_NAME)
    assert isinstance(dialog, SignInDialog)
    qtbot.waitUntil(lambda: not dialog.note.text().startswith("Checking"), timeout=WAIT_MS)
    dialog.name.setText("Ada")
    dialog.choose("device_code")
    dialog.tenant.setText(TENANT)
    dialog.custom.setChecked(True)
    dialog.arm_endpoint.setText(emulator.url)
    dialog.authority.setText(token_server.url)
    dialog.sign_in_button.click()

    qtbot.waitUntil(
        lambda: window.findChild(DeviceCodeDialog, DEVICE_CODE_DIALOG_NAME) is not None, timeout=WAIT_MS
    )
    code_dialog = window.findChild(DeviceCodeDialog, DEVICE_CODE_DIALOG_NAME)
    assert isinstance(code_dialog, DeviceCodeDialog)
    assert code_dialog.code.text().startswith("TBD-") and code_dialog.isVisible()
    qtbot.mouseClick(code_dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == code_dialog.code.text()
    qtbot.mouseClick(code_dialog.browser_button, Qt.MouseButton.LeftButton)
    assert browser.urls == ["https://microsoft.com/devicelogin"]
    assert window.tasks.busy  # still waiting for the person

    token_server.pending_polls = 0  # the code was entered on the other device
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)
    [account] = AccountStore().accounts
    assert account.method == "device_code" and account.username == "ada@example.org"
    assert window.tree_model.account_index(account.id).data() == "Ada (ada@example.org)"

    # No workspace yet: the add-workspace dialog opens; pick it from Resource Manager's lists.
    adding = window.findChild(AddWorkspaceDialog, ADD_WORKSPACE_DIALOG_NAME)
    assert isinstance(adding, AddWorkspaceDialog)
    adding.tabs.setCurrentIndex(AddWorkspaceDialog.PICK_TAB)
    for widget in (adding.subscriptions, adding.groups, adding.workspaces):
        qtbot.waitUntil(lambda w=widget: w.count() > 0 and not adding.busy, timeout=WAIT_MS)
        widget.setCurrentRow(0)
    assert adding.workspaces.currentItem().text() == "ws-emulated"
    adding.add_button.click()

    [entry] = AccountStore().workspaces
    assert entry.account_id == account.id and entry.discovery_url == emulator.discovery_url
    workspace = window.tree_model.source_index(entry.source_id)
    assert workspace.parent() == window.tree_model.account_index(account.id)
    qtbot.waitUntil(
        lambda: idle(window) and "mnist-cnn" in names(window.tree_model, workspace), timeout=WAIT_MS
    )
    assert emulator.writes() == []


def test_service_principal_secret_goes_only_to_the_keyring_and_sign_out_forgets_it(
    qtbot: Any,
    emulator: Emulator,
    token_server: TokenServer,
    memory_keyring: MemoryKeyring,
    make_window: Callable[[], MainWindow],
) -> None:
    window = make_window()
    window.source_actions.sign_in_action.trigger()
    dialog = window.findChild(SignInDialog, SIGN_IN_DIALOG_NAME)
    assert isinstance(dialog, SignInDialog)
    qtbot.waitUntil(lambda: not dialog.note.text().startswith("Checking"), timeout=WAIT_MS)
    dialog.choose("service_principal")
    dialog.name.setText("Robot")
    dialog.sign_in_button.click()  # no tenant, client id or secret yet: the dialog says so
    assert dialog.isVisible() and "needs its tenant" in dialog.error.text()
    dialog.tenant.setText(TENANT)
    dialog.client_id.setText(CLIENT_ID)
    dialog.secret.setText(token_server.client_secret)
    dialog.custom.setChecked(True)
    dialog.arm_endpoint.setText(emulator.url)
    dialog.authority.setText(token_server.url)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)

    [account] = AccountStore().accounts
    assert list(memory_keyring.secrets.values()) == [token_server.client_secret]
    # Signing in read the secret back in a worker thread (a locked keyring would block there).
    assert memory_keyring.read_in and threading.main_thread() not in memory_keyring.read_in
    remembered = (paths.config_dir() / "azure.json").read_text()
    assert token_server.client_secret not in remembered

    # The add-workspace dialog offered itself: use a config.json this time.
    adding = window.findChild(AddWorkspaceDialog, ADD_WORKSPACE_DIALOG_NAME)
    assert isinstance(adding, AddWorkspaceDialog)
    config = paths.data_dir() / "project" / ".azureml" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps(emulator.config()))
    adding.config_path.setText(str(config.parent / "missing.json"))
    adding.add_button.click()
    assert adding.isVisible() and "missing.json" in adding.error.text()
    adding.config_path.setText(str(config))
    adding.add_button.click()
    [entry] = AccountStore().workspaces
    assert window.tree_model.source_index(entry.source_id).isValid()

    # Remove the workspace, then sign out: the account, its secret and its node are gone.
    select(window, window.tree_model.source_index(entry.source_id))
    assert "Remove workspace" in [action.text() for action in window.run_actions.context_menu().actions()]
    window.source_actions.remove_workspace_action.trigger()
    assert not window.tree_model.source_index(entry.source_id).isValid() and AccountStore().workspaces == []
    window.sign_out_menu.aboutToShow.emit()
    [sign_out] = [action for action in window.sign_out_menu.actions() if action.text().startswith("Robot")]
    sign_out.trigger()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)
    assert AccountStore().accounts == [] and memory_keyring.secrets == {}
    assert not window.tree_model.account_index(account.id).isValid()
    assert not [
        d for d in window.findChildren(QDialog) if d.isVisible() and d.objectName() == "tbdesk-error-dialog"
    ]


def test_export_and_download_logs_of_azure_runs(
    qtbot: Any, account: Account, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    window = make_window()
    model = window.tree_model
    experiment = open_path(qtbot, window, "CI robot", "ws-emulated", "mnist-cnn")
    with_logs = child(model, experiment, "cnn lr=0.01")
    assert with_logs is not None
    select(window, with_logs)
    items = window.tree.selected_runs()

    window.run_actions.download_logs(items, tmp_path / "downloads")
    qtbot.waitUntil(lambda: idle(window), timeout=WAIT_MS)
    events = sorted(p.relative_to(tmp_path / "downloads") for p in (tmp_path / "downloads").rglob("events.*"))
    assert [str(p.parent) for p in events] == ["cnn_lr=0.01/logs/train", "cnn_lr=0.01/logs/validation"]

    task = window.run_actions.export_to(tmp_path / "exported", items)
    qtbot.waitUntil(lambda: task.done() and idle(window), timeout=WAIT_MS)
    [result] = task.result()
    assert result.points > 0 and any(result.folder.rglob("events.out.tfevents.*"))
    for box in window.findChildren(QDialog):  # the offer to open the export in a board
        box.close()


def test_a_signed_out_error_row_offers_to_sign_in_again(
    qtbot: Any,
    account: Account,
    emulator: Emulator,
    make_window: Callable[[], MainWindow],
) -> None:
    window = make_window()
    model = window.tree_model
    fault = emulator.inject(Fault(match="experiments:query", status=401, times=100))
    workspace = open_path(qtbot, window, "CI robot", "ws-emulated")
    [row] = names(model, workspace)
    assert "Sign in again" in row
    started: list[str] = []
    window.tasks.started.connect(started.append)

    fault.times = 0
    window.tree.activated.emit(window.tree.view_index(model.index(0, NAME, workspace)))
    qtbot.waitUntil(lambda: idle(window), timeout=WAIT_MS)
    assert started == ["Signing in to Azure as CI robot"]  # instead of failing the same way again
    workspace = model.source_index(f"azureml:{emulator.workspace.scope}")
    qtbot.waitUntil(lambda: idle(window) and "mnist-cnn" in names(model, workspace), timeout=WAIT_MS)


def test_a_window_without_azure_accounts_imports_nothing_of_azure() -> None:
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from tbdesk.boards import BoardManager\n"
        "from tbdesk.ui.main_window import MainWindow\n"
        "window = MainWindow(BoardManager())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('azureml', 'msal', 'keyring')"
        " or m.startswith('azure.identity')))\n"
    )
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_without_a_keyring_the_sign_in_dialog_says_so_apart_from_the_token_cache(
    qtbot: Any, use_keyring: Callable[[Any], None], make_window: Callable[[], MainWindow]
) -> None:
    """No keyring backend (and no Secret Service for the token cache, tests/auth/fixtures.py): the
    dialog says, where it is seen, that secrets cannot be stored so a service principal cannot
    be used, which methods work, and what to install; the token cache's note stays its own."""
    use_keyring(fail.Keyring())
    window = make_window()
    window.source_actions.sign_in_action.trigger()
    dialog = window.findChild(SignInDialog, SIGN_IN_DIALOG_NAME)
    assert isinstance(dialog, SignInDialog)
    assert not dialog.keyring_note.isVisible()  # not while the methods are being checked
    qtbot.waitUntil(lambda: not dialog.note.text().startswith("Checking"), timeout=WAIT_MS)

    model = dialog.method.model()
    assert isinstance(model, QStandardItemModel)
    principal = model.item(dialog.method.findData("service_principal"))
    assert principal is not None and not principal.isEnabled()
    assert dialog.method.currentData() == "browser"
    note = dialog.keyring_note
    assert note.isVisible()
    text = note.text()
    assert "Secrets cannot be stored on this system" in text
    assert "a service principal cannot be used" in text
    assert "No system keyring is available" in text and "Secret Service" in text
    assert all(method in text for method in ("Web browser", "Device code", "Azure CLI"))
    assert "To use a service principal, install a Secret Service" in text and "gnome-keyring" in text
    # The chosen method's note is the token cache's, and only that.
    assert "token cache" in dialog.note.text() and "sign in again at each launch" in dialog.note.text()
    assert "token cache" not in text and "Secrets cannot be stored" not in dialog.note.text()
    dialog.close()

    # With a keyring, no such note.
    keyring.set_keyring(MemoryKeyring())
    again = window.azure.ask_sign_in()
    qtbot.waitUntil(lambda: not again.note.text().startswith("Checking"), timeout=WAIT_MS)
    assert not again.keyring_note.isVisible() and again.keyring_note.text() == ""
    model = again.method.model()
    assert isinstance(model, QStandardItemModel)
    assert model.item(again.method.findData("service_principal")).isEnabled()
    again.close()


def error_rows(model: SourceTreeModel, parent: QModelIndex) -> list[str]:
    return [name for name in names(model, parent) if name.startswith("Could not load")]


def test_sign_out_keeps_the_workspaces_and_signing_in_again_brings_them_back(
    qtbot: Any,
    account: Account,
    emulator: Emulator,
    token_server: TokenServer,
    make_window: Callable[[], MainWindow],
) -> None:
    memory_keyring = keyring.get_keyring()  # the account's (tests/auth/fixtures.py)
    assert isinstance(memory_keyring, MemoryKeyring) and memory_keyring.secrets
    window = make_window()
    model = window.tree_model
    workspace = open_path(qtbot, window, "CI robot", "ws-emulated")
    assert "mnist-cnn" in names(model, workspace)
    [entry] = AccountStore().workspaces

    emulator.clear_log()
    window.sign_out_menu.aboutToShow.emit()
    [sign_out] = [action for action in window.sign_out_menu.actions() if action.text().startswith("CI robot")]
    sign_out.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=WAIT_MS)

    # The secret is forgotten (the token cache too: tests/auth); the account and workspace are not.
    assert memory_keyring.secrets == {}
    [kept] = AccountStore().accounts
    assert kept.id == account.id and kept.signed_out and AccountStore().workspaces == [entry]
    assert window.statusBar().currentMessage() == (
        "Signed out of CI robot; its workspaces stay: sign in again to read them"
    )
    account_index = model.account_index(account.id)
    assert account_index.data() == f"CI robot ({account.username}) — signed out"
    workspace = model.source_index(entry.source_id)
    assert workspace.parent() == account_index
    # The workspace, expanded, says it is signed out; nothing is asked of Azure.
    window.tree.expand(workspace)
    qtbot.waitUntil(lambda: idle(window) and bool(error_rows(model, workspace)), timeout=WAIT_MS)
    [row] = names(model, workspace)
    assert row.startswith("Could not load: Signed out of the Azure account CI robot: sign in again")
    assert emulator.log == []

    # The next launch shows them the same way.
    relaunched = make_window()
    shown = relaunched.tree_model.account_index(account.id)
    assert str(shown.data()).endswith("— signed out")
    assert names(relaunched.tree_model, shown) == ["ws-emulated"]
    relaunched.close()

    # Activating that row opens the sign-in dialog for this account, filled in as it was.
    window.tree.activated.emit(window.tree.view_index(model.index(0, NAME, workspace)))
    dialog = window.findChild(SignInDialog, SIGN_IN_DIALOG_NAME)
    assert isinstance(dialog, SignInDialog) and dialog.isVisible() and dialog.again.isVisible()
    qtbot.waitUntil(lambda: not dialog.note.text().startswith("Checking"), timeout=WAIT_MS)
    assert dialog.name.text() == "CI robot" and dialog.method.currentData() == "service_principal"
    assert (dialog.tenant.text(), dialog.client_id.text()) == (TENANT, CLIENT_ID)
    assert dialog.custom.isChecked() and dialog.arm_endpoint.text() == emulator.url
    assert dialog.authority.text() == token_server.url and dialog.secret.text() == ""
    dialog.secret.setText(token_server.client_secret)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)

    # The same account, signed in, with the same workspace: it loads from Azure ML again.
    [back] = AccountStore().accounts
    assert back.id == account.id and not back.signed_out and AccountStore().workspaces == [entry]
    assert list(memory_keyring.secrets.values()) == [token_server.client_secret]
    assert model.account_index(account.id).data() == f"CI robot ({account.username})"
    workspace = model.source_index(entry.source_id)
    qtbot.waitUntil(lambda: idle(window) and "mnist-cnn" in names(model, workspace), timeout=WAIT_MS)
    assert emulator.requests("POST", contains="experiments:query")
    adding = window.findChild(AddWorkspaceDialog, ADD_WORKSPACE_DIALOG_NAME)
    assert adding is None or not adding.isVisible()  # nothing to add again


def test_removing_an_account_asks_then_forgets_it_with_its_workspaces(
    qtbot: Any, account: Account, memory_keyring: MemoryKeyring, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    model = window.tree_model
    [entry] = AccountStore().workspaces

    def asking() -> RemoveAccountDialog:
        [dialog] = [d for d in window.findChildren(RemoveAccountDialog) if d.isVisible()]
        return dialog

    # File > Remove Azure account > the account
    window.remove_account_menu.aboutToShow.emit()
    [remove] = [a for a in window.remove_account_menu.actions() if a.text().startswith("CI robot")]
    remove.trigger()
    dialog = asking()
    assert dialog.objectName() == REMOVE_ACCOUNT_DIALOG_NAME
    assert "CI robot" in dialog.text() and "ws-emulated" in dialog.informativeText()
    cancel = dialog.button(QMessageBox.StandardButton.Cancel)
    assert dialog.defaultButton() is cancel
    cancel.click()  # changed its mind: nothing happens
    assert not window.tasks.busy and AccountStore().workspaces == [entry] and memory_keyring.secrets

    # The account's context menu in the tree
    select(window, model.account_index(account.id))
    [remove] = [a for a in window.run_actions.context_menu().actions() if a.text() == "Remove account…"]
    remove.trigger()
    asking().remove_button.click()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)
    assert AccountStore().accounts == [] and AccountStore().workspaces == []
    assert memory_keyring.secrets == {}
    assert not model.account_index(account.id).isValid() and not model.source_index(entry.source_id).isValid()


def test_a_signed_out_account_goes_with_its_last_workspace(
    qtbot: Any, account: Account, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    model = window.tree_model
    [entry] = AccountStore().workspaces
    window.azure.sign_out(account.id)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)
    assert AccountStore().account(account.id).signed_out
    # Adding a workspace offers no signed-out account: signing in again comes first.
    dialog = window.azure.ask_add_workspace(account.id)
    assert isinstance(dialog, SignInDialog) and dialog.account_id == account.id
    dialog.close()

    select(window, model.source_index(entry.source_id))
    window.source_actions.remove_workspace_action.trigger()
    assert AccountStore().accounts == [] and not model.account_index(account.id).isValid()


def test_the_run_details_say_which_metrics_are_artifacts_not_exported(
    qtbot: Any, account: Account, emulator: Emulator, make_window: Callable[[], MainWindow]
) -> None:
    seed_automl(emulator.workspace)
    window = make_window()
    model = window.tree_model
    experiment = open_path(qtbot, window, "CI robot", "ws-emulated", "automl-classification")
    target = child(model, experiment, "AutoML iteration 3")
    assert target is not None
    select(window, target)
    qtbot.waitUntil(lambda: not window.details.busy, timeout=WAIT_MS)
    metrics = dict(window.details.values(METRICS))
    assert list(metrics) == ["accuracy", "accuracy_table", "confusion_matrix"]
    assert metrics["accuracy"].startswith("scalar, 3 points")
    assert metrics["confusion_matrix"] == (
        "confusion matrix kept by Azure ML as the file confusion_matrix: not exported to TensorBoard"
    )
    assert metrics["accuracy_table"] == (
        "accuracy table kept by Azure ML as the file accuracy_table: not exported to TensorBoard"
    )
    assert ("confusion_matrix", "") in window.details.values(FILES)


def test_the_run_details_list_every_metric_with_why_one_is_not_exported(
    qtbot: Any, account: Account, emulator: Emulator, make_window: Callable[[], MainWindow]
) -> None:
    seed_odd_metrics(emulator.workspace)  # namespaces, and types tbdesk does not know
    window = make_window()
    model = window.tree_model
    experiment = open_path(qtbot, window, "CI robot", "ws-emulated", "metric-oddities")
    target = child(model, experiment, "odd metrics")
    assert target is not None
    select(window, target)
    qtbot.waitUntil(lambda: not window.details.busy, timeout=WAIT_MS)
    metrics = dict(window.details.values(METRICS))
    assert list(metrics) == ["calibration", "eval/loss", "gpu_util", "loss", "phase", "train/loss", "weights"]
    assert metrics["eval/loss"] == "scalar, 3 points, last 2.8"
    assert metrics["weights"] == (
        "a metric of type azureml.v3.tensor, which tbdesk does not know: its values are neither"
        " numbers, text, rows nor files: not exported to TensorBoard"
    )
    section = window.details._sections[METRICS]
    why = section.child(list(metrics).index("weights")).toolTip(1)
    assert "cannot read this metric's values" in why


def test_a_secret_the_keyring_lost_asks_for_it_again(
    qtbot: Any, account: Account, memory_keyring: MemoryKeyring, make_window: Callable[[], MainWindow]
) -> None:
    memory_keyring.secrets.clear()  # gone from the keyring (another app, a reset)
    session().forget(account.id)  # as at the next launch
    window = make_window()
    model = window.tree_model
    workspace = open_path(qtbot, window, "CI robot", "ws-emulated")
    [row] = names(model, workspace)
    assert row.startswith("Could not load: No client secret is stored for CI robot")
    window.tree.activated.emit(window.tree.view_index(model.index(0, NAME, workspace)))
    qtbot.waitUntil(lambda: idle(window), timeout=WAIT_MS)
    # The sign-in dialog, for this account, asks for the secret; no error dialog.
    dialog = window.findChild(SignInDialog, SIGN_IN_DIALOG_NAME)
    assert dialog is not None and dialog.isVisible() and dialog.account_id == account.id
    assert [d for d in window.findChildren(QMessageBox) if d.isVisible()] == []


def test_add_workspace_offers_the_config_json_found_where_tbdesk_started(
    qtbot: Any, account: Account, make_window: Callable[[], MainWindow], tmp_path: Path, monkeypatch: Any
) -> None:
    config = tmp_path / "project" / ".azureml" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"subscription_id": "s", "resource_group": "rg", "workspace_name": "ws"}))
    (tmp_path / "project" / "src").mkdir()
    monkeypatch.chdir(tmp_path / "project" / "src")  # started in a subfolder: found above it
    window = make_window()
    dialog = window.azure.ask_add_workspace(account.id)
    assert isinstance(dialog, AddWorkspaceDialog)
    # Looked for in a worker thread (folders up to the root), then offered.
    qtbot.waitUntil(lambda: dialog.config_path.text() == str(config), timeout=WAIT_MS)
    assert dialog.found.isVisible() and dialog.found.text() == f"Found {config}."
