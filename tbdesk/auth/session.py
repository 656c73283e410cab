"""Signing in and out, and the credentials of this launch (one per account, so a person signs in
once per launch however many workspaces and windows use it).

    store = AccountStore()
    account = add_account(store, Account.new("Work", "device_code"))
    account = await sign_in(store, account, device_code_prompt=show_code)   # prompts if needed
    source = open_workspace(store.add_workspace(WorkspaceEntry.from_config(account.id, path)), store)
    await sign_out(store, account.id, keep_account=True)  # forgets the secret and the token cache;
                                            # the account stays, signed out, with its workspaces
    await sign_out(store, account.id)       # ...and forgets the account and its workspaces too

A signed-out account's workspaces answer every read with SignedOutError (the tree offers to sign
in again there); `sign_in` on the same account makes them readable again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from typing import TYPE_CHECKING, Any

from tbdesk.auth.credentials import DeviceCodePrompt, credential_for, forget_token_cache
from tbdesk.auth.errors import SignInError
from tbdesk.auth.secret_store import forget_secret, store_secret
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.azure.errors import AzureError, SignedOutError
from tbdesk.azure.workspace import token_claims

if TYPE_CHECKING:
    from tbdesk.azure.rest import Policy
    from tbdesk.sources.azure import AzureSource

_LOG = logging.getLogger(__name__)


class Session:
    """The credential objects of this launch, one per account, made on first use; and which
    accounts were signed in or out in this launch (sources opened before still hold the account
    as it was then)."""

    def __init__(self) -> None:
        self.device_code_prompt: DeviceCodePrompt | None = None  # the UI sets where codes are shown
        self._credentials: dict[str, Any] = {}
        self._signed_out: dict[str, bool] = {}
        self._lock = threading.Lock()

    def is_signed_out(self, account: Account) -> bool:
        """Whether the person signed out of the account: as this launch left it, else as
        azure.json said when `account` was read."""
        with self._lock:
            return self._signed_out.get(account.id, account.signed_out)

    def set_signed_out(self, account_id: str, signed_out: bool | None) -> None:
        """Note a sign-in (False) or sign-out (True) of this launch; None: the account's own word."""
        with self._lock:
            if signed_out is None:
                self._signed_out.pop(account_id, None)
            else:
                self._signed_out[account_id] = signed_out

    def credential(self, account: Account, *, device_code_prompt: DeviceCodePrompt | None = None) -> Any:
        """The account's credential; a device code credential is made anew when given a prompt."""
        renew = device_code_prompt is not None and account.method == "device_code"
        with self._lock:
            found = self._credentials.get(account.id)
            if found is None or renew:
                found = self._credentials[account.id] = credential_for(
                    account, device_code_prompt=device_code_prompt or self.device_code_prompt
                )
            return found

    def forget(self, account_id: str) -> None:
        with self._lock:
            credential = self._credentials.pop(account_id, None)
        close = getattr(credential, "close", None)
        if callable(close):
            close()


_session: Session | None = None
_session_lock = threading.Lock()


def session() -> Session:
    """The process's session (made on first call)."""
    global _session  # noqa: PLW0603 - one credential cache per launch is the point
    with _session_lock:
        if _session is None:
            _session = Session()
        return _session


def add_account(store: AccountStore, account: Account, *, client_secret: str | None = None) -> Account:
    """Remember a new account, or one signed out of as it is to sign in again (a service
    principal's secret goes to the keyring first, so that without a secure keyring nothing is
    remembered at all)."""
    if account.method == "service_principal":
        if not client_secret:
            raise SignInError("A service principal needs its client secret.")
        store_secret(account.id, client_secret)
    elif client_secret:
        raise SignInError(f"The {account.method_label} method takes no client secret.")
    session().forget(account.id)
    session().set_signed_out(account.id, account.signed_out)  # as remembered now (until sign_in)
    return store.save_account(account)


