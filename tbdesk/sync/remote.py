"""Where a synced run's files come from: the few calls the sync engine makes of a service.

Two kinds of version travel here and are never compared with each other: a listing's record
version (`RemoteFile.etag` and `created`: the artifact record's, which says the record changed)
and the bytes' ETag (`Body.etag`, blob storage's HTTP ETag, which says which bytes a read got and
guards the next read with If-None-Match).

`AzureRemote` reads an Azure ML workspace through the Azure source's public calls: a poll of a
run is one listing of its artifacts under the prefix (paths, record etags and creation times),
bytes come from the artifacts' `contentUri`s (blob storage SAS links that serve HTTP ranges and
conditional requests), fetched for all the run's files under the prefix with one request and kept
until they stop working, and the status of a run and all its descendants comes from one
run-history query.

The sync engine reads bytes in worker threads started by tbdesk.workers.in_thread: when the
poll is cancelled, their stop event is set, `open` gives up its request, retries and waits, and a
body stops between chunks, with CancelledError.
"""

from __future__ import annotations

import enum
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from tbdesk.model import Run
from tbdesk.workers import current_stop

if TYPE_CHECKING:
    from tbdesk.sources.azure import AzureSource

T = TypeVar("T")

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class RemoteFile:
    """A file as a listing names it. `etag` and `created` are its record's (the artifact
    service's), not its bytes': whether a record's etag changes when its file grows is the
    service's business, so a sync never relies on it either way."""

    path: str  # relative, '/'-separated, as the service names it (untrusted)
    etag: str | None
    created: str | None = None

    @property
    def record(self) -> str | None:
        """The record's version as one string (None: the listing says nothing of it)."""
        if self.etag is None and self.created is None:
            return None
        return f"{self.etag or ''}|{self.created or ''}"


class NotModified(enum.Enum):
    """`Remote.open` with `unless`: the file is still the one whose ETag that is (HTTP 304)."""

    NOT_MODIFIED = "not modified"


NOT_MODIFIED = NotModified.NOT_MODIFIED


class LinkExpiredError(Exception):
    """The file's download link stopped working (expired SAS, or the file is gone): ask again."""


class TransferCutError(Exception):
    """The connection broke in the middle of a file's bytes."""


class Body(Protocol):
    """A streaming answer with a file's bytes from `start` on."""

    start: int
    total: int | None  # the whole file's size, when the service says
    etag: str | None  # the bytes' HTTP ETag (not the listing's record etag)

    def chunks(self) -> Iterator[bytes]:
        """The bytes; raises TransferCutError when the connection breaks."""

    def close(self) -> None: ...


class Remote(Protocol):
    """What the sync engine needs of a service. Coroutines make requests; `open` blocks (it is
    called in a worker thread) and so does reading the body it returns."""

    async def listing(self, run: Run, prefix: str) -> list[RemoteFile]:
        """The run's files under prefix, with etags; one request unless it has to page."""

    async def prepare(self, run: Run, prefix: str, paths: list[str], *, refresh: bool = False) -> None:
        """Make sure `open` can address these files (at most one request; none when it can)."""

    def open(
        self, run: Run, path: str, offset: int, *, unless: str | None = None
    ) -> Body | NotModified | None:
        """The file's bytes from offset on; None when the file has nothing at or past offset
        (it shrank, or did not grow); NOT_MODIFIED when `unless` (a `Body.etag` of an earlier
        read) is still the bytes' ETag, which is told before any range. Raises
        LinkExpiredError when `prepare(refresh=True)` should be called."""

    async def tree(self, run: Run) -> list[Run]:
        """The run itself and all its descendants, with fresh status."""


class _HttpBody:
    def __init__(
        self,
        response: Any,
        start: int,
        total: int | None,
        etag: str | None,
        *,
        stop: threading.Event | None = None,
        what: str = "a file",
    ) -> None:
        self._response = response
        self.start = start
        self.total = total
        self.etag = etag
        self._stop = stop  # set once the task that reads this body was cancelled
        self._what = what

    def chunks(self) -> Iterator[bytes]:
        import requests

        from tbdesk.azure.rest import CancelledError

        try:
            for chunk in self._response.iter_content(chunk_size=1 << 16):
                if self._stop is not None and self._stop.is_set():
                    raise CancelledError(f"Stopped reading {self._what}.")
                yield chunk
        except requests.RequestException as exc:
            raise TransferCutError(str(exc)[:200]) from exc

    def close(self) -> None:
        self._response.close()


class AzureRemote:
    """An AzureSource's runs, for syncing, through its public calls (`files`, `download_links`,
    `open_download`, `run_tree`): rides on the source's connection and sign-in."""

    def __init__(self, source: AzureSource) -> None:
        self._source = source
        self._links: dict[tuple[str, str], str] = {}  # (run id, path) -> contentUri

    async def listing(self, run: Run, prefix: str) -> list[RemoteFile]:
        found = await _signed_in(self._source.files, run, prefix)
        return [
            RemoteFile(item.path, item.etag, item.modified.isoformat() if item.modified else None)
            for item in found
        ]

    async def prepare(self, run: Run, prefix: str, paths: list[str], *, refresh: bool = False) -> None:
        if not refresh and all((run.id, path) in self._links for path in paths):
            return
        links = await _signed_in(self._source.download_links, run, prefix)
        for path, link in links.items():
            self._links[(run.id, path)] = link

    def open(
        self, run: Run, path: str, offset: int, *, unless: str | None = None
    ) -> Body | NotModified | None:
        from tbdesk.azure.errors import AccessDeniedError, NotFoundError
        from tbdesk.azure.rest import CancelledError

        link = self._links.get((run.id, path))
        if link is None:
            raise LinkExpiredError(path)
        what = f"the file {path} of {run.name}"
        stop = current_stop.get()  # this transfer's (see the module's docstring)
        try:
            response = self._source.open_download(link, what, offset=offset, unless=unless)
        except (AccessDeniedError, NotFoundError, CancelledError) as exc:
            if stop is not None and stop.is_set():
                raise  # the reader gave up: nothing is wrong with the link
            # A link refused (expired, or the file is gone), or the source closed meanwhile: new
            # links (which reconnect) tell which.
            self._links.pop((run.id, path), None)
            raise LinkExpiredError(path) from exc
        etag = response.headers.get("ETag")
        if response.status_code == 304:
            response.close()
            return NOT_MODIFIED
        if response.status_code == 416:
            response.close()
            return None
        if response.status_code == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
            if match is None:
                response.close()
                raise TransferCutError(f"the service answered a range of {what} without saying which")
            total = None if match.group(3) == "*" else int(match.group(3))
            return _HttpBody(response, int(match.group(1)), total, etag, stop=stop, what=what)
        length = response.headers.get("Content-Length")
        size = int(length) if length and length.isdigit() else None
        return _HttpBody(response, 0, size, etag, stop=stop, what=what)

    async def tree(self, run: Run) -> list[Run]:
        runs: list[Run] = await _signed_in(self._source.run_tree, run)
        return runs


async def _signed_in(call: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Call once more after a refused sign-in: azure-identity hands out a fresh token when a
    cached one expired under us, and the first refusal is often just that."""
    from tbdesk.azure.errors import SignedOutError

    try:
        return await call(*args)
    except SignedOutError:
        return await call(*args)
