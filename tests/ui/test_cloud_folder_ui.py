"""File > Open cloud folder… with moto's real S3 server: a bad URL is explained in the dialog, a
good one shows in the tree and among the recent URLs, and a cloud run is compared with a run of
the local workspace on one real TensorBoard board, mirrored live."""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
import urllib.request
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from tbdesk.boards import BoardManager, procinfo
from tbdesk.boards._launch import LAUNCHER
from tbdesk.sources.cloud import CloudFolderSource
from tbdesk.ui.tree_nodes import Kind
from tests.cloud.fixtures import bucket, s3, s3_server
from tests.sync.sync_helpers import Events
from tests.ui.test_main_window import Env, env, expand_sweep, make_window, select
from tests.ui.ui_helpers import (
    assert_quiet_when_nothing_is_written,
    error_dialogs,
    page_lists,
    served_runs,
    wait_idle,
)

__all__ = ["bucket", "env", "s3", "s3_server"]  # fixtures

EVENTS = "events.out.tfevents.1714550400.host"


def _steps(board_url: str, run: str) -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": "loss"})
    try:
        with urllib.request.urlopen(f"{board_url}data/plugin/scalars/scalars?{query}", timeout=5) as answer:
            return [int(point[1]) for point in json.loads(answer.read())]
    except OSError:
        return []


def test_open_a_cloud_folder_and_compare_its_run_with_a_local_one(
    qtbot: Any, env: Env, manager: BoardManager, bucket: Any, run_async: Any
) -> None:
    events = Events("loss")
    first = events.steps(0, 4)
    bucket.put_object(Key=f"tb/cloudrun/{EVENTS}", Body=first)
    url = f"s3://{bucket.name}/tb"
    window = make_window(qtbot, env, manager)

    dialog = window.source_actions.ask_cloud_folder()
    open_button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Open)
    dialog.url.setEditText("ftp://nowhere/logs")
    qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "not a cloud folder" in dialog.problem.text()
    dialog.url.setEditText(url + "/")
    qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.settings.recent_cloud_urls() == [url]
    assert [s.title for s in window.tree_model.sources()][-1] == "tb"

    model = window.tree_model
    window.tree.expand(model.source_index(f"cloud:{url}"))
    wait_idle(qtbot, window)
    for node in list(model.nodes()):
        if node.kind is Kind.EXPERIMENT and node.source is not None and node.source.id == f"cloud:{url}":
            window.tree.expand(model.index_of(node))
    wait_idle(qtbot, window)
    expand_sweep(qtbot, window)
    select(window, "cloudrun", "lr=1")
    window.run_actions.compare_action.trigger()
    wait_idle(qtbot, window)
    [board] = manager.boards
    assert {run.name for run in board.runs} >= {"cloudrun", "lr=1"}
    assert board.url is not None
    qtbot.waitUntil(lambda: _steps(board.url or "", "cloudrun") == [0, 1, 2, 3], timeout=60_000)
    bucket.put_object(Key=f"tb/cloudrun/{EVENTS}", Body=first + events.steps(4, 6))
    qtbot.waitUntil(lambda: _steps(board.url or "", "cloudrun")[-1:] == [5], timeout=60_000)

    window.close()  # the recent URLs, the folder and the board are remembered for the next launch
    run_async(manager.stop_all())  # what quitting does
    again = make_window(qtbot, env, manager)
    assert [s.title for s in again.tree_model.sources()][-1] == "tb"
    assert again.source_actions.ask_cloud_folder().url.itemText(0) == url

    # The board comes back from the mirror; Refresh follows the cloud run again.
    again.restore_boards()
    qtbot.waitUntil(lambda: not again.tasks.busy and bool(manager.boards), timeout=60_000)
    [reopened] = manager.boards
    assert reopened.url is not None
    qtbot.waitUntil(lambda: _steps(reopened.url or "", "cloudrun")[-1:] == [5], timeout=60_000)
    bucket.put_object(Key=f"tb/cloudrun/{EVENTS}", Body=first + events.steps(4, 8))
    view = again.view_of(reopened)
    assert view is not None
    refresh = view.findChild(QPushButton, "sync-refresh")
    assert refresh is not None
    refresh.click()
    qtbot.waitUntil(lambda: _steps(reopened.url or "", "cloudrun")[-1:] == [7], timeout=60_000)
    assert not error_dialogs(again)


def test_tbdesk_url_starts_tensorboard_while_the_folder_is_still_listed(
    qtbot: Any, env: Env, manager: BoardManager, bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tbdesk s3://...` (the window's open_cloud_board): the board's TensorBoard loads while the
    store answers the listing, and that very process becomes the board."""
    bucket.put_object(Key=f"tb/cloudrun/{EVENTS}", Body=Events("loss").steps(0, 4))
    listed = threading.Event()
    list_tree = CloudFolderSource.list_tree

    def slow_listing(self: CloudFolderSource, folder: str) -> list[Any]:
        assert listed.wait(60), "the test never let the listing go"
        return list_tree(self, folder)

    monkeypatch.setattr(CloudFolderSource, "list_tree", slow_listing)
    window = make_window(qtbot, env, manager)
    before = set(_launchers())
    window.open_cloud_board(f"s3://{bucket.name}/tb")
    qtbot.waitUntil(lambda: len(set(_launchers()) - before) == 1, timeout=30_000)
    [started] = set(_launchers()) - before  # while the listing still waits
    listed.set()
    qtbot.waitUntil(lambda: bool(manager.boards) and manager.boards[0].url is not None, timeout=60_000)
    [board] = manager.boards
    assert board.pid == started
    qtbot.waitUntil(lambda: _steps(board.url or "", "cloudrun") == [0, 1, 2, 3], timeout=60_000)
    assert not error_dialogs(window)


def test_the_page_lists_every_run_of_a_cloud_folder(
    qtbot: Any, env: Env, manager: BoardManager, bucket: Any, run_async: Any
) -> None:
    """The board loads as soon as the newest run is mirrored (the first charts come first); the
    other runs, mirrored next, reach its page without the user reloading it."""
    names = ("old", "middle", "newest")
    for age, name in enumerate(names):
        bucket.put_object(
            Key=f"tb/{name}/events.out.tfevents.{1714550400 + age}.host", Body=Events("loss").steps(0, 4)
        )
    window = make_window(qtbot, env, manager)
    window.open_cloud_board(f"s3://{bucket.name}/tb")
    qtbot.waitUntil(lambda: bool(manager.boards) and manager.boards[0].url is not None, timeout=60_000)
    [board] = manager.boards
    view = window.view_of(board)
    assert view is not None
    qtbot.waitUntil(lambda: len(served_runs(board.url or "")) == 3, timeout=60_000)
    run_async(page_lists(view, set(served_runs(board.url or ""))), timeout=60)
    assert_quiet_when_nothing_is_written(qtbot, window)  # the mirror's idle polls write nothing
    assert not error_dialogs(window)


def _launchers() -> list[int]:
    return [pid for pid in procinfo.children(os.getpid()) if str(LAUNCHER) in (procinfo.cmdline(pid) or [])]