async def sign_in(
    store: AccountStore, account: Account, *, device_code_prompt: DeviceCodePrompt | None = None
) -> Account:
    """Sign the account in (silently from the token cache when it can; else the browser opens or
    the device code is handed to `device_code_prompt`), remember who signed in, and return the
    updated account. SignInError with the identity service's reason when it fails."""
    # Making the credential may read the keyring (a locked one prompts): not on the caller's loop.
    credential = await asyncio.to_thread(session().credential, account, device_code_prompt=device_code_prompt)
    scope = account.endpoints.arm_scope
    try:
        if account.method in ("browser", "device_code"):
            record = await asyncio.to_thread(credential.authenticate, scopes=[scope])
            updated = dataclasses.replace(
                account,
                authentication_record=record.serialize(),
                username=record.username or account.username,
                signed_out=False,
            )
        else:
            token = await asyncio.to_thread(credential.get_token, scope)
            updated = dataclasses.replace(
                account, username=_username(token.token) or account.username, signed_out=False
            )
    except AzureError:
        raise
    except Exception as exc:  # azure-identity's ClientAuthenticationError, CredentialUnavailableError...
        raise SignInError(f"Signing in as {account.name} failed: {_first_line(exc)}") from exc
    _LOG.info("Signed in as %s (%s).", account.name, account.method)
    saved = store.save_account(updated)
    session().set_signed_out(account.id, False)
    return saved


async def sign_out(
    store: AccountStore, account_id: str, *, keep_account: bool = False
) -> list[WorkspaceEntry]:
    """Sign out of the account: forget its secret in the keyring, its persisted token cache and
    its credential of this launch.

    With `keep_account`, the account stays remembered with its workspaces, marked signed out
    (its saved sign-in record is forgotten too; its name and user name are kept, to show it),
    and nothing is returned: its
    workspaces answer with SignedOutError until `sign_in` signs the account in again. Without
    it, its record and its workspaces are forgotten as well (returned, so the UI can drop them)."""
    session().forget(account_id)
    session().set_signed_out(account_id, True)  # sources opened before stop reading too
    await asyncio.to_thread(forget_secret, account_id)
    await asyncio.to_thread(forget_token_cache, account_id)
    if keep_account:
        account = store.account(account_id)
        store.save_account(dataclasses.replace(account, signed_out=True, authentication_record=None))
        _LOG.info("Signed out of account %s; its workspaces stay remembered.", account_id)
        return []
    removed = store.remove_account(account_id)
    _LOG.info("Signed out of account %s and forgot it.", account_id)
    return removed


def open_workspace(
    entry: WorkspaceEntry, store: AccountStore | None = None, *, policy: Policy | None = None
) -> AzureSource:
    """An AzureSource for a remembered workspace, reading with its account's credential of this
    launch. Nothing is asked of the network or the keyring yet: the credential is made on the
    source's first connect, in its worker thread, and a sign-in that is missing (or a secret the
    keyring no longer has) shows up as an error of that first read."""
    from tbdesk.sources.azure import AzureSource

    account = (store or AccountStore()).account(entry.account_id)
    return AzureSource(
        AccountCredential(account, "its workspaces"),
        entry.subscription_id,
        entry.resource_group,
        entry.workspace_name,
        cloud=account.cloud,
        workspace_id=entry.workspace_id,
        discovery_url=entry.discovery_url,
        arm_endpoint=account.endpoints.resource_manager,
        policy=policy,
    )


class AccountCredential:
    """An account's credential of this launch, made when a token is first asked for: making it
    may read a client secret from the keyring (which can block on a locked keyring's prompt)
    and imports azure-identity, so it must not happen on the UI thread that opens sources.

    It asks the session each time, so a sign-out of this launch stops it (SignedOutError, which
    the tree answers by offering to sign in again) and a sign-in again lets it go on. `what`
    it reads (a workspace's runs, a cloud folder) is named in that error."""

    def __init__(self, account: Account, what: str) -> None:
        self.account = account
        self._what = what
        self._credential: Any = None  # the session's credential, once a token was asked for

    def check_signed_in(self) -> None:
        """SignedOutError when the person signed out of the account."""
        if session().is_signed_out(self.account):
            raise SignedOutError(
                f"Signed out of the Azure account {self.account.name}: sign in again to read {self._what}."
            )

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        self.check_signed_in()
        self._credential = session().credential(self.account)
        return self._credential.get_token(*scopes, **kwargs)


def _username(token: str) -> str | None:
    """Who a token was issued to (read for display only; the signature is not ours to check)."""
    claims = token_claims(token)
    for key in ("upn", "preferred_username", "unique_name", "appid", "azp"):
        if isinstance(claims.get(key), str):
            return str(claims[key])
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]
