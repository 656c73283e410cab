"""Run as a child process (a language is chosen once, before any window): the window as a new user
sees it, in the language given, with its menus; prints as JSON every text it shows, in a fixed
order, for tests/ui/test_spanish.py to compare between English and Spanish."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QMenu, QTreeView, QWidget

from tbdesk.app import build_window
from tbdesk.boards import BoardManager
from tbdesk.ui import i18n
from tbdesk.ui.settings import Settings


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
        return found

    print(json.dumps(loop.run_until_complete(look())), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
