"""Open in TensorBoard until the scalar charts are drawn in the embedded view.

Peer ("by hand"): start `python -m tensorboard.main --logdir <one run's logs> --host 127.0.0.1 --port 0`,
poll it until it answers HTTP 200, load it in a bare QWebEngineView (default profile), and wait
until its scalar charts are drawn; timed from the process start.

tbdesk, on the same run of the demo workspace (without its child runs, so both show the same data),
goes the way the main window goes (RunActions._open_runs), with the window's one RunCache and its
default logs prefix, and a real BoardSyncs (which syncs feed which board, and what each was opened
for); each board's tab shows its sync strip, as in the window.
- cold: a new board (the previous round's board was stopped): prepare_live_runs (children=False: it
  syncs the run, read in place here, and plans how it shows), a loading BoardView tab,
  BoardManager.open(live.runs, live=True), LiveRuns.attach and BoardSyncs.add (stopping the board
  now stops the sync), BoardView.set_url, until the charts are drawn;
- warm: the same run asked for again, from another tab, while its board runs. The window plans and
  opens nothing then: BoardSyncs.board_for finds the live board opened for exactly these runs and
  prefix, BoardSyncs.refresh has its syncs look for new logs now, the board's tab is shown, and its
  metrics-only runs are exported again (LiveRuns.export_again; none here, the run has its logs).
  The figure is all that until BoardView.count_scalar_charts() > 0 and the page has drawn a frame;
  "reuse" is its first part, until the board is found (board_for + refresh);
- warm, fresh view: the user closes the board's tab (the board runs on; not timed), then asks again:
  the same, but the board is shown in a new BoardView, until its charts are drawn.
Each round's board is stopped after its warm figures, and its sync with it (LiveRuns.attach); at the
end, once every board is stopped, no TensorBoard or data server that the bench saw may be running,
nor any task on the event loop (a sync's polling, a board's watcher): else the bench fails.
Both sides load the same page (the server's root: TensorBoard's default "Time Series" dashboard, whose
scalar cards are <scalar-card>; the legacy #scalars page has <tf-scalar-card>, which the probe counts
too) and are timed with the same probe (bench/_common.py) polled every 50 ms; "drawn" also waits for
two animation frames. The time of tbdesk's chartsReady signal (its loading indicator stops) is
shown too.

Memory: a board with every run of the demo and their child runs, planned as the window plans them
(without TensorFlow: the 3 digits runs with their 9 folds in place, and the alpha sweep exported in
one piece with its 7 child runs: 13 runs on the board), must run one TensorBoard (plus its data
server); its RSS is set against the one-run TensorBoard started by hand.

The user's figure (issue 11): a fresh app process (tests/e2e/first_open_probe.py: the app as
`tbdesk` runs it, its window shown, Chromium warmed up as the app does), whose first Open from the
tree (a workspace holding one run with the same logs), timed from the Open until the charts are
drawn, against the same peer measured in the same round.

Run: .venv/bin/python bench/bench_open.py [--rounds N]   (about a minute; offscreen Qt)
Targets (issue 2): cold within 1.3x of the peer; warm under 0.3 s. Issue 11: the first Open in a
fresh app within 1.2x of the peer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import _common as common

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWidgets import QWidget

    from tbdesk.boards import Board, BoardManager
    from tbdesk.model import Run
    from tbdesk.sources.workspace import WorkspaceSource
    from tbdesk.sync import RunCache
    from tbdesk.ui.board_view import BoardView
    from tbdesk.ui.sync_status import BoardSyncs

ROUNDS = 5
HOST = "127.0.0.1"
TIMEOUT_S = 60.0
JS_TIMEOUT_S = 10.0
POLL_S = 0.05
COLD_TARGET_RATIO = 1.3
FIRST_OPEN_TARGET_RATIO = 1.2
ROOT = Path(__file__).resolve().parents[1]
WARM_TARGET_S = 0.3
_SERVING = re.compile(r"TensorBoard \S+ at http://[^/]+:(\d+)/")


class Host:
    """A window with tabs, like the app's centre: a home tab, and a tab per dashboard; it knows
    each board's tab, and shows its sync strip as the main window does."""

    def __init__(self, syncs: BoardSyncs) -> None:
        from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

        self.window = QMainWindow()
        self.tabs = QTabWidget()
        self.home = QLabel("home")
        self.tabs.addTab(self.home, "home")
        self.window.setCentralWidget(self.tabs)
        self.window.resize(1280, 800)
        self.window.show()
        self.syncs = syncs
        self.views: dict[str, BoardView] = {}  # board id -> its tab
        syncs.boardChanged.connect(self.show_sync)

    def show_board(self, board_id: str, view: BoardView) -> None:
        """Its tab, current, with the board's sync strip (MainWindow.show_board)."""
        self.views[board_id] = view
        if self.tabs.indexOf(view) < 0:
            self.tabs.addTab(view, view.title)
        self.show_sync(board_id)
        self.tabs.setCurrentWidget(view)

    def show_sync(self, board_id: str) -> None:
        view = self.views.get(board_id)
        summary = self.syncs.summary(board_id)
        if view is not None and summary is not None:
            view.show_sync(summary.text, summary.tooltip, error=summary.error)

    def show(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)
        self.tabs.setCurrentWidget(widget)

    def go_home(self) -> None:
        self.tabs.setCurrentWidget(self.home)

    def remove(self, widget: QWidget) -> None:
        """Close a tab (a board's tab: the board runs on, as in the window)."""
        self.views = {board_id: view for board_id, view in self.views.items() if view is not widget}
        self.tabs.removeTab(self.tabs.indexOf(widget))
        widget.deleteLater()


