"""What the UI tests share (tests/ui, and tests/e2e): the board manager and the stand-in system
browser as fixtures (registered by tests/ui/conftest.py and tests/e2e/conftest.py), and windows
and trees as the tests build them, wait on and look into."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QModelIndex, QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from tbdesk.app import build_window
from tbdesk.boards import BoardManager
from tbdesk.boards.process import RELOAD_INTERVAL_S
from tbdesk.ui import dialogs
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.settings import Settings
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import NAME
from tbdesk.ui.tree_view import SourceTreeView

if TYPE_CHECKING:
    from tbdesk.ui.board_view import BoardView  # QtWebEngine loads with the first board

BROWSER_SCHEMES = ("http", "https", "file")


# --- fixtures --------------------------------------------------------------------------------------
@pytest.fixture
def manager(qloop: asyncio.AbstractEventLoop, run_async: Any, tmp_path: Path) -> Iterator[BoardManager]:
    boards = BoardManager(tmp_path / "boards")
    yield boards
    run_async(boards.stop_all())


class UrlCatcher(QObject):
    """Stands in for the system browser (the one edge that cannot exist here)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def browser() -> Iterator[UrlCatcher]:
    """Every web or file URL the app opens lands here."""
    catcher = UrlCatcher()
    for scheme in BROWSER_SCHEMES:
        QDesktopServices.setUrlHandler(scheme, catcher, "open")  # type: ignore[arg-type]
    yield catcher
    for scheme in BROWSER_SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


# --- the window ------------------------------------------------------------------------------------
def show_window(
    qtbot: Any, manager: BoardManager, settings: Path, workspace: Path | None = None
) -> MainWindow:
    """The main window as the app builds it, shown, with its settings in the file settings."""
    window = build_window(manager, workspace, Settings(settings))
    qtbot.addWidget(window)
    window.show()
    return window


def idle(window: MainWindow) -> bool:
    return not window.tree_model.busy and not window.tasks.busy


def wait_idle(qtbot: Any, window: MainWindow, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: idle(window), timeout=timeout)


def error_dialogs(window: QWidget) -> list[QMessageBox]:
    return [
        box
        for box in window.findChildren(QMessageBox)
        if box.objectName() == dialogs.ERROR_DIALOG_NAME and box.isVisible()
    ]


def served_runs(board_url: str) -> list[str]:
    """The runs the board's TensorBoard serves ([] while it does not answer)."""
    try:
        with urllib.request.urlopen(f"{board_url}data/runs", timeout=5) as answer:
            return [str(name) for name in json.loads(answer.read())]
    except OSError:
        return []


def assert_quiet_when_nothing_is_written(qtbot: Any, window: MainWindow) -> None:
    """While nothing writes a board's logs, the window does not tell its page to fetch again."""
    told: list[str] = []
    window.logs_watch.changed.connect(told.append)
    qtbot.wait(4 * RELOAD_INTERVAL_S * 1000)  # four looks
    assert told == []


async def page_lists(view: BoardView, runs: set[str]) -> None:
    """Wait until the board's page lists exactly these runs (run it with run_async and a timeout)."""
    while set(await view.listed_runs()) != runs:
        await asyncio.sleep(0.25)


# --- the tree --------------------------------------------------------------------------------------
def show_tree(qtbot: Any, height: int) -> SourceTreeView:
    """A tree view of an empty tree model, shown 600 pixels wide."""
    view = SourceTreeView(SourceTreeModel())
    qtbot.addWidget(view)
    view.resize(600, height)
    view.show()
    return view


def wait_loaded(qtbot: Any, model: SourceTreeModel) -> None:
    qtbot.waitUntil(lambda: not model.busy, timeout=10_000)


def names(model: SourceTreeModel, parent: QModelIndex) -> list[str]:
    return [model.index(row, NAME, parent).data() for row in range(model.rowCount(parent))]


def child(model: SourceTreeModel, parent: QModelIndex, name: str) -> QModelIndex:
    for row in range(model.rowCount(parent)):
        index = model.index(row, NAME, parent)
        if index.data() == name:
            return index
    raise AssertionError(f"{name!r} not among {names(model, parent)}")
