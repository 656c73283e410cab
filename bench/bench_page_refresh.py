"""A run written into an open board's folder, until the board's page lists it.

TensorBoard's page does not fetch runs or steps that arrive after it loaded unless its "Reload data"
setting is on (off as TensorBoard ships; then every 30 s at best, 30 s being its minimum period).

tbdesk: a board (BoardManager.open on the logs folder, as `tbdesk DIR` opens it) in a BoardView, with
the window's LogsWatch telling the view when the board's files changed (MainWindow wires the same).
Peer: `python -m tensorboard.main --logdir <the folder> --reload_interval 2` (the boards' interval)
in a bare QWebEngineView whose TensorBoard settings have "Reload data" on (its local storage, as the
settings dialog leaves it), in a profile of its own.

Each round writes a new run (one event file, 20 scalar steps) into each side's folder at the same
moment, then polls both pages every 100 ms with the same probe (the run names in the runs table, as
BoardView.listed_runs reads them) until each lists it; the figure is the time from the write. The
rounds are spaced by a random 0-30 s, so that the writes fall at any phase of the peer's 30 s period.

Run: .venv/bin/python bench/bench_page_refresh.py [--rounds N]   (about 3 minutes for 5 rounds)
No target in an issue: the figure for the README's Live runs (the page's part after "served").
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import _common as common

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEnginePage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROUNDS = 5
PEER_PERIOD_S = 30  # TensorBoard's shortest auto-reload period
TIMEOUT_S = 90.0
POLL_S = 0.1
TENSORBOARD = [sys.executable, "-m", "tensorboard.main", "--host", "127.0.0.1"]
_SERVING = re.compile(rb"(http://127\.0\.0\.1:\d+/)")
# The same probe as BoardView.listed_runs: the run names of the Time Series runs table.
LISTED_RUNS_JS = (
    "JSON.stringify(Array.from(document.querySelectorAll('tb-data-table-content-cell.table-column-run'),"
    " (cell) => cell.textContent.trim()))"
)
# TensorBoard's settings as its settings dialog stores them, with "Reload data" on.
AUTO_RELOAD_JS = "localStorage.setItem('_tb_global_settings', JSON.stringify({autoReload: true}));"


async def listed(page: QWebEnginePage) -> list[str]:
    from PySide6.QtWebEngineCore import QWebEngineScript

    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    page.runJavaScript(
        LISTED_RUNS_JS,
        QWebEngineScript.ScriptWorldId.MainWorld,
        lambda answer: future.done() or future.set_result(answer),
    )
    answer = await asyncio.wait_for(future, 10)
    try:
        names = json.loads(answer) if isinstance(answer, str) and answer else []
    except ValueError:
        return []
    return [str(name) for name in names] if isinstance(names, list) else []


async def until_listed(page: QWebEnginePage, name: str, start: float) -> float:
    while not any(shown.endswith(name) for shown in await listed(page)):
        if time.monotonic() - start > TIMEOUT_S:
            raise TimeoutError(f"the page did not list {name} within {TIMEOUT_S:.0f} s")
        await asyncio.sleep(POLL_S)
    return time.monotonic() - start


def start_peer(logdir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*TENSORBOARD, "--logdir", str(logdir), "--port", "0", "--reload_interval", "2"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = _SERVING.search(log.read_bytes())
        if match:
            return process, match.group(1).decode()
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"TensorBoard did not start: {log.read_text(errors='replace')}")


def peer_page(url: str) -> Any:
    """A bare QWebEngineView on the peer's TensorBoard, "Reload data" on in its own profile."""
    from PySide6.QtCore import QCoreApplication, QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineScript
    from PySide6.QtWebEngineWidgets import QWebEngineView

    # Its own storage, so the setting stays its own; a child of the application, so it outlives the page.
    profile = QWebEngineProfile("bench-peer", QCoreApplication.instance())
    script = QWebEngineScript()
    script.setSourceCode(AUTO_RELOAD_JS)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    profile.scripts().insert(script)
    view = QWebEngineView()
    view.setPage(QWebEnginePage(profile, view))
    view.resize(1200, 800)
    view.show()
    view.load(QUrl(url))
    return view


async def tbdesk_page(manager: Any, logs: Path) -> Any:
    """The board on the folder in a BoardView, told of changes by the window's LogsWatch."""
    from tbdesk.boards import BoardRun
    from tbdesk.ui.board_view import BoardView
    from tbdesk.ui.logs_watch import LogsWatch

    board = await manager.open([BoardRun("logs", logs)], title="logs")
    view = BoardView(board.url or "", "logs")
    view.resize(1200, 800)
    view.show()
    watch = LogsWatch(manager, view)
    watch.changed.connect(lambda board_id: view.data_changed() if board_id == board.id else None)
    return view


async def bench(rounds: int, home: Path) -> int:
    from tbdesk.boards import BoardManager
    from tests.event_files import write_events

    ours_logs, peer_logs = home / "ours" / "logs", home / "peer" / "logs"
    for logs in (ours_logs, peer_logs):
        write_events(logs / "run-0", steps=20)
    manager = BoardManager(home / "boards")
    peer, peer_url = start_peer(peer_logs, home / "peer.log")
    try:
        view = await tbdesk_page(manager, ours_logs)
        peer_view = peer_page(peer_url)
        pages = (view.page, peer_view.page())
        for page in pages:
            await until_listed(page, "run-0", time.monotonic())
        print(f"load: {common.machine_load()}; {rounds} rounds", flush=True)
        ours: list[float] = []
        theirs: list[float] = []
        for number in range(1, rounds + 1):
            await asyncio.sleep(random.uniform(0, PEER_PERIOD_S))
            name = f"run-{number}"
            start = time.monotonic()
            for logs in (ours_logs, peer_logs):
                write_events(logs / name, steps=20)
            mine, peer_s = await asyncio.gather(*(until_listed(page, name, start) for page in pages))
            ours.append(mine)
            theirs.append(peer_s)
            print(f"round {number}: tbdesk {mine:.2f} s, TensorBoard's own reload {peer_s:.2f} s", flush=True)
        print(
            f"new run -> listed by the page: tbdesk {common.seconds(ours)}, TensorBoard's own reload",
            flush=True,
        )
        print(
            f"  {common.seconds(theirs)}: {common.median(theirs) / common.median(ours):.1f}x sooner",
            flush=True,
        )
        view.deleteLater()
        peer_view.deleteLater()
        return 0
    finally:
        await manager.stop_all()
        peer.terminate()
        peer.wait(10)


def main() -> int:
    return common.main_with_rounds(__doc__, ROUNDS, "tbdesk-bench-refresh-", bench)


if __name__ == "__main__":
    sys.exit(main())
