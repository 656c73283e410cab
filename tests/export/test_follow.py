"""tbdesk.export.follow and append_metrics: the points a running run logs after its export,
appended to its event file, read back by TensorBoard's own loader (steps and wall times as
logged, each point once; nothing a restart would be taken for)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from tbdesk.export.follow import last_steps, new_points
from tbdesk.export.writer import append_metrics, write_metrics
from tbdesk.model import Metric, MetricKind, MetricPoint, ScalarPoints
from tests.export.export_helpers import read_folder

T0 = 1_714_550_400.0


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(T0 + seconds, UTC)


def _scalar(name: str, steps: list[int]) -> Metric:
    return Metric(name, MetricKind.SCALAR, tuple(MetricPoint(s, _at(s), s / 10) for s in steps))


def _arrays(name: str, steps: list[int]) -> Metric:
    array = np.array(steps, dtype=np.int64)
    return Metric(name, MetricKind.SCALAR, ScalarPoints(array, T0 + array.astype(np.float64), array / 10))


def test_only_points_past_the_last_step_written_are_new() -> None:
    written = [_scalar("loss", [0, 1, 2]), _arrays("acc", [0, 1]), _scalar("idle", [0])]
    last = last_steps(written)
    assert last == {"loss": 2, "acc": 1, "idle": 0}
    now = [
        _scalar("loss", [0, 1, 2, 3, 4]),
        _arrays("acc", [0, 1, 1, 2]),  # step 1 logged again: not new
        _scalar("idle", [0]),
        _scalar("late", [0, 1]),  # a metric first logged now: all of it
        Metric("pic", MetricKind.IMAGE, (MetricPoint(0, _at(0), "a.png"),)),
    ]
    fresh = {metric.name: [point.step for point in metric.points] for metric in new_points(now, last)}
    assert fresh == {"loss": [3, 4], "acc": [2], "late": [0, 1]}
    assert isinstance(next(m for m in new_points(now, last) if m.name == "acc").points, ScalarPoints)


def test_appended_points_are_read_after_the_export_with_their_steps_and_times(tmp_path: Path) -> None:
    first = [_scalar("loss", [0, 1]), Metric("note", MetricKind.STRING, (MetricPoint(0, _at(0), "hi"),))]
    written = write_metrics(first, tmp_path, start_time=T0)
    size = written.file.stat().st_size
    later = [_scalar("loss", [0, 1, 2, 3]), _arrays("acc", [5]), first[1]]
    points, notes = append_metrics(new_points(later, last_steps(first)), written.file)
    assert (points, notes) == (3, ())
    assert written.file.stat().st_size > size  # the same file, grown
    assert [path.name for path in tmp_path.iterdir()] == [written.file.name]
    _, by_tag = read_folder(tmp_path)
    assert [(read.step, read.wall_time) for read in by_tag["loss"]] == [(s, T0 + s) for s in range(4)]
    assert [(read.step, read.wall_time) for read in by_tag["acc"]] == [(5, T0 + 5)]
    assert [read.step for read in by_tag["note"]] == [0]


def test_nothing_new_writes_nothing(tmp_path: Path) -> None:
    written = write_metrics([_scalar("loss", [0])], tmp_path, start_time=T0)
    before = written.file.read_bytes()
    assert append_metrics([], written.file) == (0, ())
    assert written.file.read_bytes() == before
