"""Hand-encoded Events and Summaries, checked against TensorBoard's protobuf classes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from export_helpers import read_folder
from tensorboard.compat.proto import event_pb2, summary_pb2

from tbdesk.export.events import (
    ScalarSeries,
    event,
    file_version_record,
    scalar_records,
    scalar_value,
    string_tensor,
    summary_metadata,
    tensor_value,
)


def write(folder: Path, series: list[ScalarSeries]) -> dict[str, list[tuple[int, float, float]]]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "events.out.tfevents.1.test").open("wb") as out:
        out.write(file_version_record(1.0))
        for chunk in scalar_records(series):
            out.write(chunk.data)
    events, by_tag = read_folder(folder)
    assert events[0].file_version == "brain.Event:2"
    return {
        tag: [(r.step, r.wall_time, r.value.simple_value) for r in reads] for tag, reads in by_tag.items()
    }


def test_single_event_bytes_equal_protobuf_serialization() -> None:
    meta = summary_metadata("scalars", 1, description="the loss")
    ours = event(1234.5, 300, [scalar_value("loss", 0.25, meta), scalar_value("acc", -1.5)])
    expected = event_pb2.Event(wall_time=1234.5, step=300)
    first = expected.summary.value.add(tag="loss", simple_value=0.25)
    first.metadata.plugin_data.plugin_name = "scalars"
    first.metadata.summary_description = "the loss"
    first.metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
    expected.summary.value.add(tag="acc", simple_value=-1.5)
    assert ours == expected.SerializeToString()


def test_string_tensor_value_parses() -> None:
    value = summary_pb2.Summary.Value.FromString(
        tensor_value("notes", string_tensor([b"a", b"", "ü".encode()], [3]), summary_metadata("text", 2))
    )
    assert value.tag == "notes"
    assert list(value.tensor.string_val) == [b"a", b"", "ü".encode()]
    assert [d.size for d in value.tensor.tensor_shape.dim] == [3]
    assert value.metadata.plugin_data.plugin_name == "text"


def test_shared_steps_become_one_event_per_step(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    steps = np.arange(3000)
    times = 1.7e9 + steps * 0.01
    series = [ScalarSeries(f"train/{i}", steps, times, rng.normal(size=len(steps))) for i in range(4)]
    got = write(tmp_path, series)
    events, _ = read_folder(tmp_path)
    assert len(events) == 1 + len(steps)
    for item in series:
        assert [g[0] for g in got[item.tag]] == steps.tolist()
        assert [g[1] for g in got[item.tag]] == times.tolist()
        assert np.array_equal(np.float32([g[2] for g in got[item.tag]]), item.values.astype(np.float32))


def test_own_wall_times_are_kept_exactly(tmp_path: Path) -> None:
    steps = np.arange(1000)
    series = [
        ScalarSeries("a", steps, 1.7e9 + steps + 0.000001, steps * 1.0),
        ScalarSeries("b", steps, 1.7e9 + steps + 0.000002, steps * 2.0),
    ]
    got = write(tmp_path, series)
    assert [g[1] for g in got["a"]] == (1.7e9 + steps + 0.000001).tolist()
    assert [g[1] for g in got["b"]] == (1.7e9 + steps + 0.000002).tolist()


def test_irregular_series_keep_every_point_in_step_order(tmp_path: Path) -> None:
    big = [0, 1, 127, 128, 16_383, 16_384, 2**21, 2**35, 2**62, -1, -(2**40)]
    series = [
        ScalarSeries("wide", np.array(big), np.arange(len(big)) + 1e9, np.arange(len(big)) * 1.0),
        # Unsorted, with a repeated step: the last logged value of step 5 wins.
        ScalarSeries("messy", np.array([5, 1, 5, 3]), np.array([1.0, 2, 3, 4]), np.array([1.0, 2, 3, 4])),
        # Shares step 1 and time 2.0 with "messy" only there.
        ScalarSeries("sometimes", np.array([1, 9]), np.array([2.0, 9]), np.array([7.0, 8])),
        ScalarSeries("empty", np.array([], dtype=np.int64), np.array([]), np.array([])),
    ]
    got = write(tmp_path, series)
    assert [g[0] for g in got["wide"]] == sorted(big)
    assert got["messy"] == [(1, 2.0, 2.0), (3, 4.0, 4.0), (5, 3.0, 3.0)]
    assert got["sometimes"] == [(1, 2.0, 7.0), (9, 9.0, 8.0)]
    assert "empty" not in got


def test_special_values(tmp_path: Path) -> None:
    values = np.array([math.nan, math.inf, -math.inf, 1e300, -1e300, 1e-50, 0.1])
    got = write(tmp_path, [ScalarSeries("v", np.arange(7), np.full(7, 5.0), values)])
    read = [g[2] for g in got["v"]]
    assert math.isnan(read[0])
    assert read[1:3] == [math.inf, -math.inf]
    top = float(np.finfo(np.float32).max)
    assert read[3:5] == [top, -top]  # saturated, not turned into infinities
    assert read[5] == 0.0
    assert read[6] == pytest.approx(0.1)


def test_description_goes_on_the_first_value(tmp_path: Path) -> None:
    series = [ScalarSeries("loss", np.arange(3), np.arange(3) + 1.0, np.ones(3), "training loss")]
    write(tmp_path, series)
    _, by_tag = read_folder(tmp_path)
    reads = by_tag["loss"]
    assert reads[0].value.metadata.summary_description == "training loss"
    assert [r.step for r in reads] == [0, 1, 2]
    assert not reads[1].value.HasField("metadata")
