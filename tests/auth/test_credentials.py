"""Each sign-in method with azure-identity's real credentials, offline: a service principal and a
device code against a stand-in identity service on https, the Azure CLI through a fake `az`, the
browser through a stand-in browser (and its construction per cloud)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from pathlib import Path

import keyring
import pytest
from azure.identity import AuthenticationRecord, AzureAuthorityHosts, DeviceCodeCredential
from keyring.backends import fail

from tbdesk.auth import (
    DeviceCode,
    SignInError,
    add_account,
    credential_for,
    sign_in,
    sign_out,
    token_cache_available,
)
from tbdesk.auth.credentials import CACHE_PREFIX, cache_options
from tbdesk.auth.session import session
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.azure.arm import CLOUDS
from tbdesk.azure.errors import SignedOutError
from tests.auth.fixtures import MemoryKeyring, az_args, robot_account
from tests.auth.token_server import CLIENT_ID, USER, TokenServer
from tests.azureml_emulator.tokens import TENANT, claims_of


def test_clouds_use_azure_identitys_authorities() -> None:
    assert CLOUDS["AzureCloud"].authority_host == AzureAuthorityHosts.AZURE_PUBLIC_CLOUD
    assert CLOUDS["AzureChinaCloud"].authority_host == AzureAuthorityHosts.AZURE_CHINA
    assert CLOUDS["AzureUSGovernment"].authority_host == AzureAuthorityHosts.AZURE_GOVERNMENT
    assert CLOUDS["AzureChinaCloud"].arm_scope == "https://management.core.chinacloudapi.cn//.default"


@pytest.mark.parametrize("cloud", list(CLOUDS))
def test_browser_credential_per_cloud(cloud: str) -> None:
    account = Account.new("Me", "browser", cloud, tenant_id="contoso.onmicrosoft.com", username="me@contoso")
    credential = credential_for(account)
    assert type(credential).__name__ == "InteractiveBrowserCredential"
    # azure-identity keeps these privately; read for the test only.
    assert credential._authority == "https://" + CLOUDS[cloud].authority_host
    assert credential._tenant_id == "contoso.onmicrosoft.com"
    assert credential._login_hint == "me@contoso"
    assert credential._disable_automatic_authentication is True
    # Without a Secret Service (tests/auth/fixtures.py): no persistent cache, and certainly no
    # plaintext one.
    assert credential._cache_options is None
    _, reason = token_cache_available()
    assert "never stores tokens unencrypted" in reason and "libsecret" in reason


def test_cache_options_when_encryption_is_possible(monkeypatch: pytest.MonkeyPatch) -> None:
    from tbdesk.auth import credentials

    monkeypatch.setattr(credentials, "token_cache_available", lambda: (True, "encrypted"))
    account = Account.new("Me")
    options = cache_options(account)
    assert options.name == CACHE_PREFIX + account.id and options.allow_unencrypted_storage is False
    credential = credential_for(account)
    assert credential._cache_options is options or credential._cache_options.name == options.name


def test_a_remembered_sign_in_is_handed_to_the_credential() -> None:
    record = AuthenticationRecord(TENANT, CLIENT_ID, "login.microsoftonline.com", "uid.tid", USER)
    account = Account.new("Me", "device_code", authentication_record=record.serialize())
    credential = credential_for(account)
    assert isinstance(credential, DeviceCodeCredential)
    assert credential._auth_record.username == USER and credential._client_id == CLIENT_ID


def test_service_principal_signs_in_and_never_logs_its_secret(
    memory_keyring: MemoryKeyring, token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = AccountStore()
    account = add_account(store, robot_account(token_server), client_secret=token_server.client_secret)
    signed = asyncio.run(sign_in(store, account))
    assert signed.username == "ada@example.org"  # from the token's claims, for display
    token = session().credential(signed).get_token(signed.endpoints.arm_scope).token
    assert claims_of(token)["tid"] == TENANT and token in token_server.issued
    posted = [s.form for s in token_server.log if s.path.endswith("/token")]
    assert posted[0]["client_secret"] == token_server.client_secret
    assert posted[0]["scope"] == "https://management.core.windows.net//.default"
    # The secret is in the keyring only: not in the settings file, not in any log line.
    text = store.path.read_text()
    assert token_server.client_secret not in text and "client_secret" not in text
    assert memory_keyring.secrets == {("tbdesk", account.id): token_server.client_secret}
    assert caplog.records, "azure-identity logs at DEBUG; the check below must see something"
    assert token_server.client_secret not in caplog.text
    assert all(issued not in caplog.text for issued in token_server.issued)
    asyncio.run(sign_out(store, account.id))


def test_a_wrong_secret_says_what_the_identity_service_said(
    memory_keyring: MemoryKeyring, token_server: TokenServer
) -> None:
    store = AccountStore()
    account = add_account(store, robot_account(token_server), client_secret="wrong")
    with pytest.raises(SignInError, match=r"Signing in as CI robot failed.*AADSTS7000215"):
        asyncio.run(sign_in(store, account))


def test_service_principal_needs_a_secure_keyring(use_keyring, token_server: TokenServer) -> None:
    keyring.set_keyring(fail.Keyring())
    store = AccountStore()
    with pytest.raises(SignInError, match="needs a secure system keyring"):
        add_account(store, robot_account(token_server), client_secret="s")
    assert store.accounts == [] and not store.path.exists()


def test_service_principal_without_a_stored_secret(
    memory_keyring: MemoryKeyring, token_server: TokenServer
) -> None:
    with pytest.raises(SignedOutError, match="No client secret is stored for CI robot"):
        credential_for(robot_account(token_server))


def test_device_code_hands_the_code_to_the_ui_and_remembers_who_signed_in(
    token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = AccountStore()
    account = add_account(store, Account.new("Ada", "device_code", authority_host=token_server.url))
    shown: list[DeviceCode] = []
    signed = asyncio.run(sign_in(store, account, device_code_prompt=shown.append))
    (prompt,) = shown
    assert prompt.url == "https://microsoft.com/devicelogin" and prompt.code.startswith("TBD-")
    assert prompt.code in prompt.message and prompt.url in prompt.message
    assert signed.username == USER
    record = AuthenticationRecord.deserialize(signed.authentication_record)
    assert (record.username, record.tenant_id, record.home_account_id) == (USER, TENANT, f"0000-ada.{TENANT}")
    # Polled until the person finished (the service said "pending" first).
    polls = [s for s in token_server.log if s.form.get("grant_type", "").endswith("device_code")]
    assert len(polls) == 2
    # Remembered across launches: the record, never a token.
    saved = json.loads(store.path.read_text())["accounts"][0]
    assert saved["username"] == USER and "authentication_record" in saved
    assert all(issued not in store.path.read_text() for issued in token_server.issued)
    assert all(issued not in caplog.text for issued in token_server.issued)
    # Later reads in this launch reuse the same credential, without prompting again.
    assert session().credential(signed).get_token(signed.endpoints.arm_scope).token in token_server.issued
    assert shown == [prompt] and len([s for s in token_server.log if s.path.endswith("/devicecode")]) == 1


def test_a_background_read_never_prompts(token_server: TokenServer) -> None:
    account = Account.new("Ada", "device_code", authority_host=token_server.url)
    shown: list[DeviceCode] = []
    credential = credential_for(account, device_code_prompt=shown.append)
    from azure.identity import AuthenticationRequiredError

    with pytest.raises(AuthenticationRequiredError):
        credential.get_token(account.endpoints.arm_scope)
    assert shown == [] and not any(s.path.endswith("/devicecode") for s in token_server.log)


def test_browser_sign_in_through_a_stand_in_browser(token_server: TokenServer) -> None:
    """webbrowser opens the authorize URL; a stand-in person signs in there and the identity
    service posts the code back to azure-identity's redirect server on localhost."""
    import ssl
    import threading
    import urllib.parse
    import urllib.request
    import webbrowser

    context = ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])
    opened: list[str] = []

    class StandInBrowser(webbrowser.BaseBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            if not url.startswith(token_server.url):
                return False  # only ours: any other caller gets the next browser in the list
            opened.append(url)

            def person() -> None:
                with urllib.request.urlopen(url, context=context) as answer:  # the sign-in page
                    done = json.load(answer)
                form = urllib.parse.urlencode({"code": done["code"], "state": done["state"]}).encode()
                urllib.request.urlopen(done["redirect_uri"], data=form).close()  # form_post to localhost

            threading.Thread(target=person, daemon=True).start()
            return True

    webbrowser.register("tbdesk-stand-in", None, StandInBrowser("stand-in"), preferred=True)
    store = AccountStore()
    account = add_account(store, Account.new("Ada", authority_host=token_server.url, username=USER))
    signed = asyncio.run(sign_in(store, account))
    (url,) = opened
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["login_hint"] == [USER] and query["scope"][0].startswith(
        "https://management.core.windows.net//"
    )
    assert signed.username == USER and signed.authentication_record
    assert any(s.form.get("grant_type") == "authorization_code" for s in token_server.log)


def test_azure_cli_through_a_fake_az(fake_az: Path) -> None:
    store = AccountStore()
    account = add_account(store, Account.new("My az login", "azure_cli", tenant_id=TENANT))
    signed = asyncio.run(sign_in(store, account))
    assert signed.username == "ada@example.org"
    assert az_args(fake_az) == [
        "account", "get-access-token", "--output", "json",
        "--resource", "https://management.core.windows.net/", "--tenant", TENANT,
    ]  # fmt: skip


def test_azure_cli_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    store = AccountStore()
    account = add_account(store, Account.new("My az login", "azure_cli"))
    with pytest.raises(SignInError, match="Azure CLI not found"):
        asyncio.run(sign_in(store, account))


def test_sign_out_forgets_secret_account_and_workspaces(
    memory_keyring: MemoryKeyring, token_server: TokenServer
) -> None:
    store = AccountStore()
    account = add_account(store, robot_account(token_server), client_secret=token_server.client_secret)
    other = add_account(store, Account.new("Other", "azure_cli"))
    mine = store.add_workspace(WorkspaceEntry(account.id, "sub", "rg", "ws1"))
    theirs = store.add_workspace(WorkspaceEntry(other.id, "sub", "rg", "ws2"))
    first = session().credential(account)
    removed = asyncio.run(sign_out(store, account.id))
    assert removed == [mine]
    assert memory_keyring.secrets == {}
    reread = AccountStore()
    assert [a.id for a in reread.accounts] == [other.id] and reread.workspaces == [theirs]
    # A new sign-in in this launch starts from scratch, not from the forgotten credential.
    add_account(store, account, client_secret=token_server.client_secret)
    assert session().credential(account) is not first


@pytest.fixture
def file_token_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The encrypted token cache with only its encryption layer, msal-extensions' libsecret
    store, replaced by files in tmp_path: one per libsecret schema and attributes, which is how
    the Secret Service tells items apart. azure-identity, MSAL and tbdesk's sign-out run
    unchanged, so a sign-out that addressed another item than azure-identity's cache would
    leave that cache full. HOME is tmp_path: the signal files go there, not to a real home."""
    import msal_extensions

    from tbdesk.auth import credentials

    folder = tmp_path / "secret-service"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    class FileSecretService(msal_extensions.FilePersistence):  # type: ignore[misc]
        def __init__(
            self, signal_location: str, schema_name: str, attributes: dict[str, str], **kwargs: object
        ) -> None:
            assert signal_location.startswith(str(tmp_path / "home"))
            item = json.dumps(attributes, sort_keys=True).encode()
            super().__init__(str(folder / f"{schema_name}-{hashlib.sha256(item).hexdigest()[:8]}"))

    monkeypatch.setattr(msal_extensions, "LibsecretPersistence", FileSecretService)
    monkeypatch.setattr(credentials, "token_cache_available", lambda: (True, "encrypted"))
    return folder


@pytest.mark.parametrize("keep_account", [False, True], ids=["forgetting the account", "keeping it"])
def test_a_restart_reuses_the_cache_and_sign_out_empties_it(
    token_server: TokenServer, file_token_cache: Path, keep_account: bool
) -> None:
    store = AccountStore()
    account = add_account(store, Account.new("Ada", "device_code", authority_host=token_server.url))
    shown: list[DeviceCode] = []
    asyncio.run(sign_in(store, account, device_code_prompt=shown.append))
    (cache,) = file_token_cache.glob(f"{CACHE_PREFIX}{account.id}.nocae-*")
    assert json.loads(cache.read_text())["AccessToken"]
    # The next launch: a new credential from the remembered account signs in silently.
    session().forget(account.id)
    relaunched = AccountStore().account(account.id)
    token = asyncio.run(sign_in(store, relaunched, device_code_prompt=shown.append))
    assert len(shown) == 1 and token.username == USER
    assert len([s for s in token_server.log if s.path.endswith("/devicecode")]) == 1
    asyncio.run(sign_out(store, account.id, keep_account=keep_account))
    assert json.loads(cache.read_text()) == {}
    # The very item azure-identity keeps (no other one was written beside it).
    assert len(list(file_token_cache.glob(f"{CACHE_PREFIX}{account.id}.nocae-*"))) == 1
    # Kept, the account is signed out and no longer names who signed in.
    kept = [a for a in AccountStore().accounts if a.id == account.id]
    assert [(a.signed_out, a.authentication_record) for a in kept] == ([(True, None)] if keep_account else [])
