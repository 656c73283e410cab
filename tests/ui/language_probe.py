"""Run as a child process (a language is chosen once, before any window): the window as a new user
sees it, in the language given, with its menus, then every dialog, message and context menu it
opens; prints as JSON every text it shows, in a fixed order, for tests/ui/test_spanish.py to
compare between English and Spanish. What the window shows of the user's data (names, paths, the
engine's own messages) is masked as {data}: only the window's own words are compared."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTabWidget,
    QTreeView,
    QWidget,
)

from tbdesk.app import build_window
from tbdesk.auth import sign_in_methods
from tbdesk.azure.arm import CLOUDS
from tbdesk.boards import BoardManager
from tbdesk.sources.base import SourceError
from tbdesk.ui import i18n
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.settings import Settings
from tests.ui.dialog_probe import LONG_NAME, openers

# The user's data and the engine's words as the dialogs show them: masked before comparing.
ENGINE_FAILURE = "the engine says the folder is gone"
DATA = [
    LONG_NAME,
    "a-run",
    "run-board",
    ENGINE_FAILURE,
    "https://microsoft.com/devicelogin",
    "ABCD-EFGH",
    "/no/such/folder",
    "/tmp/" + "exports-" * 8,
    "Opening failed",  # dialog_probe's own error box: its caller's text, not the window's
    "TensorBoard stopped before it answered: " + "the folder is gone. " * 6,
    "Tokens are kept in memory only: sign in at each launch.",  # notes of tbdesk.auth (the engine)
    "No keyring here to keep its secret.",
    *(f"workspace-{i}" for i in range(3)),
    *CLOUDS,
    *(status.note for status in sign_in_methods() if status.note),  # this machine's, as the dialog shows
]


def masked(text: str) -> str:
    for each in sorted(DATA, key=len, reverse=True):
        text = text.replace(each, "{data}")
    return text


def widget_texts(widget: QWidget) -> list[tuple[str, str]]:
    """The words a dialog shows: its title, labels, buttons, fields, choices and tabs."""
    found = [("title", widget.windowTitle())]
    for label in widget.findChildren(QLabel):
        if label.isVisible() and label.text():
            found.append(("label", label.text()))
    for button in widget.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            found.append(("button", button.text()))
        if button.isVisible() and button.toolTip():
            found.append(("tooltip", button.toolTip()))
    for edit in widget.findChildren(QLineEdit):
        if edit.isVisible() and edit.placeholderText():
            found.append(("placeholder", edit.placeholderText()))
    for combo in widget.findChildren(QComboBox):
        if combo.isVisible():
            found += [("choice", combo.itemText(i)) for i in range(combo.count())]
    for tabs in widget.findChildren(QTabWidget):
        found += [("tab", tabs.tabText(i)) for i in range(tabs.count())]
    if isinstance(widget, QMessageBox) and widget.detailedText():
        found.append(("details", widget.detailedText()))
    return [(kind, masked(text)) for kind, text in found if text]


def menu_texts(menu: QMenu) -> list[tuple[str, str]]:
    menu.aboutToShow.emit()
    found = []
    for action in menu.actions():
        if action.text():
            found.append(("menu item", masked(action.text())))
        if action.toolTip() and action.toolTip() != action.text().replace("&", "").removesuffix("…"):
            found.append(("menu tooltip", masked(action.toolTip())))
        sub = action.menu()
        if isinstance(sub, QMenu):
            found += menu_texts(sub)
    return found


async def dialog_texts(window: MainWindow) -> list[tuple[str, str]]:
    """Every dialog and message of the window (tests/ui/dialog_probe.py's, and those a failing
    action or a context menu opens), each opened, read and closed."""
    opened: dict[str, Any] = dict(openers(window))
    run = await _the_run(window)
    window.tree.selected_runs = lambda: [(window.workspace_source, run)]  # as if picked in the tree
    opened["open with options"] = window.run_actions.open_with_options
    opened["not a folder"] = lambda: window.source_actions.add_log_folder("/no/such/folder")
    opened["a job that failed"] = lambda: _failing_job(window)
    found: list[tuple[str, str]] = []
    for name, open_dialog in opened.items():
        dialog = open_dialog()
        await asyncio.sleep(0.2)
        shown = dialog if isinstance(dialog, QWidget) else QApplication.activeModalWidget()
        shown = shown or next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox))
        found += [(f"{name}: {kind}", text) for kind, text in widget_texts(shown)]
        shown.close()
        if isinstance(shown, QMessageBox | QDialog):
            shown.deleteLater()
        await asyncio.sleep(0)
    found += [("status bar", masked(window.statusBar().currentMessage()))]
    found += [("context menu of a run", text) for _, text in menu_texts(window.run_actions.context_menu())]
    window.tree_model.add_account("acc-1", LONG_NAME)
    window.tree.selected_nodes = lambda: [window.tree_model.node(window.tree_model.account_index("acc-1"))]
    window.tree.selected_runs = lambda: []
    found += [
        ("context menu of an account", text) for _, text in menu_texts(window.run_actions.context_menu())
    ]
    boards = window.boards_button.menu()
    assert isinstance(boards, QMenu)
    found += [("boards menu", text) for _, text in menu_texts(boards)]
    return found


def _failing_job(window: MainWindow) -> None:
    """A user's action whose engine work fails: the status bar and the error box frame the
    engine's (English) message in the window's words."""

    async def fail() -> None:
        raise SourceError(ENGINE_FAILURE)

    window.tasks.run(fail(), "run-board")  # what the job does is masked: the frame is compared


def texts(window: QWidget) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.text():
            found.append(("label", label.text()))
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            found.append(("button", button.text()))
    for edit in window.findChildren(QLineEdit):
        if edit.isVisible() and edit.placeholderText():
            found.append(("placeholder", edit.placeholderText()))
        if edit.isVisible() and edit.toolTip():
            found.append(("tooltip", edit.toolTip()))
    for tree in window.findChildren(QTreeView):
        model = tree.model()
        if tree.isVisible() and model is not None:
            found += [("header", str(model.headerData(i, _horizontal()))) for i in range(model.columnCount())]
            found += [("row", str(model.index(i, 0).data())) for i in range(model.rowCount())]
    menus = [action.menu() for action in window.menuBar().actions()]
    for action in window.menuBar().actions():
        found.append(("menu", action.text()))
    for menu in menus:
        if isinstance(menu, QMenu):
            menu.aboutToShow.emit()
            found += [("menu item", a.text()) for a in menu.actions() if a.text()]
    return found


async def _the_run(window: Any) -> Any:
    source = window.workspace_source
    [experiment] = await source.experiments()
    async for page in source.runs(experiment):
        return page[0]
    raise AssertionError("no run")


def _horizontal() -> object:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def main(scratch: Path, language: str, picture: Path) -> None:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    i18n.install(app, language)
    window = build_window(BoardManager(scratch / "boards"), scratch / "ws", Settings(scratch / "tbdesk.ini"))
    window.resize(1200, 700)
    window.show()

    async def look() -> list[tuple[str, str]]:
        while (
            not window.welcome.start.text().startswith(("Nothing", "Nada"))
            and not window.welcome.hint.isHidden()
        ):
            await asyncio.sleep(0.05)  # the welcome knows the workspace is empty
        await asyncio.sleep(0.2)
        window.grab().save(str(picture))
        found = texts(window)
        # Then a run, as the details pane shows it: its sections and its fields' names (the
        # values are the run's own).
        from tbdesk.local import Experiment, Workspace

        ws = Workspace(scratch / "ws")
        run = Experiment(ws, "exp").start_logging(display_name="a-run")
        run.complete()
        ws.close()
        window.details.show_run(window.workspace_source, await _the_run(window))
        while window.details.busy:
            await asyncio.sleep(0.05)
        tree = window.details.tree
        for i in range(tree.topLevelItemCount()):
            section = tree.topLevelItem(i)
            found.append(("details section", section.text(0)))
            found += [("details field", section.child(j).text(0)) for j in range(section.childCount())]
        found.append(("details: the run's status", tree.topLevelItem(0).child(0).text(1)))  # Completed
        return found + await dialog_texts(window)

    print(json.dumps(loop.run_until_complete(look())), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