# --- the page ------------------------------------------------------------------------------------


async def run_js(page: QWebEnginePage, script: str) -> Any:
    from PySide6.QtWebEngineCore import QWebEngineScript

    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def done(result: Any) -> None:
        if not future.done():
            future.set_result(result)

    page.runJavaScript(script, QWebEngineScript.ScriptWorldId.MainWorld, done)
    return await asyncio.wait_for(future, JS_TIMEOUT_S)


async def until_frame(page: QWebEnginePage) -> None:
    """Until the page has drawn two frames from now (it only does so while visible)."""
    await run_js(page, common.FRAME_MARK_JS)
    deadline = time.monotonic() + TIMEOUT_S
    while await run_js(page, common.FRAME_DONE_JS) is not True:
        if time.monotonic() > deadline:
            raise TimeoutError("the page drew no frame")
        await asyncio.sleep(0.005)


async def until_drawn(page: QWebEnginePage) -> None:
    """Until the page shows at least one drawn scalar chart."""
    deadline = time.monotonic() + TIMEOUT_S
    while common.chart_count(await run_js(page, common.CHART_PROBE_JS)) == 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no scalar chart was drawn within {TIMEOUT_S:.0f} s")
        await asyncio.sleep(POLL_S)
    await until_frame(page)


async def until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.01)


# --- the peer: TensorBoard by hand in a bare QWebEngineView --------------------------------------


async def http_ok(port: int) -> bool:
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError:
        return False
    try:
        writer.write(f"GET / HTTP/1.0\r\nHost: {HOST}:{port}\r\n\r\n".encode())
        await writer.drain()
        status = await reader.readline()
    except OSError:
        return False
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return status.split()[1:2] == [b"200"]


async def read_port(stream: asyncio.StreamReader, lines: list[str], port: asyncio.Future[int]) -> None:
    """Note TensorBoard's output; resolve port from its "TensorBoard X at http://..." line."""
    async for raw in stream:
        line = raw.decode(errors="replace").rstrip()
        lines.append(line)
        match = _SERVING.search(line)
        if match and not port.done():
            port.set_result(int(match.group(1)))
    if not port.done():
        port.set_exception(RuntimeError("TensorBoard exited before serving:\n" + "\n".join(lines[-8:])))


