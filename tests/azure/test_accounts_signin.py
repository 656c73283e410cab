"""From sign-in to runs, offline: an account signs in with azure-identity's real credentials (a
service principal against a stand-in identity service on https, or the Azure CLI through a fake
`az`), a workspace is added from its config.json, and `open_source` rebuilds the Azure source from
its id and lists runs from the emulated Azure ML service with the tokens that sign-in got."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest
from azure_helpers import collect, run

from tbdesk.auth import add_account, sign_in, sign_out
from tbdesk.auth.session import session
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry, find_workspace_configs
from tbdesk.azure.errors import SignedOutError
from tbdesk.sources import SourceError, open_source
from tbdesk.sources.azure import AzureSource
from tests.auth.fixtures import MemoryKeyring, add_robot
from tests.auth.token_server import TokenServer
from tests.azureml_emulator import Emulator
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS


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
    account = run(sign_in(store, add_robot(store, token_server, demo.url)))
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
    account = add_robot(store, token_server, demo.url)
    entry = add_from_config(store, account, demo, tmp_path / "project")
    with pytest.raises(
        SignedOutError, match=r"Your Azure sign-in has expired or was revoked\. Sign in again"
    ):
        run(open_source(entry.source_id).experiments())


def test_signed_out_workspaces_cannot_be_reopened(
    demo: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer, tmp_path: Path
) -> None:
    store = AccountStore()
    account = add_robot(store, token_server)
    entry = add_from_config(store, account, demo, tmp_path / "project")
    asyncio.run(sign_out(store, account.id))
    with pytest.raises(SourceError, match="no longer among tbdesk's workspaces"):
        open_source(entry.source_id)
    assert memory_keyring.secrets == {}
    session().forget(account.id)


def test_opening_a_workspace_leaves_the_keyring_to_the_first_read(
    demo: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer, tmp_path: Path
) -> None:
    """A locked keyring prompts and blocks: opening sources (which the window does on its own
    thread at start-up) must not read it; the source's first read does, in a worker thread."""
    store = AccountStore()
    account = add_robot(store, token_server, demo.url)
    entry = add_from_config(store, account, demo, tmp_path / "project")
    session().forget(account.id)  # as at the next launch
    memory_keyring.read_in.clear()
    source = open_source(entry.source_id)
    assert memory_keyring.read_in == []
    assert {e.name for e in run(source.experiments())} >= {"lr-sweep"}
    assert memory_keyring.read_in and threading.main_thread() not in memory_keyring.read_in
    source.close()
    # A secret the keyring lost shows up as the first read's error, not when opening.
    session().forget(account.id)
    memory_keyring.secrets.clear()
    source = open_source(entry.source_id)
    with pytest.raises(SignedOutError, match="No client secret is stored for CI robot"):
        run(source.experiments())
