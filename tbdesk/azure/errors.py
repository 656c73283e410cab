"""Azure ML failures as messages a person can act on.

Each kind is a SourceError subclass, so callers that only show messages need not know them, and
the UI can still offer "Sign in again" for `SignedOutError` or "Retry" for `OfflineError`.
"""

from __future__ import annotations

from typing import Any

from tbdesk.sources.base import SourceError


class AzureError(SourceError):
    """Azure ML could not answer; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class SignedOutError(AzureError):
    """401: no sign-in, or it expired or was revoked."""


class AccessDeniedError(AzureError):
    """403: signed in, but without a role on this workspace."""


class NotFoundError(AzureError):
    """404: the workspace, experiment, run or file is gone (or never existed)."""


class OfflineError(AzureError):
    """The service could not be reached at all."""


class NoAnswerError(AzureError):
    """The service accepted the connection but did not answer in time."""


class ServiceError(AzureError):
    """The service failed (5xx, or 429 that did not clear) or answered something unreadable."""


class CancelledError(AzureError):
    """A call was stopped before it finished: its caller gave up on it (the asyncio task that
    awaited it was cancelled), or the client was closed. Not asyncio.CancelledError: this one is
    what the worker thread of such a call raises, and nobody waits for it any more."""


def signed_out_error(exc: BaseException, what: str, reason: str) -> SignedOutError:
    """The error for a credential that gave no access token to read `what` (`reason`: exc in a
    few words, said when exc is none of azure-identity's kinds). azure-identity speaks to
    developers ("Call 'authenticate' to begin"): that stays in the exception chain (`raise ...
    from exc`) and in azure-identity's own log lines, and the person reads what to do. What the
    identity service itself said (an AADSTS code, `az login`'s advice) is kept."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import AuthenticationRequiredError, CredentialUnavailableError

    if isinstance(exc, AuthenticationRequiredError):
        # A credential that may not prompt found no usable sign-in in its cache: none made in this
        # launch (or remembered), or its refresh token expired or was revoked.
        return SignedOutError(f"Your sign-in to Azure has ended. Sign in again to read {what}.")
    said = _first_line(exc).rstrip(". ")
    if isinstance(exc, CredentialUnavailableError):  # the Azure CLI missing or signed out, for one
        return SignedOutError(f"No Azure sign-in is available to read {what} ({said}). Sign in again.")
    if isinstance(exc, ClientAuthenticationError):  # the identity service refused (a wrong secret...)
        return SignedOutError(f"Azure refused the sign-in needed to read {what} ({said}). Sign in again.")
    return SignedOutError(f"Could not get an Azure access token to read {what}: {reason} Sign in again.")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0].strip() if text else type(exc).__name__
    return line.removeprefix("Authentication failed: ")[:200]


def service_message(body: Any) -> str:
    """The human part of an Azure error body ({"error": {"code", "message", "details"}}),
    shortened; the details' messages join it when it does not say them (a 400's details name
    the fields the service could not bind)."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            message = str(error.get("message") or error.get("code") or "").strip()
            details = error.get("details")
            for detail in details if isinstance(details, list) else []:
                said = str(detail.get("message") or "").strip() if isinstance(detail, dict) else ""
                if said and said not in message:
                    message = f"{message} {said}".strip()
            return message[:300]
        if isinstance(body.get("message"), str):
            return str(body["message"]).strip()[:300]
    return ""


def service_codes(body: Any) -> list[str]:
    """The error codes of an Azure error body, outermost first ({"error": {"code", "innerError":
    {"code", "innerError": ...}}}): services put the specific one at any depth."""
    codes: list[str] = []
    error = body.get("error") if isinstance(body, dict) else None
    while isinstance(error, dict) and len(codes) < 10:
        if isinstance(error.get("code"), str):
            codes.append(error["code"])
        error = error.get("innerError") or error.get("innererror")
    return codes


def error_for(
    status: int, what: str, body: Any = None, *, workspace: str | None = None, request: str | None = None
) -> AzureError:
    """The error for an HTTP status answered about `what` (e.g. "the run train_17") in the
    Azure ML workspace named `workspace`. `request` ("POST /history/...", no query: a download
    link's query is its signature) is named when the service refused the request itself (a 400):
    then the request is what needs fixing, and whoever reports it needs to say which."""
    detail = service_message(body)
    said = f" Azure ML said: {detail}" if detail else ""
    if status == 401:
        return SignedOutError(
            "Your Azure sign-in has expired or was revoked. Sign in again to read " + what + "." + said,
            status,
        )
    if status == 403:
        return AccessDeniedError(
            f"Your Azure account has no access to {what}. Ask the workspace's owner for a role on it"
            f" (Reader is enough to browse).{said}",
            status,
        )
    if status == 404:
        message = f"Azure ML cannot find {what}: it may have been deleted or moved.{said}"
        if workspace and "workspacenotfound" in (code.lower() for code in service_codes(body)):
            # Every call about a deleted workspace says so: not the experiment's or run's fault.
            message = f"The workspace {workspace} is gone (deleted, or moved)."
        return NotFoundError(message, status)
    if status == 429:
        return ServiceError(
            f"Azure ML is throttling requests for {what}; try again in a minute.{said}", status
        )
    if status >= 500:
        return ServiceError(
            f"Azure ML failed while reading {what} (HTTP {status}); try again later.{said}", status
        )
    sent = f" The request: {request}." if request else ""
    return ServiceError(f"Azure ML refused the request for {what} (HTTP {status}).{said}{sent}", status)
