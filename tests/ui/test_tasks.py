"""The task runner: progress while a coroutine runs, results, errors (status bar and dialog), cancel."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from tbdesk.sources.base import SourceError
from tbdesk.ui.tasks import TaskRunner
from tests.ui.ui_helpers import error_dialogs


@pytest.fixture
def window(qtbot: Any, qloop: asyncio.AbstractEventLoop) -> QMainWindow:
    win = QMainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def runner(window: QMainWindow) -> TaskRunner:
    return TaskRunner(window.statusBar(), window)


def test_success_shows_progress_then_result(qtbot: Any, window: QMainWindow, runner: TaskRunner) -> None:
    gate: asyncio.Future[int] = asyncio.get_event_loop().create_future()
    results: list[int] = []

    async def work() -> int:
        return await gate * 2

    assert not runner.progress.isVisible()
    task = runner.run(work(), "Counting", on_success=results.append, done_text=lambda n: f"Counted {n}")
    assert runner.busy
    assert runner.progress.isVisible() and runner.cancel_button.isVisible()
    assert runner.label.text() == "Counting…"
    assert runner.progress.maximum() == 0  # busy indicator until the job reports progress

    with qtbot.waitSignal(runner.succeeded, timeout=5000) as signal:
        gate.set_result(21)
    assert signal.args == ["Counting"]
    assert task.result() == 42
    assert results == [42]
    assert window.statusBar().currentMessage() == "Counted 42"
    assert not runner.busy and not runner.progress.isVisible()
    assert error_dialogs(window) == []


def test_progress_report_and_concurrent_jobs(qtbot: Any, runner: TaskRunner) -> None:
    step = asyncio.Event()
    finish = asyncio.Event()

    async def work() -> None:
        runner.report(1, 4, "Copying file 1 of 4")
        step.set()
        await finish.wait()

    first = runner.run(asyncio.sleep(30), "Sleeping")
    second = runner.run(work(), "Copying")
    qtbot.waitUntil(step.is_set, timeout=5000)
    assert runner.label.text() == "Copying file 1 of 4… (+1 more)"
    assert (runner.progress.value(), runner.progress.maximum()) == (1, 4)

    finish.set()
    qtbot.waitUntil(second.done, timeout=5000)
    assert runner.label.text() == "Sleeping…"
    first.cancel()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)


def test_failure_of_a_user_action_shows_status_and_dialog(
    qtbot: Any, window: QMainWindow, runner: TaskRunner
) -> None:
    async def work() -> None:
        raise SourceError("The folder /nowhere is gone")

    with qtbot.waitSignal(runner.failed, timeout=5000) as signal:
        runner.run(work(), "Opening folder")
    assert signal.args == ["Opening folder", "The folder /nowhere is gone"]
    assert window.statusBar().currentMessage() == "Opening folder failed: The folder /nowhere is gone"
    [box] = error_dialogs(window)
    assert box.text() == "The folder /nowhere is gone"
    assert box.detailedText() == ""  # a message for users needs no traceback
    box.close()


def test_unexpected_error_carries_its_traceback(qtbot: Any, window: QMainWindow, runner: TaskRunner) -> None:
    async def work() -> None:
        raise KeyError("missing")

    with qtbot.waitSignal(runner.failed, timeout=5000):
        runner.run(work(), "Loading")
    [box] = error_dialogs(window)
    assert box.text() == "KeyError: 'missing'"
    assert "Traceback" in box.detailedText() and "in work" in box.detailedText()
    box.close()


def test_failure_of_background_work_goes_to_status_bar_only(
    qtbot: Any, window: QMainWindow, runner: TaskRunner
) -> None:
    async def work() -> None:
        raise OSError("disk full")

    with qtbot.waitSignal(runner.failed, timeout=5000):
        runner.run(work(), "Restoring boards", user_action=False)
    assert window.statusBar().currentMessage() == "Restoring boards failed: disk full"
    assert error_dialogs(window) == []


def test_failing_follow_up_is_reported(qtbot: Any, window: QMainWindow, runner: TaskRunner) -> None:
    async def work() -> int:
        return 1

    def follow_up(_: int) -> None:
        raise OSError("cannot show it")

    with qtbot.waitSignal(runner.failed, timeout=5000) as signal:
        runner.run(work(), "Showing", on_success=follow_up, user_action=False)
    assert signal.args == ["Showing", "cannot show it"]


def test_the_cancel_menu_cancels_any_running_job_or_all(
    qtbot: Any, window: QMainWindow, runner: TaskRunner
) -> None:
    async def work() -> None:
        await asyncio.sleep(60)

    download, listing, export = (runner.run(work(), text) for text in ("Downloading", "Listing", "Exporting"))
    runner.cancel_menu.aboutToShow.emit()
    texts = [action.text() for action in runner.cancel_menu.actions() if not action.isSeparator()]
    assert texts == ["Cancel Exporting", "Cancel Listing", "Cancel Downloading", "Cancel all"]
    # An older job than the one shown: only it stops.
    with qtbot.waitSignal(runner.cancelled, timeout=5000) as signal:
        runner.cancel_menu.actions()[1].trigger()
    assert signal.args == ["Listing"] and listing.cancelled()
    assert not download.done() and not export.done() and runner.current_text == "Exporting"
    runner.cancel_menu.aboutToShow.emit()
    [cancel_all] = [action for action in runner.cancel_menu.actions() if action.text() == "Cancel all"]
    cancel_all.trigger()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert download.cancelled() and export.cancelled()


def test_cancel_button_cancels_the_shown_job(qtbot: Any, window: QMainWindow, runner: TaskRunner) -> None:
    entered = asyncio.Event()
    cleaned_up: list[bool] = []

    async def work() -> None:
        entered.set()
        try:
            await asyncio.sleep(60)
        finally:
            cleaned_up.append(True)

    task = runner.run(work(), "Downloading logs")
    qtbot.waitUntil(entered.is_set, timeout=5000)
    with qtbot.waitSignal(runner.cancelled, timeout=5000) as signal:
        qtbot.mouseClick(runner.cancel_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["Downloading logs"]
    assert task.cancelled() and cleaned_up == [True]
    assert window.statusBar().currentMessage() == "Cancelled: Downloading logs"
    assert not runner.busy and not runner.cancel_button.isVisible()
    assert error_dialogs(window) == []
