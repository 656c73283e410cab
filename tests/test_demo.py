"""The demo fills a real local workspace with runs whose TensorBoard logs TensorBoard's own reader
reads back, and whose metric history matches them, without TensorFlow."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tbdesk.demo import DemoSummary, create_demo, sweep
from tbdesk.demo.experiment import EPOCHS, EXPERIMENT, FOLDS, LEARNING_RATES, PICTURE_STEPS
from tbdesk.local import Experiment, Run, Workspace, WorkspaceStore
from tbdesk.paths import default_workspace_dir

ROOT = Path(__file__).resolve().parents[1]
ALL_STEPS = list(range(EPOCHS + 1))
SCALARS = {"loss/train", "loss/validation", "accuracy/train", "accuracy/validation"}
PLUGINS = {
    **dict.fromkeys(SCALARS, "scalars"),
    "weights": "histograms",
    "biases": "histograms",
    "weights_by_digit": "images",
    "confusion_matrix": "images",
    "about": "text",
    "results": "text",
    "_hparams_/session_start_info": "hparams",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return create_demo(tmp_path_factory.mktemp("demo") / "workspace")


@pytest.fixture(scope="module")
def runs(demo: DemoSummary) -> dict[str, Run]:
    """Every run and child run of the demo by its display name ('lr=0.1', 'lr=0.1/fold-2')."""
    ws = Workspace(demo.workspace)
    found = {}
    for run in Experiment(ws, EXPERIMENT).get_runs():
        found[run.display_name] = run
        for child in run.get_children():
            found[f"{run.display_name}/{child.display_name}"] = child
    return found


def _events(run: Run) -> Any:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logs = run.files_dir / "logs"
    assert len(list(logs.glob("events.out.tfevents.*"))) == 1, sorted(logs.iterdir())
    accumulator = EventAccumulator(str(logs), size_guidance={"tensors": 0})
    accumulator.Reload()
    return accumulator


def _text(events: Any, tag: str) -> str:
    (event,) = events.Tensors(tag)
    return str(event.tensor_proto.string_val[0].decode("utf-8"))


def test_summary_names_every_run(demo: DemoSummary) -> None:
    assert demo.created
    assert demo.experiments == (EXPERIMENT, sweep.EXPERIMENT)
    assert len(demo.run_ids) == len(LEARNING_RATES) + 1  # and the sweep's root run
    assert len(demo.child_run_ids) == len(LEARNING_RATES) * FOLDS + len(sweep.ALPHAS)
    assert len(set(demo.run_ids + demo.child_run_ids)) == len(LEARNING_RATES) * (FOLDS + 1) + 1 + len(
        sweep.ALPHAS
    )
    assert (demo.workspace / "files").is_dir()


def test_runs_child_runs_tags_and_status(demo: DemoSummary, runs: dict[str, Run]) -> None:
    names = [f"lr={lr:g}" for lr in LEARNING_RATES]
    expected = {*names, *(f"{n}/fold-{i}" for n in names for i in range(1, FOLDS + 1))}
    assert set(runs) == expected
    for name in names:
        run = runs[name]
        assert run.id in demo.run_ids
        assert run.get_status() == "Completed"
        assert run.get_tags()["learning_rate"] == name.removeprefix("lr=")
        for i in range(1, FOLDS + 1):
            child = runs[f"{name}/fold-{i}"]
            assert child.get_status() == "Completed"
            assert child.get_tags()["fold"] == f"{i}/{FOLDS}"
            assert child.parent == run


def test_every_run_wrote_scalars_histograms_images_text_and_hparams(runs: dict[str, Run]) -> None:
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData

    for name, run in runs.items():
        learning_rate = name.split("/")[0].removeprefix("lr=")
        events = _events(run)
        tags = events.Tags()["tensors"]
        assert {tag: events.SummaryMetadata(tag).plugin_data.plugin_name for tag in tags} == PLUGINS, name
        for tag in (*SCALARS, "weights", "biases"):
            assert [e.step for e in events.Tensors(tag)] == ALL_STEPS, (name, tag)
        assert [e.step for e in events.Tensors("weights_by_digit")] == list(PICTURE_STEPS)
        assert [e.step for e in events.Tensors("confusion_matrix")] == [EPOCHS]
        assert [e.step for e in events.Tensors("about")] == [0]
        assert [e.step for e in events.Tensors("results")] == [EPOCHS]
        (start,) = events.Tensors("_hparams_/session_start_info")
        assert start.step == 0
        content = events.SummaryMetadata("_hparams_/session_start_info").plugin_data.content
        hparams = HParamsPluginData.FromString(content).session_start_info.hparams
        assert hparams["learning_rate"].number_value == pytest.approx(float(learning_rate))
        assert hparams["validated_on"].string_value == (name.split("/")[1] if "/" in name else "test")
        assert f"| learning rate | {learning_rate} |" in _text(events, "about")


def test_images_are_pngs_of_the_stated_size(runs: dict[str, Run]) -> None:
    from PIL import Image

    events = _events(runs["lr=0.1"])
    for tag in ("weights_by_digit", "confusion_matrix"):
        for event in events.Tensors(tag):
            width, height, png = event.tensor_proto.string_val
            with Image.open(io.BytesIO(png)) as picture:
                assert picture.format == "PNG"
                assert picture.size == (int(width), int(height))
    histogram = events.Tensors("weights")[-1].tensor_proto
    buckets = [d.size for d in histogram.tensor_shape.dim]
    assert buckets[1] == 3  # left edge, right edge, count


def test_the_model_learns_and_the_metric_history_matches_the_logs(
    demo: DemoSummary, runs: dict[str, Run]
) -> None:
    store = WorkspaceStore(demo.workspace)
    try:
        for name, run in runs.items():
            events = _events(run)
            metrics = {m.name: m for m in store.metrics(run.id)}
            for tag in SCALARS:
                history = metrics[tag].points
                assert [p.step for p in history] == ALL_STEPS
                logged = [e.tensor_proto.float_val[0] for e in events.Tensors(tag)]
                assert [p.value for p in history] == pytest.approx(logged, rel=1e-6), (name, tag)
            accuracy = [p.value for p in metrics["accuracy/validation"].points]
            assert accuracy[-1] > accuracy[0] + 0.2, f"{name} did not learn: {accuracy}"
        final = runs["lr=0.1"].get_metrics()
        assert 0.5 < final["test_accuracy"] <= 1.0
        assert 0.5 < final["cv_accuracy"] <= 1.0
        folds_text = _text(_events(runs["lr=0.1"]), "results")
        assert "| fold | validation accuracy |" in folds_text
    finally:
        store.close()


def test_second_call_skips_force_adds_the_same_numbers_again() -> None:
    first = create_demo()  # the default workspace, inside this test's TBDESK_HOME
    assert first.workspace == default_workspace_dir()
    assert first.created

    again = create_demo()
    assert not again.created
    assert again.run_ids == first.run_ids
    assert again.child_run_ids == first.child_run_ids

    more = create_demo(force=True)
    assert more.created
    assert not set(more.run_ids) & set(first.run_ids)

    ws = Workspace()
    try:
        runs = list(Experiment(ws, EXPERIMENT).get_runs())
        assert len(runs) == 2 * len(LEARNING_RATES)
        by_id = {run.id: run for run in runs}
        digits = len(LEARNING_RATES)  # the sweep's root run comes last
        for old_id, new_id in zip(first.run_ids[:digits], more.run_ids[:digits], strict=True):
            old, new = by_id[old_id], by_id[new_id]
            assert old.display_name == new.display_name
            # Seeded: the second set trained exactly like the first.
            assert old.get_metrics()["loss/validation"] == new.get_metrics()["loss/validation"]
    finally:
        ws.close()


_SPY = """
import sys

