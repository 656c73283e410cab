"""TensorBoard event files written with TensorBoard's own record writer and summary protos, without
TensorFlow, not even a try to import it:
- EventFileWriter opens its file through `tensorboard.compat.tf`, which imports TensorFlow whenever
  it is installed (seconds, hundreds of MB); so the file is opened here and TensorBoard's
  RecordWriter frames the records.
- The scalar, histogram and text plugins have TF-free `*_pb` helpers. The image plugin's need
  TensorFlow, so image summaries are built from the plugin's metadata: a string tensor holding
  width, height and the PNG.
"""

from __future__ import annotations

import itertools
import os
import socket
import time
from pathlib import Path
from types import TracebackType

import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.plugins.histogram.summary_v2 import histogram_pb
from tensorboard.plugins.hparams.summary_v2 import hparams_pb
from tensorboard.plugins.image import metadata as image_metadata
from tensorboard.plugins.scalar.summary_v2 import scalar_pb
from tensorboard.plugins.text.summary_v2 import text_pb
from tensorboard.summary.writer.record_writer import RecordWriter
from tensorboard.util import tensor_util

# Tells apart the files that one process opens in the same second.
_file_numbers = itertools.count(1)


def event_file_name() -> str:
    """The name TensorBoard looks for ("tfevents"), in the shape its own writers use."""
    stamp = f"{int(time.time()):010d}"
    return f"events.out.tfevents.{stamp}.{socket.gethostname()}.{os.getpid()}.{next(_file_numbers)}"


class SummaryLog:
    """Collects the summaries of each step and writes one Event per step (which TensorBoard loads
    faster than one Event per value). Use as a context manager; everything is on disk after exit."""

    def __init__(self, logdir: Path) -> None:
        logdir.mkdir(parents=True, exist_ok=True)
        self.path = logdir / event_file_name()
        self._writer = RecordWriter(self.path.open("xb"))
        self._write(
            event_pb2.Event(
                wall_time=time.time(),
                file_version="brain.Event:2",
                source_metadata=event_pb2.SourceMetadata(writer="tbdesk.demo"),
            )
        )
        self._pending: dict[int, tuple[float, summary_pb2.Summary]] = {}

    def __enter__(self) -> SummaryLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _add(self, step: int, summary: summary_pb2.Summary) -> None:
        # The wall time of a step is when its first value arrived.
        self._pending.setdefault(step, (time.time(), summary_pb2.Summary()))[1].value.extend(summary.value)

    def scalar(self, tag: str, value: float, step: int) -> None:
        self._add(step, scalar_pb(tag, value))

    def histogram(self, tag: str, values: np.ndarray, step: int) -> None:
        self._add(step, histogram_pb(tag, values))

    def text(self, tag: str, markdown: str, step: int) -> None:
        self._add(step, text_pb(tag, markdown))

    def hparams(self, values: dict[str, float | str], trial: str) -> None:
        """The run's hyperparameters, for TensorBoard's HParams dashboard (which finds the metrics
        among the scalars by itself)."""
        self._add(0, hparams_pb(values, trial_id=trial))

    def image(
        self, tag: str, png: bytes, width: int, height: int, *, step: int, description: str = ""
    ) -> None:
        tensor = tensor_util.make_tensor_proto(
            [str(width).encode(), str(height).encode(), png], dtype=np.object_
        )
        summary = summary_pb2.Summary()
        summary.value.add(
            tag=tag,
            metadata=image_metadata.create_summary_metadata(display_name=None, description=description),
            tensor=tensor,
        )
        self._add(step, summary)

    def flush(self) -> None:
        """Write the collected steps in step order."""
        for step in sorted(self._pending):
            wall_time, summary = self._pending[step]
            self._write(event_pb2.Event(wall_time=wall_time, step=step, summary=summary))
        self._pending.clear()
        self._writer.flush()

    def _write(self, event: event_pb2.Event) -> None:
        self._writer.write(event.SerializeToString())

    def close(self) -> None:
        self.flush()
        self._writer.close()