async def open_by_hand(setting: Setting) -> tuple[float, float, int]:
    """Seconds from starting TensorBoard until it answers and until the charts are drawn in a bare
    view; TensorBoard's RSS then."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineWidgets import QWebEngineView

    host, logs = setting.host, setting.logs
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tensorboard.main", "--logdir", str(logs), "--host", HOST, "--port", "0",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    lines: list[str] = []
    port_found: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    output = asyncio.ensure_future(read_port(proc.stderr, lines, port_found))
    view = None
    try:
        port = await asyncio.wait_for(port_found, TIMEOUT_S)
        deadline = time.monotonic() + TIMEOUT_S
        while not await http_ok(port):
            if time.monotonic() > deadline or proc.returncode is not None:
                raise RuntimeError("TensorBoard never answered 200:\n" + "\n".join(lines[-8:]))
            await asyncio.sleep(0.02)
        served = time.perf_counter() - start
        view = QWebEngineView()
        host.show(view, "by hand")
        view.load(QUrl(f"http://{HOST}:{port}/"))
        await until_drawn(view.page())
        elapsed = time.perf_counter() - start
        memory = common.tree_rss_bytes(proc.pid)
        note_processes(setting, proc.pid)
    finally:
        if view is not None:
            host.remove(view)
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()
        output.cancel()
    return served, elapsed, memory


# --- tbdesk --------------------------------------------------------------------------------------


@dataclass
class Opened:
    """A board tbdesk opened, with its tab, and when things happened (seconds from the request)."""

    board: Board
    view: BoardView
    served: float  # BoardManager.open returned
    drawn: float  # the probe saw drawn charts
    charts_ready: float  # BoardView.chartsReady


def note_processes(setting: Setting, pid: int) -> None:
    """Remember a TensorBoard and what runs below it (its data server): all must be gone at the end."""
    setting.pids.update([pid, *common.descendants(pid)])


async def open_in_tbdesk(setting: Setting, runs: list[Run], children: bool) -> Opened:
    """As the main window opens runs that no board shows: their live runs (synced, planned), a
    loading tab, the board, its address, then the sync attached to the board (RunActions._open_runs)."""
    from tbdesk.boards.prepare import prepare_live_runs
    from tbdesk.ui.board_view import BoardView
    from tbdesk.ui.sync_status import asked

    host, manager, syncs = setting.host, setting.manager, setting.syncs
    start = time.perf_counter()
    live = await prepare_live_runs(
        setting.source, runs, children=children, cache=setting.cache, prefix=setting.prefix
    )
    title = runs[0].name if len(runs) == 1 else f"{len(runs)} runs"
    ready: list[float] = []
    view = BoardView("", title)
    view.chartsReady.connect(lambda: ready.append(time.perf_counter()))
    host.show(view, title)
    try:
        board = await manager.open(live.runs, title=title, live=True)
    except BaseException:
        host.remove(view)
        await live.stop()
        raise
    try:
        if syncs.feeds(board.id):  # the same runs from elsewhere: that board is fed already
            await live.stop()
        else:
            live.attach(manager, board)  # from now on, stopping the board stops the sync
            syncs.add(board, live, asked([(setting.source, run) for run in runs], setting.prefix))
        if board.url is None:
            raise RuntimeError(f"board {board.title} is {board.state} without an address")
        served = time.perf_counter() - start
        view.set_url(board.url)
        host.show_board(board.id, view)
        await until_drawn(view.page)
        drawn = time.perf_counter() - start
        await until(lambda: ready, "BoardView.chartsReady")
        if board.pid is not None:
            note_processes(setting, board.pid)
    except BaseException:
        host.remove(view)
        raise
    return Opened(board, view, served, drawn, ready[0] - start)


def board_shown_for(setting: Setting, runs: list[Run]) -> Board | None:
    """What the window does first when runs are asked for: the live board opened for exactly them
    (and this logs prefix), its syncs told to look for new logs now; None when there is none."""
    from tbdesk.ui.sync_status import asked

    shown = setting.syncs.board_for(asked([(setting.source, run) for run in runs], setting.prefix))
    board = next((b for b in setting.manager.boards if b.id == shown and b.state.is_live), None)
    if board is not None:
        setting.syncs.refresh(board.id)
    return board


async def export_again(setting: Setting, board: Board) -> None:
    """The window exports a shown board's metrics-only runs anew, once its tab shows."""
    for live in setting.syncs.feeds(board.id):
        await live.export_again()


