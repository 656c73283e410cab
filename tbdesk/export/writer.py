"""Writes one run's metrics as one event file in one folder (blocking: call it in a thread).

The file is written under a name TensorBoard ignores and renamed when complete, so a TensorBoard
watching the folder never reads half a file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tbdesk.export.convert import Contents, convert
from tbdesk.export.errors import ExportCancelled
from tbdesk.export.events import (
    DATA_CLASS_TENSOR,
    event,
    file_version_record,
    repeated_steps_note,
    scalar_records,
    string_tensor,
    summary_metadata,
    tensor_value,
)
from tbdesk.export.images import image_value
from tbdesk.export.records import frame
from tbdesk.model import Metric, MetricKind
from tbdesk.paths import create_file, make_dirs

PARTIAL_NAME = ".events.partial"


@dataclass(frozen=True)
class Written:
    """What write_metrics wrote."""

    file: Path
    points: int
    start_time: float  # the wall time of the file's first event
    notes: tuple[str, ...]  # what was left out, and why


def event_file_name(start_time: float) -> str:
    """The same name for the same run: a re-export replaces the file instead of adding one."""
    return f"events.out.tfevents.{max(0, int(start_time)):010d}.tbdesk"


def write_metrics(
    metrics: Sequence[Metric],
    folder: Path,
    *,
    image_root: Path | None = None,
    start_time: float | None = None,
    extra_values: Sequence[bytes] = (),
    cancelled: Callable[[], bool] = lambda: False,
) -> Written:
    """Write metrics as TensorBoard events into folder (created if needed).

    image_root: the folder that the paths of image metrics are relative to (the run's files);
    without it, images are left out. start_time: the run's start (seconds), else its first point.
    extra_values: encoded Summary.Values written at step 0 (the hparams plugin's data).
    """
    contents = convert(metrics)
    notes = list(contents.notes)
    start = start_time if start_time is not None else _first_time(contents)
    make_dirs(folder)
    partial = folder / PARTIAL_NAME
    target = folder / event_file_name(start)
    with create_file(partial) as out:
        out.write(file_version_record(start))
        for value in extra_values:
            out.write(frame(event(start, 0, [value])))
        for record in _records(contents, notes, image_root, cancelled):
            out.write(record)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    return Written(target, contents.points, start, tuple(notes))


def append_metrics(metrics: Sequence[Metric], file: Path) -> tuple[int, tuple[str, ...]]:
    """Append metrics' points as events to the end of an event file that write_metrics wrote, in
    one write: a TensorBoard that follows the growing file reads them (its readers resume at a
    record cut in half, so even a write seen midway loses nothing). Images are left out (their
    files are not fetched here). Returns the points appended and the notes."""
    contents = convert([metric for metric in metrics if metric.kind is not MetricKind.IMAGE])
    notes = list(contents.notes)
    data = b"".join(bytes(record) for record in _records(contents, notes, None, lambda: False))
    if data:
        fd = os.open(file, os.O_WRONLY | os.O_APPEND)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    return contents.points, tuple(notes)


def _records(
    contents: Contents, notes: list[str], image_root: Path | None, cancelled: Callable[[], bool]
) -> Iterator[bytes | memoryview]:
    """The framed events of contents, in the order they are written."""
    for chunk in scalar_records(contents.scalars, notes):
        yield chunk.data
    _check(cancelled)
    for series in contents.texts:
        metadata = summary_metadata("text", DATA_CLASS_TENSOR, description=series.description)
        for index, (step, wall_time, text) in enumerate(_in_step_order(series.tag, series.points, notes)):
            tensor = string_tensor([text.encode("utf-8")], [])
            value = tensor_value(series.tag, tensor, metadata if index == 0 else b"")
            yield frame(event(wall_time, step, [value]))
    for images in contents.images:
        first = True
        for step, wall_time, path in _in_step_order(images.tag, images.points, notes):
            _check(cancelled)
            data = _read_image(image_root, path, images.tag, notes)
            if data is None:
                continue
            value = image_value(images.tag, data, first=first, description=images.description)
            yield frame(event(wall_time, step, [value]))
            first = False


def _check(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise ExportCancelled


def _first_time(contents: Contents) -> float:
    times = [float(s.times.min()) for s in contents.scalars if len(s.times)]
    times += [p[1] for text in contents.texts for p in text.points]
    times += [p[1] for image in contents.images for p in image.points]
    return min(times) if times else time.time()


def _in_step_order(
    tag: str, points: Sequence[tuple[int, float, str]], notes: list[str]
) -> list[tuple[int, float, str]]:
    """Ascending steps, the last one logged for a repeated step (as TensorBoard keeps it); how many
    were left out goes to notes."""
    by_step: dict[int, tuple[int, float, str]] = {}
    for point in points:
        by_step[point[0]] = point
    repeated = len(points) - len(by_step)
    if repeated:
        notes.append(repeated_steps_note(tag, repeated))
    return [by_step[step] for step in sorted(by_step)]


def _read_image(root: Path | None, path: str, tag: str, notes: list[str]) -> bytes | None:
    if root is None:
        notes.append(f"{tag}: the image {path!r} was left out (the run's files were not fetched)")
        return None
    base = root.resolve()
    file = (base / path).resolve()
    if base not in file.parents:
        notes.append(f"{tag}: the image path {path!r} points outside the run's files and was left out")
        return None
    try:
        return file.read_bytes()
    except FileNotFoundError:
        notes.append(f"{tag}: the image {path!r} is missing from the run's files and was left out")
        return None
