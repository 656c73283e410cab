"""Where a cloud folder's runs come from, for the sync engine: a Remote over CloudFolderSource.

A run of a cloud folder is its logs folder, so the sync takes the whole run folder (prefix "").
Requests per poll round: one listing, shared by every run synced from the source (all polls of a
round ask within SHARED_FOR seconds; the listing is of the deepest folder that holds them all,
recursive, so one request per 1,000 objects however many runs), plus one ranged read per changed
file and 8 MiB: a growing event file costs exactly its new bytes, a replaced one (shrunk, or its
etag changed without growth) is read whole by the engine. Sizes and etags come from the listing;
a read that finds the object changed since (gone, shorter) asks for a new listing.

Object names are untrusted: the engine maps each to a path in the cache or refuses it (paths.py).
Folders below a run that are runs themselves are not part of it (each is synced as its own run).
"""

from __future__ import annotations

import asyncio
import bisect
import posixpath
import time
from collections.abc import Iterator
from dataclasses import replace

from tbdesk.model import Run, RunStatus
from tbdesk.sources.base import SourceError
from tbdesk.sources.cloud import CloudFolderSource, CloudObject, run_folders
from tbdesk.sources.cloud_access import is_offline
from tbdesk.sources.logdir import ROOT_RUN
from tbdesk.sync.poller import PollPolicy
from tbdesk.sync.remote import (
    NOT_MODIFIED,
    Body,
    LinkExpiredError,
    NotModified,
    RemoteFile,
    TransferCutError,
)

# A round costs one request however many runs (see above): idle rounds come every 2 s instead
# of 6, so new steps show within about 3 s, for 30 requests a minute.
POLICY = PollPolicy(idle=2.0)
# Reads at once: each is one small request to a service built for many at a time (Azure's and
# AWS's own copy tools run dozens); a first mirror of 100 event files is bound by round trips.
PARALLEL = 16
SHARED_FOR = 0.5  # seconds a finished listing answers a run's first poll (see _list)
CHUNK = 8 << 20  # bytes per ranged read
_RANGE_REFUSED = ("InvalidRange", "416", "Range Not Satisfiable")


class _RangeBody:
    """A file's bytes from `start` to the size the listing gave, in ranged reads."""

    def __init__(
        self, source: CloudFolderSource, path: str, start: int, total: int, etag: str | None
    ) -> None:
        self._source = source
        self._path = path
        self._end = total
        self.start = start
        self.total: int | None = total
        self.etag = etag

    def chunks(self) -> Iterator[bytes]:
        at = self.start
        while at < self._end:
            end = min(at + CHUNK, self._end)
            try:
                data = self._source.read(self._path, at, end)
            except FileNotFoundError as exc:
                raise LinkExpiredError(self._path) from exc
            except Exception as exc:
                if is_offline(exc):
                    raise TransferCutError(str(exc)[:200]) from exc
                if any(mark in f"{exc!r} {exc}" for mark in _RANGE_REFUSED):
                    raise LinkExpiredError(self._path) from exc  # it shrank since the listing
                raise self._source.describe(exc, f"read {self._path} from") from exc
            if len(data) != end - at:  # it changed since the listing: list again
                raise LinkExpiredError(self._path)
            yield data
            at = end

    def close(self) -> None:
        """Nothing stays open between reads."""


