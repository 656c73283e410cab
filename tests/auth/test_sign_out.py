"""Signing out and in again, offline: a service principal against the stand-in identity service,
its workspace on the emulated Azure ML service. Signing out (keeping the account) forgets the
secret but not the account or its workspaces; they answer SignedOutError, also in sources opened
before and at the next launch, until the same account signs in again."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tbdesk.auth import SignInError, add_account, sign_in, sign_out
from tbdesk.auth.session import session
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.azure.errors import SignedOutError
from tbdesk.sources import open_source
from tbdesk.sources.azure import AzureSource
from tests.auth.fixtures import MemoryKeyring, add_robot
from tests.auth.token_server import TokenServer
from tests.azureml_emulator import Emulator, EmuWorkspace, seed_demo
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS


@pytest.fixture
def emulator(azureml_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    workspace = EmuWorkspace()
    seed_demo(workspace, sweep_children=2)
    with Emulator(workspace) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


def experiments(source_id: str) -> list[str]:
    source = open_source(source_id)
    assert isinstance(source, AzureSource)
    try:
        return [e.name for e in asyncio.run(source.experiments())]
    finally:
        source.close()


def test_sign_out_keeps_the_account_and_its_workspaces_signed_out(
    emulator: Emulator, memory_keyring: MemoryKeyring, token_server: TokenServer
) -> None:
    store = AccountStore()
    account = asyncio.run(sign_in(store, add_robot(store, token_server, emulator.url)))
    other = add_account(store, Account.new("Other", "azure_cli"))
    ws = emulator.workspace
    mine = store.add_workspace(WorkspaceEntry(account.id, ws.subscription_id, ws.resource_group, ws.name))
    theirs = store.add_workspace(WorkspaceEntry(other.id, "sub", "rg", "ws2"))
    opened = open_source(mine.source_id)  # as the tree holds it, opened while signed in
    assert isinstance(opened, AzureSource)
    assert "mnist-cnn" in [e.name for e in asyncio.run(opened.experiments())]
    first = session().credential(account)

    assert asyncio.run(sign_out(store, account.id, keep_account=True)) == []
    assert memory_keyring.secrets == {}
    reread = AccountStore()
    kept = reread.account(account.id)
    assert kept.signed_out and kept.name == "CI robot" and kept.username == account.username
    assert reread.account(other.id) == other and reread.workspaces == [mine, theirs]
    saved = json.loads(reread.path.read_text())["accounts"]
    assert [record.get("signed_out") for record in saved] == [True, None]

    # Nothing reads any more: not the source opened before, not one opened now, not at the next
    # launch (the flag is in azure.json); and nothing is asked of Azure or the identity service.
    emulator.clear_log()
    issued = len(token_server.issued)
    opened.close()
    with pytest.raises(SignedOutError, match="Signed out of the Azure account CI robot: sign in again"):
        asyncio.run(opened.experiments())
    with pytest.raises(SignedOutError, match="sign in again"):
        experiments(mine.source_id)
    session().set_signed_out(account.id, None)  # a new launch knows only azure.json
    session().forget(account.id)
    with pytest.raises(SignedOutError, match="sign in again"):
        experiments(mine.source_id)
    assert emulator.log == [] and len(token_server.issued) == issued

    # Signing the same account in again (its secret given anew) brings the workspace back.
    again = add_account(store, kept, client_secret=token_server.client_secret)
    assert session().credential(again) is not first
    signed_in = asyncio.run(sign_in(store, again))
    assert signed_in.id == account.id and not signed_in.signed_out
    assert not AccountStore().account(account.id).signed_out
    assert "mnist-cnn" in experiments(mine.source_id)
    assert "mnist-cnn" in [e.name for e in asyncio.run(opened.experiments())]
    assert AccountStore().workspaces == [mine, theirs]
    opened.close()


def test_a_failed_sign_in_again_leaves_the_account_signed_out(
    memory_keyring: MemoryKeyring, token_server: TokenServer
) -> None:
    store = AccountStore()
    account = asyncio.run(sign_in(store, add_robot(store, token_server)))
    entry = store.add_workspace(WorkspaceEntry(account.id, "sub", "rg", "ws"))
    asyncio.run(sign_out(store, account.id, keep_account=True))
    kept = add_account(store, store.account(account.id), client_secret="not the secret")
    with pytest.raises(SignInError, match="AADSTS7000215"):
        asyncio.run(sign_in(store, kept))
    assert session().is_signed_out(kept) and AccountStore().account(account.id).signed_out
    assert AccountStore().workspaces == [entry]
