"""The seed's Python API on azureml-core objects: `Tensorboard([run]).start()` and
`export_to_tensorboard(experiment, logdir)` given the real client's `Run` and `Experiment`, against
the local emulator of Azure ML, with real TensorBoard processes and real event files."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tensorboard_helpers import answers, get

from tbdesk.boards import procinfo
from tbdesk.tensorboard import Tensorboard, targets
from tbdesk.tensorboard.export import export_to_tensorboard
from tests.azureml_emulator import Emulator, EmuRun, EmuWorkspace, seed_demo
from tests.azureml_emulator.clients import emulator_sdk_workspace
from tests.azureml_emulator.seed import event_file
from tests.event_files import wait_until


@pytest.fixture(autouse=True)
def _azureml_first(azureml_env: Path) -> None:
    """azureml-core comes in under the environment tests/conftest.py's azureml_env sets up."""


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """The emulator with its demo workspace (a run with TensorBoard logs, a sweep, ...) plus a
    family whose parent has no logs, one child has and the other has not."""
    workspace = seed_demo(EmuWorkspace())
    _family(workspace)
    with Emulator(workspace) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def sdk_workspace(demo: Emulator) -> Any:
    return emulator_sdk_workspace(demo)


FAMILY_START = datetime(2024, 6, 1, tzinfo=UTC)


def _family(ws: EmuWorkspace) -> None:
    parent = ws.add_run("family", "family_parent", display_name="parent")
    for step in range(3):
        parent.log("best", 0.5 + step / 10, step=step * 5, at=FAMILY_START + timedelta(seconds=step))
    logged = ws.add_run("family", "family_child_logs", parent=parent, display_name="with logs")
    wall = FAMILY_START.timestamp()
    logged.upload("logs/events.out.tfevents.1717200000.node-0", event_file({"acc": [(7, wall, 0.9)]}))
    logged.upload("logs/azureml/driver.log", b"not an event file\n")
    metrics_only = ws.add_run("family", "family_child_metrics", parent=parent, display_name="metrics only")
    metrics_only.log("acc", 0.8, step=11, at=FAMILY_START)


def sdk_experiment(workspace: Any, name: str) -> Any:
    """An azureml-core Experiment found by listing: `Experiment(ws, name)` would POST (create)."""
    from azureml.core import Experiment

    (experiment,) = Experiment.list(workspace, experiment_name=name)
    return experiment


def sdk_run(workspace: Any, experiment: str, run_id: str) -> Any:
    from azureml.core import Run

    return Run(sdk_experiment(workspace, experiment), run_id)


def emu_run(emulator: Emulator, display_name: str) -> EmuRun:
    (run,) = [r for r in emulator.workspace.runs.values() if r.display_name == display_name]
    return run


def scalars(url: str, run: str, tag: str) -> list[tuple[int, float]]:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return [(step, value) for _, step, value in json.loads(get(f"{url}data/plugin/scalars/scalars?{query}"))]


def board_runs(url: str) -> list[str]:
    return sorted(json.loads(get(url + "data/runs")))


def test_tensorboard_syncs_a_runs_logs_and_serves_its_scalars(
    demo: Emulator, sdk_workspace: Any, tmp_path: Path
) -> None:
    logged = emu_run(demo, "cnn lr=0.01")
    run = sdk_run(sdk_workspace, "mnist-cnn", logged.id)
    root = tmp_path / "tb"
    tb = Tensorboard([run], local_root=root, port=0)
    url = tb.start()
    pid = tb.pid
    try:
        assert url.startswith("http://127.0.0.1:") and url.count("/") > 3  # behind a path prefix
        # Synced in the sync's layout: local_root/<run id>-<digest>/files/logs/...
        (entry,) = [path for path in root.iterdir() if path.name.startswith(f"{logged.id}-")]
        synced = (entry / "files" / "logs").rglob("events.out.tfevents.*")
        assert sorted(path.parent.name for path in synced) == ["train", "validation"]
        wanted = ["cnn lr=0.01/train", "cnn lr=0.01/validation"]
        wait_until(lambda: board_runs(url) == wanted, what="the downloaded runs on the board")
        train = scalars(url, "cnn lr=0.01/train", "loss")
        assert [step for step, _ in train] == list(range(40))
        assert train[5][1] == pytest.approx(2.3 * 2.718281828 ** (-0.5), rel=1e-5)
    finally:
        tb.stop()
    assert pid is not None and not procinfo.is_alive(pid)
    assert not answers(url)
    assert demo.writes() == []
    # One listing of logs/, then one request for the download links of its files, then the bytes.
    assert demo.requests("GET", f"/prefix/contentinfo/ExperimentRun/{logged.data_container_id}/logs/")


