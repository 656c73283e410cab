"""End to end: the window as the app builds it, on the demo workspace, with a real TensorBoard and a
real embedded dashboard; and the real app process killed with SIGKILL while a board runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QSize

from tbdesk.app import build_window, start
from tbdesk.boards import BoardManager, BoardState, registry
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.settings import Settings
from tbdesk.ui.tree_nodes import NAME
from tests.ui import ui_helpers

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOT = ROOT / "docs" / "screenshot.png"

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tbdesk.demo import create_demo

    workspace = tmp_path_factory.mktemp("demo") / "workspace"
    summary = create_demo(workspace)
    assert summary.created and summary.run_ids
    return workspace


def wait_idle(qtbot: Any, window: MainWindow) -> None:
    ui_helpers.wait_idle(qtbot, window, timeout=60_000)


def tensorboards_of(pid: int) -> list[int]:
    """Live TensorBoard processes whose parent is pid."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, parent = fields[0], int(fields[1])
        if parent == pid and state != "Z" and ("tensorboard" in cmdline or "_launch.py" in cmdline):
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie that nobody reaped has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_open_a_demo_run_shows_its_charts_and_reuses_the_board(
    qtbot: Any, run_async: Any, manager: BoardManager, demo_workspace: Path, tmp_path: Path
) -> None:
    window = build_window(manager, demo_workspace, Settings(tmp_path / "tbdesk.ini"))
    qtbot.addWidget(window)
    window.resize(QSize(1400, 900))
    window.show()
    run_async(start(window, []))

    model, tree = window.tree_model, window.tree
    source = model.index(0, NAME)
    tree.expand(source)
    wait_idle(qtbot, window)
    experiment = next(
        model.index(row, NAME, source)
        for row in range(model.rowCount(source))
        if model.index(row, NAME, source).data() == "digits-softmax"
    )
    tree.expand(experiment)
    wait_idle(qtbot, window)
    run = model.index(model.rowCount(experiment) - 1, NAME, experiment)  # the first run trained
    tree.expand(run)
    wait_idle(qtbot, window)
    children = [model.index(row, NAME, run).data() for row in range(model.rowCount(run))]
    assert len(children) >= 2
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    tree.selectionModel().select(run, flags)
    run_name = run.data()

    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    assert board.state is BoardState.READY
    assert {r.name for r in board.runs} == {run_name, *(f"{run_name}/{child}" for child in children)}
    view = window.view_of(board)
    assert view is not None and window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.charts_ready, timeout=60_000)
    assert run_async(view.count_scalar_charts()) > 0

    picture = window.grab()
    assert picture.width() >= 1200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert picture.save(str(ARTIFACTS / "app-window.png"))
    if os.environ.get("TBDESK_UPDATE_DOCS") == "1":  # the README's picture, refreshed on request
        assert picture.save(str(SCREENSHOT))

    pid = board.pid
    tree.selectionModel().select(run, flags)
    window.run_actions.open_action.trigger()  # the same run again: the same board, no new TensorBoard
    wait_idle(qtbot, window)
    assert manager.boards == [board] and board.pid == pid
    assert window.tabs.count() == 1 and window.tabs.currentWidget() is view
    assert tensorboards_of(os.getpid()) == [pid]


def launch_app(tmp_path: Path, home: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """`python -m tbdesk LOGS` as a user starts it; returns once its board runs (with its pids)."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    logs = tmp_path / "logs" / "run"
    logs.mkdir(parents=True)
    writer = EventFileWriter(str(logs))
    value = summary_pb2.Summary.Value(tag="loss", simple_value=0.5)
    writer.add_event(
        event_pb2.Event(wall_time=time.time(), step=1, summary=summary_pb2.Summary(value=[value]))
    )
    writer.close()

    env = dict(os.environ, TBDESK_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    log = tmp_path / "app.log"
    with log.open("wb") as output:
        command = [sys.executable, "-m", "tbdesk", str(logs.parent)]
        app = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    boards: list[int] = []
    while time.monotonic() < deadline and not boards and app.poll() is None:
        boards = [r.pid for r in registry.records() if alive(r.pid)]
        time.sleep(0.1)
    if not boards:
        app.kill()
        app.wait()
        pytest.fail(f"no board started; the app said:\n{log.read_text()[-3000:]}")
    assert tensorboards_of(app.pid) == boards  # the board is the app's own child
    return app, boards


def wait_gone(pids: list[int], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return not any(alive(pid) for pid in pids)


def test_killing_the_app_leaves_no_tensorboard(tmp_path: Path, tbdesk_home: Path) -> None:
    app, boards = launch_app(tmp_path, tbdesk_home)
    os.kill(app.pid, signal.SIGKILL)
    app.wait()
    assert wait_gone(boards)


def test_sigterm_stops_boards_and_remembers_them(tmp_path: Path, tbdesk_home: Path) -> None:
    app, boards = launch_app(tmp_path, tbdesk_home)
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=60) == 0
    assert not any(alive(pid) for pid in boards)  # stopped before the app exited
    saved = Settings(tbdesk_home / "config" / "tbdesk.ini")
    [board] = saved.boards()
    assert board.tab and [run.path for run in board.runs] == [tmp_path / "logs"]
    assert saved.log_folders() == [f"logdir:{tmp_path / 'logs'}"]
