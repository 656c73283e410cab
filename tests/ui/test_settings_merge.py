"""Two app instances share one settings file: the last to quit keeps the other's log folders and
boards (issue 10, section 7). Each instance is a real process of its own, as two windows are."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tbdesk.boards import BoardRun
from tbdesk.ui.settings import SavedBoard, Settings

INSTANCE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from tbdesk.boards import BoardRun
    from tbdesk.ui.settings import SavedBoard, Settings

    settings = Settings(Path(sys.argv[1]))
    settings.log_folders()  # what a window reads when it starts
    settings.boards()
    print("started", flush=True)
    wanted = json.loads(sys.stdin.readline())  # what it shows when it quits
    settings.set_log_folders(wanted["folders"])
    runs = {name: (BoardRun(name, Path("/logs", name)),) for name in wanted["boards"]}
    settings.set_boards([SavedBoard(name, runs[name], True) for name in wanted["boards"]])
    settings.sync()
    print("saved", flush=True)
    """
)


def _board(name: str) -> SavedBoard:
    return SavedBoard(name, (BoardRun(name, Path("/logs", name)),), True)


def test_the_last_instance_to_quit_keeps_the_others_folders_and_boards(tmp_path: Path) -> None:
    path = tmp_path / "tbdesk.ini"
    first = Settings(path)
    first.set_log_folders(["logdir:/x", "logdir:/y"])
    first.set_boards([_board("X")])
    first.sync()
    del first

    def start() -> subprocess.Popen[str]:
        instance = subprocess.Popen(
            [sys.executable, "-c", INSTANCE, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert instance.stdout is not None and instance.stdout.readline() == "started\n"
        return instance

    def quit_with(instance: subprocess.Popen[str], folders: list[str], boards: list[str]) -> None:
        assert instance.stdin is not None and instance.stdout is not None
        instance.stdin.write(json.dumps({"folders": folders, "boards": boards}) + "\n")
        instance.stdin.flush()
        assert instance.stdout.readline() == "saved\n"

    with start() as a, start() as b:
        quit_with(a, ["logdir:/x", "logdir:/y", "logdir:/a"], ["X", "A"])  # a added a folder and a board
        quit_with(b, ["logdir:/x", "logdir:/b"], ["B"])  # b removed /y, added /b, closed X, opened B

    after = Settings(path)
    assert after.log_folders() == ["logdir:/x", "logdir:/b", "logdir:/a"]
    assert [board.title for board in after.boards()] == ["B", "A"]
