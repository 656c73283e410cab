"""Metric history with the real steps and times of every kind, files and their bytes (ranges
included), and read-only-ness asserted on the emulator's request log."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from azure_helpers import collect, run

from tbdesk.azure.convert import parse_time
from tbdesk.export import export_run
from tbdesk.model import MetricKind
from tbdesk.sources.azure import AzureSource
from tbdesk.sources.paths import UnsafePathError
from tests.azureml_emulator import Emulator
from tests.azureml_emulator.marks import AZUREML_WARNINGS
from tests.azureml_emulator.seed import png, seed_automl
from tests.sources.test_paths import REFUSED

pytestmark = AZUREML_WARNINGS


def _run_of(source: AzureSource, experiment: str, run_id: str):
    return run(source.get_run(experiment, run_id))


def test_every_metric_kind_with_its_steps_and_times(demo: Emulator, make_source) -> None:
    source = make_source()
    metrics = {m.name: m for m in run(source.metrics(_run_of(source, "metric-kinds", "kinds_run")))}
    emu = demo.workspace.runs["kinds_run"]

    def times(name: str) -> list:
        return [parse_time(v["createdUtc"]) for v in emu.metrics[name].values]

    loss = metrics["loss"]
    assert loss.kind is MetricKind.SCALAR
    assert [(p.step, p.value) for p in loss.points] == [(0, 1.0), (10, 0.5), (20, 1 / 3)]
    assert [p.time for p in loss.points] == times("loss")
    assert metrics["epochs"].kind is MetricKind.SCALAR and metrics["epochs"].points[0].value == 12.0
    note = metrics["note"]
    assert note.kind is MetricKind.STRING and [p.value for p in note.points] == ["first try with dropout"]
    folds = metrics["fold_accuracy"]
    assert folds.kind is MetricKind.LIST
    assert [(p.step, p.value) for p in folds.points] == [(0, 0.81), (1, 0.84), (2, 0.79)]
    assert len({p.time for p in folds.points}) == 1
    rows = metrics["per_class"]
    assert rows.kind is MetricKind.ROW
    assert [p.value for p in rows.points] == [
        {"cls": "cat", "precision": 0.9},
        {"cls": "dog", "precision": 0.8},
    ]
    assert [p.time for p in rows.points] == times("per_class")
    roc = metrics["roc"]
    assert roc.kind is MetricKind.TABLE
    assert [p.value for p in roc.points] == [
        {"fpr": 0.0, "tpr": 0.0},
        {"fpr": 0.1, "tpr": 0.7},
        {"fpr": 1.0, "tpr": 1.0},
    ]
    image = metrics["confusion"]
    assert image.kind is MetricKind.IMAGE
    assert [p.value for p in image.points] == ["outputs/confusion.png", "outputs/confusion_2.png"]
    assert set(metrics) == set(emu.metrics)


def test_long_histories_are_read_page_by_page(demo: Emulator, make_source) -> None:
    demo.metric_page_size = 7
    source = make_source()
    run_id = next(r.id for r in demo.workspace.runs.values() if r.display_name == "cnn lr=0.01")
    metrics = {m.name: m for m in run(source.metrics(_run_of(source, "mnist-cnn", run_id)))}
    emu = demo.workspace.runs[run_id].metrics["loss"]
    assert [p.step for p in metrics["loss"].points] == list(range(40))
    assert [p.value for p in metrics["loss"].points] == [v["data"]["loss"] for v in emu.values]
    assert [p.time for p in metrics["loss"].points] == [parse_time(v["createdUtc"]) for v in emu.values]
    gaps = {b.time - a.time for a, b in zip(metrics["loss"].points, metrics["loss"].points[1:], strict=False)}
    assert gaps == {timedelta(seconds=10)}
    full = [
        r for r in demo.requests("POST", contains=f"/runs/{run_id}/full") if r.body["metricName"] == "loss"
    ]
    assert [r.body.get("continuationToken") for r in full] == [None] + [f"page:{7 * i}" for i in range(1, 6)]


def test_files_and_downloads_are_byte_identical(demo: Emulator, make_source, tmp_path: Path) -> None:
    source = make_source()
    (top,) = [r for page in run(collect(source, "mnist-cnn")) for r in page if r.name == "cnn lr=0.01"]
    emu = demo.workspace.runs[top.id]
    files = run(source.files(top))
    assert [f.path for f in files] == sorted(emu.files)
    assert all(f.etag == emu.files[f.path].etag and f.modified is not None for f in files)
    logs = run(source.files(top, "logs/"))
    assert [f.path for f in logs] == sorted(p for p in emu.files if p.startswith("logs/"))

    fetched = run(source.fetch_files(top, tmp_path / "dl", "logs/"))
    assert sorted(p.relative_to(tmp_path / "dl").as_posix() for p in fetched) == [f.path for f in logs]
    for path in fetched:
        assert path.read_bytes() == emu.files[path.relative_to(tmp_path / "dl").as_posix()].data
    assert not list((tmp_path / "dl").rglob(".part-*"))
    everything = run(source.fetch_files(top, tmp_path / "all"))
    assert len(everything) == len(emu.files)
    assert run(source.tensorboard_dir(top)) is None


def test_range_downloads_follow_a_growing_file(demo: Emulator, make_source, tmp_path: Path) -> None:
    source = make_source()
    target = _run_of(source, "metric-kinds", "kinds_run")
    emu = demo.workspace.runs["kinds_run"]
    emu.upload("logs/events.out.tfevents.1", b"A" * 1000)
    dest = tmp_path / "events"
    first = run(source.download(target, "logs/events.out.tfevents.1", dest))
    assert (first.size, first.appended, first.etag) == (
        1000,
        1000,
        emu.files["logs/events.out.tfevents.1"].blob_etag,  # the bytes' ETag, not the record's
    )
    same = run(source.download(target, "logs/events.out.tfevents.1", dest, offset=1000))
    assert same.appended == 0 and dest.read_bytes() == b"A" * 1000
    emu.append("logs/events.out.tfevents.1", b"B" * 300)
    grown = run(source.download(target, "logs/events.out.tfevents.1", dest, offset=1000))
    assert (grown.size, grown.appended) == (1300, 300)
    assert dest.read_bytes() == emu.files["logs/events.out.tfevents.1"].data
    ranged = [r for r in demo.requests("GET", contains="/blob/") if r.status in (206, 416)]
    assert [r.status for r in ranged] == [416, 206]


def test_hostile_file_paths_are_refused(demo: Emulator, make_source, tmp_path: Path) -> None:
    """Download logs refuses what live sync refuses, for the same reasons (tbdesk.sources.paths)."""
    source = make_source()
    target = _run_of(source, "metric-kinds", "kinds_run")
    files = demo.workspace.runs["kinds_run"].files
    wrong = {}
    for path, reason in REFUSED.items():
        # Under a prefix, as Download logs fetches; lone surrogates cannot be a blob's name (the
        # service's names are UTF-8), so no download link can carry them.
        if path.startswith("logs/") and reason != "not valid Unicode":
            demo.workspace.runs["kinds_run"].upload(path, b"nope")
            try:
                run(source.fetch_files(target, tmp_path / "dl", "logs/"))
            except UnsafePathError as exc:
                if reason not in str(exc) or repr(path) not in str(exc):
                    wrong[path] = str(exc)
            else:
                wrong[path] = "accepted"
            del files[path]
    assert wrong == {}
    assert not list(tmp_path.rglob("*nope*"))


def test_a_link_inside_the_destination_is_not_followed(demo: Emulator, make_source, tmp_path: Path) -> None:
    source = make_source()
    target = _run_of(source, "metric-kinds", "kinds_run")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0")
    dest = tmp_path / "dl"
    (dest / "logs").mkdir(parents=True)
    (dest / "logs" / "etclink").symlink_to(outside)
    demo.workspace.runs["kinds_run"].upload("logs/etclink/passwd", b"overwritten")
    with pytest.raises(UnsafePathError, match="leads outside"):
        run(source.fetch_files(target, dest, "logs/"))
    assert (outside / "passwd").read_text() == "root:x:0:0"


def test_browsing_everything_writes_nothing(demo: Emulator, make_source, tmp_path: Path) -> None:
    source = make_source()

    async def browse_all() -> int:
        seen = 0
        for experiment in await source.experiments():
            async for page in source.runs(experiment):
                for top in page:
                    for one in [top, *await source.children(top)]:
                        await source.metrics(one)
                        await source.files(one)
                        seen += 1
        kinds = await source.get_run("metric-kinds", "kinds_run")
        await source.fetch_files(kinds, tmp_path / "kinds")
        return seen

    assert run(browse_all()) == len(demo.workspace.runs)
    assert demo.writes() == []
    assert {r.method for r in demo.log} == {"GET", "POST"}
    assert not [r for r in demo.log if r.status >= 400]


def test_the_request_log_catches_a_write(demo: Emulator, sdk_workspace) -> None:
    """The read-only check above can fail: azureml-core's Experiment(ws, name) creates."""
    from azureml.core import Experiment

    Experiment(sdk_workspace, "typo-experiment")
    (write,) = demo.writes()
    assert write.method == "POST" and write.path.endswith("/experiments/typo-experiment")
    assert "typo-experiment" in demo.workspace.experiments