class CloudRemote:
    """A cloud folder's runs for syncing. Use from one event loop."""

    def __init__(self, source: CloudFolderSource) -> None:
        self._source = source
        self._folders: set[str] = set()  # folders of the runs synced
        self._objects: dict[str, CloudObject] = {}  # path -> object, from the last listing
        self._sorted: list[str] = []  # its paths in order: a folder's objects are a slice of it
        self._listed: str | None = None  # the folder last listed
        self._listed_at = float("-inf")  # time.monotonic() when that listing came
        self._lock: asyncio.Lock | None = None
        self._served: set[str] = set()  # folders whose runs were polled before
        self._listing = False  # a listing is in flight
        self._failed: SourceError | None = None  # how the last listing failed
        self.listings = 0  # requests made for listings (tests and the bench read it)

    async def listing(self, run: Run, prefix: str) -> list[RemoteFile]:
        folder = self._source.run_folder(run)
        self._folders.add(folder)
        objects = await self._list(folder, fresh=False)
        nested = {rel for rel in run_folders(objects, folder) if rel != ROOT_RUN}
        files = []
        for item in objects:
            rel = item.path[len(folder) + 1 :]
            parent = posixpath.dirname(rel)
            if any(parent == other or parent.startswith(other + "/") for other in nested):
                continue  # another run's
            if rel.startswith(prefix):
                files.append(RemoteFile(rel, item.etag))
        return files

    async def prepare(self, run: Run, prefix: str, paths: list[str], *, refresh: bool = False) -> None:
        if refresh:  # a read found a file changed since the listing
            await self._list(self._source.run_folder(run), fresh=True)

    def open(
        self, run: Run, path: str, offset: int, *, unless: str | None = None
    ) -> Body | NotModified | None:
        full = f"{self._source.run_folder(run)}/{path}"
        item = self._objects.get(full)
        if item is None:
            raise LinkExpiredError(path)
        if unless is not None and unless == item.etag:
            return NOT_MODIFIED  # the listing just said so: no request
        if offset > item.size or (offset == item.size and offset):
            return None  # nothing at or past offset
        return _RangeBody(self._source, full, offset, item.size, item.etag)

    async def tree(self, run: Run) -> list[Run]:
        # A folder of logs has no status: any run may grow while a board shows it, so it is
        # followed (polling backs off while nothing changes) until the board closes.
        # Each run's folder is known before its first listing: that one covers them all.
        self._folders.add(self._source.run_folder(run))
        return [replace(run, status=RunStatus.RUNNING)]

    def _take_source_listing(self) -> None:
        found = self._source.last_listing
        if found is not None:
            root, objects, at = found
            self._keep(objects)
            self._listed, self._listed_at = root, at

    async def _list(self, folder: str, *, fresh: bool) -> list[CloudObject]:
        """The objects below folder. Polls of one round ask at once: they share the listing in
        flight. A run's first poll (which comes a little later, after its ledger is read) also
        takes a listing finished less than SHARED_FOR ago; later polls never reuse a finished one."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        asked = time.monotonic()
        first = folder not in self._served
        in_flight = self.listings if self._listing else None  # the one we can wait for
        async with self._lock:  # held while a listing is in flight: the others wait for it
            last = self._listed
            covered = last is not None and (folder == last or folder.startswith(last + "/"))
            if in_flight == self.listings and self._failed is not None:
                raise self._failed  # the listing we waited for failed: so does this poll
            if self._listed is None:  # the source's own listing (it found the runs) may do
                self._take_source_listing()
                last = self._listed
                covered = last is not None and (folder == last or folder.startswith(last + "/"))
            shared = in_flight == self.listings or (first and self._listed_at >= asked - SHARED_FOR)
            if fresh or not covered or not shared:
                common = _common_folder(self._folders | {folder})
                self.listings += 1
                self._listing = True
                self._failed = None
                try:
                    found = await asyncio.to_thread(self._source.list_tree, common)
                except SourceError as exc:
                    self._failed = exc
                    raise
                finally:
                    self._listing = False
                self._keep(found)
                self._listed, self._listed_at = common, time.monotonic()
        self._served.add(folder)
        # "0" follows "/": the paths in [folder/, folder0) are those below folder.
        start, end = (
            bisect.bisect_left(self._sorted, folder + "/"),
            bisect.bisect_left(self._sorted, folder + "0"),
        )
        return [self._objects[path] for path in self._sorted[start:end]]

    def _keep(self, objects: list[CloudObject]) -> None:
        self._objects = {item.path: item for item in objects}
        self._sorted = sorted(self._objects)


def _common_folder(folders: set[str]) -> str:
    parts = [folder.split("/") for folder in folders]
    common: list[str] = []
    for segments in zip(*parts, strict=False):
        if any(segment != segments[0] for segment in segments):
            break
        common.append(segments[0])
    return "/".join(common)
