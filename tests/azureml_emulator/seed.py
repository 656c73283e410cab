"""Realistic contents for the emulated workspace: what a team's workspace looks like after a while.

- `mnist-cnn`: a handful of training runs (one failed, one still running) with loss and accuracy
  logged per step, and one run with TensorBoard event files under `logs/`;
- `lr-sweep`: a HyperDrive sweep whose parent has `sweep_children` child runs, each with its
  hyperparameters in tags and properties and its own metric history;
- `metric-kinds`: one run with every kind of metric azureml-core logs (scalar, list, row, table,
  string, image), for checking that each comes back exactly.

Not in the demo (tests add it to a workspace when they want it): `seed_automl`, an AutoML-style
run whose confusion matrix and accuracy table are artifact-backed metrics.
"""

from __future__ import annotations

import json
import math
import struct
import tempfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.azureml_emulator.store import ORIGIN, EmuRun, EmuWorkspace

START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def png(width: int = 8, height: int = 8, shade: int = 0) -> bytes:
    """A small valid PNG (a gradient) without any imaging library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 32 + shade) % 256, (y * 32) % 256, 128)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def event_file(scalars: dict[str, list[tuple[int, float, float]]]) -> bytes:
    """A TensorBoard event file holding the given (step, wall time, value) series."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    with tempfile.TemporaryDirectory() as folder:
        writer = EventFileWriter(folder)
        for tag, points in scalars.items():
            for step, wall, value in points:
                summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
                writer.add_event(event_pb2.Event(step=step, wall_time=wall, summary=summary))
        writer.close()
        (written,) = Path(folder).iterdir()
        return written.read_bytes()


def training_run(run: EmuRun, steps: int, lr: float, start: datetime) -> None:
    """Loss and accuracy of a run, one point per step, ten seconds apart."""
    for step in range(steps):
        at = start + timedelta(seconds=10 * step)
        loss = 2.3 * math.exp(-lr * 40 * (step + 1) / steps) + 0.05 * math.sin(step)
        run.log("loss", round(loss, 6), step=step, at=at)
        run.log("accuracy", round(1 - loss / 2.5, 6), step=step, at=at)


def seed_sweep(ws: EmuWorkspace, experiment: str = "lr-sweep", children: int = 12, steps: int = 5) -> EmuRun:
    parent = ws.add_run(
        experiment,
        run_id=f"HD_{experiment}_parent",
        run_type="hyperdrive",
        display_name="lr sweep",
        properties={
            "primary_metric_config": '{"name": "accuracy", "goal": "maximize"}',
            "azureml.runsource": "hyperdrive",
        },
        tags={"team": "vision"},
    )
    for i in range(children):
        lr = round(0.001 * (i + 1), 4)
        child = ws.add_run(
            experiment,
            run_id=f"HD_{experiment}_parent_{i}",
            parent=parent,
            status="Failed" if i % 50 == 7 else "Completed",
            tags={"learning_rate": str(lr)},
            properties={"hyperparameters": f'{{"--lr": {lr}}}'},
        )
        training_run(child, steps, lr * 10, child.start or child.created)
    return parent


def seed_kinds(ws: EmuWorkspace, experiment: str = "metric-kinds") -> EmuRun:
    run = ws.add_run(experiment, run_id="kinds_run", display_name="every kind of metric")
    base = run.start or run.created
    for step in range(3):
        run.log("loss", 1.0 / (step + 1), step=step * 10, at=base + timedelta(seconds=step))
    run.log("epochs", 12, at=base + timedelta(seconds=5))
    run.log("note", "first try with dropout", at=base + timedelta(seconds=6))
    run.log_list("fold_accuracy", [0.81, 0.84, 0.79], at=base + timedelta(seconds=7))
    run.log_row("per_class", at=base + timedelta(seconds=8), cls="cat", precision=0.9)
    run.log_row("per_class", at=base + timedelta(seconds=9), cls="dog", precision=0.8)
    run.log_table("roc", {"fpr": [0.0, 0.1, 1.0], "tpr": [0.0, 0.7, 1.0]}, at=base + timedelta(seconds=10))
    run.log_image("confusion", "outputs/confusion.png", png(shade=10), at=base + timedelta(seconds=11))
    run.log_image("confusion", "outputs/confusion_2.png", png(shade=90), at=base + timedelta(seconds=12))
    return run


