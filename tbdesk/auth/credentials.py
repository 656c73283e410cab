"""azure-identity credentials for tbdesk's accounts, and which sign-in methods this machine offers.

Interactive credentials (browser, device code) keep their tokens in azure-identity's persistent
cache, encrypted through the system's secret store (libsecret on Linux, Keychain, DPAPI), under a
cache name of their own per account so that signing out of one forgets only its tokens. Where that
encryption is impossible the cache stays in memory (sign in at each launch) and
`token_cache_available()` says why: it never falls back to a plaintext file. They are built with
automatic authentication off: a background listing never pops up a browser or a device code; it
fails with SignedOutError and the UI calls `tbdesk.auth.sign_in`, the one place that prompts.

azure-identity is imported only when a credential is built.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tbdesk.auth.errors import SignInError
from tbdesk.auth.secret_store import load_secret, secure_storage_available
from tbdesk.azure.accounts import METHODS, Account
from tbdesk.azure.errors import SignedOutError

CACHE_PREFIX = "tbdesk-"
# How azure-identity names and places a persisted token cache (see _persistence).
_CACHE_SUFFIXES = (".nocae", ".cae")  # its caches without and with continuous access evaluation
_CACHE_FOLDER = ".IdentityService"
_CACHE_SERVICE = "Microsoft.Developer.IdentityService"
_CACHE_ACCOUNT = "MSALCache"
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceCode:
    """What a person needs to finish a device code sign-in on another device."""

    url: str
    code: str
    expires_on: datetime

    @property
    def message(self) -> str:
        return f"To sign in, open {self.url} on any device and enter the code {self.code}."


# Called from a worker thread while get_token waits: a UI must hand it over to its own thread.
DeviceCodePrompt = Callable[[DeviceCode], None]


@dataclass(frozen=True)
class MethodStatus:
    """A sign-in method as the sign-in dialog offers it: usable here or not, and a note (why not,
    or what to expect, such as having to sign in again at each launch)."""

    method: str
    label: str
    available: bool
    note: str


def token_cache_available() -> tuple[bool, str]:
    """Whether azure-identity can keep tokens encrypted across launches, and if not, why."""
    return _token_cache_check()


@functools.cache
def _token_cache_check() -> tuple[bool, str]:
    if sys.platform.startswith("linux"):
        try:
            from msal_extensions.libsecret import trial_run  # type: ignore[import-untyped]

            trial_run()
        except Exception as exc:  # ImportError (no PyGObject / libsecret) or a locked, absent keyring
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return False, (
                "Sign-ins cannot be remembered across launches: encrypting the token cache needs"
                f" libsecret and a running Secret Service ({first_line[:160]})."
                " tbdesk never stores tokens unencrypted, so you will sign in again at each launch."
            )
    return True, "Sign-ins are remembered across launches in an encrypted token cache."


def sign_in_methods() -> list[MethodStatus]:
    """Every sign-in method, with whether it can be used on this machine."""
    _, cache_note = token_cache_available()
    storage_ok, storage_note = secure_storage_available()
    notes = {
        "browser": cache_note,
        "device_code": cache_note,
        "azure_cli": "Uses the account you signed in with `az login`; the Azure CLI keeps its own tokens.",
        "service_principal": storage_note,
    }
    return [
        MethodStatus(method, label, method != "service_principal" or storage_ok, notes[method])
        for method, label in METHODS.items()
    ]


def credential_for(account: Account, *, device_code_prompt: DeviceCodePrompt | None = None) -> Any:
    """A new azure-identity credential for the account (nothing is asked of the identity service
    yet). A service principal's secret is read from the keyring now: SignInError when there is no
    secure keyring or no secret for it. Without `device_code_prompt`, azure-identity prints the
    device code instead."""
    from azure.identity import (
        AuthenticationRecord,
        AzureCliCredential,
        ClientSecretCredential,
        DeviceCodeCredential,
        InteractiveBrowserCredential,
    )

    cloud = account.endpoints
    common: dict[str, Any] = {
        "authority": cloud.authority_host,
        # Instance discovery asks Microsoft's public cloud about the authority: not for private ones.
        "disable_instance_discovery": account.authority_host is not None,
    }
    if account.tenant_id:
        common["tenant_id"] = account.tenant_id
    if account.method == "azure_cli":
        return AzureCliCredential(tenant_id=account.tenant_id or "")
    if account.method == "service_principal":
        assert account.tenant_id and account.client_id  # Account checks it
        secret = load_secret(account.id)
        if secret is None:  # signed out, in effect: its row offers to sign in again
            raise SignedOutError(
                f"No client secret is stored for {account.name}."
                " Sign in again with the service principal's secret."
            )
        return ClientSecretCredential(client_id=account.client_id, client_secret=secret, **common)
    interactive: dict[str, Any] = {**common, "disable_automatic_authentication": True}
    if account.client_id:
        interactive["client_id"] = account.client_id
    if account.authentication_record:
        # The record names the authority (and client) the person signed in with; it must not be given twice.
        interactive.pop("authority")
        interactive["authentication_record"] = AuthenticationRecord.deserialize(account.authentication_record)
    options = cache_options(account)
    if options is not None:
        interactive["cache_persistence_options"] = options
    if account.method == "device_code":
        if device_code_prompt is not None:
            interactive["prompt_callback"] = _prompt(device_code_prompt)
        return DeviceCodeCredential(**interactive)
    if account.username:
        interactive["login_hint"] = account.username
    return InteractiveBrowserCredential(**interactive)


def cache_options(account: Account) -> Any:
    """azure-identity's TokenCachePersistenceOptions for this account's own encrypted cache, or
    None when no encryption is possible here (then tokens stay in memory)."""
    available, reason = token_cache_available()
    if not available:
        _say_once(reason)
        return None
    from azure.identity import TokenCachePersistenceOptions

    return TokenCachePersistenceOptions(name=CACHE_PREFIX + account.id, allow_unencrypted_storage=False)


def forget_token_cache(account_id: str) -> bool:
    """Empty the account's persisted token cache; False when none could exist here."""
    available, _ = token_cache_available()
    if not available:
        return False
    for suffix in _CACHE_SUFFIXES:
        _persistence(CACHE_PREFIX + account_id + suffix).save("{}")  # an empty MSAL cache
    _LOG.info("Forgot the token cache of account %s.", account_id)
    return True


