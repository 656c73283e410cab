"""v2 jobs (azure-ai-ml) as run history, metrics and artifacts hold them, for tests that want them
and for `python -m tests.azureml_emulator --seed demo`.

Since the v1 SDK's end of support, jobs are submitted with azure-ai-ml (`ml_client.jobs.create_or_update`)
and log through MLflow (azureml-mlflow), but they live in the same run history as v1 runs: azure-ai-ml
reads child jobs from it (azure/ai/ml/operations/_run_operations.py `get_run_children`, models in
azure/ai/ml/_restclient/runhistory/models/_models_py3.py `Run`). What each record holds, and where
that comes from:

- The kind of job is the record's `runType`, else its `azureml.runsource` property: the rule
  azureml-core applies itself (azureml/core/run.py `_rehydrate_runs`; the same pair in
  azureml/_restclient/_odata/constants.py TYPE_EQ_FORMAT_STR). Command jobs and sweep trials are
  `azureml.scriptrun` (azureml/core/script_run.py RUN_TYPE); a sweep is `hyperdrive` (the HyperDrive
  service runs v2 sweeps; azureml-train-core's HyperDriveRun.RUN_TYPE); a pipeline job is
  `azureml.PipelineRun` with the properties `azureml.runsource`, `runSource: MFE`, `runType: HTTP`,
  `azureml.parameters` and the tag `azureml.pipelineComponent: pipelinerun` (what `az ml job create`
  printed for pipeline jobs, Azure/azureml-previews' pipeline samples); its steps are
  `azureml.StepRun` with `azureml.nodeid` (Azure ML's RunStatusChanged event for a step run).
- The system properties `_azureml.ComputeTargetType`, `_azureml.ClusterName`, `ContentSnapshotId`,
  `ProcessInfoFile`, `ProcessStatusFile`, and the tags `mlflow.source.type: JOB` and
  `mlflow.source.name` are copied from a job record the service returned (a remote child run,
  printed in full in a public project's README); so is the shape of `runTypeV2` (orchestrator,
  traits, attribution, computeType: both generated clients' RunTypeV2) of a command job
  ("Execution", "AmlcTrain"). The orchestrators of a sweep ("HyperDrive") and of a pipeline
  ("Pipeline") are guesses, unseen in any record: tbdesk does not read runTypeV2.
- `azureml.git.dirty` and `mlflow.source.git.*` are the properties azure-ai-ml sets when it submits
  from a git checkout (azure/ai/ml/operations/_job_ops_helper.py get_git_properties).
- A sweep's parent keeps each trial's sampled values as a tag named after the trial,
  `<sweep id>_<n>: {json}`, and its configuration as tags (`generator_config`,
  `primary_metric_config`, `max_total_jobs`, ...): what azureml-train-core's HyperDriveRun reads
  (`get_hyperparameters`, HyperDriveConfig._get_runconfig_from_run_dto); its properties are those
  of a HyperDrive parent's details (`runTemplate: HyperDrive`, `best_child_run_id`, `score`, ...).
  Trials are `<sweep id>_<n>` (the scheduler's log: "Scheduling job, id='HD_..._0'").
- MLflow metrics go into the metrics service as scalars with MLflow's step (0 when the code gave
  none) and MLflow's time in milliseconds (mlflow/tracking/_tracking_service/client.py log_metric).
- MLflow params are not properties or tags (azureml-examples issue 1123: params logged with MLflow
  show in the studio but not in `run.get_details()`); the run record keeps them in `parameters`
  (azure-ai-ml's runhistory models/_models.py `Run.parameters: dict[str, str]`, "The parameters
  dictionary for the run. Parameters are immutable.", as MLflow params are). azureml-core's older
  RunDto has no such key, and msrest ignores it there.
- TensorBoard logs: files under `logs/` are uploaded while a job runs (the job's run definition
  watches `history.directoriesToWatch: ["logs"]`); Microsoft's v2 samples write TensorBoard logs
  under `outputs/` instead (azureml-examples cli/jobs/basics/src/hello-interactive.py:
  `outputs/tblogs/<time>`), which the service uploads with the outputs.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta

from tests.azureml_emulator.seed import event_file
from tests.azureml_emulator.store import EmuRun, EmuWorkspace

SCRIPT_RUN = "azureml.scriptrun"
SWEEP = "hyperdrive"
PIPELINE = "azureml.PipelineRun"
STEP = "azureml.StepRun"

_GIT = {
    "azureml.git.dirty": "False",
    "mlflow.source.git.repoURL": "https://github.com/contoso/fraud-models.git",
    "mlflow.source.git.branch": "main",
    "mlflow.source.git.commit": "3f1c2a9e8b7d6c5f4e3a2b1c0d9e8f7a6b5c4d3e",
}
_EXECUTION = {
    "orchestrator": "Execution",
    "traits": ["scriptRun", "remote", "CommonRuntime"],
    "attribution": None,
    "computeType": "AmlcTrain",
}


def _command_properties(cluster: str = "cpu-cluster") -> dict[str, str]:
    return {
        "_azureml.ComputeTargetType": "amlctrain",
        "_azureml.ClusterName": cluster,
        "ContentSnapshotId": "b19e3f8a-c6be-4a46-bca8-6fed0157cdca",
        "ProcessInfoFile": "azureml-logs/process_info.json",
        "ProcessStatusFile": "azureml-logs/process_status.json",
        **_GIT,
    }


def _mlflow_tags(script: str) -> dict[str, str]:
    return {"mlflow.source.type": "JOB", "mlflow.source.name": script}


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def command_job(
    ws: EmuWorkspace,
    experiment: str,
    name: str,
    display_name: str,
    *,
    parent: EmuRun | None = None,
    status: str = "Completed",
    tags: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> EmuRun:
    """A command job (or a sweep trial, or a pipeline's command step when parent is given)."""
    run = ws.add_run(
        experiment,
        name,
        parent=parent,
        status=status,
        display_name=display_name,
        run_type=SCRIPT_RUN,
        tags={**_mlflow_tags("train.py"), **(tags or {})},
        properties=_command_properties(),
    )
    run.run_type_v2 = dict(_EXECUTION)
    run.parameters = dict(params or {})
    run.upload("user_logs/std_log.txt", f"{display_name}: training\n".encode() * 20)
    run.upload("system_logs/lifecycler/execution-wrapper.log", b"lifecycle\n" * 10)
    return run


def mlflow_training(run: EmuRun, epochs: int, lr: float, *, seconds_per_epoch: int = 30) -> None:
    """What a training script logs with MLflow: per epoch `train/loss` and `val/auc` at
    step=epoch, and the scheduled `lr` without a step (so MLflow sends 0 for every value)."""
    base = run.start or run.created
    for epoch in range(epochs):
        at = _millis(base + timedelta(seconds=seconds_per_epoch * (epoch + 1)))
        loss = 0.7 * math.exp(-lr * 30 * (epoch + 1) / epochs) + 0.02 * math.sin(epoch)
        run.log_mlflow("train/loss", round(loss, 6), at, step=epoch)
        run.log_mlflow("val/auc", round(0.99 - loss / 2, 6), at + 400, step=epoch)
        run.log_mlflow("lr", lr * 0.9**epoch, at + 500)


def seed_command(ws: EmuWorkspace, experiment: str = "fraud-v2") -> EmuRun:
    """A finished command job that logged with MLflow only (no TensorBoard files)."""
    run = command_job(
        ws,
        experiment,
        "placid_lamp_8k2m1x7c4b",
        "train-fraud-model",
        tags={"team": "risk"},
        params={"epochs": "8", "batch_size": "256", "optimizer": "adam"},
    )
    mlflow_training(run, epochs=8, lr=0.05)
    end = run.end or run.created
    run.log_mlflow("test_auc", 0.957, _millis(end))
    run.upload("outputs/model/MLmodel", b"flavors:\n  python_function: {}\n")
    return run


def seed_sweep_v2(
    ws: EmuWorkspace, experiment: str = "fraud-v2", trials: int = 4, *, parent: EmuRun | None = None
) -> EmuRun:
    """A sweep job over learning_rate and batch_size; each trial a command job that logged with
    MLflow, its sampled values in the sweep's tags (and as MLflow params, as mlflow.autolog()
    logs the arguments of the model it wraps)."""
    sweep_id = f"{parent.id}_sweep_step" if parent is not None else "jolly_hat_5r8wq2"
    sweep = ws.add_run(
        experiment,
        sweep_id,
        parent=parent,
        display_name="tune-fraud-model",
        run_type=SWEEP,
        tags={
            "generator_config": json.dumps(
                {
                    "name": "RANDOM",
                    "parameter_space": {
                        "learning_rate": ["uniform", [0.001, 0.1]],
                        "batch_size": ["choice", [[64, 128, 256]]],
                    },
                }
            ),
            "primary_metric_config": '{"name": "val/auc", "goal": "maximize"}',
            "max_total_jobs": str(trials),
            "max_concurrent_jobs": "2",
            "max_duration_minutes": "120",
            "policy_config": '{"name": "Default"}',
        },
        properties={
            "primary_metric_config": '{"name":"val/auc","goal":"maximize"}',
            "resume_from": "null",
            "runTemplate": "HyperDrive",
            "azureml.runsource": SWEEP,
            "platform": "AML",
            "ContentSnapshotId": "185e47a0-47a3-4a28-a433-77aa4773e99b",
            "space_size": "infinite_space_size",
        },
    )
    sweep.run_type_v2 = {"orchestrator": "HyperDrive", "traits": [], "attribution": None, "computeType": None}
    sweep.upload("azureml-logs/hyperdrive.txt", b"[GENERATOR][INFO]Trying to sample '2' jobs\n")
    best: tuple[float, str] | None = None
    for n in range(trials):
        lr = round(0.01 * (n + 1) ** 1.5, 4)
        batch = (64, 128, 256)[n % 3]
        sampled = {"learning_rate": lr, "batch_size": batch}
        sweep.tags[f"{sweep_id}_{n}"] = json.dumps(sampled)
        trial = command_job(
            ws,
            experiment,
            f"{sweep_id}_{n}",
            f"{sweep_id}_{n}",
            parent=sweep,
            status="Failed" if n == trials - 1 and trials > 2 else "Completed",
            params={"learning_rate": str(lr), "batch_size": str(batch), "epochs": "5"},
        )
        mlflow_training(trial, epochs=5 if trial.status == "Completed" else 2, lr=lr)
        auc = trial.metrics["val/auc"].values[-1]["data"]["val/auc"]
        if trial.status == "Completed" and (best is None or auc > best[0]):
            best = (auc, trial.id)
    if best is not None:
        sweep.properties.update(
            {
                "best_child_run_id": best[1],
                "score": str(best[0]),
                "best_metric_status": "Succeeded",
                "best_data_container_id": f"dcid.{best[1]}",
            }
        )
    return sweep


def seed_pipeline(ws: EmuWorkspace, experiment: str = "fraud-pipeline") -> EmuRun:
    """A pipeline job: a data-prep step, a sweep step whose trials are the pipeline's grandchildren
    (azureml-examples' pipeline_with_hyperparameter_sweep), and a scoring step."""
    pipeline = ws.add_run(
        experiment,
        "brave_kiwi_q1z9x8c7v6",
        display_name="fraud-pipeline",
        run_type=PIPELINE,
        tags={"azureml.pipelineComponent": "pipelinerun"},
        properties={
            "azureml.runsource": PIPELINE,
            "runSource": "MFE",
            "runType": "HTTP",
            "azureml.parameters": "{}",
            "azureml.continue_on_step_failure": "False",
            **_GIT,
        },
    )
    pipeline.run_type_v2 = {"orchestrator": "Pipeline", "traits": [], "attribution": None}
    steps = []
    for node, display in (("2a7c91e0", "prep_data"), ("6d0b44f3", "score_model")):
        step = ws.add_run(
            experiment,
            f"{pipeline.id}_{display}",
            parent=pipeline,
            display_name=display,
            run_type=STEP,
            tags={"azureml.nodeid": node, "azureml.pipeline": pipeline.id},
            properties={
                "azureml.runsource": STEP,
                "azureml.nodeid": node,
                "StepType": "CommandStep",
                "ComputeTargetType": "AmlCompute",
                "ContentSnapshotId": "119c3ec1-9e46-46d2-8236-5f533e84a799",
            },
        )
        step.run_type_v2 = dict(_EXECUTION)
        step.upload("user_logs/std_log.txt", f"{display} done\n".encode())
        steps.append(step)
    base = steps[0].start or steps[0].created
    steps[0].log_mlflow("rows", 284807, _millis(base + timedelta(seconds=40)))
    steps[1].log_mlflow("test_auc", 0.961, _millis((steps[1].start or base) + timedelta(seconds=40)))
    seed_sweep_v2(ws, experiment, trials=3, parent=pipeline)
    return pipeline


def _tensorboard_job(
    ws: EmuWorkspace, experiment: str, name: str, display: str, *, folder: str, status: str
) -> EmuRun:
    run = command_job(ws, experiment, name, display, status=status, params={"epochs": "30"})
    wall = (run.start or run.created).timestamp()
    series = [(s, wall + 5 * s, 2.2 * math.exp(-0.08 * s)) for s in range(30)]
    run.upload(f"{folder}/train/events.out.tfevents.1714554000.0a1b2c3d.61.0", event_file({"loss": series}))
    run.upload(
        f"{folder}/validation/events.out.tfevents.1714554000.0a1b2c3d.61.1",
        event_file({"loss": [(s, w, v * 1.15) for s, w, v in series]}),
    )
    mlflow_training(run, epochs=3, lr=0.02)
    return run


def seed_tensorboard_jobs(ws: EmuWorkspace, experiment: str = "vision-v2") -> tuple[EmuRun, EmuRun]:
    """A job whose TensorBoard logs are under `logs/` (still running, so they are followed), and
    one whose logs are under `outputs/tensorboard/` (finished: outputs come at the end)."""
    live = _tensorboard_job(
        ws, experiment, "keen_owl_3m4n5b6v7c", "resnet-live", folder="logs", status="Running"
    )
    done = _tensorboard_job(
        ws,
        experiment,
        "quiet_fox_9p8o7i6u5y",
        "resnet-outputs",
        folder="outputs/tensorboard",
        status="Completed",
    )
    return live, done


def seed_v2(ws: EmuWorkspace) -> EmuWorkspace:
    """Every kind of v2 job above."""
    seed_command(ws)
    seed_sweep_v2(ws)
    seed_pipeline(ws)
    seed_tensorboard_jobs(ws)
    return ws
