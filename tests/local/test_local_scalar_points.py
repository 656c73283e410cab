"""The workspace reads scalar and list metrics into arrays (ScalarPoints) that still behave as the
sequence of MetricPoints every other reader expects."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from tbdesk.local import Experiment, Workspace
from tbdesk.local.store import WorkspaceStore
from tbdesk.model import Metric, MetricKind, MetricPoint, ScalarPoints


def test_numbers_come_back_as_arrays_exactly(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    run = Experiment(ws, "e").start_logging()
    run.log_list("curve", [0.5, math.nan, math.inf, -math.inf, 1e300])
    run.log("late", 7, step=2**40)
    run.log("late", 8, step=3)
    run.log("text", "kept as points")
    with WorkspaceStore(ws.path) as store:
        metrics = {m.name: m for m in store.metrics(run.id)}
        raw = store._read  # the stored times, to compare the arrays with exactly
        with raw() as conn:
            stored = [t for (t,) in conn.execute("SELECT time FROM points ORDER BY rowid")]
    ws.close()
    curve = metrics["curve"].points
    assert isinstance(curve, ScalarPoints)
    assert curve.steps.dtype == np.int64 and curve.times.dtype == curve.values.dtype == np.float64
    assert curve.steps.tolist() == [0, 1, 2, 3, 4]
    assert curve.times.tolist() == stored[:5]
    assert np.array_equal(curve.values, [0.5, math.nan, math.inf, -math.inf, 1e300], equal_nan=True)
    late = metrics["late"].points
    assert isinstance(late, ScalarPoints)
    assert late.steps.tolist() == [3, 2**40] and late.values.tolist() == [8.0, 7.0]  # in step order
    assert isinstance(metrics["text"].points, tuple)
    with pytest.raises(ValueError, match="read-only"):
        curve.values[0] = 1.0


def test_scalar_points_behave_as_metric_points() -> None:
    times = np.array([1.7e9, 1.7e9 + 0.25, 1.7e9 + 0.5])
    points = ScalarPoints(np.array([0, 1, 5]), times, np.array([1.0, math.nan, 3.0]))
    as_tuple = tuple(
        MetricPoint(step, datetime.fromtimestamp(moment, UTC), value)
        for step, moment, value in zip([0, 1, 5], times.tolist(), [1.0, math.nan, 3.0], strict=True)
    )
    assert len(points) == 3
    assert points[0] == as_tuple[0] and points[-1] == as_tuple[-1]
    assert [p.step for p in points] == [0, 1, 5]
    assert math.isnan(points[1].value) and isinstance(points[2].value, float)
    assert points[1:].steps.tolist() == [1, 5]
    assert points == ScalarPoints(np.array([0, 1, 5]), times.copy(), np.array([1.0, math.nan, 3.0]))
    assert points != ScalarPoints(np.array([0, 1, 6]), times, np.array([1.0, math.nan, 3.0]))
    assert points[::2] == (as_tuple[0], as_tuple[2])
    assert Metric("m", MetricKind.SCALAR, points) == Metric("m", MetricKind.SCALAR, points)
    assert hash(points) == hash(points[:])
    with pytest.raises(ValueError, match="differ in length"):
        ScalarPoints(np.array([0]), np.array([1.0, 2.0]), np.array([1.0]))
