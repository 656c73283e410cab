"""A workspace's datastores as cloud folders (issue 13): listed through the workspace's datastore
API on the Azure ML emulator (its exchanges held against azureml-core's generated
DataStoresOperations by the contract plugin) without their secrets, a Blob datastore browsed as a
cloud folder in Azurite, and a datastore that needs keys saying so."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tbdesk.sources.azure import AzureSource
from tbdesk.sources.cloud import CloudFolderSource, all_runs
from tests.auth.fixtures import memory_keyring_fixture
from tests.azureml_emulator import Emulator
from tests.cloud.fixtures import own_container
from tests.cloud.servers import AZURITE_ACCOUNT
from tests.sync.sync_helpers import Events

__all__ = ["memory_keyring_fixture", "own_container"]  # fixtures
EVENTS = "events.out.tfevents.1714550400.host"
KEY = "a-key-that-must-never-reach-tbdesk"


def _store(name: str, kind: str, container: str, credential: str, **secrets: str) -> dict[str, Any]:
    section = {
        "accountName": AZURITE_ACCOUNT,
        "containerName": container,
        "endpoint": "core.windows.net",
        "protocol": "https",
        "credentialType": credential,
        **secrets,
    }
    return {"name": name, "dataStoreType": kind, "hasBeenValidated": True, "azureStorageSection": section}


def test_datastores_listed_without_secrets_and_browsed_as_cloud_folders(
    emulator: Emulator, make_source: Callable[..., AzureSource], own_container: Any, memory_keyring: Any
) -> None:
    container = own_container
    container.upload_blob(f"tb/train/{EVENTS}", Events("loss").steps(0, 3))
    name = container.container_name
    emulator.workspace.datastores += [
        _store("workspaceblobstore", "AzureBlob", name, "AccountKey", accountKey=KEY),
        _store("logs_identity", "AzureBlob", name, "None"),
        _store("lake", "AzureDataLakeGen2", name, "None"),
        _store("sas_store", "AzureBlob", name, "Sas", sasToken=KEY),
        _store("files", "AzureFile", name, "AccountKey", accountKey=KEY),
    ]
    emulator.workspace.datastores += [_store(f"extra{i:03d}", "AzureBlob", name, "None") for i in range(120)]
    source = make_source()
    try:
        stores = asyncio.run(source.datastores())
    finally:
        source.close()
    assert len(stores) == 125  # two pages of 100
    by_name = {store.name: store for store in stores}
    assert [store.name for store in stores[:4]] == ["extra000", "extra001", "extra002", "extra003"]
    asked = [r for r in emulator.log if "/datastores" in r.path]
    assert len(asked) == 2 and all(r.query.get("includeSecret") == "false" for r in asked)
    assert KEY not in repr([r.answer for r in asked])  # no secret ever came over the wire

    identity = by_name["logs_identity"]
    assert identity.problem is None
    assert identity.url == f"https://{AZURITE_ACCOUNT}.blob.core.windows.net/{name}"
    assert by_name["lake"].problem is None
    assert "account key" in (by_name["workspaceblobstore"].problem or "")
    assert "SAS token" in (by_name["sas_store"].problem or "")
    assert by_name["files"].url is None and "AzureFile" in (by_name["files"].problem or "")

    # Browsed as a cloud folder: Azurite stands in for the account (AZURE_STORAGE_CONNECTION_STRING).
    assert identity.url is not None
    folder = CloudFolderSource(identity.url)
    runs = asyncio.run(all_runs(folder))
    assert [run.id for run in runs] == ["tb/train"]
