"""Cloud folders in Azure Blob storage, against Azurite (Microsoft's own emulator): a board shows
a run whose append blob grows while it runs (written with azure-storage-blob), Azurite stopped
and restarted mid-sync, and an expired SAS token said as such."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import BoardManager, BoardRun
from tbdesk.sources import SourceError
from tbdesk.sources.cloud import CloudFolderSource, all_runs
from tbdesk.sources.cloud_access import parse_url
from tbdesk.sync import LiveSync, PollPolicy, RunCache, SyncState
from tests.auth.fixtures import memory_keyring_fixture
from tests.cloud.servers import AZURITE_ACCOUNT, AZURITE_KEY, Azurite
from tests.sync.sync_helpers import Events, until

EVENTS = "events.out.tfevents.1714550400.host"
__all__ = ["memory_keyring_fixture"]  # a fixture
POLICY = PollPolicy(fast=0.2, idle=0.5, tree_active=0.5, tree_idle=1.0, retry_first=0.2, retry_max=1.0)


def _steps(url: str) -> list[int]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            points: list[Any] = json.loads(response.read())
    except OSError:  # not loaded yet
        return []
    return [int(point[1]) for point in points]


def test_a_board_serves_the_new_steps_of_a_growing_append_blob(
    container: Any, cache: RunCache, tmp_path: Path
) -> None:
    events = Events("loss")
    blob = container.get_blob_client(f"tb/train/{EVENTS}")
    blob.create_append_blob()
    blob.append_block(events.steps(0, 5))
    container.upload_blob(f"tb/eval/{EVENTS}", Events("acc").steps(0, 3))

    async def main() -> None:
        source = CloudFolderSource(f"az://{container.container_name}/tb")
        runs = await all_runs(source)
        assert [run.id for run in runs] == ["eval", "train"]
        live = LiveSync(source, runs, cache=cache, policy=POLICY)
        manager = BoardManager(tmp_path / "boards")
        try:
            statuses = await live.start()
            board = await manager.open([BoardRun(s.run.name, s.folder, s.key) for s in statuses if s.folder])
            assert board.url is not None
            query = urllib.parse.urlencode({"run": "train", "tag": "loss"})
            url = f"{board.url}data/plugin/scalars/scalars?{query}"
            await until(lambda: _steps(url) == [0, 1, 2, 3, 4], 30, "the first steps")
            for first in (5, 10):
                blob.append_block(events.steps(first, first + 5))
                await until(lambda last=first + 4: _steps(url)[-1:] == [last], 30, f"step {first + 4}")
            assert _steps(url) == list(range(15))
            (train,) = (s for s in live.statuses if s.run.id == "train")
            assert train.bytes_fetched == len(blob.download_blob().readall())  # each byte once
        finally:
            await live.stop()
            await manager.stop_all()

    asyncio.run(main())


def test_azurite_stopped_and_restarted_mid_sync(
    container: Any, azurite_server: Azurite, cache: RunCache
) -> None:
    events = Events("loss")
    blob = container.get_blob_client(f"tb/r/{EVENTS}")
    blob.create_append_blob()
    blob.append_block(events.steps(0, 10))

    async def main() -> None:
        source = CloudFolderSource(f"az://{container.container_name}/tb")
        live = LiveSync(source, await all_runs(source), cache=cache, policy=POLICY)
        try:
            (status,) = await live.start()
            assert status.folder is not None
            azurite_server.stop()
            await until(lambda: live.statuses[0].state is SyncState.ERROR, 120, "the error")
            assert "cannot be reached" in (live.statuses[0].error or "")
            azurite_server.start()  # same port, same data folder
            blob.append_block(events.steps(10, 20))
            upstream = blob.download_blob().readall()
            await until(lambda: (status.folder / EVENTS).read_bytes() == upstream, 120, "the new bytes")
        finally:
            await live.stop()

    asyncio.run(main())


def test_an_expired_sas_token_says_so(container: Any, azurite_server: Azurite) -> None:
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    container.upload_blob(f"tb/r/{EVENTS}", Events("loss").steps(0, 1))
    now = datetime.now(UTC)
    token = generate_container_sas(
        AZURITE_ACCOUNT,
        container.container_name,
        account_key=AZURITE_KEY,
        permission=ContainerSasPermissions(read=True, list=True),
        start=now - timedelta(hours=2),
        expiry=now - timedelta(hours=1),
    )
    secret = (
        f"BlobEndpoint=http://127.0.0.1:{azurite_server.port}/{AZURITE_ACCOUNT};SharedAccessSignature={token}"
    )
    url = parse_url(f"az://{container.container_name}/tb")
    source = CloudFolderSource(url, secret=secret)
    with pytest.raises(SourceError, match="expired"):
        asyncio.run(all_runs(source))


def test_a_secret_kept_in_the_keyring_opens_the_folder(
    container: Any, azurite_server: Azurite, memory_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    from tbdesk.auth.secret_store import store_secret

    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING")  # the keyring's secret alone gets in
    container.upload_blob(f"tb/r/{EVENTS}", Events("loss").steps(0, 1))
    token = generate_container_sas(
        AZURITE_ACCOUNT,
        container.container_name,
        account_key=AZURITE_KEY,
        permission=ContainerSasPermissions(read=True, list=True),
        expiry=datetime.now(UTC) + timedelta(hours=1),
    )
    url = parse_url(f"az://{container.container_name}/tb")
    endpoint = f"http://127.0.0.1:{azurite_server.port}/{AZURITE_ACCOUNT}"
    store_secret(url.secret_id, f"BlobEndpoint={endpoint};SharedAccessSignature={token}")
    assert [run.id for run in asyncio.run(all_runs(CloudFolderSource(url)))] == ["r"]
    assert list(memory_keyring.secrets) == [("tbdesk", url.secret_id)]


def test_the_signed_in_account_credential_serves_adlfs_from_a_thread() -> None:
    import threading

    from tbdesk.sources.cloud_access import AsyncCredential, open_filesystem

    asked: list[tuple[tuple[str, ...], str]] = []

    class Credential:  # what azure-identity's credentials answer
        def get_token(self, *scopes: str, **kwargs: Any) -> str:
            asked.append((scopes, threading.current_thread().name))
            return "token"

    fs = open_filesystem(parse_url("https://acct.blob.core.windows.net/c/logs"), None, Credential())
    credential = fs.service_client.credential
    assert isinstance(credential, AsyncCredential)
    assert asyncio.run(credential.get_token("https://storage.azure.com/.default")) == "token"
    assert asked[0][0] == ("https://storage.azure.com/.default",)
    assert asked[0][1] != threading.main_thread().name  # never blocks the caller's loop
