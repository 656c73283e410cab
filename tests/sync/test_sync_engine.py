"""One run's logs/ -> a local folder, incrementally, against the Azure ML emulator: what each poll
asks for (the emulator's request log), what it fetches, and that the folder always ends byte for
byte the same as the run's files."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest
from sync_helpers import Events, run, same_files

from tbdesk.model import Run
from tbdesk.sources.azure import AzureSource
from tbdesk.sync import AzureRemote, RunCache, RunSync, SyncError
from tbdesk.sync.engine import OVERLAP, RESUMES
from tbdesk.sync.remote import Body, NotModified
from tests.azureml_emulator import Emulator, EmuRun, Fault

EVENTS = "logs/events.out.tfevents.1714550400.host"


def _sync(source: AzureSource, cache: RunCache, emu_run: EmuRun) -> RunSync:
    async def get() -> Run:
        return await source.get_run(emu_run.experiment.name, emu_run.id)

    the_run = run(get())
    # A probe at every poll: whether a record shows its file's growth is the emulator's mode.
    return RunSync(AzureRemote(source), the_run, cache.folder(the_run.key), probe_every=0.0)


def _poll(sync: RunSync):  # type: ignore[no-untyped-def]
    """A poll of a run under way: one event file whose record says nothing may be probed."""
    return run(sync.poll(probe=True))


def test_first_poll_fetches_the_prefix_then_an_idle_poll_costs_one_request(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    running.upload("logs/eval/events.out.tfevents.1714550500.host", Events("acc").steps(0, 3))
    sync = _sync(source, cache, running)
    emulator.clear_log()
    first = _poll(sync)
    same_files(running, sync.folder)
    assert sorted(first.changed) == sorted(p for p in running.files if p.startswith("logs/"))
    assert not (sync.files_root / "outputs").exists()
    paths = [r.path for r in emulator.requests()]
    assert sum("/artifacts/ExperimentRun/" in p for p in paths) == 1  # one listing
    assert sum("/prefix/contentinfo/" in p for p in paths) == 1  # one request for every link
    assert sum(p.startswith("/blob/") for p in paths) == 2

    emulator.clear_log()
    idle = run(sync.poll())  # no probe due: the listing alone
    assert idle.changed == () and idle.fetched == 0 and idle.files == 2
    assert [r.path for r in emulator.requests()] == [emulator.requests()[0].path]
    (listing,) = emulator.requests()
    assert listing.path.endswith("/artifacts/ExperimentRun/dcid.live_run_1")
    assert listing.query == {"path": "logs/"}


def test_a_growing_event_file_costs_exactly_its_new_bytes(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 5))
    sync = _sync(source, cache, running)
    _poll(sync)
    for first in range(5, 50, 5):
        more = events.steps(first, first + 5)
        have = len(running.files[EVENTS].data)
        running.append(EVENTS, more)
        emulator.clear_log()
        result = _poll(sync)
        assert result.changed == (EVENTS,)
        assert result.fetched == len(more)  # no byte twice: the new frames' checksums vouch for them
        (blob,) = emulator.requests(contains="/blob/")
        assert blob.range == f"bytes={have}-" and len(emulator.requests()) == 2  # the listing, one GET
        same_files(running, sync.folder)


def test_an_event_file_caught_mid_record_goes_on_from_its_partial_frame(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    events = Events("loss")
    whole = events.steps(0, 5) + events.steps(5, 12)
    running.upload(EVENTS, whole[:-30])  # the upload caught the writer in the middle of a record
    sync = _sync(source, cache, running)
    _poll(sync)
    local = sync.folder / EVENTS.removeprefix("logs/")
    assert local.read_bytes() == whole[:-30]
    running.append(EVENTS, whole[-30:-10])
    assert _poll(sync).fetched == 20  # still not a whole record: kept, checked with the rest later
    tail = events.steps(12, 20)
    running.append(EVENTS, whole[-10:] + tail)
    assert _poll(sync).fetched == 10 + len(tail)
    same_files(running, sync.folder)


def test_other_files_are_checked_by_reading_a_few_bytes_again(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    if emulator.workspace.record_etags == "never":
        pytest.skip("only event files are probed: a growing text file shows through its record alone")
    notes = "logs/notes.txt"
    running.upload(notes, b"epoch 1\n" * 100)
    running.upload(EVENTS, os.urandom(3000))  # named like an event file, but not frames
    sync = _sync(source, cache, running)
    _poll(sync)
    running.append(notes, b"epoch 2\n" * 10)
    running.append(EVENTS, os.urandom(500))
    result = _poll(sync)
    assert result.fetched == 80 + OVERLAP + 500 + OVERLAP
    same_files(running, sync.folder)

    running.upload(notes, b"EPOCH 1\n" * 110)  # replaced by as many bytes and more: the overlap tells
    running.upload(EVENTS, os.urandom(4000))
    _poll(sync)
    same_files(running, sync.folder)


def test_a_file_replaced_or_shrunk_upstream_is_fetched_again_whole(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    running.upload(EVENTS, Events("loss").steps(0, 20))
    config = "logs/projector/projector_config.pbtxt"
    running.upload(config, b"embeddings { tensor_name: 'a' }\n" + b"#" * 100)
    sync = _sync(source, cache, running)
    _poll(sync)
    local = sync.folder / EVENTS.removeprefix("logs/")
    inode = local.stat().st_ino

    # Longer, but other frames: another writer replaced the file.
    replaced = Events("val_loss", wall=1_800_000_000.0).steps(0, 30)
    running.upload(EVENTS, replaced)
    result = _poll(sync)
    assert result.changed == (EVENTS,)
    same_files(running, sync.folder)
    assert local.stat().st_ino != inode  # renamed into place, never rewritten under a reader

    running.upload(EVENTS, replaced[:-1] + bytes([replaced[-1] ^ 1]))  # as long: nothing past our end
    _poll(sync)
    same_files(running, sync.folder)

    # As long again, with its last OVERLAP bytes unchanged: only the etag tells.
    early = bytearray(running.files[EVENTS].data)
    early[30] ^= 0xFF
    running.upload(EVENTS, bytes(early))
    running.upload(config, b"embeddings { tensor_name: 'b' }\n" + b"#" * 100)
    result = _poll(sync)
    assert sorted(result.changed) == [EVENTS, config]
    assert result.fetched == len(early) + 132  # fetched whole, and nothing else
    same_files(running, sync.folder)
    assert _poll(sync).fetched == 0

    running.upload(EVENTS, replaced + os.urandom(500))  # grown by bytes that are not frames
    _poll(sync)
    same_files(running, sync.folder)

    running.upload(EVENTS, replaced[:100])  # shrunk
    _poll(sync)
    same_files(running, sync.folder)


def test_new_files_join_with_one_listing_and_one_link_request(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    sync = _sync(source, cache, running)
    _poll(sync)
    emulator.clear_log()
    running.upload("logs/fold-1/events.out.tfevents.1.host", Events("a").steps(0, 4))
    running.upload("logs/fold-2/events.out.tfevents.2.host", Events("b").steps(0, 4))
    result = run(sync.poll())
    assert sorted(result.changed) == [
        "logs/fold-1/events.out.tfevents.1.host",
        "logs/fold-2/events.out.tfevents.2.host",
    ]
    assert len(emulator.requests(contains="/contentinfo/")) == 1
    assert len(emulator.requests(contains="/blob/")) == 2
    same_files(running, sync.folder)


def test_path_traversal_is_refused_and_reported(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun, tmp_path: Path
) -> None:
    hostile = [
        "logs/../../../escaped.txt",
        "logs/..%2f..%2fescaped.txt",
        "logs/%2e%2e/escaped.txt",
        "logs/a\\..\\..\\escaped.txt",
        "logs/C:/escaped.txt",
        "logs//etc/passwd",
        "logs/nul\x00.txt",
        "logs/\uff0e\uff0e/escaped.txt",
    ]
    for path in hostile:
        running.upload(path, b"evil")
    sync = _sync(source, cache, running)
    result = _poll(sync)
    assert len(result.refused) == len(hostile)
    for path in hostile:
        assert any(repr(path) in message and "Refused the run file" in message for message in result.refused)
    assert result.files == 1  # the real event file is synced all the same
    assert not any(p.name.startswith("escaped") for p in tmp_path.rglob("*"))
    assert [p.name for p in sync.folder.rglob("*") if p.is_file()] == [EVENTS.removeprefix("logs/")]
    assert not any("escaped" in r.path or "passwd" in r.path for r in emulator.requests(contains="/blob/"))


def test_an_interrupted_download_resumes_from_its_partial_bytes_in_a_new_session(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    big = os.urandom(2_000_000)
    running.upload("logs/projector/embeddings.bin", big)
    sync = _sync(source, cache, running)
    emulator.inject(Fault(match="^/blob/.*embeddings", cut_after=200_000, times=RESUMES + 1))
    with pytest.raises(SyncError, match="kept breaking off"):
        _poll(sync)
    assert not (sync.folder / "projector" / "embeddings.bin").exists()  # nothing torn in view
    (partial,) = (sync.files_root.parent / ".sync" / "partial").iterdir()
    kept = partial.stat().st_size
    assert 0 < kept < len(big) and big.startswith(partial.read_bytes())

    later = _sync(source, cache, running)  # the next launch: the ledger on disk knows the partial
    result = _poll(later)
    assert result.fetched == len(big) - kept
    same_files(running, later.folder)


def test_an_interrupted_append_leaves_a_prefix_and_resumes(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 10))
    sync = _sync(source, cache, running)
    _poll(sync)
    running.append(EVENTS, events.steps(10, 20_000))
    emulator.inject(Fault(match="^/blob/", cut_after=100_000, times=RESUMES + 1))
    with pytest.raises(SyncError, match="kept breaking off"):
        _poll(sync)
    local = (sync.folder / EVENTS[5:]).read_bytes()
    upstream = running.files[EVENTS].data
    assert len(local) < len(upstream) and upstream.startswith(local)  # a valid prefix, never garbage
    result = _poll(sync)
    assert result.fetched == len(upstream) - len(local)
    same_files(running, sync.folder)


class _Counting(AzureRemote):
    """Counts the downloads being opened at once (each answer comes only after a delay)."""

    def __init__(self, source: AzureSource) -> None:
        super().__init__(source)
        self._lock = threading.Lock()
        self._now = 0
        self.most = 0

    def open(
        self, run: Run, path: str, offset: int, *, unless: str | None = None
    ) -> Body | NotModified | None:
        with self._lock:
            self._now += 1
            self.most = max(self.most, self._now)
        try:
            return super().open(run, path, offset, unless=unless)
        finally:
            with self._lock:
                self._now -= 1


def test_several_files_at_once_within_the_bound(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    for i in range(8):
        running.upload(f"logs/run-{i}/events.out.tfevents.{i}.host", Events(f"t{i}").steps(0, 50))
    emulator.inject(Fault(match="^/blob/", delay=0.2, times=8))
    the_run = run(source.get_run("live", running.id))
    remote = _Counting(source)

    async def main() -> None:
        sync = RunSync(remote, the_run, cache.folder(the_run.key), limit=asyncio.Semaphore(3))
        await sync.poll()
        same_files(running, sync.folder)

    run(main())
    assert len(emulator.requests(contains="/blob/")) == 9  # the 8 files, and the one already there
    assert 1 < remote.most <= 3  # several at once, never more than the bound
