"""From sign-in to runs, offline: an account signs in with azure-identity's real credentials (a
service principal against a stand-in identity service on https, or the Azure CLI through a fake
`az`), a workspace is added from its config.json, and `open_source` rebuilds the Azure source from
its id and lists runs from the emulated Azure ML service with the tokens that sign-in got."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from azure_helpers import collect, run

from tbdesk.auth import add_account, session, sign_in, sign_out
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry, find_workspace_configs
from tbdesk.azure.errors import SignedOutError
from tbdesk.sources import SourceError, open_source
from tbdesk.sources.azure import AzureSource
from tests.auth.fixtures import (  # noqa: F401 - fixtures, registered by their names
    MemoryKeyring,
    fake_az_fixture,
    memory_keyring_fixture,
    token_server_fixture,
    use_keyring_fixture,
)
from tests.auth.token_server import CLIENT_ID, TokenServer
from tests.azureml_emulator import Emulator
from tests.azureml_emulator.tokens import TENANT

pytestmark = [
    pytest.mark.filterwarnings("ignore:FileType Enum is Deprecated:DeprecationWarning:azureml.*"),
    pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning:azureml.*"),
]


def add_from_config(
    store: AccountStore, account: Account, emulator: Emulator, folder: Path
) -> WorkspaceEntry:
    (folder / ".azureml").mkdir(parents=True)
    (folder / ".azureml" / "config.json").write_text(json.dumps(emulator.config()))
    ((path, _),) = find_workspace_configs(folder)
    return store.add_workspace(WorkspaceEntry.from_config(account.id, path))


def test_service_principal_to_runs(
    demo: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer, tmp_path: Path
) -> None:
    store = AccountStore()
    account = Account.new(
        "CI robot",
        "service_principal",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        authority_host=token_server.url,
        arm_endpoint=demo.url,
    )
    account = run(sign_in(store, add_account(store, account, client_secret=token_server.client_secret)))
    entry = add_from_config(store, account, demo, tmp_path / "project")

    source = open_source(entry.source_id)  # as the app does at the next launch
    assert isinstance(source, AzureSource)
    pages = run(collect(source, "lr-sweep"))
    assert [r.id for page in pages for r in page] == ["HD_lr-sweep_parent"]
    # The emulator saw the identity service's tokens, first at ARM (to find the workspace).
    used = {r.path for r in demo.log if r.authorized}
    assert any(p.lower() == entry.ref.scope.lower() for p in used)
    assert token_server.issued and all(r.authorized for r in demo.log if r.path != "/discovery")
    assert demo.writes() == []
    source.close()


def test_azure_cli_to_runs(demo: Emulator, fake_az: Path, tmp_path: Path) -> None:
    store = AccountStore()
    account = run(sign_in(store, add_account(store, Account.new("az", "azure_cli", arm_endpoint=demo.url))))
    entry = add_from_config(store, account, demo, tmp_path / "project")
    source = open_source(entry.source_id)
    assert {e.name for e in run(source.experiments())} >= {"lr-sweep", "metric-kinds"}
    source.close()


def test_expired_tokens_say_sign_in_again(
    demo: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer, tmp_path: Path
) -> None:
    token_server.token_lifetime = -60  # the identity service hands out tokens Azure ML finds expired
    store = AccountStore()
    account = Account.new(
        "CI robot",
        "service_principal",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        authority_host=token_server.url,
        arm_endpoint=demo.url,
    )
    account = add_account(store, account, client_secret=token_server.client_secret)
    entry = add_from_config(store, account, demo, tmp_path / "project")
    with pytest.raises(
        SignedOutError, match=r"Your Azure sign-in has expired or was revoked\. Sign in again"
    ):
        run(open_source(entry.source_id).experiments())


def test_signed_out_workspaces_cannot_be_reopened(
    demo: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer, tmp_path: Path
) -> None:
    store = AccountStore()
    account = Account.new(
        "CI robot",
        "service_principal",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        authority_host=token_server.url,
    )
    account = add_account(store, account, client_secret=token_server.client_secret)
    entry = add_from_config(store, account, demo, tmp_path / "project")
    asyncio.run(sign_out(store, account.id))
    with pytest.raises(SourceError, match="no longer among tbdesk's workspaces"):
        open_source(entry.source_id)
    assert memory_keyring.secrets == {}
    session().forget(account.id)
