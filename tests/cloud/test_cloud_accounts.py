"""Which identity reads an Azure cloud folder (issue 13): a folder tied to a tbdesk account reads
with that account's token whichever account signed in first; an owner signed out of names the
account to sign in again; a folder tied to none never guesses among several signed-in accounts.

Against Azurite taking Entra ID tokens over https (tests/cloud/fixtures.py, oauth_container),
with two service principals signed in through azure-identity's real credentials at the stand-in
identity service (tests/auth), each in its own tenant: the token requests say whose identity was
asked, and the token storage accepted says for whom it was made."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from tbdesk.auth import add_account, sign_in, sign_out
from tbdesk.azure.accounts import Account, AccountStore
from tbdesk.azure.errors import SignedOutError
from tbdesk.sources import SourceError
from tbdesk.sources.cloud import CloudFolderSource, all_runs
from tests.auth.fixtures import memory_keyring_fixture, token_server_fixture
from tests.auth.token_server import CLIENT_ID, TokenServer
from tests.azureml_emulator.tokens import TENANT, claims_of
from tests.cloud.fixtures import oauth_container
from tests.cloud.servers import AZURITE_ACCOUNT
from tests.sync.sync_helpers import Events

__all__ = ["memory_keyring_fixture", "oauth_container", "token_server_fixture"]  # fixtures
EVENTS = "events.out.tfevents.1714550400.host"
PERSONAL_TENANT = "personal.example"
STORAGE = "https://storage.azure.com"


def sign_in_as(  # noqa: PLR0917 - what an account is made of
    store: AccountStore,
    server: TokenServer,
    name: str,
    tenant: str,
    arm_endpoint: str | None = None,
    run: Callable[[Coroutine[Any, Any, Account]], Account] = asyncio.run,
) -> Account:
    """A service principal of the tenant, signed in as the Sign in dialog does it (the sign-in
    run by `run`: the Qt tests' loop in a window's tests)."""
    account = Account.new(
        name,
        "service_principal",
        tenant_id=tenant,
        client_id=CLIENT_ID,
        authority_host=server.url,
        arm_endpoint=arm_endpoint,
    )
    return run(sign_in(store, add_account(store, account, client_secret=server.client_secret)))


@pytest.fixture
def accounts(memory_keyring: Any, token_server: TokenServer) -> tuple[Account, Account]:
    """Personal (signed in first) and Work, each in its own tenant."""
    store = AccountStore()
    return (
        sign_in_as(store, token_server, "Personal", PERSONAL_TENANT),
        sign_in_as(store, token_server, "Work", TENANT),
    )


def storage_tokens(server: TokenServer) -> list[str]:
    """The tenants whose tokens for Azure Storage were asked for, in order."""
    return [
        seen.path.strip("/").split("/")[0]
        for seen in server.log
        if seen.method == "POST" and seen.form.get("scope", "").startswith(STORAGE)
    ]


def folder_url(container: Any) -> str:
    return f"https://{AZURITE_ACCOUNT}.blob.core.windows.net/{container.container_name}/tb"


def test_a_folder_tied_to_an_account_reads_with_its_token_whoever_signed_in_first(
    oauth_container: Any, accounts: tuple[Account, Account], token_server: TokenServer
) -> None:
    _, work = accounts
    data = Events("loss").steps(0, 3)
    oauth_container.upload_blob(f"tb/train/{EVENTS}", data)
    source = CloudFolderSource(folder_url(oauth_container), account=work.id)
    assert [run.id for run in asyncio.run(all_runs(source))] == ["train"]
    assert source.read(f"{source.url.root}/train/{EVENTS}", 0, len(data)) == data
    assert storage_tokens(token_server) == [TENANT]  # Work's, asked once; never Personal's
    (token,) = (token for token in token_server.issued if (claims_of(token) or {}).get("aud") == STORAGE)
    assert (claims_of(token) or {})["tid"] == TENANT


def test_a_folder_whose_account_was_signed_out_of_names_it_to_sign_in_again(
    oauth_container: Any, accounts: tuple[Account, Account], token_server: TokenServer
) -> None:
    _, work = accounts
    oauth_container.upload_blob(f"tb/train/{EVENTS}", Events("loss").steps(0, 3))
    url = folder_url(oauth_container)
    reading = CloudFolderSource(url, account=work.id)
    assert [run.id for run in asyncio.run(all_runs(reading))] == ["train"]
    asyncio.run(sign_out(AccountStore(), work.id, keep_account=True))
    said = f"Signed out of the Azure account Work: sign in again to read the cloud folder {url}"
    # Opened now, or open before (its client holds a token still valid): it stops reading.
    for source in (CloudFolderSource(url, account=work.id), reading):
        with pytest.raises(SignedOutError, match=said):
            asyncio.run(all_runs(source))
    assert storage_tokens(token_server) == [TENANT]  # not read with Personal's identity instead


def test_a_folder_tied_to_no_account_never_guesses_among_several(
    oauth_container: Any, accounts: tuple[Account, Account], token_server: TokenServer
) -> None:
    personal, _ = accounts
    oauth_container.upload_blob(f"tb/train/{EVENTS}", Events("loss").steps(0, 3))
    url = folder_url(oauth_container)
    with pytest.raises(SourceError, match=r"Several Azure accounts are signed in \(Personal, Work\)"):
        asyncio.run(all_runs(CloudFolderSource(url)))
    assert storage_tokens(token_server) == []
    asyncio.run(sign_out(AccountStore(), personal.id, keep_account=True))
    # One signed in: it reads the folder, as when tbdesk had only one account.
    assert [run.id for run in asyncio.run(all_runs(CloudFolderSource(url)))] == ["train"]
    assert storage_tokens(token_server) == [TENANT]


def test_tbdesk_serve_reads_with_the_account_it_is_told(
    oauth_container: Any, accounts: tuple[Account, Account], token_server: TokenServer
) -> None:
    """`tbdesk serve --azure-account NAME URL`: by name (any case) or id, never another account's."""
    from tbdesk.boards.prepare import LiveRuns
    from tbdesk.cli import CommandError, _serve_runs

    oauth_container.upload_blob(f"tb/train/{EVENTS}", Events("loss").steps(0, 3))
    url = folder_url(oauth_container)

    async def main() -> None:
        lives: list[LiveRuns] = []
        try:
            runs = await _serve_runs([url], None, lives, "work")
            assert [run.name for run in runs] == ["train"]
        finally:
            await asyncio.gather(*(live.stop() for live in lives))
        with pytest.raises(
            CommandError, match=r"No Azure account 'Home' in tbdesk \(accounts: Personal, Work\)"
        ):
            await _serve_runs([url], None, [], "Home")

    asyncio.run(main())
    assert storage_tokens(token_server) == [TENANT]  # Work's, though Personal signed in first
