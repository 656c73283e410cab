"""Every dialog and message fits its text and the screen: on a 1366x768 laptop, and at 200% scale
(a 2732x1536 screen at QT_SCALE_FACTOR=2: the same room, in bigger pixels)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.test_window_layout import ROOT, screen_config


@pytest.mark.parametrize(("width", "height", "scale"), [(1366, 768, "1"), (2732, 1536, "2")])
def test_every_dialog_fits(tmp_path: Path, width: int, height: int, scale: str) -> None:
    config = screen_config(tmp_path / "screen.json", width, height)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
        "TBDESK_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.dialog_probe", str(tmp_path / "scratch")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    misfits = json.loads(done.stdout.strip().splitlines()[-1])
    assert misfits == [], "\n".join(misfits)
