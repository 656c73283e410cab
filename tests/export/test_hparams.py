"""The hparams plugin's data, parsed with TensorBoard's own hparams protos and metadata helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ALPHAS, Sample, ridge_sweep, run_sync
from export_helpers import read_folder
from tensorboard.plugins.hparams import api_pb2
from tensorboard.plugins.hparams import metadata as hparams_metadata

from tbdesk.export import export_run
from tbdesk.local import Experiment


def experiment_of(folder: Path) -> api_pb2.Experiment:
    (read,) = read_folder(folder)[1][hparams_metadata.EXPERIMENT_TAG]
    return hparams_metadata.parse_experiment_plugin_data(read.value.metadata.plugin_data.content)


def session_of(folder: Path) -> tuple[dict[str, object], int]:
    tags = read_folder(folder)[1]
    (start,) = tags[hparams_metadata.SESSION_START_INFO_TAG]
    (end,) = tags[hparams_metadata.SESSION_END_INFO_TAG]
    info = hparams_metadata.parse_session_start_info_plugin_data(start.value.metadata.plugin_data.content)
    status = hparams_metadata.parse_session_end_info_plugin_data(
        end.value.metadata.plugin_data.content
    ).status
    values = {k: getattr(v, v.WhichOneof("kind")) for k, v in info.hparams.items()}
    return values, status


@pytest.mark.parametrize(
    "log_on_parent", [False, True], ids=["child logs", "parent logs (the how-to's code)"]
)
def test_ridge_sweep(sample: Sample, tmp_path: Path, log_on_parent: bool) -> None:
    root = sample.run(ridge_sweep(sample.workspace, log_on_parent=log_on_parent))
    result = run_sync(export_run(sample.source, root, tmp_path))
    experiment = experiment_of(result.folder)
    (alpha,) = experiment.hparam_infos
    assert alpha.name == "alpha" and alpha.type == api_pb2.DATA_TYPE_FLOAT64
    assert (alpha.domain_interval.min_value, alpha.domain_interval.max_value) == (min(ALPHAS), max(ALPHAS))
    assert [(m.name.group, m.name.tag) for m in experiment.metric_infos] == [("", "mse")]
    seen = []
    for child in result.children:
        values, status = session_of(child.folder)
        assert status == api_pb2.STATUS_SUCCESS
        seen.append(values["alpha"])
        assert child.folder.name == f"alpha{values['alpha']}"
        # the session's metric value is the last "mse" scalar in the child's own folder
        (mse,) = read_folder(child.folder)[1]["mse"]
        assert mse.value.simple_value > 0
    assert sorted(seen) == pytest.approx(list(ALPHAS))
    if log_on_parent:
        # the parent's own curves are exported too, one point per child
        assert len(read_folder(result.folder)[1]["mse"]) == len(ALPHAS)


def test_tags_properties_and_texts_are_parameters(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "tagged").start_logging(display_name="tagged")
    for index, optimizer in enumerate(["sgd", "adam"]):
        with root.child_run(f"trial {index}") as child:
            child.tag("optimizer", optimizer)
            child.tag("hyperparameters", '{"--lr": 0.01, "--layers": 3}')
            child.add_properties({"batch": 32 * (index + 1), "_internal": "x"})
            child.log("mode", "fast")
            child.log("accuracy", 0.5 + index / 10)
            child.log("loss", 1.0)
            child.log("loss", 0.5)
    root.complete()
    result = run_sync(export_run(sample.source, sample.run(root.id), tmp_path))
    experiment = experiment_of(result.folder)
    infos = {h.name: h for h in experiment.hparam_infos}
    assert sorted(infos) == ["batch", "layers", "lr", "mode", "optimizer"]
    assert infos["optimizer"].type == api_pb2.DATA_TYPE_STRING
    assert sorted(v.string_value for v in infos["optimizer"].domain_discrete.values) == ["adam", "sgd"]
    assert infos["batch"].type == api_pb2.DATA_TYPE_FLOAT64
    assert sorted(m.name.tag for m in experiment.metric_infos) == ["accuracy", "loss"]
    values, _ = session_of(result.children[0].folder)
    assert values == {"batch": 32.0, "layers": 3.0, "lr": 0.01, "mode": "fast", "optimizer": "sgd"}


def test_children_without_parameters_or_metrics_are_no_sweep(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "plain").start_logging(display_name="plain")
    root.log("loss", 1.0)
    for name in ("one", "two"):
        with root.child_run(name) as child:
            child.log("comment", "x")
            child.log("comment", "y")
    root.complete()
    result = run_sync(export_run(sample.source, sample.run(root.id), tmp_path))
    assert hparams_metadata.EXPERIMENT_TAG not in read_folder(result.folder)[1]
    for child in result.children:
        assert hparams_metadata.SESSION_START_INFO_TAG not in read_folder(child.folder)[1]
