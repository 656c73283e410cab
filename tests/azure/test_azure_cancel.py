"""Cancelling a read stops its work, not just the wait for it: the worker thread of a cancelled
download writes nothing into the destination (not even once the late answer arrives), a
cancelled metrics read or listing sends no retry after its 429 or 503, and a live sync's poll
cancelled while a file's bytes are on their way stops reading them. The source works afterwards.

Requests are counted in the emulator's log, which notes a request once it is answered: each test
waits until the requests in flight were answered and some time more, then checks. (asyncio.run
also waits for the loop's worker threads before it returns: a thread that went on after the
cancel has done all it would by then.)"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure_helpers import FAST, run

from tbdesk.model import Run
from tbdesk.sources.azure import AzureSource
from tbdesk.sync import AzureRemote, RunCache, RunSync
from tests.azureml_emulator import Emulator, EmuRun, Fault
from tests.azureml_emulator import server as emulator_server
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS

MakeSource = Callable[..., AzureSource]
EVENTS = "logs/events.out.tfevents.1714550400.host"
BLOB = "^/blob/"
WAIT = 30.0  # generous: conditions that hold within milliseconds on a quiet machine


def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting until {what}")
        time.sleep(0.02)


async def cancel_when(task: asyncio.Future[Any], condition: Callable[[], object], what: str) -> None:
    """Cancel task as soon as condition holds (the work is in flight), and let it end."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert not task.done(), f"the task ended before {what}: {task.result()!r}"
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting until {what}")
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def cancelled_when(make: Callable[[], Any], condition: Callable[[], object], what: str) -> None:
    """Run make() as a task on a fresh loop and cancel it once condition holds."""

    async def main() -> None:
        await cancel_when(asyncio.ensure_future(make()), condition, what)

    asyncio.run(main())


