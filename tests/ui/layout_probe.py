"""Run as a child process on a screen of a given size (the offscreen platform's configfile): the
window as the app builds it on first launch, a real board open in it, and its widgets' geometry
printed as JSON for tests/ui/test_window_layout.py.

A process of its own because a Qt application's screens are fixed when it starts."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from tbdesk.app import build_window
from tbdesk.boards import BoardManager, BoardRun
from tbdesk.ui.settings import Settings
from tests.event_files import write_events


def rect(area: QRect) -> list[int]:
    return [area.x(), area.y(), area.width(), area.height()]


def main(scratch: Path) -> None:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    manager = BoardManager(scratch / "boards")
    window = build_window(manager, scratch / "ws", Settings(scratch / "tbdesk.ini"))
    window.show()
    logs = write_events(scratch / "logs" / "run")

    async def measure() -> dict[str, object]:
        try:
            await window.open_board([BoardRun("run", logs)], "run")
            await asyncio.sleep(0.3)  # let the layout settle
            view = window.view_of(manager.boards[0])
            assert view is not None
            web = view.web_view
            top_left = web.mapTo(window, web.rect().topLeft())
            return {
                "screen": rect(window.screen().availableGeometry()),
                "frame": rect(window.frameGeometry()),
                "window": rect(window.geometry()),
                "dashboard": [top_left.x(), top_left.y(), web.width(), web.height()],
                "tree": rect(window.left_splitter.geometry()),
                "boards_panel_visible": window.boards_dock.isVisible(),
            }
        finally:
            await manager.stop_all()

    print(json.dumps(loop.run_until_complete(measure())), flush=True)
    # Qt's loop may run only once once a web view existed (PLATFORM.md): leave without tearing down.
    os._exit(0)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
