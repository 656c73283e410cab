"""The demo's Keras run (the how-to's first option, offline): trained with TensorFlow in its own venv
(.ci/tf-venv.sh, or TBDESK_TF_PYTHON), its Keras TensorBoard logs read by tensorboard's loader here
and served by a real board. Without TensorFlow the demo leaves it out and says so."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import BoardManager
from tbdesk.boards.prepare import prepare_board_runs
from tbdesk.demo import DemoSummary, create_demo, keras_run
from tbdesk.local import Experiment, Run, Workspace
from tbdesk.sources.workspace import WorkspaceSource

ROOT = Path(__file__).resolve().parents[1]
KERAS_TAGS = {"epoch_loss", "epoch_accuracy"}


def _tensorflow_python() -> str:
    configured = os.environ.get(keras_run.ENV_VAR, "").strip()
    if configured:
        assert Path(configured).exists(), f"{keras_run.ENV_VAR}={configured} does not exist"
        return configured
    default = ROOT / ".venv-tf" / "bin" / "python"
    if not default.exists():
        pytest.skip(f"no Python with TensorFlow: run .ci/tf-venv.sh or set {keras_run.ENV_VAR}")
    return str(default)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSummary]:
    python = _tensorflow_python()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(keras_run.ENV_VAR, python)
        yield create_demo(tmp_path_factory.mktemp("keras") / "workspace")


@pytest.fixture(scope="module")
def run(demo: DemoSummary) -> Run:
    (found,) = Experiment(Workspace(demo.workspace), keras_run.EXPERIMENT).get_runs()
    return found


def _accumulator(folder: Path) -> Any:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    assert len(list(folder.glob("events.out.tfevents.*"))) == 1, sorted(folder.iterdir())
    accumulator = EventAccumulator(str(folder), size_guidance={"tensors": 0})
    accumulator.Reload()
    return accumulator


def _series(accumulator: Any, tag: str) -> list[tuple[int, float]]:
    from tensorboard.util import tensor_util

    return [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in accumulator.Tensors(tag)]


def test_the_demo_adds_a_completed_keras_run_as_a_third_experiment(demo: DemoSummary, run: Run) -> None:
    assert demo.created and demo.skipped == ()
    assert demo.experiments[-1] == keras_run.EXPERIMENT and len(demo.experiments) == 3
    assert run.id in demo.run_ids
    assert run.get_status() == "Completed"
    assert run.get_tags()["data"] == "scikit-learn digits"


def test_the_run_logs_the_history_and_a_plausible_final_accuracy(run: Run) -> None:
    metrics = run.get_metrics()
    assert set(metrics) == {"loss", "accuracy", "val_loss", "val_accuracy", "final_accuracy"}
    assert all(len(metrics[name]) == keras_run.EPOCHS for name in ("loss", "val_accuracy"))
    assert metrics["final_accuracy"] == metrics["val_accuracy"][-1]
    # Ten digits: chance is 0.1; a small dense network gets well past 0.8 within a few epochs.
    assert 0.8 < metrics["final_accuracy"] <= 1.0
    assert metrics["loss"][-1] < metrics["loss"][0]


def test_keras_train_and_validation_logs_are_the_runs_logs(run: Run) -> None:
    logs = run.files_dir / "logs"
    assert sorted(p.name for p in logs.iterdir()) == ["train", "validation"]
    metrics = run.get_metrics()
    for folder, prefix in (("train", ""), ("validation", "val_")):
        events = _accumulator(logs / folder)
        assert set(events.Tags()["tensors"]) >= KERAS_TAGS
        for tag in KERAS_TAGS:
            series = _series(events, tag)
            assert [step for step, _ in series] == list(range(keras_run.EPOCHS))
            logged = metrics[prefix + tag.removeprefix("epoch_")]
            assert [value for _, value in series] == pytest.approx(logged, rel=1e-6)
    # histogram_freq=1: the weights' histograms are in the training run's logs.
    assert any("kernel" in tag for tag in _accumulator(logs / "train").Tags()["tensors"])


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


async def _until_served(url: str, wanted: set[str]) -> Any:
    """TensorBoard loads event files after it is ready: poll until the runs show up."""

    async def poll() -> Any:
        while True:
            tags = await asyncio.to_thread(_get_json, url)
            if wanted <= set(tags):
                return tags
            await asyncio.sleep(0.2)

    return await asyncio.wait_for(poll(), 40)


def test_a_board_serves_the_keras_scalars(demo: DemoSummary, run: Run, tmp_path: Path) -> None:
    metrics = run.get_metrics()

    async def scenario() -> None:
        source = WorkspaceSource(demo.workspace)
        (experiment,) = [e for e in await source.experiments() if e.name == keras_run.EXPERIMENT]
        (model_run,) = [r async for page in source.runs(experiment) for r in page]
        manager = BoardManager(tmp_path / "boards")
        try:
            board = await manager.open(await prepare_board_runs(source, [model_run]))
            assert board.url is not None
            train, validation = f"{run.display_name}/train", f"{run.display_name}/validation"
            tags = await _until_served(board.url + "data/plugin/scalars/tags", {train, validation})
            assert set(tags[train]) >= KERAS_TAGS and set(tags[validation]) >= KERAS_TAGS
            query = urllib.parse.urlencode({"run": validation, "tag": "epoch_accuracy"})
            points = await asyncio.to_thread(_get_json, board.url + "data/plugin/scalars/scalars?" + query)
            assert [p[1] for p in points] == list(range(keras_run.EPOCHS))
            assert [p[2] for p in points] == pytest.approx(metrics["val_accuracy"], rel=1e-6)
        finally:
            await manager.stop_all()

    asyncio.run(scenario())


def test_without_tensorflow_the_demo_leaves_the_keras_run_out_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(keras_run.ENV_VAR, raising=False)
    if keras_run.tensorflow_python() is not None:
        pytest.skip("TensorFlow is installed in tbdesk's own environment")
    summary = create_demo(tmp_path / "workspace")
    assert keras_run.EXPERIMENT not in summary.experiments
    (reason,) = summary.skipped
    assert "TensorFlow" in reason and keras_run.ENV_VAR in reason
    assert not Experiment.list(Workspace(summary.workspace), keras_run.EXPERIMENT)


def test_a_missing_tensorflow_python_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="does not exist"):
        keras_run.train(str(tmp_path / "no-python"), tmp_path / "logs")
