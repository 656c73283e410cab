"""The window names what TensorBoard could not read: in the tree, under the log folder, and in
the strip of a board showing it (issue 10, section 5)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import BoardManager
from tbdesk.ui.tree_nodes import NAME, Kind
from tests.event_files import write_events
from tests.ui.ui_helpers import show_window, wait_idle


def test_unreadable_event_files_are_named_in_the_tree_and_the_board(
    qtbot: Any, manager: BoardManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "tb-logs"
    write_events(logs / "ok")
    (locked,) = write_events(logs / "locked").iterdir()
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        # Tests run as root, where file modes never refuse: refuse this one file by hand (the
        # command line's test, tests/test_cli.py, refuses it for real).
        if Path(path) == locked and mode & os.R_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    window = show_window(qtbot, manager, tmp_path / "tbdesk.ini", tmp_path / "ws")
    dialog = window.source_actions.ask_log_folder()
    dialog.fileSelected.emit(str(logs))
    dialog.close()
    model = window.tree_model
    source = model.index(1, NAME)
    window.tree.expand(source)
    wait_idle(qtbot, window)
    said = f"Cannot read 1 item, which TensorBoard will not show: {locked} ({os.strerror(errno.EACCES)})"
    rows = [model.node(model.index(row, NAME, source)) for row in range(model.rowCount(source))]
    assert [(row.kind, row.text) for row in rows if row is not None][-1] == (Kind.ERROR, said)

    experiment = model.index(0, NAME, source)
    window.tree.expand(experiment)
    wait_idle(qtbot, window)
    (locked_run,) = [n for n in model.nodes() if n.kind is Kind.RUN and n.run and n.run.name == "locked"]
    window.tree.setCurrentIndex(model.index_of(locked_run))
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    view = window.view_of(board)
    assert view is not None
    qtbot.waitUntil(lambda: view.sync_text == said)