def test_tensorboard_syncs_child_runs_logs_and_exports_the_runs_without(
    demo: Emulator, sdk_workspace: Any
) -> None:
    parent = sdk_run(sdk_workspace, "family", "family_parent")
    tb = Tensorboard([parent], port=0)
    url = tb.start()
    try:
        wanted = ["parent", "parent/metrics only", "parent/with logs"]
        wait_until(lambda: board_runs(url) == wanted, what="the family on the board")
        [(step, value)] = scalars(url, "parent/with logs", "acc")  # synced logs
        assert step == 7 and value == pytest.approx(0.9)
        [(step, value)] = scalars(url, "parent/metrics only", "acc")  # exported
        assert step == 11 and value == pytest.approx(0.8)
        assert [step for step, _ in scalars(url, "parent", "best")] == [0, 5, 10]  # exported, alone
    finally:
        tb.stop()
    assert demo.writes() == []
    # Only the child with files under logs/ had them fetched.
    assert not demo.requests("GET", "/prefix/contentinfo/ExperimentRun/dcid.family_child_metrics/")
    assert demo.requests("GET", "/prefix/contentinfo/ExperimentRun/dcid.family_child_logs/logs/")


def test_an_sdk_experiment_is_exported_with_real_steps_and_no_sdk_run_objects(
    demo: Emulator, sdk_workspace: Any, tmp_path: Path
) -> None:
    from azureml._run_impl.run_base import _RunBase
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    experiment = sdk_experiment(sdk_workspace, "mnist-cnn")
    queued = _RunBase._registered_kill_handlers.qsize()
    folders = export_to_tensorboard(experiment, tmp_path / "out")

    emulated = sorted(
        (r for r in demo.workspace.runs.values() if r.experiment.name == "mnist-cnn"),
        key=lambda r: r.created,
        reverse=True,  # newest first, as the experiment lists its runs
    )
    assert [folder.name for folder in folders] == [r.display_name for r in emulated]
    for folder, run in zip(folders, emulated, strict=True):
        accumulator = EventAccumulator(str(folder))
        accumulator.Reload()
        for tag in ("loss", "accuracy"):
            points = run.metrics[tag].values
            assert [(e.step, e.wall_time) for e in accumulator.Scalars(tag)] == [
                (p["step"], pytest.approx(datetime.fromisoformat(p["createdUtc"]).timestamp()))
                for p in points
            ]
    assert len(folders) == 4
    assert _RunBase._registered_kill_handlers.qsize() == queued  # read as REST, not as SDK Runs
    assert demo.writes() == []


def test_one_source_per_workspace_and_clear_errors(demo: Emulator, sdk_workspace: Any) -> None:
    first = sdk_run(sdk_workspace, "mnist-cnn", emu_run(demo, "cnn lr=0.01").id)
    sweep = sdk_run(sdk_workspace, "lr-sweep", "HD_lr-sweep_parent")
    found = targets.resolve([first, sweep, first])
    assert [t.run.id for t in found] == [first.id, "HD_lr-sweep_parent"]
    assert found[0].source is found[1].source
    assert found[1].run.run_type == "hyperdrive" and found[1].run.name == "lr sweep"
    with pytest.raises(TypeError, match=r"Not a run or an experiment: .*azureml\.core\.Run"):
        export_to_tensorboard(sdk_workspace, "unused")
    assert demo.writes() == []
