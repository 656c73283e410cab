"""Signing in and out, and the credentials of this launch (one per account, so a person signs in
once per launch however many workspaces and windows use it).

    store = AccountStore()
    account = add_account(store, Account.new("Work", "device_code"))
    account = await sign_in(store, account, device_code_prompt=show_code)   # prompts if needed
    source = open_workspace(store.add_workspace(WorkspaceEntry.from_config(account.id, path)), store)
    await sign_out(store, account.id)       # forgets the secret, the token cache and the account
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
from tbdesk.azure.errors import AzureError
from tbdesk.azure.workspace import token_claims

if TYPE_CHECKING:
    from tbdesk.azure.rest import Policy
    from tbdesk.sources.azure import AzureSource

_LOG = logging.getLogger(__name__)


class Session:
    """The credential objects of this launch, one per account, made on first use."""

    def __init__(self) -> None:
        self.device_code_prompt: DeviceCodePrompt | None = None  # the UI sets where codes are shown
        self._credentials: dict[str, Any] = {}
        self._lock = threading.Lock()

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
    """Remember a new account (a service principal's secret goes to the keyring first, so that
    without a secure keyring nothing is remembered at all)."""
    if account.method == "service_principal":
        if not client_secret:
            raise SignInError("A service principal needs its client secret.")
        store_secret(account.id, client_secret)
    elif client_secret:
        raise SignInError(f"The {account.method_label} method takes no client secret.")
    session().forget(account.id)
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
            )
        else:
            token = await asyncio.to_thread(credential.get_token, scope)
            updated = dataclasses.replace(account, username=_username(token.token) or account.username)
    except AzureError:
        raise
    except Exception as exc:  # azure-identity's ClientAuthenticationError, CredentialUnavailableError...
        raise SignInError(f"Signing in as {account.name} failed: {_first_line(exc)}") from exc
    _LOG.info("Signed in as %s (%s).", account.name, account.method)
    return store.save_account(updated)


async def sign_out(store: AccountStore, account_id: str) -> list[WorkspaceEntry]:
    """Forget the account: its secret in the keyring, its persisted token cache, its credential of
    this launch, its record and its workspaces (returned, so the UI can drop them)."""
    session().forget(account_id)
    await asyncio.to_thread(forget_secret, account_id)
    await asyncio.to_thread(forget_token_cache, account_id)
    removed = store.remove_account(account_id)
    _LOG.info("Signed out of account %s.", account_id)
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
        _AccountCredential(account),
        entry.subscription_id,
        entry.resource_group,
        entry.workspace_name,
        cloud=account.cloud,
        workspace_id=entry.workspace_id,
        discovery_url=entry.discovery_url,
        arm_endpoint=account.endpoints.resource_manager,
        policy=policy,
    )


class _AccountCredential:
    """An account's credential of this launch, made when a token is first asked for: making it
    may read a client secret from the keyring (which can block on a locked keyring's prompt)
    and imports azure-identity, so it must not happen on the UI thread that opens sources."""

    def __init__(self, account: Account) -> None:
        self._account = account
        self._credential: Any = None
        self._lock = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        with self._lock:
            if self._credential is None:
                self._credential = session().credential(self._account)
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
