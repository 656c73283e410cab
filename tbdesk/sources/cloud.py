"""A folder of TensorBoard logs in cloud storage (S3, Azure Blob / ADLS Gen2, Google Cloud Storage)
as a source of runs, read through fsspec.

Runs are found as in a local logs folder (sources/logdir.py): each folder below the root that
directly holds event files is a run, grouped as an experiment by the folder above it. Finding them
is one recursive listing of the root (for S3 and GCS one flat request per 1,000 objects), never a
read of an event file. A run's logs are not on this machine: the live sync (tbdesk.sync.cloud)
mirrors them into the run cache, reading objects through `list_tree` and `read` below.
"""

from __future__ import annotations

import asyncio
import posixpath
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tbdesk.local.names import InvalidNameError, check_file_name, inside
from tbdesk.model import Run, RunFile, RunStatus
from tbdesk.sources.base import SourceError
from tbdesk.sources.cloud_access import (
    CloudURL,
    azure_environment,
    describe,
    open_filesystem,
    parse_url,
    sas_expiry,
)
from tbdesk.sources.logdir import ROOT_RUN, FolderRunsSource, event_file_time, is_event_file

KIND = "cloud"


@dataclass(frozen=True)
class CloudObject:
    path: str  # "<bucket>/<key>", as the filesystem names it (untrusted below the root)
    size: int
    etag: str | None
    modified: float | None  # unix time


def run_folders(objects: list[CloudObject], root: str) -> dict[str, list[CloudObject]]:
    """The folders below root (root included) that directly hold event files, each with its event
    files; hidden folders and files (a leading dot) are passed over."""
    found: dict[str, list[CloudObject]] = {}
    for item in objects:
        folder, _, name = item.path.rpartition("/")
        rel = _relative(folder, root)
        if rel is None or not is_event_file(name):
            continue
        if rel != ROOT_RUN and any(part.startswith(".") for part in rel.split("/")):
            continue
        found.setdefault(rel, []).append(item)
    return found


def _relative(path: str, root: str) -> str | None:
    if path == root:
        return ROOT_RUN
    return path[len(root) + 1 :] if path.startswith(root + "/") else None


