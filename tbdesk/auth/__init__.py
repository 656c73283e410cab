"""Signing in to Azure: accounts' azure-identity credentials, client secrets in the system keyring,
and the credentials of this launch. Accounts and workspaces themselves are in tbdesk.azure.accounts;
the pickers' ARM lists in tbdesk.azure.arm."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tbdesk.auth.credentials import (
        DeviceCode,
        DeviceCodePrompt,
        MethodStatus,
        credential_for,
        sign_in_methods,
        token_cache_available,
    )
    from tbdesk.auth.errors import SignInError
    from tbdesk.auth.secret_store import secure_storage_available
    from tbdesk.auth.session import Session, add_account, open_workspace, sign_in, sign_out

__all__ = [
    "DeviceCode",
    "DeviceCodePrompt",
    "MethodStatus",
    "Session",
    "SignInError",
    "add_account",
    "credential_for",
    "open_workspace",
    "secure_storage_available",
    "sign_in",
    "sign_in_methods",
    "sign_out",
    "token_cache_available",
]

# The session of this launch is `tbdesk.auth.session.session()`: a name the submodule has already.
# Where each name above is defined: imported on first use, so that reading a folder's secret from
# the keyring (secret_store, before a cloud folder's first listing) does not first import the
# sign-in machinery (azure-identity, requests: 0.1-0.16 s of `tbdesk serve s3://...`).
_MODULES = {
    "DeviceCode": "credentials",
    "DeviceCodePrompt": "credentials",
    "MethodStatus": "credentials",
    "credential_for": "credentials",
    "sign_in_methods": "credentials",
    "token_cache_available": "credentials",
    "SignInError": "errors",
    "secure_storage_available": "secret_store",
    "Session": "session",
    "add_account": "session",
    "open_workspace": "session",
    "sign_in": "session",
    "sign_out": "session",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
