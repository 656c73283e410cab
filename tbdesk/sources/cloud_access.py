"""Where a cloud folder of TensorBoard logs is and how to reach it: its URL, the fsspec filesystem
of its cloud (s3fs, adlfs, gcsfs) with the credentials that cloud's own tools would use, and what
a failure means for the user.

Credentials, in order: a secret the user gave tbdesk, kept only in the keyring (an Azure SAS token
or connection string, an AWS "ACCESS_KEY_ID:SECRET"); then the ecosystem's own chain, read by its
own library (AWS: AWS_ENDPOINT_URL, AWS_PROFILE, AWS_ACCESS_KEY_ID..., SSO; Azure:
AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_SAS_TOKEN...; Google:
GOOGLE_APPLICATION_CREDENTIALS and application default credentials); for Azure Blob storage
without any of those, a tbdesk account's azure-identity credential (the folder's own account, else
the only signed-in one: tbdesk.sources.cloud), else DefaultAzureCredential as adlfs does.
"""

from __future__ import annotations

import asyncio
import errno
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from tbdesk.sources.base import SourceError

# Short waits and few retries: a poll that fails is tried again by the sync (with its own
# backoff), so a stopped server or a lost network shows within seconds instead of minutes.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
_AZURE_HOST = re.compile(r"^(?P<account>[a-z0-9]{3,24})\.(?:blob|dfs)\.core\.windows\.net$")
_KINDS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "az": "az", "abfs": "az", "abfss": "az"}
_NAMES = {"s3": "S3 bucket", "gcs": "Google Cloud Storage bucket", "az": "Azure Blob container"}


@dataclass(frozen=True)
class CloudURL:
    kind: str  # "s3", "gcs" or "az"
    root: str  # "<bucket or container>/<path>", without a trailing slash
    account: str | None = None  # an Azure storage account named in the URL

    @property
    def text(self) -> str:
        """The URL in one canonical spelling (what a source's id holds)."""
        if self.kind == "az" and self.account:
            container, _, path = self.root.partition("/")
            return f"https://{self.account}.blob.core.windows.net/{container}" + (f"/{path}" if path else "")
        return f"{'gs' if self.kind == 'gcs' else self.kind}://{self.root}"

    @property
    def bucket(self) -> str:
        return self.root.partition("/")[0]

    @property
    def what(self) -> str:
        """The bucket or container, in words: 'the S3 bucket logs'."""
        return f"the {_NAMES[self.kind]} {self.bucket}"

    @property
    def secret_id(self) -> str:
        """Under which name the keyring keeps this folder's secret (one per account or bucket)."""
        return f"cloud:{self.kind}:{self.account or self.bucket}"


def is_cloud_url(text: str) -> bool:
    scheme = urlsplit(text).scheme.lower()
    if scheme in _KINDS:
        return True
    return scheme == "https" and _AZURE_HOST.match(urlsplit(text).hostname or "") is not None


def parse_url(text: str) -> CloudURL:
    """s3://bucket/prefix, gs://bucket/prefix, az://container/path, abfs[s]://container/path,
    abfs[s]://container@ACCOUNT.dfs.core.windows.net/path, https://ACCOUNT.blob.core.windows.net/
    container/path. Raises SourceError for anything else."""
    parts = urlsplit(text.strip())
    scheme = parts.scheme.lower()
    account: str | None = None
    if scheme == "https":
        host = _AZURE_HOST.match(parts.hostname or "")
        if host is None:
            raise SourceError(f"{text!r} is not a cloud folder: https URLs must be Azure Blob storage ones.")
        kind, account, root = "az", host.group("account"), parts.path
    elif scheme in _KINDS:
        kind = _KINDS[scheme]
        bucket = parts.netloc
        if kind == "az" and "@" in bucket:  # abfs://container@account.dfs.core.windows.net/path
            bucket, _, host_name = bucket.partition("@")
            found = _AZURE_HOST.match(host_name.lower())
            if found is None:
                raise SourceError(f"{text!r} names an Azure storage host tbdesk does not know.")
            account = found.group("account")
        root = f"{bucket}/{parts.path}"
    else:
        raise SourceError(
            f"{text!r} is not a cloud folder: use s3://, gs://, az://, abfs:// or an Azure Blob https URL."
        )
    if parts.query or parts.fragment:
        raise SourceError(
            "Give the cloud folder's URL without a query (keep a SAS token in tbdesk's keyring instead)."
        )
    segments = [segment for segment in root.split("/") if segment]
    if not segments:
        raise SourceError(f"{text!r} names no bucket or container.")
    if any(segment in (".", "..") for segment in segments):
        raise SourceError(f"{text!r} has '.' or '..' in its path.")
    return CloudURL(kind, "/".join(segments), account)