class CloudFolderSource(FolderRunsSource):
    """Runs found in a cloud folder of TensorBoard logs. `secret`: a SAS token, connection string
    or "ACCESS_KEY_ID:SECRET" to use instead of the one tbdesk's keyring keeps for the folder.
    `account`: the id of the tbdesk Azure account whose identity reads Azure storage (an Azure
    ML datastore's: its workspace's account); None: the only signed-in account (see
    _credentials for the whole order)."""

    def __init__(self, url: str | CloudURL, *, secret: str | None = None, account: str | None = None) -> None:
        self.url = url if isinstance(url, CloudURL) else parse_url(url)
        self.account = account
        self._secret = secret
        self._fs: Any = None
        self._credential: Any = None  # the tbdesk account's credential in use (AccountCredential)
        self._expires: datetime | None = None  # when the SAS token in use expires
        self._runs: dict[str, list[Run]] | None = None
        # The last listing of the whole folder: (root, objects, time.monotonic() when it came);
        # the sync's first round takes it instead of listing again.
        self.last_listing: tuple[str, list[CloudObject], float] | None = None

    @property
    def id(self) -> str:
        return f"{KIND}:{self.url.text}"

    @property
    def title(self) -> str:
        return self.url.root.rpartition("/")[2]

    # ---- reading the store (blocking: call in a thread)
    def filesystem(self) -> Any:
        if self._fs is None:
            secret, credential = (
                (self._secret, None) if self._secret else _credentials(self.url, self.account)
            )
            self._expires = sas_expiry(secret)
            self._fs = open_filesystem(self.url, secret, credential)
            self._credential = credential
        if self._credential is not None:  # its client keeps a token: a sign-out must stop it too
            self._credential.check_signed_in()
        return self._fs

    def describe(self, exc: BaseException, doing: str) -> SourceError:
        """What a failure of the store means, in the user's words."""
        return describe(exc, self.url, doing, expires=self._expires)

    def list_tree(self, folder: str) -> list[CloudObject]:
        """Every object below folder ("<bucket>/<path>"), one listing (paged by the service)."""
        try:
            fs = self.filesystem()
            try:
                found = fs.find(folder, detail=True, withdirs=False)
            except FileNotFoundError:  # gcsfs's answer for a missing bucket: which is it, below
                found = {}
            if not found and not fs.exists(self.url.bucket):
                raise FileNotFoundError(f"NoSuchBucket {self.url.bucket}")
        except SourceError:
            raise
        except Exception as exc:  # every cloud library has its own errors: describe() reads them
            raise self.describe(exc, "list") from exc
        return [_object(name, info) for name, info in found.items() if info.get("type") != "directory"]

    def read(self, path: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of the object at path (one ranged request). Raises what the
        filesystem raises: the sync tells a cut connection from a refusal itself."""
        data: bytes = self.filesystem().cat_file(path, start=start, end=end)
        return data

    def run_folder(self, run: Run) -> str:
        """The run's folder in the store ("<bucket>/<path>")."""
        if run.source_id != self.id:
            raise SourceError(f"The run {run.name} does not come from the cloud folder {self.url.text}.")
        if run.id == ROOT_RUN:
            return self.url.root
        try:
            return f"{self.url.root}/{check_file_name(run.id)}"
        except InvalidNameError as exc:
            raise SourceError(f"{run.id!r} is not a run of the cloud folder {self.url.text}: {exc}") from exc

    # ---- the Source protocol (the rest is FolderRunsSource's)
    async def files(self, run: Run, prefix: str = "") -> list[RunFile]:
        folder = self.run_folder(run)
        found = await asyncio.to_thread(self.list_tree, folder)
        files = []
        for item in found:
            rel = item.path[len(folder) + 1 :]
            if rel.startswith(prefix):
                modified = datetime.fromtimestamp(item.modified, UTC) if item.modified else None
                files.append(RunFile(rel, item.size, item.etag, modified))
        return files

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        folder = self.run_folder(run)
        files = await self.files(run, prefix)

        def copy() -> list[Path]:
            copied = []
            for file in files:
                try:
                    target = inside(dest, file.path)
                except InvalidNameError as exc:
                    raise SourceError(str(exc)) from exc
                size = file.size or 0
                try:
                    data = self.read(f"{folder}/{file.path}", 0, size) if size else b""
                except Exception as exc:
                    raise self.describe(exc, f"read {file.path} from") from exc
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                copied.append(target)
            return copied

        return await asyncio.to_thread(copy)

    async def tensorboard_dir(self, run: Run) -> Path | None:
        return None  # not on this machine: the live sync mirrors it (tbdesk.sync.cloud)

    def _scan(self) -> dict[str, list[Run]]:
        objects = self.list_tree(self.url.root)
        self.last_listing = (self.url.root, objects, time.monotonic())
        grouped: dict[str, list[Run]] = {}
        folders = run_folders(objects, self.url.root)
        ordered = sorted(folders.items(), key=lambda item: (-_started(item[1]), item[0]))
        for rel, events in ordered:
            parent = ROOT_RUN if rel == ROOT_RUN else posixpath.dirname(rel) or ROOT_RUN
            name = self.title if rel == ROOT_RUN else posixpath.basename(rel)
            grouped.setdefault(parent, []).append(
                Run(
                    source_id=self.id,
                    experiment=self.title if parent == ROOT_RUN else parent,
                    id=rel,
                    name=name,
                    status=RunStatus.UNKNOWN,
                    start_time=datetime.fromtimestamp(_started(events), UTC),
                    has_children=False,
                    run_type="tensorboard",
                )
            )
        return grouped


async def all_runs(source: CloudFolderSource) -> list[Run]:
    """Every run of the folder (one listing)."""
    found: list[Run] = []
    for experiment in await source.experiments():
        async for page in source.runs(experiment):
            found += page
    return found


def _started(events: list[CloudObject]) -> float:
    times = [event_file_time(item.path.rpartition("/")[2]) or item.modified or 0.0 for item in events]
    return min(times, default=0.0)


def _object(name: str, info: dict[str, Any]) -> CloudObject:
    etag = info.get("ETag") or info.get("etag") or info.get("generation")
    modified = info.get("LastModified") or info.get("last_modified") or info.get("updated")
    stamp: float | None = None
    if isinstance(modified, datetime):
        stamp = modified.timestamp()
    elif isinstance(modified, str):
        try:
            stamp = datetime.fromisoformat(modified.replace("Z", "+00:00")).timestamp()
        except ValueError:
            stamp = None
    return CloudObject(name.rstrip("/"), int(info.get("size") or 0), str(etag) if etag else None, stamp)


def _credentials(url: CloudURL, account_id: str | None) -> tuple[str | None, Any]:
    """The secret the keyring keeps for the folder, else (Azure, when Azure's environment
    variables give no way in: they come first, as for Azure's own tools) a tbdesk account's
    credential: the folder's own account, else the only signed-in one. With several signed in
    and none chosen, tbdesk does not guess (a wrong tenant reads as a bare 403): it says so."""
    from tbdesk.auth.secret_store import load_secret

    try:
        secret = load_secret(url.secret_id)
    except Exception:  # a keyring that cannot answer: the ecosystem's own chain still may
        secret = None
    if secret or url.kind != "az" or azure_environment():
        return secret, None
    return None, _account_credential(url, account_id)


def _account_credential(url: CloudURL, account_id: str | None) -> Any:
    """The credential of the account that reads the folder (signed-out: SignedOutError, naming
    the account to sign in again), or None when no account is signed in."""
    from tbdesk.auth.session import AccountCredential, session
    from tbdesk.azure.accounts import AccountStore

    what = f"the cloud folder {url.text}"
    store = AccountStore()
    if account_id is not None:
        credential = AccountCredential(store.account(account_id), what)
        credential.check_signed_in()  # said now, before any request
        return credential
    signed_in = [account for account in store.accounts if not session().is_signed_out(account)]
    if len(signed_in) > 1:
        names = ", ".join(account.name for account in signed_in)
        raise SourceError(
            f"Several Azure accounts are signed in ({names}) and none was chosen to read {url.text}:"
            " choose one in File > Open cloud folder… (or `tbdesk serve --azure-account NAME`), or set"
            " AZURE_STORAGE_CONNECTION_STRING."
        )
    return AccountCredential(signed_in[0], what) if signed_in else None
