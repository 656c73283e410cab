"""Where a synced run's files come from: the few calls the sync engine makes of a service.

`AzureRemote` reads an Azure ML workspace through the Azure source's own REST client: a poll of a
run is one listing of its artifacts under the prefix (paths and etags), bytes come from the
artifacts' `contentUri`s (blob storage SAS links that serve HTTP ranges), fetched for all the
run's files under the prefix with one request and kept until they stop working, and the status
of a run and all its descendants comes from one run-history query.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from tbdesk.model import Run

ORIGIN = "ExperimentRun"
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class RemoteFile:
    path: str  # relative, '/'-separated, as the service names it (untrusted)
    etag: str | None


class LinkExpiredError(Exception):
    """The file's download link stopped working (expired SAS, or the file is gone): ask again."""


class TransferCutError(Exception):
    """The connection broke in the middle of a file's bytes."""


class Body(Protocol):
    """A streaming answer with a file's bytes from `start` on."""

    start: int
    total: int | None  # the whole file's size, when the service says
    etag: str | None

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

    def open(self, run: Run, path: str, offset: int) -> Body | None:
        """The file's bytes from offset on; None when the file has nothing at or past offset
        (it shrank). Raises LinkExpiredError when `prepare(refresh=True)` should be called."""

    async def tree(self, run: Run) -> list[Run]:
        """The run itself and all its descendants, with fresh status."""


class _HttpBody:
    def __init__(self, response: Any, start: int, total: int | None, etag: str | None) -> None:
        self._response = response
        self.start = start
        self.total = total
        self.etag = etag

    def chunks(self) -> Iterator[bytes]:
        import requests

        try:
            yield from self._response.iter_content(chunk_size=1 << 16)
        except requests.RequestException as exc:
            raise TransferCutError(str(exc)[:200]) from exc

    def close(self) -> None:
        self._response.close()


class AzureRemote:
    """An AzureSource's runs, for syncing. Rides on the source's connection and sign-in."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self._links: dict[tuple[str, str], str] = {}  # (run id, path) -> contentUri

    async def listing(self, run: Run, prefix: str) -> list[RemoteFile]:
        client, ends = await self._connect()
        container = await self._signed_in(self._source._container, run)
        url = ends.artifact_url(f"/artifacts/{ORIGIN}/{_seg(container)}/{quote(prefix, safe='/')}")
        what = f"the files of {run.name}"
        found = await self._signed_in(
            asyncio.to_thread,
            client.all_pages,
            lambda token: client.get_page(url, what, {}, token, "continuationToken"),
        )
        return [
            RemoteFile(str(item["path"]), str(item.get("etag") or "") or None)
            for item in found
            if isinstance(item, dict) and str(item.get("path", "")).startswith(prefix)
        ]

    async def prepare(self, run: Run, prefix: str, paths: list[str], *, refresh: bool = False) -> None:
        if not refresh and all((run.id, path) in self._links for path in paths):
            return
        client, ends = await self._connect()
        container = await self._signed_in(self._source._container, run)
        url = ends.artifact_url(
            f"/artifacts/prefix/contentinfo/{ORIGIN}/{_seg(container)}/{quote(prefix, safe='/')}"
        )
        what = f"the download links of {run.name}"
        found = await self._signed_in(
            asyncio.to_thread,
            client.all_pages,
            lambda token: client.get_page(url, what, {}, token, "continuationToken"),
        )
        for item in found:
            if isinstance(item, dict) and item.get("path") and item.get("contentUri"):
                self._links[(run.id, str(item["path"]))] = str(item["contentUri"])

    def open(self, run: Run, path: str, offset: int) -> Body | None:
        from tbdesk.azure.errors import AccessDeniedError, NotFoundError

        link = self._links.get((run.id, path))
        if link is None:
            raise LinkExpiredError(path)
        client = self._source._client
        if client is None:
            raise LinkExpiredError(path)  # the source was closed meanwhile: reconnect first
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        what = f"the file {path} of {run.name}"
        try:
            response = client.send("GET", link, what, auth=False, stream=True, headers=headers, ok=(416,))
        except (AccessDeniedError, NotFoundError) as exc:
            self._links.pop((run.id, path), None)
            raise LinkExpiredError(path) from exc
        etag = response.headers.get("ETag")
        if response.status_code == 416:
            response.close()
            return None
        if response.status_code == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
            if match is None:
                response.close()
                raise TransferCutError(f"the service answered a range of {what} without saying which")
            total = None if match.group(3) == "*" else int(match.group(3))
            return _HttpBody(response, int(match.group(1)), total, etag)
        length = response.headers.get("Content-Length")
        return _HttpBody(response, 0, int(length) if length and length.isdigit() else None, etag)

    async def tree(self, run: Run) -> list[Run]:
        source = self._source
        if run.parent_id is not None:
            return await self._walk(run)
        client, ends = await self._connect()
        url = ends.history_url(f"/experiments/{_seg(run.experiment)}/runs:query")
        body = {"filter": f"(RootRunId eq '{_literal(run.id)}')", "top": 100}
        what = f"the status of {run.name} and its child runs"
        found = await self._signed_in(
            asyncio.to_thread, client.all_pages, lambda token: client.post_page(url, what, body, token)
        )
        runs: list[Run] = source._runs(run.experiment, found)
        return runs

    async def _walk(self, run: Run) -> list[Run]:
        """A run that is itself a child: its own record, then its descendants level by level."""
        fresh: Run = await self._signed_in(self._source.get_run, run.experiment, run.id)
        found = [fresh]
        level = [fresh]
        while level:
            kids = await asyncio.gather(*(self._signed_in(self._source.children, r) for r in level))
            level = [kid for group in kids for kid in group]
            found += level
        return found

    async def _connect(self) -> Any:
        return await self._signed_in(self._source._connect)

    @staticmethod
    async def _signed_in(call: Callable[..., Any], *args: Any) -> Any:
        """Call once more after a refused sign-in: azure-identity hands out a fresh token when a
        cached one expired under us, and the first refusal is often just that."""
        from tbdesk.azure.errors import SignedOutError

        try:
            return await call(*args)
        except SignedOutError:
            return await call(*args)


def _seg(text: str) -> str:
    return quote(text, safe="")


def _literal(text: str) -> str:
    return text.replace("'", "''")
