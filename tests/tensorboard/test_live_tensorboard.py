"""The seed's `Tensorboard([run]).start()` on a running Azure ML run follows it live: steps the
run uploads while the board is up are served, a child run that joins the sweep joins the board,
and `stop()` ends the syncing with the board. The real azureml-core client against the emulator,
a real TensorBoard, the default poll policy (what a user gets)."""

from __future__ import annotations

import io
import json
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tensorboard_helpers import answers, get

from tbdesk.boards import procinfo
from tbdesk.paths import cache_dir
from tbdesk.sync import LiveSync, SyncState
from tbdesk.tensorboard import Tensorboard, _loop
from tests.azureml_emulator import Emulator, EmuRun, EmuWorkspace
from tests.azureml_emulator.clients import emulator_sdk_workspace
from tests.event_files import wait_until

EVENTS = "logs/events.out.tfevents.1714550400.node-0"
WALL = 1_714_550_400.0


@pytest.fixture(autouse=True)
def _azureml_first(azureml_env: Path) -> None:
    """azureml-core comes in under the environment tests/conftest.py's azureml_env sets up."""


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator(EmuWorkspace()) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def sdk_workspace(emulator: Emulator) -> Any:
    return emulator_sdk_workspace(emulator)


def events(first: int, last: int, *, header: bool = False) -> bytes:
    """Records of an event file, as a training script appends them: steps first..last-1 of 'loss'."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.record_writer import RecordWriter

    buffer = io.BytesIO()
    writer = RecordWriter(buffer)
    if header:
        writer.write(event_pb2.Event(wall_time=WALL, file_version="brain.Event:2").SerializeToString())
    for step in range(first, last):
        value = summary_pb2.Summary.Value(tag="loss", simple_value=step / 10)
        event = event_pb2.Event(wall_time=WALL + step, step=step, summary=summary_pb2.Summary(value=[value]))
        writer.write(event.SerializeToString())
    return buffer.getvalue()


def steps(url: str, run: str) -> list[int]:
    """The steps of 'loss' the board serves for run (none while it has not loaded the run)."""
    query = urllib.parse.urlencode({"run": run, "tag": "loss"})
    try:
        points = json.loads(get(f"{url}data/plugin/scalars/scalars?{query}"))
    except OSError:  # TensorBoard answers 400 for a run or tag it has not seen yet
        return []
    return [int(step) for _, step, _ in points]


def test_a_running_sweep_is_followed_until_stop(emulator: Emulator, sdk_workspace: Any) -> None:
    from azureml.core import Experiment, Run

    ws = emulator.workspace
    parent = ws.add_run("sweep", "sweep_1", status="Running", display_name="sweep", run_type="hyperdrive")
    parent.log("best", 0.5, step=0)
    first = ws.add_run("sweep", "sweep_1_0", parent=parent, status="Running", display_name="lr=0.1")
    first.upload(EVENTS, events(0, 5, header=True))
    (experiment,) = Experiment.list(sdk_workspace, experiment_name="sweep")

    tb = Tensorboard([Run(experiment, parent.id)], port=None)
    url = tb.start()
    pid = tb.pid
    syncs = _syncs(tb)
    try:
        wait_until(lambda: steps(url, "sweep/lr=0.1") == [0, 1, 2, 3, 4], what="the synced steps")
        first.append(EVENTS, events(5, 6))  # the run uploads its next step
        wait_until(lambda: steps(url, "sweep/lr=0.1")[-1:] == [5], 20, "the new step on the board")

        late = ws.add_run("sweep", "sweep_1_1", parent=parent, status="Running", display_name="lr=0.01")
        late.upload(EVENTS, events(0, 3, header=True))
        wait_until(
            _training(first, url, lambda: steps(url, "sweep/lr=0.01") == [0, 1, 2]), 25, "the new child"
        )
    finally:
        tb.stop()
    stopped = time.monotonic()

    assert pid is not None and not procinfo.is_alive(pid)
    assert not answers(url)
    assert list((cache_dir() / "tensorboard").iterdir()) == []  # its temporary folder
    _no_requests_since(emulator, stopped, first, syncs)
    assert emulator.writes() == []


def test_python_exiting_stops_the_sync_and_the_board(emulator: Emulator, sdk_workspace: Any) -> None:
    from azureml.core import Experiment, Run

    run = emulator.workspace.add_run("live", "live_1", status="Running", display_name="live")
    run.upload(EVENTS, events(0, 3, header=True))
    (experiment,) = Experiment.list(sdk_workspace, experiment_name="live")
    tb = Tensorboard(Run(experiment, run.id), port=None)
    url = tb.start()
    pid = tb.pid
    syncs = _syncs(tb)
    wait_until(lambda: steps(url, "live") == [0, 1, 2], what="the synced steps")
    run.append(EVENTS, events(3, 4))  # bytes flow: the sync polls at its fast pace
    wait_until(lambda: steps(url, "live")[-1:] == [3], 20, "the new step on the board")

    _loop.engine().shutdown()  # what the interpreter's exit runs (the loop lives on for other tests)
    stopped = time.monotonic()
    assert pid is not None and not procinfo.is_alive(pid)
    assert tb.url is None
    _no_requests_since(emulator, stopped, run, syncs)
    assert emulator.writes() == []
    tb.stop()  # nothing left to stop, and no error


def test_a_running_run_without_logs_yet_shows_them_once_uploaded(
    emulator: Emulator, sdk_workspace: Any
) -> None:
    from azureml.core import Experiment, Run

    run = emulator.workspace.add_run("live", "live_1", status="Running", display_name="live")
    run.log("acc", 0.5, step=0)  # a metric, but no logs/ yet: the job has just started
    (experiment,) = Experiment.list(sdk_workspace, experiment_name="live")
    tb = Tensorboard([Run(experiment, run.id)], port=None)
    url = tb.start()
    try:
        [feed] = tb._feeds
        [status] = feed.sync.statuses
        assert [r.path for r in tb._board.runs] == [status.folder]  # type: ignore[union-attr]
        run.upload(EVENTS, events(0, 3, header=True))
        wait_until(lambda: steps(url, "live") == [0, 1, 2], 30, "the steps uploaded after start()")
    finally:
        tb.stop()


def _syncs(tb: Tensorboard) -> list[LiveSync]:
    """The live syncs that feed tb's board (while it runs)."""
    syncs = [feed.sync for feed in tb._feeds]
    assert syncs
    return syncs


def _no_requests_since(emulator: Emulator, moment: float, run: EmuRun, syncs: list[LiveSync]) -> None:
    """The syncs' polling is over (stop() awaited their tasks), so they ask nothing any more,
    although the run has new bytes to fetch; and nothing reached the emulator since moment."""
    run.append(EVENTS, events(100, 101))
    for live in syncs:
        assert {status.state for status in live.statuses} <= {SyncState.STOPPED, SyncState.UP_TO_DATE}
        assert live._task is not None and live._task.done()
    assert [r.path for r in emulator.log if r.at >= moment] == []


def _training(run: EmuRun, url: str, done: Callable[[], bool]) -> Callable[[], bool]:
    """done, checked while the run keeps training: it uploads its next step each time the board
    has served the last one, as a sweep's child runs keep logging while others join."""
    uploaded = max(steps(url, "sweep/lr=0.1"))

    def check() -> bool:
        nonlocal uploaded
        if done():
            return True
        if steps(url, "sweep/lr=0.1")[-1:] == [uploaded]:
            uploaded += 1
            run.append(EVENTS, events(uploaded, uploaded + 1))
        return False

    return check
