"""The boards panel on a real BoardManager with real TensorBoards: listing, stop, restart, errors,
and the other TensorBoards of this machine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QPushButton

from tbdesk.boards import Board, BoardManager, BoardRun, BoardState, discover
from tbdesk.ui.boards_panel import BoardColumn, BoardsPanel, ExternalColumn, format_memory, format_uptime
from tests.event_files import write_events


def write_scalars(run_dir: Path) -> Path:
    return write_events(run_dir, start=1_700_000_000)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rpartition(")")[2].split()[0] != "Z"


def test_formats() -> None:
    assert format_uptime(0) == "0 s"
    assert format_uptime(59.9) == "59 s"
    assert format_uptime(61) == "1 min 01 s"
    assert format_uptime(3600 + 120) == "1 h 02 min"
    assert format_uptime(2 * 86400 + 3600) == "2 d 01 h"
    assert format_uptime(-5) == "0 s"
    assert format_memory(None) == "\N{EM DASH}"
    assert format_memory(96 * 1024 * 1024) == "96.0 MB"  # the test locale: C
    assert format_memory(3 * 1024**3) == "3.0 GB"


@pytest.fixture
def manager(run_async: Any) -> Iterator[BoardManager]:
    boards = BoardManager()
    yield boards
    run_async(boards.stop_all())


@pytest.fixture
def panel(qtbot: Any, manager: BoardManager) -> BoardsPanel:
    widget = BoardsPanel(manager)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    return widget


def row_of(panel: BoardsPanel, board: Board) -> list[str]:
    for index in range(panel.boards_tree.topLevelItemCount()):
        item = panel.boards_tree.topLevelItem(index)
        assert item is not None
        if item.data(0, Qt.ItemDataRole.UserRole) == board.id:
            return [item.text(column) for column in range(len(BoardColumn.TITLES))]
    return []


def select(panel: BoardsPanel, board: Board) -> None:
    panel.boards_tree.clearSelection()
    for index in range(panel.boards_tree.topLevelItemCount()):
        item = panel.boards_tree.topLevelItem(index)
        assert item is not None
        item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == board.id)


def button(panel: BoardsPanel, text: str, section: int = 0) -> QPushButton:
    matches = [b for b in panel.findChildren(QPushButton) if b.text() == text]
    return matches[min(section, len(matches) - 1)]


def test_lists_boards_with_state_port_runs_uptime_and_memory(
    panel: BoardsPanel, manager: BoardManager, run_async: Any, qtbot: Any, tmp_path: Path
) -> None:
    runs = [
        BoardRun("lr=0.1", write_scalars(tmp_path / "a")),
        BoardRun("lr=0.01", write_scalars(tmp_path / "b")),
    ]
    board = run_async(manager.open(runs, title="sweep"))
    row = row_of(panel, board)
    assert row[BoardColumn.NAME] == "sweep"
    assert row[BoardColumn.STATE] == "ready"
    assert row[BoardColumn.PORT] == str(board.port)
    assert row[BoardColumn.RUNS] == "lr=0.1, lr=0.01"
    # The 2-second refresh fills in uptime and memory, read in a thread.
    qtbot.waitUntil(lambda: row_of(panel, board)[BoardColumn.MEMORY].endswith("MB"), timeout=10_000)
    assert row_of(panel, board)[BoardColumn.UPTIME].endswith(" s")

    with qtbot.waitSignal(panel.openBoardRequested) as opened:
        item = panel.boards_tree.topLevelItem(0)
        panel.boards_tree.itemActivated.emit(item, 0)
    assert opened.args == [board.id]


def test_stop_ends_tensorboard_and_drops_the_row(
    panel: BoardsPanel, manager: BoardManager, run_async: Any, qtbot: Any, tmp_path: Path
) -> None:
    board = run_async(manager.open([BoardRun("run", write_scalars(tmp_path / "run"))]))
    pid = board.pid
    assert pid is not None and alive(pid)
    select(panel, board)
    assert panel.stop_action.isEnabled()
    button(panel, "Stop").click()
    qtbot.waitUntil(lambda: panel.boards_tree.topLevelItemCount() == 0, timeout=20_000)
    assert board.state is BoardState.STOPPED
    qtbot.waitUntil(lambda: not alive(pid), timeout=10_000)


def test_restart_starts_tensorboard_again(
    panel: BoardsPanel, manager: BoardManager, run_async: Any, qtbot: Any, tmp_path: Path
) -> None:
    board = run_async(manager.open([BoardRun("run", write_scalars(tmp_path / "run"))]))
    old_pid = board.pid
    select(panel, board)
    states: list[str] = []
    manager.subscribe(lambda changed: states.append(row_of(panel, changed)[BoardColumn.STATE]))
    panel.restart_action.trigger()
    qtbot.waitUntil(lambda: board.state is BoardState.READY and board.pid != old_pid, timeout=30_000)
    assert "starting" in states
    assert row_of(panel, board)[BoardColumn.STATE] == "ready"
    assert row_of(panel, board)[BoardColumn.PORT] == str(board.port)


def test_a_failed_restart_is_reported(
    panel: BoardsPanel, manager: BoardManager, run_async: Any, qtbot: Any, tmp_path: Path
) -> None:
    logs = write_scalars(tmp_path / "vanishing")
    board = run_async(manager.open([BoardRun("vanishing", logs)], title="vanishing"))
    shutil.rmtree(logs)
    select(panel, board)
    with qtbot.waitSignal(panel.errorOccurred, timeout=30_000) as error:
        panel.restart_action.trigger()
    message = error.args[0]
    assert message.startswith("Could not restart the board 'vanishing': ")
    assert str(logs) in message
    assert row_of(panel, board)[BoardColumn.STATE] == "failed"


def test_context_menu_offers_the_board_actions(
    panel: BoardsPanel, manager: BoardManager, run_async: Any, qtbot: Any, tmp_path: Path
) -> None:
    board = run_async(manager.open([BoardRun("run", write_scalars(tmp_path / "run"))]))
    select(panel, board)
    item = panel.boards_tree.topLevelItem(0)
    assert item is not None
    position = panel.boards_tree.visualItemRect(item).center()
    panel.boards_tree.customContextMenuRequested.emit(position)
    menus = [menu for menu in panel.findChildren(QMenu) if menu.isVisible()]
    assert len(menus) == 1
    texts = [action.text() for action in menus[0].actions()]
    assert texts == ["Open", "Open in browser", "Restart", "Stop"]
    assert all(action.isEnabled() for action in menus[0].actions())
    menus[0].close()
    # No menu where there is no row.
    panel.boards_tree.customContextMenuRequested.emit(QPoint(5, panel.boards_tree.viewport().height() - 2))
    assert not [menu for menu in panel.findChildren(QMenu) if menu.isVisible()]


@pytest.fixture
def outside_tensorboard(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """A TensorBoard started by someone else, the way people do by hand."""
    logs = write_scalars(tmp_path / "elsewhere" / "run").parent
    log = tmp_path / "tensorboard.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tensorboard.main",
                "--logdir",
                str(logs),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 60
        url = None
        while url is None and time.monotonic() < deadline and process.poll() is None:
            match = re.search(rb"(http://127\.0\.0\.1:(\d+)/\S*)", log.read_bytes())
            url = match.group(1).decode() if match else None
            time.sleep(0.05)  # waiting on TensorBoard's line, not a fixed delay
        assert url is not None, log.read_text(errors="replace")
        yield process.pid, str(logs)
    finally:
        process.terminate()
        process.wait(10)


def test_other_tensorboards_are_listed_apart_and_open_in_a_window(
    panel: BoardsPanel,
    manager: BoardManager,
    run_async: Any,
    qtbot: Any,
    outside_tensorboard: tuple[int, str],
) -> None:
    pid, logdir = outside_tensorboard
    ours = run_async(manager.open([BoardRun("ours", write_scalars(Path(logdir).parent / "ours"))]))

    def listed() -> bool:
        panel.discover_now()  # does nothing while a search is running
        return any(found.pid == pid for found in panel._external)

    # TensorBoard writes its info file once it serves; look until it shows up.
    qtbot.waitUntil(listed, timeout=20_000)
    # Our own board is a TensorBoard on this machine too, but it is listed above, not here.
    assert any(found.pid == ours.pid for found in discover())
    assert all(found.pid != ours.pid for found in panel._external)
    index = next(i for i, found in enumerate(panel._external) if found.pid == pid)
    item = panel.external_tree.topLevelItem(index)
    assert item is not None
    assert item.text(ExternalColumn.FOLDER) == logdir
    assert item.text(ExternalColumn.PID) == str(pid)
    item.setSelected(True)
    assert panel.open_external_action.isEnabled()
    with qtbot.waitSignal(panel.openExternalRequested) as opened:
        button(panel, "Open in window").click()
    url, title = opened.args
    assert url == panel._external[index].url
    assert url.startswith(f"http://127.0.0.1:{panel._external[index].port}/")
    assert title == f"elsewhere (port {panel._external[index].port})"


def test_a_deleted_panel_ignores_board_changes(
    qtbot: Any, manager: BoardManager, run_async: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import shiboken6

    widget = BoardsPanel(manager)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(widget))
    board = run_async(manager.open([BoardRun("run", write_scalars(tmp_path / "run"))]))
    assert board.state is BoardState.READY
    assert not [record for record in caplog.records if "subscriber failed" in record.getMessage()]


def test_a_board_without_a_private_network_is_said_once(
    panel: BoardsPanel, manager: BoardManager, run_async: Any, tmp_path: Path
) -> None:
    board = run_async(manager.open([BoardRun("a", write_scalars(tmp_path / "a"))]))
    # A board in a private network says nothing. (Where this kernel refuses user namespaces, in a
    # chroot or some containers, the board itself carries the refusal: cleared here for the panel.)
    board.network_exposure = ""
    panel.refresh()
    assert panel.exposure_note.isHidden()
    # What a kernel that refuses user namespaces leaves on the board (a real refusal is started in
    # tests/boards/test_board_process.py): the panel is the one place the window says it.
    board.network_exposure = "unshare(CLONE_NEWUSER | CLONE_NEWNET): No space left on device"
    panel.refresh()
    assert not panel.exposure_note.isHidden()
    assert "Other users of this machine can read" in panel.exposure_note.text()
    assert "No space left on device" in panel.exposure_note.text()