def seed_odd_metrics(ws: EmuWorkspace, experiment: str = "metric-oddities") -> EmuRun:
    """Metrics as newer clients and services record them: `loss` in two namespaces besides a
    plain one (metrics v2's metricKey.namespace), types azureml-core does not know (numbers, text,
    files, and values nobody can read) or none, and an artifact-backed metric logged twice (its
    first value defines it, as azureml-core reads it)."""
    run = ws.add_run(experiment, run_id="odd_metrics_run", display_name="odd metrics")
    base = run.start or run.created
    for step in range(3):
        at = base + timedelta(seconds=step)
        run.log("loss", 1.0 - step / 10, step=step, at=at)
        run.log("loss", 2.0 - step / 10, step=step, at=at, namespace="train")
        run.log("loss", 3.0 - step / 10, step=step, at=at, namespace="eval")
    run.log_typed("gpu_util", "azureml.v3.gauge", [0.5, 0.75, 0.9], at=base)
    run.log_typed("phase", "", ["warmup", "train"], at=base)
    run.log_typed("weights", "azureml.v3.tensor", [[1.0, 2.0], [3.0]], at=base)
    for i, at in enumerate((base, base + timedelta(seconds=5))):
        log_artifact_metric(
            run, "calibration", "azureml.v3.calibration_curve", {"bins": [i]}, at, path=f"cal_{i}"
        )
    return run


def seed_lifecycle(ws: EmuWorkspace, experiment: str = "lifecycle") -> EmuRun:
    """A job whose status goes Provisioning -> Running -> NotResponding -> Running -> Completed
    (`advance()` moves it on): the states of azureml-core's _restclient/constants.py that are
    neither queued nor final, which a job on a busy or flaky cluster reports."""
    run = ws.add_run(experiment, run_id="lifecycle_job", status="Provisioning", display_name="flaky node")
    run.timeline = ["Running", "NotResponding", "Running", "Completed"]
    return run


def log_artifact_metric(
    run: EmuRun, name: str, ux_type: str, value: object, at: datetime, *, path: str | None = None
) -> None:
    """An artifact-backed metric as azureml-core's log_confusion_matrix (and log_accuracy_table,
    log_residuals, log_predictions) records it: the JSON uploaded as a file named like the metric
    (or `path`), and a metrics v2 record of type `ux_type` whose one "Artifact" column points at
    that file."""
    path = path or name
    run.upload(path, json.dumps(value).encode(), at=at)
    metric = run._metric(name, ux_type, {name: "Artifact"})
    run._append(metric, {name: f"aml://artifactId/{ORIGIN}/{run.data_container_id}/{path}"}, at, None)


def seed_automl(ws: EmuWorkspace, experiment: str = "automl-classification") -> EmuRun:
    """An AutoML-style classification run: its accuracy per iteration is a scalar metric; its
    confusion matrix and accuracy table are kept as artifacts (azureml.v2 JSON metrics)."""
    run = ws.add_run(experiment, run_id="automl_run_3", display_name="AutoML iteration 3")
    base = run.start or run.created
    for step in range(3):
        run.log("accuracy", 0.8 + 0.05 * step, step=step, at=base + timedelta(seconds=step))
    log_artifact_metric(
        run,
        "confusion_matrix",
        "azureml.v2.confusion_matrix",
        {
            "schema_type": "confusion_matrix",
            "schema_version": "1.0.0",
            "data": {"class_labels": ["cat", "dog"], "matrix": [[41, 9], [6, 44]]},
        },
        base + timedelta(seconds=5),
    )
    log_artifact_metric(
        run,
        "accuracy_table",
        "azureml.v2.accuracy_table",
        {
            "schema_type": "accuracy_table",
            "schema_version": "1.0.1",
            "data": {
                "class_labels": ["cat", "dog"],
                "probability_thresholds": [0.0, 0.5, 1.0],
                "probability_tables": [[[50, 50, 0, 0], [41, 9, 6, 44], [0, 0, 50, 50]]] * 2,
                "percentile_thresholds": [0.0, 50.0, 100.0],
                "percentile_tables": [[[50, 50, 0, 0], [40, 10, 5, 45], [0, 0, 50, 50]]] * 2,
            },
        },
        base + timedelta(seconds=6),
    )
    return run


def seed_demo(ws: EmuWorkspace, sweep_children: int = 12) -> EmuWorkspace:
    for i, (status, lr) in enumerate(
        [("Completed", 0.01), ("Completed", 0.03), ("Failed", 0.3), ("Running", 0.05)]
    ):
        run = ws.add_run(
            "mnist-cnn", status=status, display_name=f"cnn lr={lr}", tags={"lr": str(lr), "model": "cnn"}
        )
        training_run(run, 40 if status != "Failed" else 7, lr, run.start or run.created)
        run.upload("outputs/model.onnx", bytes(range(256)) * 40)
        run.upload("user_logs/std_log.txt", f"epoch 1/10 lr={lr}\n".encode() * 50)
        if i == 0:
            wall = (run.start or run.created).timestamp()
            series = [(s, wall + 10 * s, 2.3 * math.exp(-0.1 * s)) for s in range(40)]
            run.upload("logs/train/events.out.tfevents.1714554000.node-0", event_file({"loss": series}))
            run.upload(
                "logs/validation/events.out.tfevents.1714554000.node-0",
                event_file({"loss": [(s, w, v * 1.1) for s, w, v in series]}),
            )
    seed_sweep(ws, children=sweep_children)
    seed_kinds(ws)
    return ws