def settled(emulator: Emulator, answered: Callable[[], bool], quiet: float = 1.0) -> int:
    """Once the requests in flight were answered (`answered()`, which must also hold when more
    came), and then no request came for `quiet` seconds (a stray thread would have sent or
    written by then): how many were logged."""
    wait_until(answered, "the requests in flight were answered")
    count = len(emulator.log)
    while True:
        time.sleep(quiet)
        if len(emulator.log) == count:
            return count
        count = len(emulator.log)


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def has_bytes(paths: Iterable[Path]) -> bool:
    """Some file among paths is not empty (one that goes away meanwhile is not)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_size > 0:
                return True
    return False


@dataclasses.dataclass
class Drip:
    on: bool = True
    sent: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (bytes sent, of)


@pytest.fixture
def drip(monkeypatch: pytest.MonkeyPatch) -> Iterator[Drip]:
    """File bytes trickle out of the emulator (16 KiB every 20 ms) while `drip.on`: a download
    stays in the middle of its body long enough to be cancelled there. `drip.sent` notes how
    much of each answer went out before it ended or the client hung up."""
    original = emulator_server._Handler._send
    state = Drip()

    def send(self: Any, status: int, body: Any, headers: dict[str, str], **options: Any) -> None:
        raw = options.get("raw")
        if not state.on or not raw or options.get("head") or options.get("cut_after") is not None:
            original(self, status, body, headers, **options)
            return
        sent = 0
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            while sent < len(raw):
                self.wfile.write(raw[sent : sent + 16_384])
                self.wfile.flush()
                sent = min(sent + 16_384, len(raw))
                time.sleep(0.02)
        except OSError:
            self.close_connection = True  # the client hung up: what a cancelled download does
        finally:
            state.sent.append((sent, len(raw)))

    monkeypatch.setattr(emulator_server._Handler, "_send", send)
    yield state
    state.on = False


def hung_up_early(drip: Drip) -> bool:
    """The client stopped reading the one dripped answer before its end (it hung up)."""
    ((sent, size),) = drip.sent
    return sent < size


def _run_with_logs(emulator: Emulator, source: AzureSource, data: dict[str, bytes]) -> tuple[Run, EmuRun]:
    emu = emulator.workspace.add_run("cancel", "cancel_run", status="Running")
    for path, content in data.items():
        emu.upload(path, content)
    return run(source.get_run("cancel", emu.id)), emu


# ---- downloads
def test_a_download_cancelled_while_its_answers_are_late_writes_nothing(
    demo: Emulator, make_source: MakeSource, tmp_path: Path
) -> None:
    source = make_source()
    (top,) = [r for r in run(_runs(source, "mnist-cnn")) if r.name == "cnn lr=0.01"]
    emu = demo.workspace.runs[top.id]
    logs = sorted(p for p in emu.files if p.startswith("logs/"))
    assert len(logs) >= 2
    slow = demo.inject(Fault(match=BLOB, delay=1.5, times=99))
    dest = tmp_path / "chosen folder" / "cnn"

    # Cancelled once every file was asked for: their answers are still on the way.
    cancelled_when(
        lambda: source.fetch_files(top, dest, "logs/"),
        lambda: slow.hits == len(logs),
        "every file was asked for",
    )

    settled(demo, lambda: len(demo.requests("GET", contains="/blob/")) >= slow.hits)
    assert slow.hits == len(logs)  # no retries either
    assert files_in(tmp_path) == []
    # The source goes on working.
    slow.times = 0
    fetched = run(source.fetch_files(top, dest, "logs/"))
    assert sorted(p.relative_to(dest).as_posix() for p in fetched) == logs
    assert all(p.read_bytes() == emu.files[p.relative_to(dest).as_posix()].data for p in fetched)
    assert sorted(files_in(tmp_path)) == sorted(fetched)


def test_a_download_cancelled_in_the_middle_of_its_bytes_leaves_no_file(
    emulator: Emulator, make_source: MakeSource, tmp_path: Path, drip: Drip
) -> None:
    source = make_source()
    data = os.urandom(3_000_000)  # about 4 s at the drip's pace
    target, _ = _run_with_logs(emulator, source, {EVENTS: data})
    dest = tmp_path / "chosen folder"

    cancelled_when(
        lambda: source.fetch_files(target, dest, "logs/"),
        lambda: has_bytes(dest.rglob(".part-*")),
        "bytes were written",
    )

    settled(emulator, lambda: len(emulator.requests("GET", contains="/blob/")) >= 1)
    assert files_in(tmp_path) == []  # neither the file nor its partial copy
    assert hung_up_early(drip)  # the rest of the bytes were not read
    drip.on = False
    (fetched,) = run(source.fetch_files(target, dest, "logs/"))
    assert fetched.read_bytes() == data and files_in(tmp_path) == [fetched]


def test_a_ranged_download_cancelled_midway_leaves_the_file_as_it_was(
    emulator: Emulator, make_source: MakeSource, tmp_path: Path, drip: Drip
) -> None:
    source = make_source()
    first, more = os.urandom(5_000), os.urandom(3_000_000)
    target, emu = _run_with_logs(emulator, source, {EVENTS: first})
    dest = tmp_path / "events"
    drip.on = False
    run(source.download(target, EVENTS, dest))
    emu.append(EVENTS, more)
    drip.on = True

    cancelled_when(
        lambda: source.download(target, EVENTS, dest, offset=len(first)),
        lambda: dest.stat().st_size > len(first),
        "bytes were appended",
    )

    settled(emulator, lambda: emulator.requests("GET", contains="/blob/")[-1].range is not None)
    assert dest.read_bytes() == first
    assert hung_up_early(drip)
    drip.on = False
    grown = run(source.download(target, EVENTS, dest, offset=len(first)))
    assert dest.read_bytes() == first + more and grown.appended == len(more)


# ---- retries
def test_a_metrics_read_cancelled_while_it_waits_out_a_429_sends_nothing_more(
    emulator: Emulator, make_source: MakeSource
) -> None:
    source = make_source()
    emu = emulator.workspace.add_run("cancel", "metrics_run")
    for step in range(3):
        emu.log("loss", 1.0 / (step + 1), step=step)
        emu.log("accuracy", step / 3, step=step)
    target = run(source.get_run("cancel", emu.id))
    throttled = emulator.inject(Fault(match="/full$", status=429, retry_after=3, times=99))

    # Both histories are read at once; both were told to wait 3 s.
    cancelled_when(
        lambda: source.metrics(target), lambda: throttled.hits == 2, "both histories were throttled"
    )

    before = settled(emulator, lambda: len(emulator.requests("POST", contains="/full")) >= 2)
    time.sleep(4.0)  # longer than the Retry-After
    assert len(emulator.log) == before
    assert [r.status for r in emulator.requests("POST", contains="/full")] == [429, 429]
    throttled.times = 0
    assert {m.name for m in run(source.metrics(target))} == {"loss", "accuracy"}


def test_a_listing_cancelled_between_its_retries_sends_nothing_more(
    demo: Emulator, make_source: MakeSource
) -> None:
    source = make_source(policy=dataclasses.replace(FAST, backoff=3.0))
    experiment = next(e for e in run(source.experiments()) if e.name == "lr-sweep")
    failing = demo.inject(Fault(match="runs:query", status=503, times=99))

    async def pages() -> list[list[Run]]:
        return [page async for page in source.runs(experiment)]

    cancelled_when(pages, lambda: failing.hits == 1, "the first page failed")

    before = settled(demo, lambda: len(demo.requests("POST", contains="runs:query")) >= 1)
    time.sleep(4.0)  # longer than the backoff before the retry
    assert len(demo.log) == before and failing.hits == 1
    failing.times = 0
    assert [r.id for page in run(pages()) for r in page] == ["HD_lr-sweep_parent"]


# ---- live sync
def test_a_sync_poll_cancelled_while_a_file_waits_out_a_429_sends_nothing_more(
    emulator: Emulator, make_source: MakeSource, tmp_path: Path
) -> None:
    source = make_source()
    target, emu = _run_with_logs(emulator, source, {EVENTS: os.urandom(10_000)})
    sync = RunSync(AzureRemote(source), target, RunCache(tmp_path / "cache").folder(target.key))
    throttled = emulator.inject(Fault(match=BLOB, status=429, retry_after=3, times=99))

    cancelled_when(sync.poll, lambda: throttled.hits == 1, "the file's bytes were throttled")

    before = settled(emulator, lambda: len(emulator.requests("GET", contains="/blob/")) >= 1)
    time.sleep(4.0)  # longer than the Retry-After
    assert len(emulator.log) == before and throttled.hits == 1
    assert not (sync.folder / "events.out.tfevents.1714550400.host").exists()
    throttled.times = 0
    run(sync.poll())
    assert (sync.folder / "events.out.tfevents.1714550400.host").read_bytes() == emu.files[EVENTS].data


def test_a_sync_poll_cancelled_in_the_middle_of_a_file_stops_reading_it(
    emulator: Emulator, make_source: MakeSource, tmp_path: Path, drip: Drip
) -> None:
    source = make_source()
    data = os.urandom(3_000_000)
    target, _ = _run_with_logs(emulator, source, {EVENTS: data})
    entry = RunCache(tmp_path / "cache").folder(target.key)
    sync = RunSync(AzureRemote(source), target, entry)
    synced = sync.folder / "events.out.tfevents.1714550400.host"

    cancelled_when(sync.poll, lambda: has_bytes((entry / ".sync" / "partial").glob("*")), "bytes arrived")

    settled(emulator, lambda: len(emulator.requests("GET", contains="/blob/")) >= 1)
    assert not synced.exists()  # the rest was never read, so the file was never completed
    assert hung_up_early(drip)
    # The next poll goes on from the bytes kept aside (a crash leaves the same).
    drip.on = False
    emulator.clear_log()
    run(sync.poll())
    assert synced.read_bytes() == data
    (resumed,) = emulator.requests("GET", contains="/blob/")
    assert resumed.range is not None and resumed.range != "bytes=0-"


async def _runs(source: AzureSource, experiment_name: str) -> list[Run]:
    experiments = {e.name: e for e in await source.experiments()}
    return [r async for page in source.runs(experiments[experiment_name]) for r in page]
