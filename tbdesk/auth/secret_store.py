"""Client secrets in the operating system's keyring, and nowhere else.

Only a backend that really protects secrets counts: the keyring library's "fail" and "null"
backends (no keyring service, or keyring turned off) and plaintext backends (keyrings.alt's file
keyrings) do not, and then nothing is stored at all, rather than written somewhere readable.
One entry per account: service "tbdesk", user name the account's id.
"""

from __future__ import annotations

import logging
from typing import Any

from tbdesk.auth.errors import SignInError

SERVICE = "tbdesk"
_LOG = logging.getLogger(__name__)
# Backends that store secrets readably or not at all, by module and class name.
_NO_SERVICE = {("keyring.backends.fail", "Keyring")}
_TURNED_OFF = {("keyring.backends.null", "Keyring")}
_NO_SERVICE_TEXT = (
    "No system keyring is available (on Linux: no Secret Service such as GNOME Keyring or KWallet"
    " is running, as on a headless machine)."
)


def secure_storage_available() -> tuple[bool, str]:
    """Whether a keyring that protects secrets is available, and if not, why (for the sign-in
    dialog: without it the service principal method is offered disabled, with this reason)."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # keyring's backend discovery can fail in many ways (D-Bus, config)
        return False, f"The system keyring cannot be used ({type(exc).__name__}: {exc})."
    why_not = _why_insecure(backend)
    return (why_not is None), (why_not or f"Secrets are kept in {_describe(backend)}.")


def store_secret(account_id: str, secret: str) -> None:
    """Keep an account's client secret in the keyring; SignInError when no secure keyring exists."""
    if not secret:
        raise SignInError("The client secret is empty.")
    keyring = _secure_keyring()
    try:
        keyring.set_password(SERVICE, account_id, secret)
    except Exception as exc:
        raise SignInError(f"The system keyring refused to store the client secret: {_reason(exc)}") from exc


def load_secret(account_id: str) -> str | None:
    """The account's client secret, or None when the keyring holds none for it."""
    keyring = _secure_keyring()
    try:
        secret = keyring.get_password(SERVICE, account_id)
    except Exception as exc:
        raise SignInError(f"The system keyring could not be read: {_reason(exc)}") from exc
    return secret or None


def forget_secret(account_id: str) -> bool:
    """Remove the account's client secret from the keyring; False when there was none (or no
    secure keyring, which then never held one of tbdesk's)."""
    available, _ = secure_storage_available()
    if not available:
        return False
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, account_id)
    except PasswordDeleteError:
        return False
    except Exception as exc:
        raise SignInError(f"The system keyring could not forget the client secret: {_reason(exc)}") from exc
    _LOG.info("Forgot the client secret of account %s.", account_id)
    return True


def _secure_keyring() -> Any:
    available, reason = secure_storage_available()
    if not available:
        raise SignInError(
            "A service principal's client secret needs a secure system keyring, and there is none: "
            + reason
            + " Sign in with the browser, a device code or the Azure CLI instead."
        )
    import keyring

    return keyring.get_keyring()


def _why_insecure(backend: Any) -> str | None:
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        if not members:
            return _NO_SERVICE_TEXT
        # The chainer writes to its highest-priority member: that one decides.
        return _why_insecure(members[0])
    kind = (type(backend).__module__, type(backend).__name__)
    if kind in _NO_SERVICE:
        return _NO_SERVICE_TEXT
    if kind in _TURNED_OFF:
        return "The keyring is turned off (its null backend is configured)."
    if "plaintext" in type(backend).__name__.lower() or kind[0].startswith("keyrings.alt"):
        return (
            f"The configured keyring ({_describe(backend)}) would store secrets in a readable file;"
            " tbdesk does not use it."
        )
    return None


def _describe(backend: Any) -> str:
    name = getattr(backend, "name", None)
    return str(name) if name else f"{type(backend).__module__}.{type(backend).__name__}"


def _reason(exc: BaseException) -> str:
    # A keyring's own message never holds the secret; keep it short all the same.
    return f"{type(exc).__name__}: {str(exc)[:200]}"