async def warm_tab_switch(setting: Setting, opened: Opened) -> tuple[float, float]:
    """Asking again for the runs of an open board, from another tab: (until the board is found,
    until its tab shows the drawn charts), in seconds."""
    host = setting.host
    host.go_home()
    await asyncio.sleep(0.2)  # the hidden page settles; not measured
    start = time.perf_counter()
    board = board_shown_for(setting, [setting.run])
    reused = time.perf_counter() - start
    if board is not opened.board:
        raise RuntimeError("asking again for the same runs did not find the board that shows them")
    host.show_board(board.id, opened.view)
    await export_again(setting, board)
    if await opened.view.count_scalar_charts() == 0:
        raise RuntimeError("the reused board's tab shows no scalar chart")
    await until_frame(opened.view.page)
    return reused, time.perf_counter() - start


async def warm_fresh_view(setting: Setting, opened: Opened) -> float:
    """The user closes the board's tab (the board runs on), then asks for its runs again: seconds
    until a new tab shows the drawn charts."""
    from tbdesk.ui.board_view import BoardView

    host, run = setting.host, setting.run
    host.remove(opened.view)
    await asyncio.sleep(0.2)  # the closed page goes; not measured
    start = time.perf_counter()
    board = board_shown_for(setting, [run])
    if board is not opened.board or board.url is None:
        raise RuntimeError("asking again for the same runs did not find the board that shows them")
    view = BoardView(board.url, board.title)
    host.show_board(board.id, view)
    try:
        await export_again(setting, board)
        await until_drawn(view.page)
        return time.perf_counter() - start
    finally:
        host.remove(view)


# --- the benchmark -------------------------------------------------------------------------------


async def demo_runs(workspace: Path) -> tuple[WorkspaceSource, list[Run]]:
    """The demo's top-level runs, oldest first."""
    from tbdesk.demo import create_demo
    from tbdesk.sources.workspace import WorkspaceSource

    summary = await asyncio.to_thread(create_demo, workspace)
    source = WorkspaceSource(workspace)
    runs = [
        run
        for experiment in await source.experiments()
        async for page in source.runs(experiment)
        for run in page
    ]
    by_id = {run.id: run for run in runs}
    return source, [by_id[run_id] for run_id in summary.run_ids]


@dataclass
class Samples:
    """Seconds (and bytes) per measured round."""

    by_hand_served: list[float] = field(default_factory=list)
    by_hand: list[float] = field(default_factory=list)
    by_hand_rss: list[float] = field(default_factory=list)
    cold_served: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    cold_ready: list[float] = field(default_factory=list)
    cold_rss: list[float] = field(default_factory=list)
    reuse: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    fresh: list[float] = field(default_factory=list)
    first_open: list[float] = field(default_factory=list)


@dataclass
class Setting:
    host: Host
    manager: BoardManager
    syncs: BoardSyncs  # the window's record of which syncs feed which board, and what was asked
    cache: RunCache  # the window's one cache of synced runs
    prefix: str  # where a run's logs are (the window's default)
    source: WorkspaceSource
    run: Run
    logs: Path
    app_workspace: Path  # one run with the same logs, for the fresh app's first Open
    app_home: Path
    seen_boards: set[str] = field(default_factory=set)
    pids: set[int] = field(default_factory=set)  # every TensorBoard and data server seen


async def one_round(setting: Setting, peer_first: bool) -> dict[str, float]:
    """The peer, then tbdesk cold, warm and warm into a fresh view (or tbdesk first)."""
    got: dict[str, float] = {}
    if peer_first:
        got["by_hand_served"], got["by_hand"], got["by_hand_rss"] = await open_by_hand(setting)
    opened = await open_in_tbdesk(setting, [setting.run], children=False)
    if opened.board.id in setting.seen_boards:
        raise RuntimeError("a cold open reused a board that should have been stopped")
    setting.seen_boards.add(opened.board.id)
    assert opened.board.pid is not None
    got["cold_rss"] = common.tree_rss_bytes(opened.board.pid)
    got["cold_served"], got["cold"], got["cold_ready"] = opened.served, opened.drawn, opened.charts_ready
    got["reuse"], got["warm"] = await warm_tab_switch(setting, opened)
    got["fresh"] = await warm_fresh_view(setting, opened)  # closes the board's first tab
    await setting.manager.stop(opened.board)  # and its sync with it
    got["first_open"] = await first_open_in_fresh_app(setting)
    if not peer_first:
        got["by_hand_served"], got["by_hand"], got["by_hand_rss"] = await open_by_hand(setting)
    return got


