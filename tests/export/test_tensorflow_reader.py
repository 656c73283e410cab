"""TensorFlow's own event reader reads the export exactly as tensorboard's loader does.

TensorFlow lives in its own venv (.ci/tf-venv.sh; in tbdesk's it would slow TensorBoard down and pin
other tensorboard/protobuf versions), so TensorFlow's side runs in a child process of that Python:
`TBDESK_TF_PYTHON`, by default .venv-tf/bin/python. Both sides describe every event of every event
file with the same function, and the descriptions must be equal.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from export_samples import ALPHAS, Sample, every_kind, ridge_sweep, run_sync

from tbdesk.export import export_runs

ROOT = Path(__file__).resolve().parents[2]
ENV_VAR = "TBDESK_TF_PYTHON"


def _tensorflow_python() -> str:
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        assert Path(configured).exists(), f"{ENV_VAR}={configured} does not exist"
        return configured
    default = ROOT / ".venv-tf" / "bin" / "python"
    if not default.exists():
        pytest.skip(f"no Python with TensorFlow: run .ci/tf-venv.sh or set {ENV_VAR}")
    return str(default)


def describe_folder(root: str, read: Callable[[str], Any], make_ndarray: Callable[[Any], Any]) -> Any:
    """Every event file under root (sorted), each event as plain JSON: step, wall time, and each
    value's tag, kind, metadata and value as the reader's make_ndarray decodes it. Floats as
    float.hex() (exact, and NaN/inf survive JSON), bytes as hex. Runs on both sides: stdlib only."""
    import hashlib
    import os

    def plain(x: Any) -> Any:
        if isinstance(x, float):
            return x.hex()
        if isinstance(x, bytes):
            return x.hex()
        return x

    def value_of(v: Any) -> Any:
        kind = v.WhichOneof("value")
        if kind == "simple_value":
            return plain(float(v.simple_value))
        if kind == "image":
            image = v.image
            return [image.height, image.width, image.colorspace, image.encoded_image_string.hex()]
        if kind == "tensor":
            array = make_ndarray(v.tensor)
            return [str(array.dtype), list(array.shape), [plain(x) for x in array.ravel().tolist()]]
        return hashlib.sha256(v.SerializeToString(deterministic=True)).hexdigest()

    files = []
    for folder, subfolders, names in sorted(os.walk(root)):
        subfolders.sort()
        for name in sorted(n for n in names if "tfevents" in n):
            path = os.path.join(folder, name)
            events = []
            for event in read(path):
                described: dict[str, Any] = {
                    "step": event.step,
                    "wall_time": plain(event.wall_time),
                    "what": event.WhichOneof("what"),
                    "file_version": event.file_version,
                    "bytes": hashlib.sha256(event.SerializeToString(deterministic=True)).hexdigest(),
                    "values": [
                        {
                            "tag": v.tag,
                            "kind": v.WhichOneof("value"),
                            "plugin": v.metadata.plugin_data.plugin_name,
                            "content": v.metadata.plugin_data.content.hex(),
                            "display_name": v.metadata.display_name,
                            "description": v.metadata.summary_description,
                            "value": value_of(v),
                        }
                        for v in event.summary.value
                    ],
                }
                events.append(described)
            files.append({"file": os.path.relpath(path, root), "events": events})
    return files


TENSORFLOW_SIDE = """
import json, sys
import tensorflow as tf

print(json.dumps(describe_folder(sys.argv[1], tf.compat.v1.train.summary_iterator, tf.make_ndarray)))
"""


def read_with_tensorflow(python: str, root: Path) -> Any:
    # The annotations stay unevaluated, so the child needs none of the names they use.
    script = "from __future__ import annotations\n" + inspect.getsource(describe_folder) + TENSORFLOW_SIDE
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [python, "-I", "-c", script, str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def read_with_tensorboard(root: Path) -> Any:
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.util import tensor_util

    def read(path: str) -> Any:
        return event_file_loader.LegacyEventFileLoader(path).Load()

    return describe_folder(str(root), read, tensor_util.make_ndarray)


def _values(files: Any, file_part: str, tag: str) -> list[Any]:
    (found,) = [f for f in files if file_part in f["file"]]
    return [v["value"] for e in found["events"] for v in e["values"] if v["tag"] == tag]


def test_tensorflow_reads_every_event_as_tensorboard_does(sample: Sample, tmp_path: Path) -> None:
    python = _tensorflow_python()
    runs = [sample.run(every_kind(sample.workspace)), sample.run(ridge_sweep(sample.workspace))]
    logdir = tmp_path / "logdir"
    run_sync(export_runs(sample.source, runs, logdir))

    theirs = read_with_tensorflow(python, logdir)
    ours = read_with_tensorboard(logdir)
    assert [f["file"] for f in theirs] == [f["file"] for f in ours]
    for mine, tensorflows in zip(ours, theirs, strict=True):
        assert tensorflows["events"] == mine["events"], mine["file"]

    # The comparison covered what it should: a file per run and child run, and every kind of value.
    assert len(ours) == 2 + len(ALPHAS)
    float32 = [float(np.float32(1.0 / (i + 1))).hex() for i in range(5)]
    assert _values(theirs, "every kind", "loss") == float32
    assert _values(theirs, "every kind", "odd") == ["nan", "inf", "-inf"]
    assert len(_values(theirs, "every kind", "epoch/acc")) == 2
    assert len(_values(theirs, "every kind", "table/x")) == 3
    note = _values(theirs, "every kind", "note")
    assert [bytes.fromhex(text[0]).decode() for _, _, text in note] == ["first *note*", "second note"]
    (red, blue) = _values(theirs, "every kind", "picture")
    assert [red[1], blue[1]] == [[3], [3]]
    assert [bytes.fromhex(x).decode() for x in red[2][:2] + blue[2][:2]] == ["6", "4", "3", "9"]
    plugins = {v["plugin"] for f in theirs for e in f["events"] for v in e["values"]}
    assert {"text", "images", "hparams"} <= plugins