class NoTensorFlow:
    tried = []
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "tensorflow":
            self.tried.append(name)
        return None

spy = NoTensorFlow()
sys.meta_path.insert(0, spy)
"""


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )


def test_the_demo_never_even_tries_to_import_tensorflow(tmp_path: Path) -> None:
    """Not just "TF is not installed here": any attempt to import it (TensorBoard's compat layer
    imports it whenever it can) would load TensorFlow on a machine that has it."""
    code = (
        _SPY
        + f"""
from pathlib import Path
from tbdesk.demo import create_demo
summary = create_demo(Path({str(tmp_path / "ws")!r}))
assert summary.created
print("tried:", spy.tried, "loaded:", "tensorflow" in sys.modules)
"""
    )
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "tried: [] loaded: False" in result.stdout


def test_the_spy_sees_an_import_of_tensorflow(tmp_path: Path) -> None:
    code = (
        _SPY
        + """
try:
    import tensorflow  # noqa
except ImportError:
    pass
print("tried:", spy.tried)
"""
    )
    assert "tried: ['tensorflow']" in _python(code, tmp_path).stdout


def test_without_pillow_it_says_what_to_install_and_writes_nothing(tmp_path: Path) -> None:
    code = f"""
import sys
sys.modules["PIL"] = None  # makes "import PIL" fail, as if Pillow were not installed
from pathlib import Path
from tbdesk.demo import create_demo
from tbdesk.local import Workspace
try:
    create_demo(Path({str(tmp_path / "ws")!r}))
except RuntimeError as error:
    print("error:", error)
print("experiments:", list(Workspace(Path({str(tmp_path / "ws")!r})).experiments))
"""
    result = _python(code, tmp_path)
    assert "error: The demo draws its images with Pillow" in result.stdout, result.stderr
    assert "pip install 'tbdesk[demo]'" in result.stdout
    assert "experiments: []" in result.stdout


def test_tbdesk_demo_without_scikit_learn_leaves_the_sweep_out_and_says_how_to_add_it(tmp_path: Path) -> None:
    """As the bundle does, which ships no scikit-learn: the other experiments, and one line on why
    the sweep is missing (it used to write digits-softmax, then fail with a traceback)."""
    ws = tmp_path / "ws"
    code = f"""
import sys
sys.modules["sklearn"] = None  # makes "import sklearn" fail, as in an environment without it
from tbdesk.cli import main
code = main(["demo", "--workspace", {str(ws)!r}])
from tbdesk.local import Workspace
print("experiments:", sorted(Workspace({str(ws)!r}).experiments))
sys.exit(code)
"""
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stdout.splitlines() if "diabetes-ridge" in line]
    assert "scikit-learn" in line and "pipx inject tbdesk" in line and "pip install 'tbdesk[demo]'" in line
    assert "experiments: ['digits-softmax']" in result.stdout
