"""Fixtures of the cloud-folder tests: moto's S3 server, Azurite and a GCS emulator on 127.0.0.1
(started once per session; tests/cloud/servers.py), the environment their ecosystems' clients
read, a fresh bucket or container per test, and a run cache."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tbdesk.sync import RunCache
from tests.cloud.servers import AZURITE_ACCOUNT, AZURITE_KEY, Azurite, GcsServer, S3Server

_names = itertools.count()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """The S3 server, reached the way AWS's own tools would: through AWS_ENDPOINT_URL."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    s3_server.reset()
    yield s3_server
    s3_server.reset()


@pytest.fixture
def bucket(s3: S3Server) -> Any:
    """A fresh, empty bucket: a boto3 Bucket."""
    import boto3

    made = boto3.resource("s3").Bucket(f"logs-{next(_names)}")
    made.create()
    s3.reset()  # counts start after the set-up
    return made


@pytest.fixture(scope="session")
def gcs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GcsServer]:
    server = GcsServer(tmp_path_factory.mktemp("gcs")).start()
    yield server
    server.stop()


@pytest.fixture
def gcs_bucket(gcs_server: GcsServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh bucket in the GCS emulator, reached the way Google's own tools would: through
    STORAGE_EMULATOR_HOST. A google-cloud-storage Bucket."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_server.endpoint)
    client = storage.Client(project="tbdesk-tests", credentials=AnonymousCredentials())
    yield client.create_bucket(f"logs-{next(_names)}")
    client.close()


@pytest.fixture(scope="session")
def azurite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    server = Azurite(tmp_path_factory.mktemp("azurite")).start()
    yield server
    server.stop()


@pytest.fixture
def container(azurite_server: Azurite, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh container in Azurite, reached the way Azure's own tools would: through
    AZURE_STORAGE_CONNECTION_STRING. An azure-storage-blob ContainerClient."""
    from azure.storage.blob import BlobServiceClient

    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite_server.connection_string)
    service = BlobServiceClient.from_connection_string(azurite_server.connection_string)
    made = service.create_container(f"logs{next(_names)}")
    yield made
    made.close()
    service.close()


@pytest.fixture
def own_container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A container in an Azurite of the test's own, stopped when it ends: for tests outside
    tests/cloud, which run before others that check no child process is left running."""
    from azure.storage.blob import BlobServiceClient

    server = Azurite(tmp_path / "azurite").start()
    try:
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", server.connection_string)
        service = BlobServiceClient.from_connection_string(server.connection_string)
        made = service.create_container(f"logs{next(_names)}")
        yield made
        made.close()
        service.close()
    finally:
        server.stop()


@pytest.fixture
def oauth_container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A container in an Azurite of the test's own (stopped when it ends) that takes Entra ID
    bearer tokens over https, and nothing in the environment: only a tbdesk account's credential
    gets in. adlfs's client for https://devstoreaccount1.blob.core.windows.net reaches it and
    trusts its certificate, as DNS and the system's trust store would take a client to the real
    host; the rest (adlfs, azure-storage-blob, the bearer token policy) is as in use."""
    from adlfs import spec
    from azure.storage.blob import BlobServiceClient
    from azure.storage.blob.aio import BlobServiceClient as AsyncBlobServiceClient

    from tests.auth.token_server import write_certificate

    (tmp_path / "tls").mkdir()
    cert, key = write_certificate(tmp_path / "tls")
    server = Azurite(tmp_path / "azurite", oauth_tls=(cert, key)).start()
    for name in (
        "AZURE_STORAGE_CONNECTION_STRING",
        "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_STORAGE_ACCOUNT_KEY",
        "AZURE_STORAGE_ACCOUNT_NAME",
        "AZURE_STORAGE_ANON",
    ):
        monkeypatch.delenv(name, raising=False)
    real_host = f"https://{AZURITE_ACCOUNT}.blob.core.windows.net"

    def client(account_url: str, location_mode: str | None = None, credential: Any = None) -> Any:
        if account_url != real_host:
            raise AssertionError(f"adlfs went to {account_url}, not {real_host}")
        options = {"_location_mode": location_mode} if location_mode else {}
        return AsyncBlobServiceClient(
            server.endpoint, credential=credential, connection_verify=str(cert), **options
        )

    monkeypatch.setattr(spec, "_create_aio_blob_service_client", client)
    key_credential = {"account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY}
    try:
        service = BlobServiceClient(server.endpoint, credential=key_credential, connection_verify=str(cert))
        made = service.create_container(f"logs{next(_names)}")
        yield made
        made.close()
        service.close()
    finally:
        server.stop()


@pytest.fixture
def cache(tmp_path: Path) -> RunCache:
    return RunCache(tmp_path / "cache")
