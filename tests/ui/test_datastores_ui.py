"""An Azure ML workspace's datastores in the tree (issue 13): listed under the workspace (from the
emulator's datastore API, contract-checked), one with identity-based access opened as a cloud
folder on activation (its container in Azurite), one that needs an account key saying so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.sources.cloud import CloudFolderSource
from tbdesk.ui.azure_dialogs import SIGN_IN_DIALOG_NAME, SignInDialog
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.tree_nodes import NAME, STATUS, Kind
from tests.auth.fixtures import (
    memory_keyring_fixture,
    no_secret_service_fixture,
    token_server_fixture,
    use_keyring_fixture,
)
from tests.auth.token_server import TokenServer
from tests.azureml_emulator import Emulator
from tests.azureml_emulator.tokens import TENANT
from tests.cloud.fixtures import oauth_container, own_container
from tests.cloud.servers import AZURITE_ACCOUNT
from tests.cloud.test_cloud_accounts import PERSONAL_TENANT, sign_in_as, storage_tokens
from tests.sync.sync_helpers import Events
from tests.ui.test_azure_ui import (
    WAIT_MS,
    account,
    child,
    emulator,
    error_rows,
    make_window,
    names,
    open_path,
)
from tests.ui.ui_helpers import error_dialogs, idle

__all__ = [  # fixtures
    "account",
    "emulator",
    "make_window",
    "memory_keyring_fixture",
    "no_secret_service_fixture",
    "oauth_container",
    "own_container",
    "token_server_fixture",
    "use_keyring_fixture",
]
EVENTS = "events.out.tfevents.1714550400.host"


def _store(name: str, container: str, credential: str, **secrets: str) -> dict[str, Any]:
    section = {
        "accountName": AZURITE_ACCOUNT,
        "containerName": container,
        "endpoint": "core.windows.net",
        "credentialType": credential,
        **secrets,
    }
    return {"name": name, "dataStoreType": "AzureBlob", "azureStorageSection": section}


def test_a_workspaces_datastores_open_as_cloud_folders(
    qtbot: Any,
    account: Account,
    emulator: Emulator,
    make_window: Callable[[], MainWindow],
    own_container: Any,
) -> None:
    container = own_container
    container.upload_blob(f"tb/train/{EVENTS}", Events("loss").steps(0, 3))
    name = container.container_name
    emulator.workspace.datastores += [
        _store("workspaceblobstore", name, "AccountKey", accountKey="never-fetched"),
        _store("logs", name, "None"),
    ]
    window = make_window()
    model = window.tree_model
    window.tree.expand(model.account_index(account.id))
    stores = open_path(qtbot, window, "CI robot", "ws-emulated", "Datastores")
    assert names(model, stores) == ["logs", "workspaceblobstore"]
    keyed = child(model, stores, "workspaceblobstore")
    assert keyed is not None
    assert model.index(keyed.row(), STATUS, stores).data() == "not browsable"

    window.tree.activated.emit(window.tree.view_index(keyed))  # says why, opens nothing
    qtbot.waitUntil(lambda: len(error_dialogs(window)) == 1, timeout=WAIT_MS)
    (box,) = error_dialogs(window)
    assert "account key" in box.text() and "does not fetch" in box.text()
    box.close()
    before = len(model.sources())

    logs = child(model, stores, "logs")
    assert logs is not None
    window.tree.activated.emit(window.tree.view_index(logs))
    url = f"https://{AZURITE_ACCOUNT}.blob.core.windows.net/{name}"
    qtbot.waitUntil(lambda: len(model.sources()) == before + 1, timeout=WAIT_MS)
    folder = model.source_index(f"cloud:{url}")
    assert folder.isValid()
    assert window.settings.recent_cloud_urls()[0] == url
    qtbot.waitUntil(lambda: child(model, folder, "tb") is not None, timeout=WAIT_MS)
    experiment = child(model, folder, "tb")
    assert experiment is not None
    window.tree.expand(experiment)
    qtbot.waitUntil(lambda: names(model, experiment) == ["train"], timeout=WAIT_MS)
    (run,) = (
        node for node in model.nodes() if node.kind is Kind.RUN and node.source is model.node(folder).source
    )
    assert run.run is not None and run.run.id == "tb/train"


@pytest.mark.usefixtures("memory_keyring")
def test_a_datastore_reads_with_its_workspaces_account_across_a_restart_and_a_sign_out(
    qtbot: Any,
    *,
    emulator: Emulator,
    token_server: TokenServer,
    oauth_container: Any,
    make_window: Callable[[], MainWindow],
    run_async: Any,
) -> None:
    """Personal signs in first, Work owns the workspace: its datastore is read with Work's token
    (Azurite takes Entra ID tokens; tests/cloud/test_cloud_accounts.py), after a restart too;
    signed out of Work, the folder's error row signs in to Work again and the folder reads again."""
    container = oauth_container
    container.upload_blob(f"tb/train/{EVENTS}", Events("loss").steps(0, 3))
    emulator.workspace.datastores.append(_store("logs", container.container_name, "None"))
    store = AccountStore()
    sign_in_as(store, token_server, "Personal", PERSONAL_TENANT, emulator.url, run_async)
    work = sign_in_as(store, token_server, "Work", TENANT, emulator.url, run_async)
    ws = emulator.workspace
    store.add_workspace(WorkspaceEntry(work.id, ws.subscription_id, ws.resource_group, ws.name))
    url = f"https://{AZURITE_ACCOUNT}.blob.core.windows.net/{container.container_name}"
    folder_id = f"cloud:{url}"

    window = make_window()
    model = window.tree_model
    stores = open_path(qtbot, window, "Work", "ws-emulated", "Datastores")
    logs = child(model, stores, "logs")
    assert logs is not None
    window.tree.activated.emit(window.tree.view_index(logs))
    qtbot.waitUntil(lambda: model.source_index(folder_id).isValid(), timeout=WAIT_MS)
    _wait_run(qtbot, window, folder_id)
    assert storage_tokens(token_server) == [TENANT]  # Work's; Personal's identity never asked
    assert window.settings.cloud_account(url) == work.id
    window.close()

    again = make_window()  # the folder comes back, read by Work
    folder = again.tree_model.source_index(folder_id)
    source = again.tree_model.node(folder).source  # type: ignore[union-attr]
    assert isinstance(source, CloudFolderSource) and source.account == work.id
    _wait_run(qtbot, again, folder_id)
    assert set(storage_tokens(token_server)) == {TENANT}

    again.sign_out_menu.aboutToShow.emit()
    [sign_out] = [action for action in again.sign_out_menu.actions() if action.text().startswith("Work")]
    sign_out.trigger()
    qtbot.waitUntil(lambda: idle(again), timeout=WAIT_MS)
    again.tree_model.refresh(again.tree.expanded_keys(), folder)
    qtbot.waitUntil(lambda: idle(again) and bool(error_rows(again.tree_model, folder)), timeout=WAIT_MS)
    [row] = names(again.tree_model, folder)
    assert row.startswith("Could not load: Signed out of the Azure account Work: sign in again to read")
    again.tree.activated.emit(again.tree.view_index(again.tree_model.index(0, NAME, folder)))
    dialog = again.findChild(SignInDialog, SIGN_IN_DIALOG_NAME)
    assert isinstance(dialog, SignInDialog) and dialog.isVisible() and dialog.name.text() == "Work"
    qtbot.waitUntil(lambda: not dialog.note.text().startswith("Checking"), timeout=WAIT_MS)
    dialog.secret.setText(token_server.client_secret)
    dialog.sign_in_button.click()
    _wait_run(qtbot, again, folder_id)  # read again, by Work
    assert set(storage_tokens(token_server)) == {TENANT}


