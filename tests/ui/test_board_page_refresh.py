"""A board's page follows its logs in the window: TensorBoard's page alone does not fetch runs that
arrive after it loaded. Here the logs are written on this machine (a logs folder opened with
`tbdesk DIR`), with no sync to tell anyone; the cloud and Azure ML cases are in
test_cloud_folder_ui.py and test_live_sync_ui.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tbdesk.boards import BoardManager
from tests.event_files import write_events
from tests.ui.test_main_window import Env, env, make_window
from tests.ui.ui_helpers import assert_quiet_when_nothing_is_written, error_dialogs, page_lists, served_runs

__all__ = ["env"]  # fixtures


def test_a_run_written_into_an_open_logs_folder_reaches_the_page(
    qtbot: Any, env: Env, manager: BoardManager, run_async: Any, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    write_events(logs / "first")
    window = make_window(qtbot, env, manager)
    window.open_folder_board(logs)
    qtbot.waitUntil(lambda: bool(manager.boards) and manager.boards[0].url is not None, timeout=60_000)
    [board] = manager.boards
    view = window.view_of(board)
    assert view is not None
    qtbot.waitUntil(lambda: view.charts_ready, timeout=60_000)
    [first] = served_runs(board.url or "")
    run_async(page_lists(view, {first}), timeout=60)

    write_events(logs / "second")  # a training on this machine starts another run
    qtbot.waitUntil(lambda: len(served_runs(board.url or "")) == 2, timeout=60_000)
    run_async(page_lists(view, set(served_runs(board.url or ""))), timeout=60)
    assert_quiet_when_nothing_is_written(qtbot, window)
    assert not error_dialogs(window)
