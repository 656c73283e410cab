"""Blocking HTTP calls to Azure ML with the retries, timeouts and errors tbdesk wants.

azureml-core's own clients retry 429 after a fixed 32 s (64 s, 128 s...) whatever Retry-After
says, nest urllib3 retries inside their own, set no timeout on some calls, and build a `Run`
object per row. So the source reads through this small client instead, with the workspace's
endpoints and azureml-core's auth header; every method blocks and is meant for a worker thread.

A call stops when its caller gives up on it: run through tbdesk.workers.in_thread, it raises
CancelledError at its next request, retry wait or chunk of a download once its stop event
(`current_stop`) is set, and leaves no file behind (see `download`). Closing the client stops
every call the same way.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import requests

from tbdesk import __version__
from tbdesk.azure.errors import (
    AzureError,
    CancelledError,
    NoAnswerError,
    OfflineError,
    ServiceError,
    error_for,
    signed_out_error,
)
from tbdesk.workers import current_stop

RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
Headers = Callable[[], Mapping[str, str]]
# A wait that a stopped call ends at once also notices a closed client this often.
_WAIT_SLICE = 0.1
P = TypeVar("P")  # where a listing goes on: a continuation token, or a NextPage

__all__ = [
    "RETRYABLE",
    "CancelledError",  # where callers have always found it
    "Downloaded",
    "Headers",
    "Policy",
    "RestClient",
    "retry_after",
    "segment",
]


@dataclass(frozen=True)
class Policy:
    """How hard to try: read timeouts (of listings and other JSON calls, and of file bytes),
    retries after the first attempt, and the base of the exponential backoff (Retry-After wins
    when the service sends it).

    A service that accepts connections but does not answer is retried only
    `no_answer_retries` times: with the defaults a hung service is reported after about 30 s
    (two 15 s waits), not after every retry's timeout has run out."""

    timeout: float = 15.0
    download_timeout: float = 30.0
    connect_timeout: float = 10.0
    retries: int = 3
    no_answer_retries: int = 1
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # longer requested waits fail at once with a clear message


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int  # of the file on disk afterwards
    etag: str | None
    appended: int  # bytes written by this call


