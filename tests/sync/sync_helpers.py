"""Helpers of the sync tests: event file bytes made step by step, a fast retry policy, waiting on
conditions with a deadline, a followed run's sync status, and comparing a synced folder with the
run's files."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from tbdesk.azure.rest import Policy
from tbdesk.model import RunKey
from tbdesk.sync import LiveSync, RunSyncStatus
from tests.azureml_emulator import EmuRun

T = TypeVar("T")

# Every retry still happens; only the waits are short.
FAST = Policy(timeout=5.0, connect_timeout=2.0, retries=3, backoff=0.01)


class Events:
    """The bytes of one growing event file: a header record, then records appended per step."""

    def __init__(self, tag: str, wall: float = 1_714_550_400.0) -> None:
        self.tag = tag
        self.wall = wall
        self.started = False

    def steps(self, first: int, last: int) -> bytes:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter

        buffer = io.BytesIO()
        writer = RecordWriter(buffer)
        if not self.started:
            self.started = True
            writer.write(
                event_pb2.Event(wall_time=self.wall, file_version="brain.Event:2").SerializeToString()
            )
        for step in range(first, last):
            value = summary_pb2.Summary.Value(tag=self.tag, simple_value=float(step) / 10)
            event = event_pb2.Event(
                wall_time=self.wall + step, step=step, summary=summary_pb2.Summary(value=[value])
            )
            writer.write(event.SerializeToString())
        return buffer.getvalue()


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


def same_files(emu_run: EmuRun, folder: Path, prefix: str = "logs/") -> None:
    """The synced folder holds exactly the run's files under prefix, byte for byte."""
    upstream = {p[len(prefix) :]: f.data for p, f in emu_run.files.items() if p.startswith(prefix)}
    local = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert sorted(local) == sorted(upstream)
    for name, data in upstream.items():
        assert local[name] == data, f"{name}: {len(local[name])} bytes here, {len(data)} upstream"


def status_of(live: LiveSync, key: RunKey) -> RunSyncStatus:
    """The sync status of a run the live sync follows (it must)."""
    found = live.status(key)
    assert found is not None, f"{key.run_id} is not followed"
    return found


async def until(condition: Callable[[], object], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