def _wait_run(qtbot: Any, window: MainWindow, folder_id: str) -> None:
    """The cloud folder, expanded, lists its run tb/train."""
    model = window.tree_model
    folder = model.source_index(folder_id)
    window.tree.expand(folder)
    qtbot.waitUntil(lambda: idle(window) and child(model, folder, "tb") is not None, timeout=WAIT_MS)
    experiment = child(model, folder, "tb")
    assert experiment is not None
    window.tree.expand(experiment)
    qtbot.waitUntil(lambda: names(model, experiment) == ["train"], timeout=WAIT_MS)


def test_open_cloud_folder_asks_which_account_and_remembers_it_with_the_url(
    qtbot: Any, make_window: Callable[[], MainWindow]
) -> None:
    """With accounts signed in, File > Open cloud folder… offers them (Automatic first, which
    never guesses among several); the choice is remembered with the URL, preselected when the URL
    is picked again, and kept by the folder at the next launch."""
    store = AccountStore()
    store.save_account(Account.new("Personal", "azure_cli"))
    work = store.save_account(Account.new("Work", "azure_cli"))
    url = f"https://{AZURITE_ACCOUNT}.blob.core.windows.net/logs/tb"
    window = make_window()
    dialog = window.source_actions.ask_cloud_folder()
    assert dialog.account.isVisible()
    choices = [dialog.account.itemText(i) for i in range(dialog.account.count())]
    assert choices[0].startswith("Automatic") and [c.split(" ")[0] for c in choices[1:]] == [
        "Personal",
        "Work",
    ]
    dialog.url.setEditText(url)
    open_button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Open)
    open_button.click()  # Automatic, with two signed in: the dialog asks rather than guess
    assert dialog.isVisible() and "choose the one" in dialog.problem.text()
    assert not window.tree_model.source_index(f"cloud:{url}").isValid()
    dialog.account.setCurrentIndex(dialog.account.findData(work.id))
    open_button.click()
    assert not dialog.isVisible()
    source = window.tree_model.node(window.tree_model.source_index(f"cloud:{url}")).source  # type: ignore[union-attr]
    assert isinstance(source, CloudFolderSource) and source.account == work.id
    assert window.settings.cloud_account(url) == work.id

    again = window.source_actions.ask_cloud_folder()
    again.url.setEditText("s3://bucket/logs")  # not Azure: no account
    assert again.account.currentData() is None
    again.url.setCurrentIndex(again.url.findText(url))  # a recent URL: its account comes back
    assert again.account.currentData() == work.id
    again.reject()
    window.close()

    relaunched = make_window()
    source = relaunched.tree_model.node(relaunched.tree_model.source_index(f"cloud:{url}")).source  # type: ignore[union-attr]
    assert isinstance(source, CloudFolderSource) and source.account == work.id
