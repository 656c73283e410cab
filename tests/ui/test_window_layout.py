"""The window's layout: the dashboard gets most of the window on common screens, the first launch
fits the screen, a remembered place off every screen is dropped, panes keep their sizes, the
boards list is a button away, and an empty workspace says what to do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication

from tbdesk.boards import BoardManager, BoardRun, BoardState
from tbdesk.ui import window_layout
from tests.event_files import write_events
from tests.ui.ui_helpers import show_window, wait_idle

ROOT = Path(__file__).resolve().parents[2]


def screen_config(path: Path, width: int, height: int) -> Path:
    """A configfile for Qt's offscreen platform: one screen of this size."""
    screen = {"name": "probe", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96}
    path.write_text(json.dumps({"screens": [screen]}))
    return path


def area(rect: list[int]) -> int:
    return rect[2] * rect[3]


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_dashboard_gets_most_of_the_window_on_first_launch(tmp_path: Path, size: tuple[int, int]) -> None:
    config = screen_config(tmp_path / "screen.json", *size)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "TBDESK_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.layout_probe", str(tmp_path / "scratch")],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    screen = QRect(*found["screen"])
    assert screen.size().toTuple() == size
    assert screen.contains(QRect(*found["frame"])), found  # never larger than the screen
    assert not found["boards_panel_visible"]
    share = area(found["dashboard"]) / area(found["window"])
    assert share >= 0.70, found


def test_first_geometry_fits_small_and_large_screens() -> None:
    for available in (QRect(0, 0, 800, 560), QRect(0, 24, 1366, 744), QRect(1920, 0, 2560, 1400)):
        placed = window_layout.first_geometry(available)
        assert available.contains(placed), (available, placed)
        assert placed.center() == available.center() or abs(placed.center().x() - available.center().x()) <= 1
    assert window_layout.first_geometry(QRect(0, 0, 800, 560)).size().toTuple() == (800, 560)


def test_visible_on_needs_part_of_the_window_on_a_screen() -> None:
    screens = [QRect(0, 0, 1920, 1080)]
    assert window_layout.visible_on(QRect(100, 100, 800, 600), screens)
    assert window_layout.visible_on(QRect(1800, 1000, 800, 600), screens)  # its corner shows
    assert not window_layout.visible_on(QRect(1910, 100, 800, 600), screens)  # a 10 px sliver
    assert not window_layout.visible_on(QRect(3000, 100, 800, 600), screens)


def test_a_place_off_every_screen_is_not_restored(qtbot: Any, manager: BoardManager, tmp_path: Path) -> None:
    settings = tmp_path / "tbdesk.ini"
    first = show_window(qtbot, manager, settings)
    available = first.screen().availableGeometry()
    first.setGeometry(available.right() + 2000, 100, 500, 400)  # a screen since unplugged
    first.save_settings()
    first.close()
    second = show_window(qtbot, manager, settings)
    assert available.contains(second.frameGeometry())
    assert second.frameGeometry() == window_layout.first_geometry(available)


def test_panes_keep_their_sizes(qtbot: Any, manager: BoardManager, tmp_path: Path) -> None:
    settings = tmp_path / "tbdesk.ini"
    first = show_window(qtbot, manager, settings)
    first.setGeometry(QRect(10, 10, 700, 500))
    first.splitter.setSizes([300, 400])
    first.left_splitter.setSizes([200, 250])
    sizes = first.splitter.sizes(), first.left_splitter.sizes()
    assert sizes[0] != [window_layout.left_width(700), 700 - window_layout.left_width(700)]
    first.save_settings()
    first.close()
    second = show_window(qtbot, manager, settings)
    assert second.size().toTuple() == (700, 500)
    assert (second.splitter.sizes(), second.left_splitter.sizes()) == sizes


