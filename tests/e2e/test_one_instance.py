"""One window: a second `tbdesk PATH` hands PATH to the running window and exits; closing a board's
tab stops the board; what comes back at the next launch is what had a tab."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tbdesk import paths
from tbdesk.boards import BoardManager, BoardRun, BoardState, registry
from tbdesk.boards.links import link_targets
from tbdesk.ui.settings import Settings
from tbdesk.ui.single_instance import parse
from tests.e2e.test_app import alive, launch_app, tensorboards_of
from tests.event_files import write_events
from tests.ui.ui_helpers import show_window

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.e2e]


def test_the_socket_folder_is_private(tbdesk_home: Path) -> None:
    socket = Path(paths.instance_socket())
    folder = socket.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and folder.stat().st_uid == os.getuid()
    assert len(str(socket).encode()) < 108  # a unix socket's path limit
    # Another settings folder is another instance.
    os.environ["TBDESK_HOME"] = str(tbdesk_home / "other")
    assert paths.instance_socket() != str(socket)


def test_a_folder_others_may_enter_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = tmp_path / f"tbdesk-{os.getuid()}"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    with pytest.raises(PermissionError, match="not a private folder"):
        paths.instance_socket()


@pytest.mark.parametrize(
    "message", [b"nonsense\n", b'{"paths": "x"}\n', b'{"paths": ["relative/path"]}\n', b"[]\n"]
)
def test_bad_messages_are_refused(message: bytes) -> None:
    with pytest.raises(ValueError):
        parse(message)


def shown_folders(home: Path) -> set[Path]:
    """The folders the boards of the app at home show (the links in their board folders)."""
    boards = home / "cache" / "boards"
    folders = [folder for folder in boards.iterdir() if folder.is_dir()] if boards.is_dir() else []
    return {target for folder in folders for target in link_targets(folder)}


def test_a_second_tbdesk_hands_its_folder_to_the_running_window(tmp_path: Path, tbdesk_home: Path) -> None:
    app, boards = launch_app(tmp_path, tbdesk_home)
    try:
        second_logs = write_events(tmp_path / "second" / "run")
        env = dict(os.environ, TBDESK_HOME=str(tbdesk_home), QT_QPA_PLATFORM="offscreen")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        second = subprocess.run(
            [sys.executable, "-m", "tbdesk", str(second_logs.parent.relative_to(tmp_path))],
            cwd=tmp_path,  # a relative PATH is the second one's, resolved before it is handed over
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and second_logs.parent not in shown_folders(tbdesk_home):
            time.sleep(0.1)
        assert second_logs.parent in shown_folders(tbdesk_home)  # the first window opened it
        started = tensorboards_of(app.pid)
        assert len(started) == 2 and set(boards) < set(started)  # in a board of its own
    finally:
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=60) == 0
    assert not any(alive(record.pid) for record in registry.records())


def test_closing_a_tab_stops_its_board_and_only_tabs_come_back(
    qtbot: Any, manager: BoardManager, tmp_path: Path, run_async: Any
) -> None:
    settings = tmp_path / "tbdesk.ini"
    window = show_window(qtbot, manager, settings)
    kept = run_async(window.open_board([BoardRun("kept", write_events(tmp_path / "kept"))], "kept"))
    closed = run_async(window.open_board([BoardRun("closed", write_events(tmp_path / "closed"))], "closed"))
    window.tabs.tabCloseRequested.emit(window.tabs.indexOf(window.view_of(closed)))
    qtbot.waitUntil(lambda: closed.state is BoardState.STOPPED, timeout=20_000)
    assert kept.state is BoardState.READY and window.view_of(kept) is not None
    window.save_settings()
    assert [board.title for board in Settings(settings).boards()] == ["kept"]


def test_own_boards_never_show_among_the_other_tensorboards(
    qtbot: Any, manager: BoardManager, tmp_path: Path, run_async: Any
) -> None:
    from tbdesk.boards import RunningTensorBoard, discover
    from tbdesk.ui.boards_menu import others

    board = run_async(manager.open([BoardRun("run", write_events(tmp_path / "run"))]))
    found = run_async(asyncio.to_thread(discover))
    assert board.pid in {each.pid for each in found}  # discovery sees it...
    assert board.pid not in {each.pid for each in others(found, manager)}  # ...the list does not
    # A board of this window whose pid is not known yet (reopened at launch, still starting), or
    # one a crashed tbdesk left in the same folder before it is ended: its folder says whose it is.
    starting = RunningTensorBoard(2**22 + 7, 1, "http://127.0.0.1:1/", str(manager.root / "x"), None, False)
    stranger = RunningTensorBoard(2**22 + 8, 2, "http://127.0.0.1:2/", str(tmp_path / "run"), None, False)
    assert others([starting, stranger], manager) == [stranger]
