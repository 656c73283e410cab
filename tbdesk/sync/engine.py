"""One run's files under a prefix (its `logs/`) -> a folder on this machine, incrementally.

A poll lists the run's files once (paths and record versions: the artifact record's etag and
creation time). A file whose record is the one noted when its bytes were last complete here costs
nothing more. A file whose record changed that exists here is read from its local end, asking
If-None-Match the ETag of the bytes read last (blob storage's HTTP ETag, never compared with the
record's): unchanged bytes answer 304 and cost nothing, a file with nothing past our end answers
416 (it was replaced by one no longer than ours: fetched whole), and new bytes come as a range.

Whether an artifact record's etag changes when its file grows is not known (the SDK creates the
record, then writes the bytes to blob storage), so growth that the listing does not show is looked
for too: while the run is under way, one event file whose growth its record did not show so far
and that grew (or was first seen) within `quiet` seconds is probed (the same ranged read) at most
once per `probe_every` seconds, the one probed least recently first. A run whose event files are
all quiet costs one listing per poll. The last poll after the run ended probes each event file
whose record never showed its growth once, and then nothing more is asked.

A file that grew (or was replaced by a longer one) is told apart without fetching bytes twice
where possible:

- An event file (`*tfevents*`, a TFRecord frame sequence) is asked for from its local end (HTTP
  Range) and the new bytes are checked as they arrive: with the local bytes after the last frame
  boundary, they must make a frame whose two CRC32C checksums hold (frames.py). Only then are
  they appended, so nothing unchecked ever completes a frame a reader could take; bytes of a
  frame that is not whole yet are appended unchecked and checked with the rest at the next poll.
  Growth then costs exactly the new bytes (the bench's bytes fetched / bytes appended is 1.0).
  Bytes of a replaced file seen from our offset pass with odds of about 2^-64, with one blind
  spot: a replacement whose frames line up with ours at exactly that offset (another event file
  written with records of the same sizes under the same name). Event file names carry the
  writer's start time, host and process id, so two writers practically never share one; that
  trade buys a ratio of 1.0 on the file kind that grows while a run trains.
- Any other file, an event file whose local copy is not a frame sequence, and an event file the
  check refused (or one without an etag that did not grow) is asked for from OVERLAP bytes before
  its local end: when those match what is here, it grew and the rest is appended.

Where a run's TensorBoard logs are: under the prefix asked for (by default `logs/`, which Azure ML
uploads while a job runs). Azure ML v2 jobs often write them under `outputs/` instead (Microsoft's
own samples use `outputs/tblogs/<time>`; others `outputs/tensorboard/`), which the service uploads
when the job ends: while the default prefix holds no event file, `outputs/` is looked through too
(at the first poll, at the last one after the run ended, and every LOOK_ELSEWHERE_EVERY seconds),
and once event files are found there, the deepest folder holding all of them is mirrored into the
same local folder instead (so a board that shows the run keeps its link and sees them come).

A file that shrank upstream, failed these checks, or changed (its record, or its bytes' ETag)
without growing was replaced: it is fetched whole into a partial file beside the cache and renamed
over the old one, so a reader sees the old file or the new one, never a mix. New files arrive the
same way.
TensorBoard reads event files while they grow and waits on a truncated last record, so in-place
appends are safe for it; everything here is always a prefix of the file upstream.

Broken connections resume from the bytes already here (a few times per poll); a download
interrupted by a crash resumes at the next launch when the file upstream is still the same
(etag), and starts over when it is not. A full disk raises DiskFullError and leaves every file as
it was or as a valid prefix of what it will be. A file removed upstream stays here (a board keeps
showing what it showed); a file whose download is refused even with a new link fails the poll.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import posixpath
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tbdesk.model import Run
from tbdesk.paths import create_file, make_dirs
from tbdesk.sources.paths import UnsafePathError, local_path, safe_relative
from tbdesk.sync.errors import NO_ROOM, DiskFullError, SyncError, disk_error
from tbdesk.sync.frames import Continuation, NotContinuedError, is_event_file, last_boundary
from tbdesk.sync.ledger import Ledger
from tbdesk.sync.remote import (
    NOT_MODIFIED,
    Body,
    LinkExpiredError,
    NotModified,
    Remote,
    RemoteFile,
    TransferCutError,
)
from tbdesk.workers import in_thread

# Bytes read again before a changed file's local end to tell a grown file from a replaced one,
# when its frames cannot tell (see above).
OVERLAP = 32
NOT_FRAMED = -1  # in the ledger's frames: the local copy is not a frame sequence
RESUMES = 5  # reconnections per file per poll after a cut connection
DEFAULT_PREFIX = "logs/"
FALLBACK_PREFIX = "outputs/"  # looked through for event files while the default prefix has none
LOOK_ELSEWHERE_EVERY = 30.0  # seconds between two looks through the fallback while a run runs
FILES = "files"
STATE = ".sync"

T = TypeVar("T")


PROBE_EVERY = 10.0  # seconds between probes of a run's event files whose records say nothing
QUIET = 600.0  # seconds without growth after which an event file is no longer probed


@dataclass(frozen=True)
class PollResult:
    changed: tuple[str, ...]  # files that got bytes in this poll
    fetched: int  # bytes received in this poll (overlap re-reads included)
    files: int  # files under the prefix (refused ones excluded)
    refused: tuple[str, ...]  # why each refused file was refused
    probed: tuple[str, ...] = ()  # files read although their records said nothing changed


class _Stopped(SyncError):
    pass


class _Replaced(Exception):
    """The local bytes are not a prefix of the file upstream: fetch it whole."""

    def __init__(self, got: int) -> None:
        super().__init__(got)
        self.got = got  # bytes received before that showed


class _Unframed(Exception):
    """The frame check cannot tell whether the file grew: ask the overlap."""

    def __init__(self, got: int, frames: int | None) -> None:
        super().__init__(got)
        self.got = got  # bytes received before that showed
        self.frames = frames  # what the ledger should keep of the local copy's frames


@dataclass(frozen=True)
class _Outcome:
    got: int  # bytes received
    etag: str | None  # the bytes' ETag (blob storage's), for the next read's If-None-Match
    grew: bool  # the local file changed
    frames: int | None  # the local copy's last frame boundary, NOT_FRAMED, or None: unknown
    whole: bool = False  # fetched whole (new, or replaced), not appended to


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
        fallback: str | None = None,
        limit: asyncio.Semaphore | None = None,
        probe_every: float = PROBE_EVERY,
        quiet: float = QUIET,
    ) -> None:
        """fallback: where else to look for event files while prefix holds none (see above)."""
        folder = _folder_of(prefix)
        self.remote = remote
        self.run = run
        self.prefix = f"{folder}/" if folder else ""
        self.source_prefix = self.prefix  # the run's folder mirrored into `folder`
        self.files_root = entry / FILES
        self.folder = self.files_root / folder if folder else self.files_root
        self._fallback = fallback
        self._looked_elsewhere = float("-inf")  # time.monotonic() of the last look
        self._state = entry / STATE
        self._ledger: Ledger | None = None
        self._limit = limit or asyncio.Semaphore(4)
        self._stop = threading.Event()
        self._relink = asyncio.Lock()
        self._relinked_at = 0.0
        self.bytes_fetched = 0  # over this object's life
        self.probe_every = probe_every
        self.quiet = quiet
        self._probed_at = float("-inf")  # time.monotonic() of the last probe
        # When the next probe is due (time.monotonic()), as the last poll found; None: no file
        # to probe. A poller wakes for it rather than waiting out a long idle pause.
        self.probe_due: float | None = None
        self._turns: dict[str, float] = {}  # when each file was probed last
        self._lively: dict[str, float] = {}  # when each file last grew (or was first seen)
        # Whether a file's record was seen to change with its growth (True: no probe needed)
        # or a probe found growth its record did not show (False); the last sighting counts.
        self._follows: dict[str, bool] = {}

    def cancel(self) -> None:
        """Stop transfers in worker threads at the next chunk (a poll in flight then fails)."""
        self._stop.set()

    async def poll(self, *, probe: bool = False, final: bool = False, at: float | None = None) -> PollResult:
        """One round: list, then fetch what changed. `probe`: the run is under way, so one event
        file may be probed when due (see the module's docstring); `final`: the run has ended and
        this is its last poll (which also looks for TensorBoard logs elsewhere when due); `at`: the
        time.monotonic() the probes are timed by (default: now). Raises SourceError (the service
        failed), DiskFullError; a refused path is reported in the result, not raised."""
        if self._ledger is None:
            self._ledger = await asyncio.to_thread(self._open)
        ledger = self._ledger
        listed = await self._listing(final)
        now = time.monotonic() if at is None else at
        wanted: list[tuple[RemoteFile, Path]] = []
        refused: list[str] = []
        for item in listed:
            try:
                wanted.append((item, self._target(item.path)))
            except UnsafePathError as exc:
                refused.append(str(exc))
        stale = [
            (item, target)
            for item, target in wanted
            if item.record is None or ledger.records.get(item.path) != item.record or not target.is_file()
        ]
        probes = self._probes(wanted, {item.path for item, _ in stale}, now, probe=probe, final=final)
        if not stale and not probes:
            if final and not ledger.ended:
                ledger.ended = True
                await asyncio.to_thread(self._save)
            return PollResult((), 0, len(wanted), tuple(refused))
        todo = [(item, target, False) for item, target in stale] + [(i, t, True) for i, t in probes]
        await self.remote.prepare(self.run, self.source_prefix, [item.path for item, _, _ in todo])
        outcomes = await asyncio.gather(
            *(self._fetch(item, target, probed) for item, target, probed in todo), return_exceptions=True
        )
        changed: list[str] = []
        fetched = 0
        failures: list[BaseException] = []
        for (item, _, probed), outcome in zip(todo, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                failures.append(outcome)
                continue
            if outcome is None:  # gone upstream between the listing and the download
                continue
            fetched += outcome.got
            self._note(item, outcome, probed, now)
            if outcome.grew:
                changed.append(item.path)
        if final and not failures:
            ledger.ended = True
        self.bytes_fetched += fetched
        await asyncio.to_thread(self._save)
        if failures:  # a full disk matters most: it stops every other file too
            raise next((f for f in failures if isinstance(f, DiskFullError)), failures[0])
        probed_paths = tuple(item.path for item, _ in probes)
        return PollResult(tuple(changed), fetched, len(wanted), tuple(refused), probed_paths)

    def _probes(
        self, wanted: list[tuple[RemoteFile, Path]], stale: set[str], now: float, *, probe: bool, final: bool
    ) -> list[tuple[RemoteFile, Path]]:
        """The event files to read although their records say nothing changed: at the end, each
        whose record never showed its growth, once; while the run is under way, the one of them
        probed least recently that grew lately, when a probe is due."""
        assert self._ledger is not None
        candidates = [
            (item, target)
            for item, target in wanted
            if item.path not in stale
            and is_event_file(item.path)
            and self._follows.get(item.path) is not True
            and target.is_file()
        ]
        self.probe_due = None
        if final:
            return [] if self._ledger.ended else candidates
        if not probe:
            return []
        lively = [c for c in candidates if now - self._lively.setdefault(c[0].path, now) < self.quiet]
        if not lively:
            return []
        chosen: list[tuple[RemoteFile, Path]] = []
        if now - self._probed_at >= self.probe_every:
            chosen = [min(lively, key=lambda c: self._turns.get(c[0].path, float("-inf")))]
            self._probed_at = self._turns[chosen[0][0].path] = now
        self.probe_due = self._probed_at + self.probe_every
        return chosen

    def _note(self, item: RemoteFile, outcome: _Outcome, probed: bool, now: float) -> None:
        """Remember what a read found: the file's record and bytes versions, its frames, and
        whether its record shows its growth."""
        assert self._ledger is not None
        ledger = self._ledger
        known = item.path in ledger.records
        ledger.records[item.path] = item.record
        if outcome.etag is None:
            ledger.blobs.pop(item.path, None)
        else:
            ledger.blobs[item.path] = outcome.etag
        if outcome.frames is None:
            ledger.frames.pop(item.path, None)
        else:
            ledger.frames[item.path] = outcome.frames
        if outcome.grew:
            self._lively[item.path] = now
            if probed:
                self._follows[item.path] = False
            elif known and not outcome.whole:
                self._follows[item.path] = True

    async def _listing(self, final: bool) -> list[RemoteFile]:
        """The files under the mirrored folder; while they hold no event file, the fallback is
        looked through (when due), and the folder of the event files found there is taken."""
        listed = await self.remote.listing(self.run, self.source_prefix)
        if self._fallback is None:
            return listed
        if any(is_event_file(item.path) for item in listed):
            self._fallback = None  # the logs are where they were looked for first
            return listed
        now = time.monotonic()
        if not final and now - self._looked_elsewhere < LOOK_ELSEWHERE_EVERY:
            return listed
        self._looked_elsewhere = now
        elsewhere = await self.remote.listing(self.run, self._fallback)
        found = _logs_folder([item.path for item in elsewhere if is_event_file(item.path)])
        if found is None:
            return listed
        self.source_prefix, self._fallback = found, None
        return [item for item in elsewhere if item.path.startswith(found)]

    def _target(self, path: str) -> Path:
        """Where a listed file goes: its path below `files` (below `folder` once another folder
        than the prefix is mirrored there). Raises UnsafePathError."""
        if self.source_prefix == self.prefix:
            return local_path(self.files_root, path)
        return local_path(self.folder, path[len(self.source_prefix) :])

    # ---- one file
    async def _fetch(self, item: RemoteFile, target: Path, probed: bool) -> _Outcome | None:
        assert self._ledger is not None
        # A record that differs from the one noted says the file changed; a probe's, or one
        # that says nothing of its version, does not.
        changed = not probed and item.record is not None and item.path in self._ledger.records
        unless = self._ledger.blobs.get(item.path)
        async with self._limit:
            for attempt in range(2):
                try:
                    # A remote's body stops between chunks once this is cancelled (tbdesk.workers).
                    return await in_thread(self._transfer, item.path, target, changed, unless)
                except LinkExpiredError:
                    if not attempt:
                        await self._refresh_links()
            listed = await self.remote.listing(self.run, self.source_prefix)
        if all(other.path != item.path for other in listed):
            return None  # gone upstream between the listing and the download
        raise SyncError(
            f"The service refused to send {item.path} of {self.run.name}, even with a new download"
            " link; it is tried again at the next poll."
        )

    async def _refresh_links(self) -> None:
        # Several files find their links expired at once: one request renews them all.
        stamp = time.monotonic()
        async with self._relink:
            if self._relinked_at < stamp:
                await self.remote.prepare(self.run, self.source_prefix, [], refresh=True)
                self._relinked_at = time.monotonic()

    def _transfer(self, path: str, target: Path, changed: bool, unless: str | None) -> _Outcome:
        """Bring one file up to date (in a worker thread). `changed`: its record says it changed,
        so if it did not grow it was replaced (a file without records is told by its bytes
        alone). `unless`: the ETag of the bytes read last, which the local copy holds."""
        got = 0
        frames: int | None = None
        try:
            make_dirs(target.parent)
            size = target.stat().st_size if target.is_file() else 0
            if size:
                try:
                    if is_event_file(path):
                        try:
                            return self._append_framed(path, target, size, changed, unless)
                        except _Unframed as unframed:
                            got, frames = unframed.got, unframed.frames
                    more, etag = self._append(path, target, size, changed, None if got else unless)
                    return _Outcome(got + more, etag, target.stat().st_size > size, frames)
                except _Replaced as replaced:
                    got += replaced.got
            more, etag = self._whole(path, target)
            return _Outcome(got + more, etag, True, None, whole=True)
        except OSError as exc:
            raise disk_error(exc, self.files_root) from exc

    def _append_framed(
        self, path: str, target: Path, size: int, changed: bool, unless: str | None
    ) -> _Outcome:
        """Append an event file's new bytes, checked as they come (see the module's docstring).
        Raises _Unframed when the frames cannot tell, _Replaced when it shrank or changed (its
        record, or its bytes' ETag) without growing."""
        assert self._ledger is not None
        known = self._ledger.frames.get(path)
        if known == NOT_FRAMED:
            raise _Unframed(0, NOT_FRAMED)
        got = 0
        boundary = known if known is not None and known <= size else 0

        def attempt() -> _Outcome:
            nonlocal got, boundary
            boundary, pending = self._frame_tail(target, boundary, got)
            have = boundary + len(pending)
            fresh = changed and have == size  # nothing came yet: not growing means replaced
            asked = None if got else unless  # once bytes came, the local copy is newer than it
            body = self.remote.open(self.run, path, have, unless=asked)
            if body is NOT_MODIFIED:  # the bytes read last, which are here: nothing new
                return _Outcome(got, asked, False, boundary)
            if body is None:  # nothing past our end
                # Bytes other than those read last, and no longer than them: replaced.
                raise _Replaced(got) if fresh or asked is not None else _Unframed(got, boundary)
            check = Continuation(pending)
            try:
                if _not_grown(body.total, have, fresh):
                    raise _Replaced(got)
                if body.start != have:
                    raise _Unframed(got, boundary)
                with create_file(target, "ab") as out:
                    try:
                        for chunk in self._chunks(body):
                            got += len(chunk)
                            out.write(check.feed(chunk))
                    finally:  # cut or done: what is held back is part of one unfinished frame
                        out.write(check.undecided())
                after = last_boundary(target, boundary)
                grew = target.stat().st_size > size
                return _Outcome(got, body.etag, grew, NOT_FRAMED if after is None else after)
            except NotContinuedError:
                raise _Unframed(got, None) from None
            finally:
                body.close()

        return self._resuming(path, attempt)

    @staticmethod
    def _frame_tail(target: Path, boundary: int, got: int) -> tuple[int, bytes]:
        """The local copy's last frame boundary (walking on from a known one) and its bytes
        after it; raises _Unframed when the copy is not a frame sequence."""
        found = last_boundary(target, boundary)
        if found is None and boundary:
            found = last_boundary(target)  # what the ledger kept was stale: walk it all
        if found is None:
            raise _Unframed(got, NOT_FRAMED)
        with target.open("rb") as local:
            local.seek(found)
            return found, local.read()

    def _append(
        self, path: str, target: Path, size: int, changed: bool, unless: str | None
    ) -> tuple[int, str | None]:
        """Append a file's new bytes after checking that the OVERLAP bytes before its local end
        are still the same upstream; raises _Replaced when they are not or it did not grow."""
        got = 0

        def attempt() -> tuple[int, str | None]:
            nonlocal got
            have = target.stat().st_size
            fresh = changed and have == size  # nothing came yet: not growing means replaced
            overlap = min(OVERLAP, have)
            with target.open("rb") as local:
                local.seek(have - overlap)
                tail = local.read(overlap)
            asked = None if got else unless
            body = self.remote.open(self.run, path, have - overlap, unless=asked)
            if body is NOT_MODIFIED:  # the bytes read last, which are here: nothing new
                return got, asked
            if body is None:
                raise _Replaced(got)  # it shrank below what is here
            try:
                if body.start != have - overlap or _not_grown(body.total, have, fresh):
                    raise _Replaced(got)
                head = b""
                with create_file(target, "ab") as out:
                    for chunk in self._chunks(body):
                        got += len(chunk)
                        data = chunk
                        if len(head) < overlap:
                            need = overlap - len(head)
                            head, data = head + chunk[:need], chunk[need:]
                            if head != tail[: len(head)]:
                                raise _Replaced(got)
                        out.write(data)
                if len(head) < overlap or (fresh and target.stat().st_size == have):
                    raise _Replaced(got)  # shorter than what is here, or changed but as long
                return got, body.etag
            finally:
                body.close()

        return self._resuming(path, attempt)

    def _resuming(self, path: str, attempt: Callable[[], T]) -> T:
        """`attempt()` again after a cut connection (it goes on from the bytes here), RESUMES
        times at most."""
        for tries in itertools.count():
            try:
                return attempt()
            except TransferCutError:
                if tries == RESUMES:
                    raise self._cut(path) from None
                self._pause(tries)
        raise AssertionError("unreachable")  # pragma: no cover - itertools.count() never ends

    def _whole(self, path: str, target: Path) -> tuple[int, str | None]:
        ledger = self._ledger
        assert ledger is not None
        partial = self._state / "partial" / hashlib.sha256(path.encode()).hexdigest()[:32]
        make_dirs(partial.parent)
        have = partial.stat().st_size if path in ledger.partials and partial.is_file() else 0
        got = cuts = 0
        try:
            while True:
                body, have = self._resume(path, have)
                try:
                    if not have:
                        ledger.set_partial(path, body.etag)
                        self._save()
                    with create_file(partial, "ab" if have else "wb") as out:
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
            if exc.errno in NO_ROOM:  # give the room back; the partial bytes are worth less
                partial.unlink(missing_ok=True)
                ledger.drop_partial(path)
            raise

    def _resume(self, path: str, have: int) -> tuple[Body, int]:
        """The file's bytes from `have` on when the partial bytes here belong to the file
        upstream now (same etag), else from its start; and where they start."""
        assert self._ledger is not None
        known = self._ledger.partials.get(path)
        if have:
            body = self._bytes(path, have)
            if body is not None and body.start == have and body.etag == known:
                return body, have
            if body is not None and body.start == 0:
                return body, 0  # the service sent it all from the start: take that
            if body is not None:
                body.close()
        body = self._bytes(path, 0)
        if body is None or body.start != 0:
            if body is not None:
                body.close()
            raise SyncError(f"The service would not send {path} of {self.run.name} from its start.")
        return body, 0

    def _bytes(self, path: str, offset: int) -> Body | None:
        """The file's bytes from offset on, unconditionally."""
        body = self.remote.open(self.run, path, offset)
        if isinstance(body, NotModified):  # a remote's bug: there was no ETag to compare with
            raise SyncError(f"The service answered 'not modified' for {path} of {self.run.name} unasked.")
        return body

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
            make_dirs(self.folder)
            make_dirs(self._state)
        except OSError as exc:
            raise disk_error(exc, self.files_root) from exc
        return Ledger.load(self._state / "ledger.json")

    def _save(self) -> None:
        assert self._ledger is not None
        try:
            self._ledger.save()
        except OSError as exc:
            raise disk_error(exc, self.files_root) from exc


def _logs_folder(paths: list[str]) -> str | None:
    """The deepest folder holding every one of the event files (paths), with its '/'; None when
    there are none."""
    folders = sorted({path.rsplit("/", 1)[0] for path in paths if "/" in path})
    if not folders:
        return None
    return posixpath.commonpath(folders) + "/"


def _not_grown(total: int | None, have: int, changed: bool) -> bool:
    """The file upstream (`total` bytes, when told) is not ours grown: it is shorter than the
    `have` bytes here, or as long while its etag says it changed."""
    return total is not None and (total < have or (changed and total == have))
