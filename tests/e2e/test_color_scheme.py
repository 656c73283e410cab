"""Light and dark: the window and the embedded TensorBoard (its own dark theme, through
prefers-color-scheme) follow the appearance chosen; a screenshot of each for people to look at."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = [pytest.mark.e2e]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_window_and_tensorboard_follow_the_scheme(tmp_path: Path, scheme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    picture = ARTIFACTS / f"window-{scheme}.png"
    env = {**os.environ, "TBDESK_HOME": str(tmp_path / "home")}
    env.pop("QTWEBENGINE_CHROMIUM_FLAGS", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.scheme_probe", str(tmp_path / "scratch"), scheme, str(picture)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.strip().splitlines()[-1])
    dark = scheme == "dark"
    assert (state["window_lightness"] < 80) if dark else (state["window_lightness"] > 170), state
    assert state["prefersDark"] is dark and state["tensorboardDark"] is dark, state
    if os.environ.get("TBDESK_UPDATE_DOCS") == "1" and dark:
        shutil.copy(picture, ROOT / "docs" / "screenshot-dark.png")
