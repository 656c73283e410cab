"""The hparams plugin's data: sessions parsed with TensorBoard's own hparams protos, and the
experiment TensorBoard's hparams plugin infers from them (its own code, in this process)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from export_helpers import inferred_experiment, read_folder
from export_samples import ALPHAS, Sample, ridge_sweep, run_sync, trials_sweep
from tensorboard.plugins.hparams import api_pb2
from tensorboard.plugins.hparams import metadata as hparams_metadata

from tbdesk.export import export_run, export_runs
from tbdesk.local import Experiment


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


def hparam_names(experiment: api_pb2.Experiment) -> list[str]:
    return sorted(h.name for h in experiment.hparam_infos)


def metric_tags(experiment: api_pb2.Experiment) -> list[str]:
    return sorted(m.name.tag for m in experiment.metric_infos)


def experiment_summaries(logdir: Path) -> list[Path]:
    """Every folder below logdir holding an hparams experiment summary (TensorBoard uses one)."""
    return [
        Path(folder)
        for folder, _, _ in os.walk(logdir)
        if hparams_metadata.EXPERIMENT_TAG in read_folder(Path(folder))[1]
    ]


@pytest.mark.parametrize(
    "log_on_parent", [False, True], ids=["child logs", "parent logs (the how-to's code)"]
)
def test_ridge_sweep(sample: Sample, tmp_path: Path, log_on_parent: bool) -> None:
    root = sample.run(ridge_sweep(sample.workspace, log_on_parent=log_on_parent))
    result = run_sync(export_run(sample.source, root, tmp_path))
    experiment = inferred_experiment(tmp_path)
    (alpha,) = experiment.hparam_infos
    assert alpha.name == "alpha" and alpha.type == api_pb2.DATA_TYPE_FLOAT64
    assert (alpha.domain_interval.min_value, alpha.domain_interval.max_value) == (min(ALPHAS), max(ALPHAS))
    # alpha is the sessions' parameter, not also a one-point scalar that TensorBoard would list
    # among the metrics
    assert metric_tags(experiment) == ["mse"]
    assert experiment_summaries(tmp_path) == []
    seen = []
    for child in result.children:
        values, status = session_of(child.folder)
        assert status == api_pb2.STATUS_SUCCESS
        seen.append(values["alpha"])
        assert child.folder.name == f"alpha{values['alpha']}"
        # the session's metric value is the last "mse" scalar in the child's own folder
        tags = read_folder(child.folder)[1]
        (mse,) = tags["mse"]
        assert mse.value.simple_value > 0
        assert "alpha" not in tags
    assert sorted(seen) == pytest.approx(list(ALPHAS))
    if log_on_parent:
        # the parent's own curves are exported too, one point per child
        assert len(read_folder(result.folder)[1]["mse"]) == len(ALPHAS)


def test_two_sweeps_in_one_folder_keep_their_parameters_and_metrics(sample: Sample, tmp_path: Path) -> None:
    ridge, trials = ridge_sweep(sample.workspace), trials_sweep(sample.workspace)
    run_sync(export_runs(sample.source, [sample.run(ridge), sample.run(trials)], tmp_path))
    experiment = inferred_experiment(tmp_path)
    assert {"alpha", "lr"} <= set(hparam_names(experiment))
    assert {"mse", "loss"} <= set(metric_tags(experiment))
    assert experiment_summaries(tmp_path) == []


def test_a_sweep_inside_a_sweep_shows_both_levels(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "nested").start_logging(display_name="outer")
    for lr in (0.1, 1.0):
        with root.child_run(f"lr{lr}") as middle:
            middle.log("lr", lr)
            for seed in (1, 2):
                with middle.child_run(f"seed{seed}") as inner:
                    inner.log("seed", seed)
                    inner.log("loss", lr * seed)
            middle.log("best", lr)
    root.complete()
    result = run_sync(export_run(sample.source, sample.run(root.id), tmp_path))
    experiment = inferred_experiment(tmp_path)
    assert hparam_names(experiment) == ["lr", "seed"]
    assert {"best", "loss"} <= set(metric_tags(experiment))
    assert experiment_summaries(tmp_path) == []
    for middle_result in result.children:
        assert "lr" in session_of(middle_result.folder)[0]
        assert [sorted(session_of(inner.folder)[0]) for inner in middle_result.children] == [["seed"]] * 2


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
    experiment = inferred_experiment(tmp_path)
    infos = {h.name: h for h in experiment.hparam_infos}
    assert sorted(infos) == ["batch", "layers", "lr", "mode", "optimizer"]
    assert infos["optimizer"].type == api_pb2.DATA_TYPE_STRING
    assert sorted(infos["optimizer"].domain_discrete) == ["adam", "sgd"]
    assert infos["batch"].type == api_pb2.DATA_TYPE_FLOAT64
    assert metric_tags(experiment) == ["accuracy", "loss"]
    values, _ = session_of(result.children[0].folder)
    assert values == {"batch": 32.0, "layers": 3.0, "lr": 0.01, "mode": "fast", "optimizer": "sgd"}


def test_numbers_every_child_logged_once_and_that_differ_are_parameters(
    sample: Sample, tmp_path: Path
) -> None:
    root_id = trials_sweep(sample.workspace)
    root = Experiment(sample.workspace, "trials").start_logging(display_name="more")
    for index in range(2):
        with root.child_run(f"trial {index}") as child:
            child.log("lr", 0.1 * (index + 1))
            child.log("seed", 7)  # the same in every child: not swept
            if index == 0:
                child.log("only here", 1.0)  # not logged by every child
    root.complete()
    results = run_sync(export_runs(sample.source, [sample.run(root_id), sample.run(root.id)], tmp_path))
    first = [session_of(child.folder)[0] for child in results[0].children]
    assert first == [
        {"lr": 0.01, "acc": pytest.approx(0.5)},
        {"lr": 0.1, "acc": pytest.approx(0.6)},
        {"lr": 1.0, "acc": pytest.approx(0.7)},
    ]
    second = [session_of(child.folder)[0] for child in results[1].children]
    assert second == [{"lr": pytest.approx(0.1)}, {"lr": pytest.approx(0.2)}]
    assert {"lr", "acc"} <= set(hparam_names(inferred_experiment(tmp_path)))


def test_children_without_parameters_are_no_sweep(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "plain").start_logging(display_name="plain")
    root.log("loss", 1.0)
    for name in ("one", "two"):
        with root.child_run(name) as child:
            child.log("comment", "x")
            child.log("comment", "y")
            child.log("loss", 0.5)  # logged once, but the same in both: no parameter
    root.complete()
    result = run_sync(export_run(sample.source, sample.run(root.id), tmp_path))
    for exported in result.children:
        assert hparams_metadata.SESSION_START_INFO_TAG not in read_folder(exported.folder)[1]
    assert not inferred_experiment(tmp_path).hparam_infos
