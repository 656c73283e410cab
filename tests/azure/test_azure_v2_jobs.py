"""v2 jobs (azure-ai-ml, logged through MLflow) read through the Azure source: their kinds, display
names, statuses, MLflow params and metric histories, as the emulator's seed_v2 holds them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from azure_helpers import collect, run

from tbdesk.export import export_run
from tbdesk.model import MetricKind, Run, RunStatus
from tbdesk.sources.azure import AzureSource
from tests.azureml_emulator import Emulator
from tests.azureml_emulator.seed_v2 import seed_v2
from tests.export.export_helpers import inferred_experiment, read_folder

Maker = Callable[..., AzureSource]


@pytest.fixture
def v2(emulator: Emulator) -> Emulator:
    seed_v2(emulator.workspace)
    return emulator


def _top(source: AzureSource, experiment: str) -> dict[str, Run]:
    return {r.name: r for page in run(collect(source, experiment)) for r in page}


def test_jobs_show_with_their_display_names_kinds_and_statuses(v2: Emulator, make_source: Maker) -> None:
    source = make_source()
    fraud = _top(source, "fraud-v2")
    assert set(fraud) == {"train-fraud-model", "tune-fraud-model"}
    command, sweep = fraud["train-fraud-model"], fraud["tune-fraud-model"]
    assert (command.id, command.job_type, command.run_type) == (
        "placid_lamp_8k2m1x7c4b",
        "Command",
        "azureml.scriptrun",
    )
    assert (sweep.job_type, sweep.status) == ("Sweep", RunStatus.COMPLETED)
    assert dict(command.params) == {"epochs": "8", "batch_size": "256", "optimizer": "adam"}
    assert command.tags["mlflow.source.type"] == "JOB"

    trials = run(source.children(sweep))
    assert sorted(t.id for t in trials) == [f"jolly_hat_5r8wq2_{n}" for n in range(4)]
    assert {t.job_type for t in trials} == {"Command"}
    assert sorted(t.status.value for t in trials) == ["Completed", "Completed", "Completed", "Failed"]

    (pipeline,) = _top(source, "fraud-pipeline").values()
    assert (pipeline.name, pipeline.job_type) == ("fraud-pipeline", "Pipeline")
    steps = {s.name: s for s in run(source.children(pipeline))}
    assert {name: s.job_type for name, s in steps.items()} == {
        "prep_data": "Pipeline step",
        "score_model": "Pipeline step",
        "tune-fraud-model": "Sweep",
    }
    grandchildren = run(source.children(steps["tune-fraud-model"]))
    assert len(grandchildren) == 3 and all(g.parent_id == steps["tune-fraud-model"].id for g in grandchildren)


def test_a_run_without_run_type_takes_its_run_source(emulator: Emulator, make_source: Maker) -> None:
    """azureml-core's own rule: runType, else the azureml.runsource property."""
    old = emulator.workspace.add_run("old", "old_1", properties={"azureml.runsource": "hyperdrive"})
    old.run_type = ""  # answered as runType null
    (found,) = _top(make_source(), "old").values()
    assert (found.run_type, found.job_type) == ("hyperdrive", "Sweep")


def test_mlflow_metrics_keep_steps_and_times(v2: Emulator, make_source: Maker) -> None:
    source = make_source()
    command = _top(source, "fraud-v2")["train-fraud-model"]
    metrics = {m.name: m for m in run(source.metrics(command))}
    assert set(metrics) == {"train/loss", "val/auc", "lr", "test_auc"}
    loss = metrics["train/loss"]
    assert loss.kind is MetricKind.SCALAR
    assert [p.step for p in loss.points] == list(range(8))
    job = v2.workspace.runs[command.id]
    start = (job.start or job.created).timestamp()
    # MLflow's times (epoch milliseconds), one epoch every 30 s.
    assert [p.time.timestamp() for p in loss.points] == [start + 30 * (epoch + 1) for epoch in range(8)]
    # MLflow's step 0 for a value logged without a step: numbered in logging order instead.
    assert [v["step"] for v in job.metrics["lr"].values] == [0] * 8
    assert [p.step for p in metrics["lr"].points] == list(range(8))
    assert [p.step for p in metrics["test_auc"].points] == [0]


def _session(folder: Path) -> dict[str, object]:
    from tensorboard.plugins.hparams import metadata

    (start,) = read_folder(folder)[1][metadata.SESSION_START_INFO_TAG]
    info = metadata.parse_session_start_info_plugin_data(start.value.metadata.plugin_data.content)
    return {k: getattr(v, v.WhichOneof("kind")) for k, v in info.hparams.items()}


def test_a_sweeps_trials_land_in_hparams_with_their_parameters(
    v2: Emulator, make_source: Maker, tmp_path: Path
) -> None:
    """Each trial's sampled values (the sweep's `<id>_<n>` tags) and MLflow params are its session's
    parameters; Azure ML's own properties (ContentSnapshotId...) and mlflow.* tags are not."""
    source = make_source()
    sweep = _top(source, "fraud-v2")["tune-fraud-model"]
    result = run(export_run(source, sweep, tmp_path))
    experiment = inferred_experiment(tmp_path)
    assert sorted(h.name for h in experiment.hparam_infos) == ["batch_size", "epochs", "learning_rate"]
    assert {"train/loss", "val/auc", "lr"} <= {m.name.tag for m in experiment.metric_infos}
    sessions = {child.run.id: _session(child.folder) for child in result.children}
    tags = v2.workspace.runs[sweep.id].tags
    for trial, values in sessions.items():
        sampled = json.loads(tags[trial])
        assert values == {**sampled, "epochs": 5.0}
    assert len(sessions) == 4


def test_a_pipelines_sweep_step_is_no_session_but_its_trials_are(
    v2: Emulator, make_source: Maker, tmp_path: Path
) -> None:
    """The sweep step's own configuration tags (generator_config, max_total_jobs...) and the values
    it sampled for its trials are not parameters of the step: the pipeline is no sweep, the step's
    trials are."""
    source = make_source()
    (pipeline,) = _top(source, "fraud-pipeline").values()
    result = run(export_run(source, pipeline, tmp_path))
    experiment = inferred_experiment(tmp_path)
    assert sorted(h.name for h in experiment.hparam_infos) == ["batch_size", "epochs", "learning_rate"]
    steps = {child.run.name: child for child in result.children}
    assert not any(step.session for step in steps.values())
    trials = steps["tune-fraud-model"].children
    assert len(trials) == 3 and all(trial.session for trial in trials)
