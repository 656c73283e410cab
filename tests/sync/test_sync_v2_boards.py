"""v2 jobs on one board (Compare), without a window: the emulator's seed_v2 jobs prepared as the
window's Open does (live sync, then exports of what has no TensorBoard logs), served by a real
TensorBoard. The command job's MLflow metrics, the sweep's trials (in HPARAMS with their
parameters), the pipeline's steps and its sweep step's trials, the TensorBoard logs of a job under
logs/ (followed live) and of one under outputs/tensorboard/ all show."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import Board, BoardManager
from tbdesk.boards.prepare import prepare_live_runs
from tbdesk.sources.azure import AzureSource
from tbdesk.sync import PollPolicy, RunCache
from tests.azureml_emulator import Emulator
from tests.azureml_emulator.seed import event_file
from tests.azureml_emulator.seed_v2 import command_job, mlflow_training, seed_v2
from tests.export.export_helpers import read_folder

QUICK = PollPolicy(fast=0.1, idle=0.5, tree_active=0.2, tree_idle=0.5)
LIVE_EVENTS = "logs/train/events.out.tfevents.1714554000.0a1b2c3d.61.0"


def _get(url: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _steps(board: Board, run: str, tag: str) -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    try:
        return [int(point[1]) for point in _get(f"{board.url}data/plugin/scalars/scalars?{query}")]
    except OSError:  # TensorBoard answers 400 for a run it has not loaded yet
        return []


def _shows(board: Board, run: str, tag: str, steps: list[int]) -> bool:
    return _steps(board, run, tag) == steps


def _scalars(board: Board, run: str, tag: str) -> list[tuple[float, int, float]]:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return [
        (wall, int(step), value)
        for wall, step, value in _get(f"{board.url}data/plugin/scalars/scalars?{query}")
    ]


async def _until(condition: Any, what: str, timeout: float = 40.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := await asyncio.to_thread(condition)):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)
    return found


def test_every_kind_of_v2_job_shows_on_one_board(
    emulator: Emulator, source: AzureSource, cache: RunCache, tmp_path: Path
) -> None:
    seed_v2(emulator.workspace)
    live_job = emulator.workspace.runs["keen_owl_3m4n5b6v7c"]

    async def main() -> None:
        names = {
            "fraud-v2": ["placid_lamp_8k2m1x7c4b", "jolly_hat_5r8wq2"],
            "fraud-pipeline": ["brave_kiwi_q1z9x8c7v6"],
            "vision-v2": ["keen_owl_3m4n5b6v7c", "quiet_fox_9p8o7i6u5y"],
        }
        jobs = [await source.get_run(exp, run_id) for exp, ids in names.items() for run_id in ids]
        live = await prepare_live_runs(source, jobs, cache=cache, policy=QUICK)
        manager = BoardManager(tmp_path / "boards")
        board = await manager.open(live.runs, live=True)
        live.attach(manager, board)
        try:
            runs = await _until(lambda: _get(f"{board.url}data/runs"), "the board's runs")
            assert {
                "train-fraud-model",  # exported MLflow metrics
                "resnet-live/train",  # logs/, synced
                "resnet-outputs/train",  # outputs/tensorboard/, synced
                "resnet-outputs/validation",
            } <= set(runs)
            trials = [f"tune-fraud-model/jolly_hat_5r8wq2_{n}" for n in range(4)]
            assert set(trials) <= set(runs)
            assert {
                "fraud-pipeline/prep_data",
                *(f"fraud-pipeline/tune-fraud-model/brave_kiwi_q1z9x8c7v6_sweep_step_{n}" for n in range(3)),
            } <= set(runs)
            assert _steps(board, "train-fraud-model", "train/loss") == list(range(8))
            assert _steps(board, "resnet-outputs/validation", "loss") == list(range(30))

            # The sweep's trials in HPARAMS, with their parameters (TensorBoard's own plugin).
            experiment = _get(f"{board.url}data/plugin/hparams/experiment", {"experimentName": ""})
            hparams = {info["name"] for info in experiment["hparamInfos"]}
            assert {"learning_rate", "batch_size"} <= hparams

            # The running job's logs/ keeps coming.
            assert _steps(board, "resnet-live/train", "loss") == list(range(30))
            wall = time.time()
            live_job.append(LIVE_EVENTS, event_file({"loss": [(30, wall, 0.1), (31, wall + 1, 0.09)]}))
            await _until(lambda: _steps(board, "resnet-live/train", "loss")[-1:] == [31], "the new steps")
        finally:
            await manager.stop(board)

    asyncio.run(main())


def test_a_running_job_that_logs_through_mlflow_only_shows_its_metrics_live(
    emulator: Emulator, source: AzureSource, cache: RunCache, tmp_path: Path
) -> None:
    """No TensorBoard logs, only MLflow metrics, still running: its metrics show as
    "<job>/metrics" beside its live folder, and the points it logs while the board is open reach
    the board (a real TensorBoard, its Rust data server), steps and wall times as logged, none
    twice; once the job has ended, one last read of its metrics and then none."""
    job = command_job(emulator.workspace, "fraud-v2", "eager_elk_7t6r5e4w3q", "train-live", status="Running")
    mlflow_training(job, epochs=3, lr=0.05)
    base = (job.start or job.created).timestamp()

    async def main() -> None:
        live = await prepare_live_runs(
            source, [await source.get_run("fraud-v2", job.id)], cache=cache, policy=QUICK
        )
        manager = BoardManager(tmp_path / "boards")
        board = await manager.open(live.runs, live=True)
        live.attach(manager, board)
        ((follow,),) = live.follows.values()
        try:
            await _until(lambda: _steps(board, "train-live/metrics", "train/loss") == [0, 1, 2], "metrics")
            for step in (3, 4):  # two rounds of new points, each seen on the board
                at = int((base + 100 * step) * 1000)
                job.log_mlflow("train/loss", 0.1 / step, at, step=step)
                job.log_mlflow("lr", 0.01 / step, at + 500)  # no step: MLflow sends 0, numbered in order
                for tag in ("train/loss", "lr"):
                    wanted = partial(_shows, board, "train-live/metrics", tag, list(range(step + 1)))
                    await _until(wanted, f"step {step} of {tag} on the board")
            # Wall times and steps as MLflow sent them (values as float32, TensorBoard's).
            served = _scalars(board, "train-live/metrics", "train/loss")[3:]
            assert served == [(base + 300, 3, pytest.approx(0.1 / 3)), (base + 400, 4, pytest.approx(0.025))]

            emulator.clear_log()
            job.log_mlflow("train/loss", 0.02, int((base + 500) * 1000), step=5)
            job.timeline = ["Completed"]
            job.advance()  # its last points logged, as a job's end comes after them
            await asyncio.wait_for(follow.wait_finished(), timeout=60)
            await _until(
                lambda: _steps(board, "train-live/metrics", "train/loss") == list(range(6)), "step 5"
            )
            # Each round: one metrics listing of the job, one `full` read per metric (3, one page).
            listings = emulator.requests("POST", contains=f"/runs/{job.id}/list")
            fulls = emulator.requests("POST", contains=f"/runs/{job.id}/full")
            assert 1 <= len(listings) <= follow.rounds
            assert len(fulls) == 3 * len(listings)
            assert {request.path for request in emulator.requests(contains="/metric/")} == {
                listings[0].path,
                fulls[0].path,
            }
            # Nothing after it ended.
            emulator.clear_log()
            await asyncio.sleep(QUICK.idle * 3)
            assert emulator.requests(contains="/metric/") == []
            # Nothing twice, nothing lost: the export's one event file holds every point once.
            (snapshot,) = [run for run in live.runs if run.name == "train-live/metrics"]
            points = read_folder(snapshot.path)[1]
            assert [read.step for read in points["train/loss"]] == list(range(6))
            assert [read.step for read in points["lr"]] == list(range(5))
            assert len(list(snapshot.path.glob("events.out.tfevents.*"))) == 1
        finally:
            await manager.stop(board)
        assert not follow.following

    asyncio.run(main())