def test_the_emulator_answers_azureml_core_itself(demo: Emulator, sdk_workspace, tmp_path: Path) -> None:
    """The SDK's own calls (the seed's API rides on them) get what the real service answers."""
    from azureml.core import Experiment

    experiments = {e.name: e for e in Experiment.list(sdk_workspace)}
    (parent,) = list(experiments["lr-sweep"].get_runs())
    assert parent.id == "HD_lr-sweep_parent" and parent.type == "hyperdrive"
    assert len(list(parent.get_children())) == 12
    (kinds,) = list(experiments["metric-kinds"].get_runs())
    got = kinds.get_metrics()
    assert got["loss"] == [1.0, 0.5, 1 / 3] and got["note"] == "first try with dropout"
    assert got["roc"] == {"fpr": [0.0, 0.1, 1.0], "tpr": [0.0, 0.7, 1.0]}
    assert kinds.get_file_names() == ["outputs/confusion.png", "outputs/confusion_2.png"]
    kinds.download_files(prefix="outputs/", output_directory=str(tmp_path))
    assert (tmp_path / "outputs" / "confusion.png").read_bytes() == png(shade=10)
    assert kinds.get_details()["status"] == "Completed"
    assert json.dumps(kinds.get_portal_url()).count("tid=") == 1
    assert demo.writes() == []


