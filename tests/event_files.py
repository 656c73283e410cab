"""Test helpers shared across test folders: real TensorBoard event files, and waiting on a condition."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path


def write_events(
    folder: Path,
    tag: str = "loss",
    steps: int = 5,
    *,
    more_tags: Sequence[str] = (),
    start: float | None = None,
) -> Path:
    """A real TensorBoard event file in folder: scalar tags at steps 0..steps-1, the i-th tag worth
    (i + 1) / (step + 1); wall times start + step, or now."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    folder.mkdir(parents=True, exist_ok=True)
    writer = EventFileWriter(str(folder))
    for step in range(steps):
        values = [
            summary_pb2.Summary.Value(tag=name, simple_value=(i + 1) / (step + 1))
            for i, name in enumerate((tag, *more_tags))
        ]
        wall_time = time.time() if start is None else start + step
        writer.add_event(
            event_pb2.Event(wall_time=wall_time, step=step, summary=summary_pb2.Summary(value=values))
        )
    writer.close()
    return folder


def wait_until(condition: Callable[[], object], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll condition (with a short backoff) until it is true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