def retry_after(response: requests.Response) -> float | None:
    """Seconds the service asks to wait: Retry-After (seconds or an HTTP date), or the
    x-ms-retry-after-ms header Azure services also send."""
    millis = response.headers.get("x-ms-retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def segment(text: str) -> str:
    """One URL path segment (names and ids may hold characters URLs reserve, such as '/')."""
    return quote(text, safe="")


class RestClient:
    """`workspace` names the Azure ML workspace the calls are about, for the message when the
    service says it is gone."""

    def __init__(
        self, headers: Headers, policy: Policy | None = None, *, workspace: str | None = None
    ) -> None:
        self._headers = headers
        self.policy = policy or Policy()
        self._workspace = workspace
        self._closed = threading.Event()
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers["User-Agent"] = f"tbdesk/{__version__}"

    def close(self) -> None:
        """Stop: waits between retries end (within _WAIT_SLICE s for a call that has its own stop
        event), later calls fail with CancelledError."""
        self._closed.set()
        self._session.close()

    def stopped(self) -> bool:
        """The client was closed, or the calls of this context were stopped (`current_stop`)."""
        stop = current_stop.get()
        return self._closed.is_set() or (stop is not None and stop.is_set())

    def _check(self, what: str) -> None:
        if self.stopped():
            raise CancelledError(f"Stopped reading {what}.")

    # ---- JSON calls
    def get_json(
        self, url: str, what: str, params: Mapping[str, Any] | None = None, *, auth: bool = True
    ) -> Any:
        return self._json(self.send("GET", url, what, params=params, auth=auth), what)

    def post_json(self, url: str, what: str, body: Mapping[str, Any]) -> Any:
        return self._json(self.send("POST", url, what, body=body), what)

    def post_page(
        self, url: str, what: str, body: Mapping[str, Any], token: str | None
    ) -> tuple[list[Any], str | None]:
        """One page of a POST query whose continuation token travels in the body."""
        answer = self.post_json(url, what, {**body, "continuationToken": token} if token else body)
        return _items(answer, what), _token(answer, token)

    def get_page(
        self, url: str, what: str, params: Mapping[str, Any], after: NextPage | None, token_param: str
    ) -> tuple[list[Any], NextPage | None]:
        """One page of a GET listing: the first one (after None), or the one the previous page
        pointed at (`NextPage`). Newer paginated models (azureml-mlflow's PaginatedArtifactList)
        say where the next page is with a `nextLink`, older ones with a `continuationToken` for
        the query; a page with neither is the last."""
        if after is not None and after.link is not None:
            if _origin(after.link) != _origin(url):  # the bearer token goes nowhere else
                elsewhere = _origin(after.link)
                raise ServiceError(f"Azure ML's next page of {what} is on another host: {elsewhere}.")
            answer = self.get_json(after.link, what)
        else:
            token = after.token if after is not None else None
            answer = self.get_json(url, what, {**params, token_param: token} if token else params)
        return _items(answer, what), _next_page(answer, after)

    def all_pages(self, fetch: Callable[[P | None], tuple[list[Any], P | None]]) -> list[Any]:
        items: list[Any] = []
        after: P | None = None
        while True:
            page, after = fetch(after)
            items.extend(page)
            if after is None:
                return items

    # ---- bytes
    def download(self, url: str, dest: Path, what: str, *, offset: int = 0) -> Downloaded:
        """Fetch url (a contentUri, which carries its own SAS: no auth header) into dest.

        With offset > 0, ask only for the bytes from offset on (HTTP Range) and append them: how
        a growing event file is followed. A connection cut in the middle resumes after the bytes
        already appended (never sending them twice); when the file changed between the attempts
        (another ETag), or the server ignores Range, dest is rewritten whole, atomically.

        A stopped call (CancelledError) leaves dest as it was: a whole file goes to a temporary
        file beside dest that is removed, and bytes appended by this call are cut off again
        (nothing in tbdesk resumes from them: live sync appends through its own checks)."""
        self._check(what)
        before = _size(dest) if offset else None
        try:
            return self._download(url, dest, what, offset)
        except CancelledError:
            if offset:
                _restore(dest, before)
            raise

    def _download(self, url: str, dest: Path, what: str, offset: int) -> Downloaded:
        appended = 0
        first_etag: str | None = None
        for attempt in range(self.policy.retries + 1):
            start = offset + appended
            headers = {"Range": f"bytes={start}-"} if start else {}
            response = self.send("GET", url, what, auth=False, stream=True, headers=headers, ok=(416,))
            etag = response.headers.get("ETag")
            try:
                if appended and etag and first_etag and etag != first_etag:
                    # The bytes appended so far belong to the file as it was: start over, whole.
                    response.close()
                    response = self.send("GET", url, what, auth=False, stream=True)
                    etag = response.headers.get("ETag")
                    written = _write_atomically(response, dest, lambda: self._check(what))
                    return Downloaded(dest, written, etag, written)
                if response.status_code == 416:  # nothing past start: the file has not grown (more)
                    return Downloaded(dest, dest.stat().st_size if dest.exists() else 0, etag, appended)
                if response.status_code == 206 and start:
                    first_etag = etag
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with dest.open("ab") as out:
                        for chunk in response.iter_content(chunk_size=1 << 16):
                            self._check(what)
                            out.write(chunk)
                            appended += len(chunk)
                    return Downloaded(dest, dest.stat().st_size, etag, appended)
                written = _write_atomically(response, dest, lambda: self._check(what))
                return Downloaded(dest, written, etag, written)
            except requests.RequestException as exc:
                if attempt == self.policy.retries:
                    raise OfflineError(f"The download of {what} was cut off: {_reason(exc)}") from exc
                self._wait(self._backoff(attempt), what)
            finally:
                response.close()
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- the one place requests are sent
    def send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        auth: bool = True,
        stream: bool = False,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (),
    ) -> requests.Response:
        unanswered = 0
        for attempt in range(self.policy.retries + 1):
            self._check(what)
            sent = dict(headers or {})
            if auth:
                sent.update(self._auth_headers(what))
                self._check(what)  # getting a token can take a while
            outcome = self._attempt(
                method, url, what, params=params, body=body, headers=sent, stream=stream, ok=ok
            )
            if isinstance(outcome, requests.Response):
                if self.stopped():  # given up on while the answer was on its way: nobody reads it
                    outcome.close()
                    raise CancelledError(f"Stopped reading {what}.")
                return outcome
            error, asked = outcome
            unanswered += isinstance(error, NoAnswerError)
            if attempt == self.policy.retries or unanswered > self.policy.no_answer_retries:
                raise error
            self._wait(self._backoff(attempt) if asked is None else asked, what)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self,
        method: str,
        url: str,
        what: str,
        *,
        params: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
        headers: Mapping[str, str],
        stream: bool,
        ok: tuple[int, ...],
    ) -> requests.Response | tuple[AzureError, float | None]:
        """One request: its response, or the error to retry on and the wait the service asked
        for. Errors not worth retrying are raised."""
        policy = self.policy
        host = urlsplit(url).netloc or url
        read_timeout = policy.download_timeout if stream else policy.timeout
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                json=body,
                headers=headers,
                timeout=(policy.connect_timeout, read_timeout),
                stream=stream,
            )
        except requests.ConnectTimeout:
            return OfflineError(
                f"Cannot reach Azure ML at {host} (no answer to connect). Check the network."
            ), None
        except requests.Timeout:
            return NoAnswerError(
                f"Azure ML did not answer within {read_timeout:g} s while reading {what}."
            ), None
        except requests.ConnectionError as exc:
            if self.stopped():
                raise CancelledError(f"Stopped reading {what}.") from exc
            return OfflineError(f"Cannot reach Azure ML at {host} while reading {what}: {_reason(exc)}"), None
        except requests.RequestException as exc:
            raise ServiceError(f"Reading {what} from Azure ML failed: {_reason(exc)}") from exc
        status = response.status_code
        if status < 400 or status in ok:
            return response
        answer = _body(response)
        response.close()
        request = f"{method} {urlsplit(url).path}"
        error = error_for(status, what, answer, workspace=self._workspace, request=request)
        if status not in RETRYABLE:
            raise error
        asked = retry_after(response)
        if asked is not None and asked > policy.max_retry_after:
            raise ServiceError(
                f"Azure ML asks to wait {asked:.0f} s before reading {what} again; try later.", status
            )
        return error, asked

    def _auth_headers(self, what: str) -> Mapping[str, str]:
        try:
            return self._headers()
        except AzureError:
            raise
        except Exception as exc:  # azure-identity raises its own kinds when a sign-in is missing or refused
            raise signed_out_error(exc, what, _reason(exc)) from exc

    def _backoff(self, attempt: int) -> float:
        return float(min(self.policy.backoff * 2**attempt, self.policy.max_backoff))

    def _wait(self, seconds: float, what: str) -> None:
        """Sleep `seconds` (a backoff, a Retry-After), or raise CancelledError as soon as the call
        is stopped or the client closed."""
        stop = current_stop.get()
        deadline = time.monotonic() + seconds
        while True:
            self._check(what)
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if stop is None:
                self._closed.wait(left)
            else:  # two events to wait for: the call's at once, the client's within a slice
                stop.wait(min(left, _WAIT_SLICE))

    @staticmethod
    def _json(response: requests.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise ServiceError(f"Azure ML answered something that is not JSON for {what}.") from exc
        finally:
            response.close()


def _items(answer: Any, what: str) -> list[Any]:
    value = answer.get("value") if isinstance(answer, dict) else None
    if not isinstance(value, list):
        raise ServiceError(f"Azure ML's answer for {what} has no list of values.")
    return value


@dataclass(frozen=True)
class NextPage:
    """Where a GET listing goes on, as its last page said: a whole URL (nextLink, followed as
    it is) or a continuation token (sent back in the query)."""

    link: str | None = None
    token: str | None = None


def _next_page(answer: dict[str, Any], previous: NextPage | None) -> NextPage | None:
    link = answer.get("nextLink") or None
    token = answer.get("continuationToken") or None
    after = NextPage(str(link) if link else None, str(token) if token else None)
    # Nothing more, or a service that hands back where it was asked (it would page forever).
    return None if after == NextPage() or after == previous else after


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _token(answer: dict[str, Any], previous: str | None) -> str | None:
    token = answer.get("continuationToken") or None
    # A service that hands back the token it was given would page forever.
    return None if token == previous else (str(token) if token else None)


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:300] if response.text else None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Connection refused", "RemoteDisconnected", "Name or service not known", "timed out"):
        if marker in text:
            return {
                "Connection refused": "the connection was refused.",
                "RemoteDisconnected": "the connection was closed without an answer.",
                "Name or service not known": "the host name does not resolve (offline?).",
                "timed out": "it timed out.",
            }[marker]
    return text[:200]


def _copy(response: requests.Response, out: Any, check: Callable[[], None]) -> int:
    written = 0
    for chunk in response.iter_content(chunk_size=1 << 16):
        check()
        out.write(chunk)
        written += len(chunk)
    return written


def _write_atomically(response: requests.Response, dest: Path, check: Callable[[], None]) -> int:
    """The body into a temporary file beside dest, renamed over dest once whole; `check()` runs
    before every chunk is written and before the rename, and what it raises leaves dest as it was
    (the temporary file is removed)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".part-", dir=dest.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            written = _copy(response, out, check)
        check()
        os.replace(name, dest)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return written


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _restore(dest: Path, size: int | None) -> None:
    """Put back a file that had `size` bytes (None: that did not exist) before bytes were
    appended to it. Best effort: this runs while a stopped call ends, and nobody waits for it."""
    with contextlib.suppress(OSError):
        if size is None:
            dest.unlink(missing_ok=True)
        elif dest.stat().st_size > size:
            os.truncate(dest, size)
