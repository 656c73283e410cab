"""Run as a child process: the app as `tbdesk --workspace WS` runs it (tbdesk.app.run_gui), and,
once its window shows, the user's first Open: the workspace's first run selected in the tree and
opened from the tree's menu action, until its charts are drawn. Then it prints the seconds from the
Open to the charts, creates the file DONE, and quits the app the way the user does (closing it)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tbdesk.app import run_gui
from tbdesk.ui.main_window import MainWindow

# A person needs at least this long to find a run in the tree and open it.
USER_DELAY_S = 2.0


async def first_open(done: Path) -> None:
    window = await _window()
    await asyncio.sleep(USER_DELAY_S)
    tree, model = window.tree, window.tree_model
    workspace = model.index(0, 0)
    tree.expand(workspace)
    await _idle(window)
    experiment = model.index(0, 0, workspace)
    tree.expand(experiment)
    await _idle(window)
    tree.setCurrentIndex(model.index(0, 0, experiment))
    started = time.perf_counter()
    window.run_actions.open_action.trigger()
    while not await _charts_drawn(window):
        await asyncio.sleep(0.05)
    print(f"first open: {time.perf_counter() - started:.3f} s", flush=True)
    await asyncio.sleep(0.5)  # a few more frames for the screen watcher
    done.touch()
    window.close()


async def _charts_drawn(window: MainWindow) -> bool:
    from tbdesk.ui.board_view import BoardView

    view = window.tabs.currentWidget()
    return isinstance(view, BoardView) and bool(view.url) and await view.count_scalar_charts() > 0


async def _idle(window: MainWindow) -> None:
    while window.tree_model.busy or window.tasks.busy:
        await asyncio.sleep(0.02)


async def _window() -> MainWindow:
    while True:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                return widget
        await asyncio.sleep(0.02)


def main(workspace: Path, done: Path) -> int:
    from PySide6.QtCore import QTimer

    QApplication(sys.argv[:1])  # run_gui takes this one as the app's

    # run_gui makes the event loop; the probe's coroutine starts on it once it runs.
    QTimer.singleShot(0, lambda: asyncio.ensure_future(first_open(done)))
    return run_gui([], workspace)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
