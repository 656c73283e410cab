"""Run as a child process (Chromium reads its color scheme once, when it starts): the window with
the appearance chosen in its settings, applied as the app applies it (tbdesk.app.run_gui), a real
board opened on the demo workspace's first run, its charts drawn; prints as JSON how dark the
window's palette is, whether the page prefers dark, and whether TensorBoard took its dark theme,
and saves a screenshot of the window."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QSize
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript
from PySide6.QtWidgets import QApplication

from tbdesk.app import build_window
from tbdesk.boards import BoardManager, BoardRun
from tbdesk.ui import appearance
from tbdesk.ui.settings import Settings
from tests.event_files import write_events

PAGE_STATE = """JSON.stringify({
  prefersDark: window.matchMedia('(prefers-color-scheme: dark)').matches,
  tensorboardDark: document.body.classList.contains('dark-mode'),
})"""


async def run_js(page: QWebEnginePage, script: str) -> Any:
    answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    page.runJavaScript(script, QWebEngineScript.ScriptWorldId.MainWorld, answer.set_result)
    return await answer


def main(scratch: Path, scheme: str, picture: Path) -> None:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    settings = Settings(scratch / "tbdesk.ini")
    settings.set_appearance(scheme)
    appearance.apply(app, appearance.Scheme.parse(settings.appearance()))
    manager = BoardManager(scratch / "boards")
    window = build_window(manager, scratch / "ws", settings)
    window.resize(QSize(1280, 800))
    window.show()
    logs = write_events(scratch / "logs" / "run", more_tags=("accuracy",))

    async def probe() -> dict[str, object]:
        try:
            board = await window.open_board([BoardRun("run", logs)], "run")
            view = window.view_of(board)
            assert view is not None
            while not view.charts_ready:
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # TensorBoard's theme settles after the charts
            state = json.loads(await run_js(view.page, PAGE_STATE))
            window.grab().save(str(picture))
            return {"window_lightness": app.palette().window().color().lightness(), **state}
        finally:
            await manager.stop_all()

    print(json.dumps(loop.run_until_complete(probe())), flush=True)
    os._exit(0)  # one run of the Qt loop only (PLATFORM.md)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
