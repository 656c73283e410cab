"""One run's files under a prefix (its `logs/`) -> a folder on this machine, incrementally.

A poll lists the run's files once (paths and etags). A file whose etag is the one recorded when
its bytes were last complete here costs nothing more. A changed file that exists here is asked
for from OVERLAP bytes before its local end (HTTP Range): when those bytes match what is here,
the file grew and only the new bytes are appended, in place. TensorBoard reads event files while
they grow and waits on a truncated last record, so in-place appends are safe for it; everything
here is always a prefix of the file upstream. When they do not match, or the file shrank, it was
replaced: it is fetched whole into a partial file beside the cache and renamed over the old one,
so a reader sees the old file or the new one, never a mix. New files arrive the same way.

Broken connections resume from the bytes already here (a few times per poll); a download
interrupted by a crash resumes at the next launch when the file upstream is still the same
(etag), and starts over when it is not. A full disk raises DiskFullError and leaves every file as
it was or as a valid prefix of what it will be. A file removed upstream stays here (a board keeps
showing what it showed).
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tbdesk.model import Run
from tbdesk.sources.base import SourceError
from tbdesk.sync.errors import DiskFullError, SyncError, UnsafePathError
from tbdesk.sync.ledger import Ledger
from tbdesk.sync.paths import local_path, safe_relative
from tbdesk.sync.remote import Body, LinkExpiredError, Remote, RemoteFile, TransferCutError

# Bytes read again before a changed file's local end to tell a grown file from a replaced one.
OVERLAP = 32
RESUMES = 5  # reconnections per file per poll after a cut connection
DEFAULT_PREFIX = "logs/"
FILES = "files"
STATE = ".sync"
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True)
class PollResult:
    changed: tuple[str, ...]  # files that got bytes in this poll
    fetched: int  # bytes received in this poll (the overlap checks included)
    files: int  # files under the prefix (refused ones excluded)
    refused: tuple[str, ...]  # why each refused file was refused


class _Stopped(SyncError):
    pass


class _Replaced(Exception):
    """The local bytes are not a prefix of the file upstream: fetch it whole."""

    def __init__(self, got: int) -> None:
        super().__init__(got)
        self.got = got  # bytes received before that showed


def _folder_of(prefix: str) -> str:
    stripped = prefix.strip("/")
    if stripped:
        safe_relative(stripped)
    return stripped


class RunSync:
    """Keeps `entry/files/<paths>` in step with one run's files under prefix. `folder` is the
    local folder of the prefix (what a board shows). Use from one task at a time."""

    def __init__(
        self,
        remote: Remote,
        run: Run,
        entry: Path,
        *,
        prefix: str = DEFAULT_PREFIX,
        limit: asyncio.Semaphore | None = None,
    ) -> None:
        folder = _folder_of(prefix)
        self.remote = remote
        self.run = run
        self.prefix = f"{folder}/" if folder else ""
        self.files_root = entry / FILES
        self.folder = self.files_root / folder if folder else self.files_root
        self._state = entry / STATE
        self._ledger: Ledger | None = None
        self._limit = limit or asyncio.Semaphore(4)
        self._stop = threading.Event()
        self._relink = asyncio.Lock()
        self._relinked_at = 0.0
        self.bytes_fetched = 0  # over this object's life

    def cancel(self) -> None:
        """Stop transfers in worker threads at the next chunk (a poll in flight then fails)."""
        self._stop.set()

    async def poll(self) -> PollResult:
        """One round: list, then fetch what changed. Raises SourceError (the service failed),
        DiskFullError; a refused path is reported in the result, not raised."""
        if self._ledger is None:
            self._ledger = await asyncio.to_thread(self._open)
        ledger = self._ledger
        listed = await self.remote.listing(self.run, self.prefix)
        wanted: list[tuple[RemoteFile, Path]] = []
        refused: list[str] = []
        for item in listed:
            try:
                wanted.append((item, local_path(self.files_root, item.path)))
            except UnsafePathError as exc:
                refused.append(str(exc))
        stale = [
            (item, target)
            for item, target in wanted
            if item.etag is None or ledger.files.get(item.path) != item.etag or not target.is_file()
        ]
        if not stale:
            return PollResult((), 0, len(wanted), tuple(refused))
        await self.remote.prepare(self.run, self.prefix, [item.path for item, _ in stale])
        outcomes = await asyncio.gather(
            *(self._fetch(item, target) for item, target in stale), return_exceptions=True
        )
        changed: list[str] = []
        fetched = 0
        failures: list[BaseException] = []
        for (item, _), outcome in zip(stale, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                failures.append(outcome)
                continue
            if outcome is None:  # gone upstream between the listing and the download
                continue
            got, etag, grew = outcome
            fetched += got
            ledger.files[item.path] = etag or item.etag
            if grew:
                changed.append(item.path)
        self.bytes_fetched += fetched
        await asyncio.to_thread(self._save)
        if failures:  # a full disk matters most: it stops every other file too
            raise next((f for f in failures if isinstance(f, DiskFullError)), failures[0])
        return PollResult(tuple(changed), fetched, len(wanted), tuple(refused))

    # ---- one file
    async def _fetch(self, item: RemoteFile, target: Path) -> tuple[int, str | None, bool] | None:
        async with self._limit:
            for attempt in range(2):
                try:
                    return await asyncio.to_thread(self._transfer, item.path, target)
                except LinkExpiredError:
                    if attempt:
                        return None
                    await self._refresh_links()
        return None  # pragma: no cover - the loop returns

    async def _refresh_links(self) -> None:
        # Several files find their links expired at once: one request renews them all.
        stamp = time.monotonic()
        async with self._relink:
            if self._relinked_at < stamp:
                await self.remote.prepare(self.run, self.prefix, [], refresh=True)
                self._relinked_at = time.monotonic()

    def _transfer(self, path: str, target: Path) -> tuple[int, str | None, bool]:
        """Bring one file up to date (in a worker thread): (bytes received, etag, grew)."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            size = target.stat().st_size if target.is_file() else 0
            if size:
                try:
                    got, etag = self._append(path, target, size)
                    return got, etag, target.stat().st_size > size
                except _Replaced as replaced:
                    got, etag = self._whole(path, target)
                    return replaced.got + got, etag, True
            got, etag = self._whole(path, target)
            return got, etag, True
        except OSError as exc:
            raise _disk_error(exc, self.files_root) from exc

    def _append(self, path: str, target: Path, size: int) -> tuple[int, str | None]:
        got = 0
        for attempt in range(RESUMES + 1):
            have = target.stat().st_size
            overlap = min(OVERLAP, have)
            with target.open("rb") as local:
                local.seek(have - overlap)
                tail = local.read(overlap)
            body = self.remote.open(self.run, path, have - overlap)
            if body is None:
                raise _Replaced(got)  # it shrank below what is here
            try:
                if body.start != have - overlap or (body.total is not None and body.total < have):
                    raise _Replaced(got)
                head = b""
                with target.open("ab") as out:
                    for chunk in self._chunks(body):
                        got += len(chunk)
                        data = chunk
                        if len(head) < overlap:
                            need = overlap - len(head)
                            head, data = head + chunk[:need], chunk[need:]
                            if head != tail[: len(head)]:
                                raise _Replaced(got)
                        out.write(data)
                if len(head) < overlap:
                    raise _Replaced(got)  # shorter than what is here
                return got, body.etag
            except TransferCutError:
                if attempt == RESUMES:
                    raise self._cut(path) from None
                self._pause(attempt)
            finally:
                body.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def _whole(self, path: str, target: Path) -> tuple[int, str | None]:
        ledger = self._ledger
        assert ledger is not None
        partial = self._state / "partial" / hashlib.sha256(path.encode()).hexdigest()[:32]
        partial.parent.mkdir(parents=True, exist_ok=True)
        have = partial.stat().st_size if path in ledger.partials and partial.is_file() else 0
        got = cuts = 0
        try:
            while True:
                body, have = self._resume(path, have)
                try:
                    if not have:
                        ledger.set_partial(path, body.etag)
                        self._save()
                    with partial.open("ab" if have else "wb") as out:
                        for chunk in self._chunks(body):
                            got += len(chunk)
                            out.write(chunk)
                    size = partial.stat().st_size
                    if body.total is not None and size != body.total:
                        raise TransferCutError(f"{size} of {body.total} bytes")
                    os.replace(partial, target)
                    ledger.drop_partial(path)
                    return got, body.etag
                except TransferCutError:
                    cuts += 1
                    if cuts > RESUMES:
                        raise self._cut(path) from None
                    have = partial.stat().st_size
                    self._pause(cuts)
                finally:
                    body.close()
        except OSError as exc:
            if exc.errno in _NO_ROOM:  # give the room back; the partial bytes are worth less
                partial.unlink(missing_ok=True)
                ledger.drop_partial(path)
            raise

    def _resume(self, path: str, have: int) -> tuple[Body, int]:
        """The file's bytes from `have` on when the partial bytes here belong to the file
        upstream now (same etag), else from its start; and where they start."""
        assert self._ledger is not None
        known = self._ledger.partials.get(path)
        if have:
            body = self.remote.open(self.run, path, have)
            if body is not None and body.start == have and body.etag == known:
                return body, have
            if body is not None and body.start == 0:
                return body, 0  # the service sent it all from the start: take that
            if body is not None:
                body.close()
        body = self.remote.open(self.run, path, 0)
        if body is None or body.start != 0:
            if body is not None:
                body.close()
            raise SyncError(f"The service would not send {path} of {self.run.name} from its start.")
        return body, 0

    def _chunks(self, body: Body) -> Iterator[bytes]:
        for chunk in body.chunks():
            if self._stop.is_set():
                raise _Stopped(f"Stopped syncing {self.run.name}.")
            yield chunk

    def _cut(self, path: str) -> SyncError:
        return SyncError(
            f"The download of {path} of {self.run.name} kept breaking off; it resumes at the next poll."
        )

    def _pause(self, attempt: int) -> None:
        if self._stop.wait(min(0.02 * 2**attempt, 0.5)):
            raise _Stopped(f"Stopped syncing {self.run.name}.")

    # ---- the folder
    def _open(self) -> Ledger:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._state.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _disk_error(exc, self.files_root) from exc
        return Ledger.load(self._state / "ledger.json")

    def _save(self) -> None:
        assert self._ledger is not None
        try:
            self._ledger.save()
        except OSError as exc:
            raise _disk_error(exc, self.files_root) from exc


def _disk_error(exc: OSError, where: Path) -> SourceError:
    if exc.errno in _NO_ROOM:
        try:
            free = shutil.disk_usage(where).free
        except OSError:
            free = -1
        left = f" ({free // 1024} KiB free)" if free >= 0 else ""
        return DiskFullError(
            f"The disk holding tbdesk's cache ({where}) is full{left}. Free some space, lower the cache"
            " size limit or clear the cache; syncing resumes where it stopped."
        )
    return SyncError(f"Cannot write the synced files in {where}: {exc.strerror or exc}")