def one_run_workspace(workspace: Path, logs: Path) -> Path:
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(workspace)
    try:
        run = Experiment(ws, "first").start_logging(display_name="one run")
        run.upload_folder("logs", str(logs))
        run.complete()
    finally:
        ws.close()
    return workspace


async def first_open_in_fresh_app(setting: Setting) -> float:
    """A new app process; seconds from its first Open from the tree until the charts are drawn."""
    env = {**os.environ, "TBDESK_HOME": str(setting.app_home)}
    done = setting.app_home / "done"
    done.unlink(missing_ok=True)
    # Its settings go: the last round's board, reopened at launch, would make the Open a reuse.
    # Its web profile stays, as a returning user's does.
    shutil.rmtree(setting.app_home / "config", ignore_errors=True)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.first_open_probe",
        str(setting.app_workspace),
        str(done),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), TIMEOUT_S * 2)
    found = re.search(rb"first open: ([0-9.]+) s", out)
    if process.returncode != 0 or found is None:
        raise RuntimeError(f"the fresh app failed ({process.returncode}): {err.decode()[-2000:]}")
    return float(found.group(1))


async def bench(rounds: int, home: Path) -> int:
    from tbdesk.boards import BoardManager, BoardState
    from tbdesk.sync import DEFAULT_PREFIX, RunCache
    from tbdesk.ui.sync_status import BoardSyncs

    started = time.perf_counter()
    source, runs = await demo_runs(home / "workspace")
    run = runs[0]
    logs = await source.tensorboard_dir(run)
    if logs is None:
        raise RuntimeError(f"the demo run {run.name} has no TensorBoard logs")
    print(f"demo workspace ready in {time.perf_counter() - started:.1f} s; run {run.name!r}, logs {logs}")
    print(common.machine_load())

    syncs = BoardSyncs()
    manager = BoardManager()
    # As the window: a stopped board's syncs (stopped with it) are forgotten.
    manager.subscribe(lambda board: syncs.forget(board.id) if board.state is BoardState.STOPPED else None)
    app_workspace = one_run_workspace(home / "app-workspace", logs)
    setting = Setting(
        Host(syncs),
        manager,
        syncs,
        RunCache(),
        DEFAULT_PREFIX,
        source,
        run,
        logs,
        app_workspace,
        home / "app",
    )
    samples = Samples()
    try:
        # Round 0 warms up: QtWebEngine's processes start with the first page of the session.
        for index in range(rounds + 1):
            # Alternate who goes first, so a noisy moment of the machine hits both sides alike.
            got = await one_round(setting, peer_first=index % 2 == 0)
            label = "warm-up" if index == 0 else f"round {index}"
            print(
                f"{label:>8}: by hand {got['by_hand']:.3f} s (serving {got['by_hand_served']:.3f} s)"
                f" | tbdesk cold {got['cold']:.3f} s (serving {got['cold_served']:.3f} s,"
                f" chartsReady {got['cold_ready']:.3f} s), warm {got['warm']:.3f} s"
                f" (reuse {got['reuse'] * 1000:.1f} ms), warm fresh view {got['fresh']:.3f} s"
                f" | fresh app, first Open {got['first_open']:.3f} s",
                flush=True,
            )
            if index > 0:
                for name, value in got.items():
                    getattr(samples, name).append(value)
        memory = await memory_of_one_board(setting, runs)
    finally:
        await setting.manager.stop_all()  # stops the syncs fed to the boards too
    await nothing_left_behind(setting)
    print(common.machine_load())
    report(rounds, samples, memory)
    return 0