def test_the_boards_button_lists_boards_and_stops_one_without_a_tab(
    qtbot: Any, manager: BoardManager, tmp_path: Path, run_async: Any
) -> None:
    window = show_window(qtbot, manager, tmp_path / "tbdesk.ini")
    logs = write_events(tmp_path / "logs" / "run")
    board = run_async(window.open_board([BoardRun("run", logs)], "run"))
    assert window.boards_button.text() == "Boards (1)"
    button = window.boards_button
    shown = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
    assert window.rect().contains(shown)  # in the window, not pushed past its edge
    assert button.width() >= button.sizeHint().width()  # its text whole, not elided
    window.boards_button.fill()
    titles = [action.text() for action in window.boards_button.list_menu.actions()]
    assert "run: ready" in titles
    window.close_tab(window.view_of(board))
    window.boards_button.fill()
    [entry] = [a for a in window.boards_button.list_menu.actions() if a.text().startswith("run:")]
    assert "no tab" in entry.text()
    stop = next(a for a in entry.menu().actions() if a.text() == "Stop")
    stop.trigger()
    qtbot.waitUntil(lambda: board.state is BoardState.STOPPED, timeout=20_000)
    assert window.boards_button.text() == "Boards"
    assert window.boards_dock.toggleViewAction() in window.boards_button.list_menu.actions()


def test_the_details_pane_copies_a_run_id_whole(qtbot: Any, manager: BoardManager, tmp_path: Path) -> None:
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(tmp_path / "ws")
    run = Experiment(ws, "exp").start_logging(display_name="a-run")
    run.complete()
    ws.close()
    window = show_window(qtbot, manager, tmp_path / "tbdesk.ini", tmp_path / "ws")
    window.tree.expand(window.tree_model.index(0, 0))
    wait_idle(qtbot, window)
    experiment = window.tree_model.index(0, 0, window.tree_model.index(0, 0))
    window.tree.expand(experiment)
    wait_idle(qtbot, window)
    window.tree.setCurrentIndex(window.tree_model.index(0, 0, experiment))
    qtbot.waitUntil(lambda: window.details.run is not None)
    assert window.details.copy_id_button.isVisible()
    window.details.copy_id_button.click()
    assert QGuiApplication.clipboard().text() == run.id


def test_an_empty_workspace_says_what_to_do_and_makes_the_demo(
    qtbot: Any, manager: BoardManager, tmp_path: Path
) -> None:
    window = show_window(qtbot, manager, tmp_path / "tbdesk.ini", tmp_path / "ws")
    welcome = window.welcome
    qtbot.waitUntil(lambda: welcome.start.text().startswith("Nothing to look at yet"))
    assert not welcome.hint.isVisible()
    for button in (welcome.open_folder_button, welcome.sign_in_button, welcome.demo_button):
        assert button.isVisible() and button.isEnabled()
    welcome.demo_button.click()
    qtbot.waitUntil(welcome.hint.isVisible, timeout=120_000)
    wait_idle(qtbot, window)
    workspace = window.tree_model.index(0, 0)
    shown = {
        window.tree_model.index(row, 0, workspace).data()
        for row in range(window.tree_model.rowCount(workspace))
    }
    assert {"digits-softmax", "diabetes-ridge"} <= shown


def test_a_narrow_tree_gives_the_names_the_room_of_the_start_time_then_the_type(qtbot: Any) -> None:
    from tbdesk.ui.tree_nodes import STARTED, STATUS, TYPE
    from tbdesk.ui.tree_view import MIN_NAME_WIDTH
    from tests.ui.ui_helpers import show_tree

    view = show_tree(qtbot, 300)
    header = view.header()
    assert not header.isSectionHidden(STARTED)  # 600 px: room for every column
    assert not header.isSectionHidden(TYPE)
    view.resize(260, 300)
    qtbot.waitUntil(lambda: header.isSectionHidden(STARTED) and header.isSectionHidden(TYPE))
    view.resize(700, 300)
    qtbot.waitUntil(lambda: not header.isSectionHidden(STARTED) and not header.isSectionHidden(TYPE))
    # Room for the names once the start time has gone: the type column stays.
    fixed = sum(header.sectionSize(column) for column in (TYPE, STATUS))
    view.resize(view.width() - view.viewport().width() + fixed + MIN_NAME_WIDTH + 10, 300)
    qtbot.waitUntil(lambda: header.isSectionHidden(STARTED))
    assert not header.isSectionHidden(TYPE)


def test_sources_and_experiments_names_span_the_row(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QModelIndex

    from tbdesk.sources.workspace import WorkspaceSource
    from tests.ui.ui_helpers import show_tree

    view = show_tree(qtbot, 300)
    view.source_model().add_source(WorkspaceSource(tmp_path / "a-workspace-with-a-rather-long-name"))
    qtbot.waitUntil(lambda: view.isFirstColumnSpanned(0, QModelIndex()))  # its name is never cut by Status
