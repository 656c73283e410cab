"""Without a display, `tbdesk` says so in one line (Qt used to abort with a hint about xcb-cursor0)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tbdesk.display import display_problem

ROOT = Path(__file__).resolve().parents[1]


def test_no_display_is_named_with_what_to_do_instead() -> None:
    problem = display_problem({}, "linux")
    assert problem is not None and "no display found" in problem
    assert "tbdesk serve" in problem and "QT_QPA_PLATFORM=offscreen" in problem
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({}, "darwin") is None


def test_tbdesk_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["TBDESK_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tbdesk"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "no display found" in line and "xcb-cursor0" not in line