def report(rounds: int, samples: Samples, memory: tuple[int, int, int, int]) -> None:
    s = samples
    print()
    print(f"Open in TensorBoard until the scalar charts are drawn: median (min-max) of {rounds} rounds")
    print(f"  {'peer: tensorboard by hand + bare QWebEngineView':<44} {common.seconds(s.by_hand)}")
    print(common.row("tbdesk cold (new board)", s.cold, s.by_hand))
    print(common.row("tbdesk cold, until chartsReady", s.cold_ready, s.by_hand))
    print(common.row("tbdesk warm (board reused + tab switch)", s.warm, s.by_hand))
    print(common.row("  of which BoardSyncs.board_for + refresh", s.reuse, s.by_hand))
    print(common.row("tbdesk warm into a fresh BoardView", s.fresh, s.by_hand))
    print(common.row("a fresh app process, its first Open", s.first_open, s.by_hand))
    print("Of that, until TensorBoard answers:")
    print(f"  {'peer: until TensorBoard answers 200':<44} {common.seconds(s.by_hand_served)}")
    print(common.row("tbdesk: until BoardManager.open returns", s.cold_served, s.by_hand_served))

    tensorboards, servers, total_runs, board_rss = memory
    peer_rss = common.median(s.by_hand_rss)
    cold_rss = common.median(s.cold_rss)
    print()
    print("Memory (RSS of TensorBoard + its data server, after the charts are drawn):")
    print(f"  {'peer: one run by hand':<44} {peer_rss / common.MIB:7.1f} MiB")
    print(
        f"  {'tbdesk board, one run':<44} {cold_rss / common.MIB:7.1f} MiB"
        f"   ratio to peer {cold_rss / peer_rss:5.2f}"
    )
    print(
        f"  {f'tbdesk board, all {total_runs} runs of the demo':<44} {board_rss / common.MIB:7.1f} MiB"
        f"   ratio to peer {board_rss / peer_rss:5.2f}"
        f" (one TensorBoard per run: {total_runs} x {peer_rss / common.MIB:.0f} MiB)"
    )
    print(f"  TensorBoard processes for that board: {tensorboards} (+{servers} data server)")
    print()
    cold_ratio = common.median(s.cold) / common.median(s.by_hand)
    print(
        common.verdict("cold", cold_ratio <= COLD_TARGET_RATIO, f"{cold_ratio:.2f}x the peer, target <= 1.3x")
    )
    first_ratio = common.median(s.first_open) / common.median(s.by_hand)
    print(
        common.verdict(
            "first Open in a fresh app",
            first_ratio <= FIRST_OPEN_TARGET_RATIO,
            f"{first_ratio:.2f}x the peer, target <= {FIRST_OPEN_TARGET_RATIO}x",
        )
    )
    warm = common.median(s.warm)
    print(common.verdict("warm", warm < WARM_TARGET_S, f"{warm:.3f} s, target < {WARM_TARGET_S} s"))
    print(
        common.verdict(
            "memory", tensorboards == 1, f"{tensorboards} TensorBoard process(es) for {total_runs} runs"
        )
    )


async def memory_of_one_board(setting: Setting, runs: list[Run]) -> tuple[int, int, int, int]:
    """A board on every demo run and child run: (TensorBoard processes, data servers, runs, RSS)."""
    print("a board on every run and child run of the demo: ", end="", flush=True)
    host, manager = setting.host, setting.manager
    opened = await open_in_tbdesk(setting, runs, children=True)
    try:
        assert opened.board.pid is not None
        ours = common.descendants(os.getpid())
        tensorboards = [pid for pid in ours if common.is_tensorboard(pid)]
        servers = [pid for pid in ours if common.is_data_server(pid)]
        rss = common.tree_rss_bytes(opened.board.pid)
        print(f"{len(opened.board.runs)} runs, charts drawn {opened.drawn:.3f} s after the request")
        return len(tensorboards), len(servers), len(opened.board.runs), rss
    finally:
        host.remove(opened.view)
        await manager.stop(opened.board)


async def nothing_left_behind(setting: Setting) -> None:
    """Every board stopped: no TensorBoard or data server the bench saw runs any more, none runs
    below this process, and nothing (a sync's polling, a board's watcher) runs on the loop."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        alive = sorted(
            pid
            for pid in setting.pids | set(common.descendants(os.getpid()))
            if common.is_tensorboard(pid) or common.is_data_server(pid)
        )
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if not alive and not tasks and not setting.manager.boards:
            seen = len(setting.pids)
            print(f"nothing left behind: the {seen} TensorBoard and data server processes seen are gone")
            return
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"left behind: processes {alive}, tasks {tasks}, boards {setting.manager.boards}"
            )
        await asyncio.sleep(0.05)


def main() -> int:
    return common.main_with_rounds(__doc__, ROUNDS, "tbdesk-bench-open-", bench)


if __name__ == "__main__":
    sys.exit(main())