def open_filesystem(url: CloudURL, secret: str | None = None, azure_credential: Any = None) -> Any:
    """The fsspec filesystem for the URL (its own, uncached instance, with no listings cache: a
    poll must see the folder as it is now). `secret`: what the keyring keeps for it."""
    common: dict[str, Any] = {"skip_instance_cache": True, "use_listings_cache": False}
    if url.kind == "s3":
        import s3fs

        keys: dict[str, Any] = {}
        if secret:
            key, _, token = secret.partition(":")
            keys = {"key": key, "secret": token}
        config = {
            "connect_timeout": CONNECT_TIMEOUT,
            "read_timeout": READ_TIMEOUT,
            "retries": {"max_attempts": 4, "mode": "standard"},  # standard mode backs off on SlowDown
        }
        fs = s3fs.S3FileSystem(config_kwargs=config, **keys, **common)
        fs.retries = 2  # s3fs's own retries, on top of botocore's
        return fs
    if url.kind == "gcs":
        from gcsfs.core import GCSFileSystem

        # gcsfs's default class (GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT) first asks a gRPC control
        # plane for each bucket's layout, again on every call while it cannot tell (a minute's
        # timeout against an emulator, a refusal without storage.buckets.getStorageLayout): the
        # JSON API alone reads logs, one listing request per 1,000 objects as counted.
        # An emulator (STORAGE_EMULATOR_HOST, which gcsfs reads) is reached without credentials,
        # as Google's own client does: no probe of a metadata server for a token it won't check.
        gcs_token = "anon" if os.environ.get("STORAGE_EMULATOR_HOST") else None
        return GCSFileSystem(token=gcs_token, **common)
    import adlfs

    options: dict[str, Any] = {
        "connection_timeout": CONNECT_TIMEOUT,
        "read_timeout": READ_TIMEOUT,
    }
    if url.account:
        options["account_name"] = url.account
    if secret:
        if "AccountName=" in secret or "BlobEndpoint=" in secret:
            options["connection_string"] = secret
        else:
            options["sas_token"] = secret.lstrip("?")
    elif azure_credential is not None and not azure_environment():
        options["credential"] = AsyncCredential(azure_credential)
    fs = adlfs.AzureBlobFileSystem(**options, **common)
    _shorten_azure_retries(fs.service_client)
    return fs


def _shorten_azure_retries(client: Any) -> None:
    """WORKAROUND for adlfs (2026.8) passing no retry options to its blob client: Azure Storage's
    default retry waits 15 s, then 18, 24 and 42 s, so an unreachable account showed only after
    about two minutes. The sync retries failed polls itself; these waits total a few seconds."""
    policy = getattr(getattr(client, "_config", None), "retry_policy", None)
    if policy is None or not hasattr(policy, "initial_backoff"):
        return
    policy.initial_backoff = 0.5
    policy.increment_base = 1.5
    policy.total_retries = 3
    policy.connect_retries = 2


def azure_environment() -> bool:
    """The environment gives adlfs a way in of its own (it reads these itself)."""
    names = ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_ACCOUNT_KEY")
    return any(os.environ.get(name) for name in names) or os.environ.get("AZURE_STORAGE_ANON") == "1"


class AsyncCredential:
    """A synchronous azure-identity credential (the signed-in tbdesk account's) for adlfs, whose
    clients are asynchronous: each token is asked for in a thread."""

    def __init__(self, credential: Any) -> None:
        self._credential = credential

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self._credential.get_token, *scopes, **kwargs)

    async def close(self) -> None:
        """The account's credential belongs to tbdesk's session, which closes it."""

    async def __aenter__(self) -> AsyncCredential:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