def test_artifact_backed_metrics_are_listed_but_not_exported(
    demo: Emulator, make_source, sdk_workspace, tmp_path: Path
) -> None:
    """AutoML's confusion matrix and accuracy table are JSON files among the run's artifacts: the
    source lists them (with no points, naming their file) instead of dropping them, and an
    export still writes only the metric that has values."""
    from azureml.core import Experiment, Run
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    emu = seed_automl(demo.workspace)
    source = make_source()
    target = _run_of(source, "automl-classification", emu.id)
    metrics = {m.name: m for m in run(source.metrics(target))}
    assert set(metrics) == {"accuracy", "confusion_matrix", "accuracy_table"}
    assert metrics["accuracy"].kind is MetricKind.SCALAR and len(metrics["accuracy"].points) == 3
    matrix, table = metrics["confusion_matrix"], metrics["accuracy_table"]
    assert matrix.kind is table.kind is MetricKind.ARTIFACT and not matrix.points and not table.points
    assert matrix.description == "confusion matrix kept by Azure ML as the file confusion_matrix"
    assert table.description == "accuracy table kept by Azure ML as the file accuracy_table"
    # The file each names is among the run's files.
    assert {"confusion_matrix", "accuracy_table"} <= {f.path for f in run(source.files(target))}

    # The seed is what the service holds: azureml-core reads the matrix back from its artifact.
    got = Run(Experiment(sdk_workspace, "automl-classification"), emu.id).get_metrics(populate=True)
    assert got["confusion_matrix"].convert_to_object()["data"]["matrix"] == [[41, 9], [6, 44]]

    result = run(export_run(source, target, tmp_path / "logs"))
    assert result.points == 3
    accumulator = EventAccumulator(str(result.folder))
    accumulator.Reload()
    tags = accumulator.Tags()
    assert tags["scalars"] == ["accuracy"] and not tags["tensors"] and not tags["images"]
    # The export says what it left out, and why.
    assert sorted(result.notes) == [
        "accuracy_table: left out: accuracy table kept by Azure ML as the file accuracy_table,"
        " which TensorBoard cannot show",
        "confusion_matrix: left out: confusion matrix kept by Azure ML as the file confusion_matrix,"
        " which TensorBoard cannot show",
    ]
