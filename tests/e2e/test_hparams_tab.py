"""End to end: the Azure ML how-to's sweep (ridge regression over alpha, logging alpha and mse in
child runs) opened from the window: tbdesk exports it and TensorBoard's HPARAMS tab shows it."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QSize
from PySide6.QtWebEngineCore import QWebEngineScript

from tbdesk.app import build_window, start
from tbdesk.boards import BoardManager, BoardState
from tbdesk.demo import create_demo, sweep
from tbdesk.ui.settings import Settings
from tbdesk.ui.tree_nodes import NAME

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = [pytest.mark.e2e]

# Every text the page shows, shadow roots included (TensorBoard is built of web components).
_PAGE_TEXT = """
(() => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(document.documentElement);
  return JSON.stringify(parts.join(" "));
})()
"""


async def page_text(view: Any) -> str:
    done: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def finished(text: str) -> None:
        if not done.done():
            done.set_result(text)

    view.page.runJavaScript(_PAGE_TEXT, QWebEngineScript.ScriptWorldId.ApplicationWorld, finished)
    return str(json.loads(await done or '""'))


async def wait_for_text(view: Any, words: list[str]) -> str:
    while True:
        text = await page_text(view)
        if all(word in text for word in words):
            return text
        await asyncio.sleep(0.2)


def test_the_how_to_sweep_shows_in_the_hparams_tab(
    qtbot: Any, run_async: Any, manager: BoardManager, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace"
    create_demo(workspace)
    window = build_window(manager, workspace, Settings(tmp_path / "tbdesk.ini"))
    qtbot.addWidget(window)
    window.resize(QSize(1400, 900))
    window.show()
    run_async(start(window, []))

    model, tree = window.tree_model, window.tree
    idle = lambda: not model.busy and not window.tasks.busy  # noqa: E731
    source = model.index(0, NAME)
    tree.expand(source)
    qtbot.waitUntil(idle, timeout=60_000)
    experiment = next(
        model.index(row, NAME, source)
        for row in range(model.rowCount(source))
        if model.index(row, NAME, source).data() == sweep.EXPERIMENT
    )
    tree.expand(experiment)
    qtbot.waitUntil(idle, timeout=60_000)
    root = model.index(0, NAME, experiment)
    tree.expand(root)
    qtbot.waitUntil(idle, timeout=60_000)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    tree.selectionModel().select(root, flags)

    window.run_actions.open_action.trigger()  # a metrics-only run: exported into the cache, then opened
    qtbot.waitUntil(idle, timeout=120_000)
    [board] = manager.boards
    assert board.state is BoardState.READY and board.url
    view = window.view_of(board)
    assert view is not None
    view.set_url(board.url + "#hparams")

    # The session table lists alpha and mse, with a row per child run of the sweep.
    words = ["alpha", "mse", *(f"{alpha:g}" for alpha in sweep.ALPHAS)]
    run_async(wait_for_text(view, words), timeout=60)
    qtbot.wait(500)  # let the table's last rows paint before the picture is taken
    picture = window.grab()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert picture.save(str(ARTIFACTS / "hparams.png"))
    if os.environ.get("TBDESK_UPDATE_DOCS") == "1":
        assert picture.save(str(ROOT / "docs" / "hparams.png"))
