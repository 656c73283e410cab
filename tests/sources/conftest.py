"""Real TensorBoard event files, written with tensorboard's own writer (no TensorFlow)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def write_event_file(folder: Path, wall_time: int | None = None, tag: str = "loss") -> Path:
    """One event file with a few scalars in folder; wall_time (if given) goes into its name as
    TensorBoard's writers put it there."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    folder.mkdir(parents=True, exist_ok=True)
    before = set(folder.iterdir())
    writer = EventFileWriter(str(folder))
    for step in range(3):
        value = summary_pb2.Summary.Value(tag=tag, simple_value=1.0 / (step + 1))
        writer.add_event(
            event_pb2.Event(wall_time=wall_time or 0, step=step, summary=summary_pb2.Summary(value=[value]))
        )
    writer.close()
    (path,) = set(folder.iterdir()) - before
    if wall_time is None:
        return path
    return path.rename(folder / f"events.out.tfevents.{wall_time}.testhost.1.0")


@pytest.fixture
def make_event_file() -> Callable[..., Path]:
    return write_event_file
