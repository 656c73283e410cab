"""The first Open in a fresh app, watched on a real X server (Xvfb): no grab of the screen, taken
every 50 ms from the window's first appearance until the charts are drawn, may show more than half
of it black (the window used to vanish for 0.1-0.5 s when its first dashboard appeared)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tbdesk.local import Experiment, Workspace
from tests.event_files import write_events

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
GRAB_MS = 50  # at least every 100 ms
SCREEN = "1366x768x24"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (.ci/run installs it)"),
]


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb on a display it picks itself; its root window is black."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()
    try:
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def a_run_with_logs(workspace: Path, scratch: Path) -> None:
    ws = Workspace(workspace)
    try:
        run = Experiment(ws, "first").start_logging(display_name="with-logs")
        run.upload_folder("logs", str(write_events(scratch / "logs", more_tags=("accuracy",))))
        run.complete()
    finally:
        ws.close()


def test_no_black_frame_through_the_first_open(tmp_path: Path, display: str) -> None:
    a_run_with_logs(tmp_path / "ws", tmp_path / "scratch")
    done, worst = tmp_path / "done", ARTIFACTS / "first-open-darkest-frame.png"
    ARTIFACTS.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "TBDESK_HOME": str(tmp_path / "home"),
    }
    watcher = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.screen_watch", str(done), str(GRAB_MS), str(worst)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        app = subprocess.run(
            [sys.executable, "-m", "tests.e2e.first_open_probe", str(tmp_path / "ws"), str(done)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        done.touch()  # the watcher stops even when the app failed
        out, err = watcher.communicate(timeout=60)
    finally:
        watcher.kill()
    assert app.returncode == 0, app.stderr
    assert "first open:" in app.stdout, app.stderr
    assert watcher.returncode == 0, err
    grabs = json.loads(out)
    # The measure sees black: the bare root window, before the app's window shows.
    assert grabs[0][1] > 0.5
    shown = next(i for i, (_, black) in enumerate(grabs) if black < 0.5)
    dark = [(at, black) for at, black in grabs[shown:] if black > 0.5]
    assert not dark, f"more than half the screen black at (s, share) {dark}; see {worst}"
    assert len(grabs) - shown > 20  # the open was watched, not just the window's first frame