# ---- what went wrong, for the user
_OFFLINE = frozenset(
    {
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ConnectionClosedError",
        "ClientConnectorError",
        "ClientConnectionError",
        "ServerDisconnectedError",
        "ServiceRequestError",
        "ServiceResponseError",
        "ConnectionRefusedError",
        "ConnectionResetError",
        "ConnectionError",
        "TimeoutError",
    }
)
_OFFLINE_ERRNOS = (errno.ECONNREFUSED, errno.ECONNRESET, errno.ETIMEDOUT)
_NO_CREDENTIAL = frozenset({"NoCredentialsError", "ClientAuthenticationError", "DefaultCredentialsError"})
_MISSING_BUCKET = ("NoSuchBucket", "ContainerNotFound", "ContainerBeingDeleted")
_EXPIRED = ("expir", "time frame", "ExpiredToken", "RequestTimeTooSkewed")
_BUSY = ("SlowDown", "ServerBusy", "Throttl", "TooManyRequests")


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _status(exc: BaseException) -> int | None:
    for attr in ("status_code", "status", "code"):
        value = getattr(exc, attr, None)
        if isinstance(value, int) and 100 <= value < 600:
            return value
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code if isinstance(code, int) else None
    return None


def is_offline(exc: BaseException) -> bool:
    """The service could not be reached (connection refused or cut, timed out)."""
    for link in _chain(exc):
        if any(kind.__name__ in _OFFLINE for kind in type(link).__mro__):
            return True
        if isinstance(link, OSError) and link.errno in (
            errno.ECONNREFUSED,
            errno.ECONNRESET,
            errno.ETIMEDOUT,
        ):
            return True
    return False


def sas_expiry(secret: str | None) -> datetime | None:
    """When the SAS token in a secret (alone or in a connection string) expires: its `se`."""
    if not secret:
        return None
    found = re.search(r"(?:^|[?&;=])se=([^&;]+)", secret)
    if found is None:
        return None
    try:
        when = datetime.fromisoformat(unquote(found.group(1)).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def describe(  # noqa: PLR0911 - one answer per case
    exc: BaseException, url: CloudURL, doing: str, *, expires: datetime | None = None
) -> SourceError:
    """What went wrong `doing` something with the cloud folder, in the user's words. `expires`:
    when the SAS token in use expires (a service may not say that this is why it refused)."""
    chain = _chain(exc)
    own = next((link for link in chain if isinstance(link, SourceError)), None)
    if own is not None:  # tbdesk's own word, raised under the library (a signed-out account's token)
        return own
    text = " ".join(f"{type(link).__name__} {link}" for link in chain)
    status = next((code for code in map(_status, chain) if code is not None), None)
    where = url.text
    if any(name in text for name in _NO_CREDENTIAL):
        return SourceError(f"Cannot {doing} {where}: no credentials were found. {_HOW_TO_SIGN_IN[url.kind]}")
    if any(mark in text for mark in _MISSING_BUCKET):
        return SourceError(f"Cannot {doing} {where}: {url.what} does not exist (or was deleted).")
    if status == 403 or any(isinstance(link, PermissionError) for link in chain):
        expired = expires is not None and expires <= datetime.now(UTC)
        if expired or any(mark.lower() in text.lower() for mark in _EXPIRED):
            return SourceError(
                f"Cannot {doing} {where}: its SAS token or session token has expired. Give tbdesk a new one."
            )
        return SourceError(
            f"Cannot {doing} {where}: access denied (403). The credentials in use may not read"
            f" {url.what}. {_HOW_TO_SIGN_IN[url.kind]}"
        )
    if status in (429, 503) or any(mark in text for mark in _BUSY):
        return SourceError(
            f"Cannot {doing} {where}: the storage service is busy (throttling); tried again soon."
        )
    if is_offline(exc):
        return SourceError(f"Cannot {doing} {where}: the storage service cannot be reached (offline?).")
    if status == 404 or any(isinstance(link, FileNotFoundError) for link in chain):
        return SourceError(f"Cannot {doing} {where}: it does not exist.")
    first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return SourceError(f"Cannot {doing} {where}: {first}")


_HOW_TO_SIGN_IN = {
    "s3": "Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, sign in with `aws sso login`,"
    " or give tbdesk an access key (kept in the keyring).",
    "az": "Sign in to an Azure account in tbdesk, set AZURE_STORAGE_CONNECTION_STRING, or give tbdesk"
    " a SAS token or connection string (kept in the keyring).",
    "gcs": "Run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS.",
}
