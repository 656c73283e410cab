"""The seed's Python API on tbdesk: the how-to's code end to end, with real runs, real event files and
real TensorBoard processes, from plain synchronous code."""

from __future__ import annotations

import json
import logging
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tensorboard_helpers import answers, get

from tbdesk.boards import BoardError, procinfo
from tbdesk.local import Experiment, Run, Workspace
from tbdesk.tensorboard import Tensorboard
from tbdesk.tensorboard._loop import engine
from tbdesk.tensorboard.export import export_to_tensorboard
from tests.event_files import write_events

ALPHAS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace(tmp_path / "workspace")
    yield workspace
    workspace.close()


def howto_sweep(ws: Workspace) -> tuple[Run, dict[str, float]]:
    """The how-to's second option, with only its imports and workspace line changed."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.metrics import mean_squared_error
    from sklearn.model_selection import train_test_split

    x, y = load_diabetes(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
    data = {"train": {"X": x_train, "y": y_train}, "test": {"X": x_test, "y": y_test}}
    exp = Experiment(workspace=ws, name="export-to-tensorboard")
    root_run = exp.start_logging()
    errors = {}
    for alpha in ALPHAS:
        with root_run.child_run("alpha" + str(alpha)) as run:
            reg = Ridge(alpha=alpha)
            reg.fit(data["train"]["X"], data["train"]["y"])
            preds = reg.predict(data["test"]["X"])
            mse = mean_squared_error(preds, data["test"]["y"])
            run.log("alpha", alpha)
            run.log("mse", mse)
            errors["alpha" + str(alpha)] = float(mse)
    return root_run, errors


def _scalars(folder: Path, tag: str) -> list[tuple[int, float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(folder))
    accumulator.Reload()
    if tag not in accumulator.Tags()["scalars"]:
        return []
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def _runs(url: str) -> list[str]:
    return sorted(json.loads(get(url + "data/runs")))


def test_the_howto_sweep_exported_then_served_from_its_folder(
    ws: Workspace, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root_run, errors = howto_sweep(ws)
    logdir = tmp_path / "exportedTBlogs"
    run_data = [root_run]
    with caplog.at_level(logging.INFO, logger="howto"):
        folders = export_to_tensorboard(run_data, str(logdir), logger=logging.getLogger("howto"))
    root_run.complete()
    assert run_data == [root_run]  # the seed's version emptied it

    (root,) = folders
    assert root.parent == logdir and list(root.glob("events.out.tfevents.*"))
    children = sorted(path.name for path in root.iterdir() if path.is_dir())
    assert children == sorted(errors)
    for name, mse in errors.items():
        assert _scalars(root / name, "mse") == [(0, pytest.approx(mse, rel=1e-6))]
        # alpha is the sweep's parameter: it shows in HPARAMS, not as a one-point chart
        assert _scalars(root / name, "alpha") == []
    messages = [record.getMessage() for record in caplog.records if record.name == "howto"]
    assert messages[0] == f"Exporting 1 run to {logdir}"
    assert sum(message.startswith("Exported alpha") for message in messages) == len(ALPHAS)

    tb = Tensorboard([], local_root=str(logdir), port=0)
    url = tb.start()
    pid = tb.pid
    assert pid is not None and url.startswith("http://127.0.0.1:")
    shown = _runs(url)
    assert f"exportedTBlogs/{root.name}" in shown
    assert sum(name.startswith(f"exportedTBlogs/{root.name}/alpha") for name in shown) == len(ALPHAS)
    assert tb.start() == url  # started already: the same board
    tb.stop()
    assert not procinfo.is_alive(pid)
    assert not answers(url)
    assert tb.url is None


def test_exporting_an_experiment_again_replaces_the_previous_export(ws: Workspace, tmp_path: Path) -> None:
    root_run, _ = howto_sweep(ws)
    root_run.complete()
    experiment = Experiment(ws, "export-to-tensorboard")
    first = export_to_tensorboard(experiment, tmp_path / "out")
    again = export_to_tensorboard(experiment, tmp_path / "out", recursive=False)
    assert first == again
    assert [path.name for path in (tmp_path / "out").iterdir()] == [first[0].name]
    assert not any(path.is_dir() for path in first[0].iterdir())  # the child runs were left out
    assert _scalars(first[0], "mse") == []  # the how-to's root run logs nothing itself


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="Not a run or an experiment: 'run-id'"):
        export_to_tensorboard("run-id", tmp_path)
    with pytest.raises(ValueError, match="local_root"):
        Tensorboard([])
    tb = Tensorboard([], local_root=tmp_path / "missing", port=None)
    with pytest.raises(BoardError, match="There is no folder"):
        tb.start()


def test_a_run_with_its_own_logs_is_shown_in_place_and_its_child_without_is_exported(
    ws: Workspace,
) -> None:
    run = Experiment(ws, "mixed").start_logging(display_name="trained")
    write_events(run.files_dir / "logs", steps=3, start=1e9)
    with run.child_run("evaluation") as child:
        child.log("accuracy", 0.5)
        child.log("accuracy", 0.75)
    run.complete()

    tb = Tensorboard([run], port=None)
    url = tb.start()
    try:
        assert _runs(url) == ["trained", "trained/evaluation"]
        base = url + "data/plugin/scalars/scalars?"
        native = json.loads(get(base + "run=trained&tag=loss"))
        assert [point[1] for point in native] == [0, 1, 2]
        exported = json.loads(get(base + "run=trained/evaluation&tag=accuracy"))
        assert [(point[1], point[2]) for point in exported] == [(0, 0.5), (1, 0.75)]
        assert len(list(_export_cache().iterdir())) == 1  # the child's export: a temporary folder
    finally:
        tb.stop()
    assert list(_export_cache().iterdir()) == []  # which stop() removed


def _export_cache() -> Path:
    from tbdesk.paths import cache_dir

    return cache_dir() / "tensorboard"


def test_the_default_port_taken_fails_at_once_and_starts_nothing(ws: Workspace) -> None:
    run = Experiment(ws, "exp").start_logging()
    write_events(run.files_dir / "logs", steps=3, start=1e9)
    with socket.socket() as holder:
        try:
            holder.bind(("127.0.0.1", 6006))
            holder.listen()
        except OSError:
            pass  # someone else holds 6006 already: it is taken either way
        with pytest.raises(BoardError) as error:
            Tensorboard([run]).start()
    assert "Port 6006 is already in use" in str(error.value)
    assert "port=None" in str(error.value)
    assert not any(board.state.is_live for board in engine().manager.boards)


def test_an_experiment_with_no_runs_yet(ws: Workspace) -> None:
    with pytest.raises(BoardError, match="no runs"):
        Tensorboard(Experiment(ws, "empty"), port=None).start()
    assert export_to_tensorboard(Experiment(ws, "empty"), ws.path / "out") == []


def test_boards_showing_the_same_runs_are_shared_until_the_last_stop(ws: Workspace) -> None:
    run = Experiment(ws, "exp").start_logging()
    write_events(run.files_dir / "logs", steps=3, start=1e9)
    Tensorboard([run], port=None).stop()  # stopping one never started does nothing
    first, second = Tensorboard([run], port=None), Tensorboard([run], port=None)
    url = first.start()
    assert second.start() == url  # one TensorBoard is enough
    pid = first.pid
    first.stop()
    first.stop()
    assert answers(url + "data/runs")
    second.stop()
    assert pid is not None and not procinfo.is_alive(pid)
    assert not answers(url)


def _session_groups(url: str) -> list[dict[str, Any]]:
    request = {
        "experimentName": "",
        "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
        "colParams": [],
        "startIndex": 0,
        "sliceSize": 100,
    }
    body = urllib.request.Request(
        url + "experiment/defaultExperimentId/data/plugin/hparams/session_groups",
        data=json.dumps(request).encode(),
        headers={"Content-Type": "application/json", "X-XSRF-Protected": "1"},
    )
    with urllib.request.urlopen(body, timeout=10) as response:
        groups: list[dict[str, Any]] = json.loads(response.read())["sessionGroups"]
    return groups


def test_the_demo_runs_open_in_tensorboard(tmp_path: Path) -> None:
    from tbdesk.demo import create_demo

    summary = create_demo(tmp_path / "demo")
    ws = Workspace(summary.workspace)
    try:
        (digits,) = [
            run for run in Experiment(ws, "digits-softmax").get_runs() if run.display_name == "lr=0.1"
        ]
        with_logs = Tensorboard([digits], port=None)
        sweep = Tensorboard(Experiment(ws, "diabetes-ridge"), port=None)
        try:
            url = with_logs.start()
            assert _runs(url) == ["lr=0.1", "lr=0.1/fold-1", "lr=0.1/fold-2", "lr=0.1/fold-3"]
            assert not _export_cache().exists()  # shown where they are: nothing was exported

            url = sweep.start()
            assert _runs(url) == ["alpha sweep", *(f"alpha sweep/alpha{a}" for a in ALPHAS)]
            groups = _session_groups(url)
            assert sorted(group["hparams"]["alpha"] for group in groups) == ALPHAS
        finally:
            with_logs.stop()
            sweep.stop()
    finally:
        ws.close()
