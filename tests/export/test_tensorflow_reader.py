"""TensorFlow's own event reader reads the export exactly (runs where TensorFlow is installed)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest
from conftest import Sample, every_kind, run_sync
from export_helpers import event_files, read_folder

from tbdesk.export import export_run

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None,
    reason="TensorFlow is not installed here (CI installs it); tbdesk itself never needs it",
)


def test_summary_iterator_reads_what_tensorboard_reads(sample: Sample, tmp_path: Path) -> None:
    import tensorflow as tf

    run = sample.run(every_kind(sample.workspace))
    result = run_sync(export_run(sample.source, run, tmp_path))
    (path,) = event_files(result.folder)
    ours = read_folder(result.folder)[0]
    theirs = list(tf.compat.v1.train.summary_iterator(str(path)))
    assert len(theirs) == len(ours)
    for mine, tf_event in zip(ours, theirs, strict=True):
        assert (tf_event.step, tf_event.wall_time) == (mine.step, mine.wall_time)
        assert [v.tag for v in tf_event.summary.value] == [v.tag for v in mine.summary.value]
        for a, b in zip(tf_event.summary.value, mine.summary.value, strict=True):
            if a.HasField("simple_value"):
                assert a.simple_value == b.simple_value or (
                    math.isnan(a.simple_value) and math.isnan(b.simple_value)
                )
            else:
                assert a.tensor.string_val == b.tensor.string_val
