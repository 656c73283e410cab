"""Why signing in cannot go on, in words a person can act on."""

from __future__ import annotations

from tbdesk.azure.errors import AzureError


class SignInError(AzureError):
    """Signing in failed or cannot start: no secure storage for a secret, an unknown account, an
    identity service that refused, a missing Azure CLI."""