def _persistence(cache_name: str) -> Any:
    """msal-extensions' store of the token cache azure-identity keeps under `cache_name`.

    azure-identity has no call to drop a persisted cache, so it is addressed here through
    msal-extensions' public classes, where and as azure-identity keeps it: the layout of the
    cache it shares with Microsoft's developer tools (a signal or data file in
    ~/.IdentityService, and on Linux a libsecret item whose schema is the cache name, on macOS
    a Keychain item whose account is). tests/auth checks that both address the same item."""
    import msal_extensions  # type: ignore[import-untyped]

    if sys.platform.startswith("win"):
        folder = os.environ.get("LOCALAPPDATA")
        if not folder:
            raise SignInError("Windows names no local application data folder; no token cache is kept.")
        return msal_extensions.FilePersistenceWithDataProtection(
            os.path.join(folder, _CACHE_FOLDER, cache_name)
        )
    signal_file = os.path.join(os.path.expanduser("~"), _CACHE_FOLDER, cache_name)
    if sys.platform.startswith("darwin"):
        return msal_extensions.KeychainPersistence(signal_file, _CACHE_SERVICE, cache_name)
    return msal_extensions.LibsecretPersistence(
        signal_file, cache_name, {"MsalClientID": _CACHE_SERVICE}, label=_CACHE_ACCOUNT
    )


@functools.cache
def _say_once(reason: str) -> None:
    _LOG.warning("%s", reason)


def _prompt(callback: DeviceCodePrompt) -> Callable[[str, str, datetime], None]:
    def prompt(url: str, code: str, expires_on: datetime) -> None:
        callback(DeviceCode(url, code, expires_on))

    return prompt
