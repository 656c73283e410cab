"""Signing in to Azure: accounts' azure-identity credentials, client secrets in the system keyring,
and the credentials of this launch. Accounts and workspaces themselves are in tbdesk.azure.accounts;
the pickers' ARM lists in tbdesk.azure.arm."""

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
from tbdesk.auth.session import Session, add_account, open_workspace, session, sign_in, sign_out

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
    "session",
    "sign_in",
    "sign_in_methods",
    "sign_out",
    "token_cache_available",
]
