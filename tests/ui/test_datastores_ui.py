"""An Azure ML workspace's datastores in the tree (issue 13): listed under the workspace (from the
emulator's datastore API, contract-checked), one with identity-based access opened as a cloud
folder on activation (its container in Azurite), one that needs an account key saying so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tbdesk.azure.accounts import Account
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.tree_nodes import STATUS, Kind
from tests.auth.fixtures import (
    memory_keyring_fixture,
    no_secret_service_fixture,
    token_server_fixture,
    use_keyring_fixture,
)
from tests.azureml_emulator import Emulator
from tests.cloud.fixtures import own_container
from tests.cloud.servers import AZURITE_ACCOUNT
from tests.sync.sync_helpers import Events
from tests.ui.test_azure_ui import WAIT_MS, account, child, emulator, make_window, names, open_path
from tests.ui.ui_helpers import error_dialogs

__all__ = [  # fixtures
    "account",
    "emulator",
    "make_window",
    "memory_keyring_fixture",
    "no_secret_service_fixture",
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
