"""How a board's process is started and recognised, from a venv and from a frozen bundle."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import tbdesk
from tbdesk.boards._launch import BOARD_VERB, LAUNCHER, is_board_command, launcher_prefix
from tbdesk.boards.process import tensorboard_command

REPO = Path(tbdesk.__file__).resolve().parent.parent


def test_a_venv_runs_the_launcher_file_with_its_own_python() -> None:
    assert launcher_prefix() == [sys.executable, str(LAUNCHER)]


def test_a_bundle_runs_its_own_executable_with_the_internal_verb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/tbdesk/tbdesk")
    command = tensorboard_command()
    assert command == ["/opt/tbdesk/tbdesk", BOARD_VERB]
    assert is_board_command(command)


@pytest.mark.parametrize(
    ("command", "ours"),
    [
        (["/venv/bin/python", "/x/site-packages/tbdesk/boards/_launch.py", "--logdir", "d"], True),
        (["/opt/tbdesk/tbdesk", BOARD_VERB, "--logdir", "d"], True),
        (["/home/u/.local/lib/tbdesk/tbdesk", BOARD_VERB], True),
        (["/usr/bin/python3", "-m", "tensorboard.main", "--logdir", "d"], False),  # someone else's
        (["/usr/bin/other", BOARD_VERB], False),  # the verb, but not tbdesk's executable
        (["/opt/tbdesk/tbdesk"], False),  # the window itself
        ([], False),
    ],
)
def test_board_command_lines_are_told_apart(command: list[str], ours: bool) -> None:
    assert is_board_command(command) is ours


def test_the_internal_verb_serves_tensorboard(tmp_path: Path) -> None:
    """What a bundle's executable does with BOARD_VERB, run here through `python -m tbdesk`."""
    command = [sys.executable, "-m", "tbdesk", BOARD_VERB, "--logdir", str(tmp_path), "--host", "127.0.0.1",
               "--port", "0"]  # fmt: skip
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=REPO) as board:
        try:
            assert board.stderr is not None
            serving = None
            for line in board.stderr:
                serving = re.search(r"TensorBoard \S+ at (http://127\.0\.0\.1:\d+/)", line)
                if serving:
                    break
            assert serving, "TensorBoard never said where it serves"
        finally:
            board.terminate()
            board.wait(timeout=30)
