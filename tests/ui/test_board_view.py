"""The embedded dashboard: the navigation policy on hostile URLs, and a real BoardView on a real
TensorBoard (charts drawn, outside links refused, renderer crash recovered, error panel)."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage

from tbdesk.ui.web import BoardOrigin, Navigation, NavigationRequest, decide_navigation
from tests.event_files import write_events
from tests.ui.ui_helpers import UrlCatcher, page_lists

ARTIFACTS = Path(__file__).parent.parent / "artifacts"
ORIGIN = BoardOrigin.from_url("http://127.0.0.1:6006/abc/")


# -- the policy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:6006/abc/", Navigation.ALLOW),
        ("http://127.0.0.1:6006/abc", Navigation.ALLOW),  # TensorBoard redirects it to /abc/
        ("http://127.0.0.1:6006/abc/data/runs?x=1#timeseries", Navigation.ALLOW),
        ("HTTP://127.0.0.1:6006/abc/", Navigation.ALLOW),
        # the board's own server, outside the prefix
        ("http://127.0.0.1:6006/", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc../", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc..", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abcX/", Navigation.REFUSE),
        ("http://127.0.0.1:6006/ABC/", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc/../x/", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc/%2e%2e/secret", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc/%2E%2E%2Fsecret", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc%2f../", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc/./data", Navigation.REFUSE),
        # elsewhere on the web: the system browser
        ("http://127.0.0.1:6007/abc/", Navigation.OPEN_EXTERNALLY),
        ("https://127.0.0.1:6006/abc/", Navigation.OPEN_EXTERNALLY),
        ("http://localhost:6006/abc/", Navigation.OPEN_EXTERNALLY),
        ("https://github.com/tensorflow/tensorboard", Navigation.OPEN_EXTERNALLY),
        ("http://evil.example/?next=http://127.0.0.1:6006/abc/", Navigation.OPEN_EXTERNALLY),
        # tricks and other schemes: nowhere
        ("http://127.0.0.1:6006@evil.example/abc/", Navigation.REFUSE),
        ("http://user:secret@127.0.0.1:6006/abc/", Navigation.REFUSE),
        ("http://evil.example@127.0.0.1:6006/abc/", Navigation.REFUSE),
        ("http://127.0.0.1:6006\\@evil.example/abc/", Navigation.REFUSE),
        ("http://127.0.0.1:6006/abc/\nx", Navigation.REFUSE),
        ("http://127.0.0.1:99999/abc/", Navigation.REFUSE),
        ("http:///abc/", Navigation.REFUSE),
        ("javascript:alert(document.cookie)", Navigation.REFUSE),
        ("JavaScript:alert(1)", Navigation.REFUSE),
        ("file:///etc/passwd", Navigation.REFUSE),
        ("data:text/html,<script>alert(1)</script>", Navigation.REFUSE),
        ("view-source:http://127.0.0.1:6006/abc/", Navigation.REFUSE),
        ("chrome://settings", Navigation.REFUSE),
        ("about:blank", Navigation.REFUSE),  # in the main frame
        ("", Navigation.REFUSE),
    ],
)
def test_policy_in_the_main_frame_after_a_click(url: str, expected: Navigation) -> None:
    assert decide_navigation(NavigationRequest(url, ORIGIN, user_gesture=True)) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:6006/abc/data/runs", Navigation.ALLOW),
        ("http://127.0.0.1:6006/", Navigation.REFUSE),
        # A page cannot open the system browser by itself (issue 10: 6 URLs in 2 s, no click).
        ("http://127.0.0.1:6007/abc/", Navigation.REFUSE),
        ("https://github.com/tensorflow/tensorboard", Navigation.REFUSE),
        ("javascript:alert(1)", Navigation.REFUSE),
    ],
)
def test_policy_in_the_main_frame_without_a_click(url: str, expected: Navigation) -> None:
    assert decide_navigation(NavigationRequest(url, ORIGIN)) is expected


@pytest.mark.parametrize("gesture", [False, True])
def test_policy_keeps_frames_on_the_board(gesture: bool) -> None:
    def frame(url: str) -> Navigation:
        return decide_navigation(NavigationRequest(url, ORIGIN, main_frame=False, user_gesture=gesture))

    assert frame("about:blank") is Navigation.ALLOW
    assert frame("about:srcdoc") is Navigation.ALLOW
    assert frame("http://127.0.0.1:6006/abc/embedded") is Navigation.ALLOW
    for foreign in (
        "http://127.0.0.1:6006/other/",
        "https://evil.example/",
        "http://127.0.0.1:6007/abc/",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ):
        assert frame(foreign) is Navigation.REFUSE, foreign


def test_policy_sends_new_windows_outside_only_after_a_click() -> None:
    def new_window(url: str, gesture: bool = True) -> Navigation:
        return decide_navigation(NavigationRequest(url, ORIGIN, new_window=True, user_gesture=gesture))

    assert new_window("https://www.tensorflow.org/tensorboard") is Navigation.OPEN_EXTERNALLY
    assert new_window("http://127.0.0.1:6006/abc/") is Navigation.OPEN_EXTERNALLY
    assert new_window("https://www.tensorflow.org/tensorboard", gesture=False) is Navigation.REFUSE
    assert new_window("about:blank") is Navigation.REFUSE
    assert new_window("javascript:alert(1)") is Navigation.REFUSE
    assert new_window("http://127.0.0.1:6006@evil.example/") is Navigation.REFUSE


def test_policy_without_a_board_allows_nothing() -> None:
    request = NavigationRequest("http://127.0.0.1:6006/abc/", None)
    assert decide_navigation(request) is Navigation.REFUSE
    request = NavigationRequest("http://127.0.0.1:6006/abc/", None, user_gesture=True)
    assert decide_navigation(request) is Navigation.OPEN_EXTERNALLY


@pytest.mark.parametrize(
    "url", ["", "ftp://127.0.0.1/abc/", "http://u@127.0.0.1:1/abc/", "http:///abc/", "not a url"]
)
def test_board_origin_rejects_what_is_not_a_board(url: str) -> None:
    with pytest.raises(ValueError, match="board URL"):
        BoardOrigin.from_url(url)


def test_board_origin_reads_prefix_and_default_port() -> None:
    assert BoardOrigin.from_url("http://127.0.0.1:1234/p") == BoardOrigin("http", "127.0.0.1", 1234, "/p/")
    assert BoardOrigin.from_url("https://h/p/") == BoardOrigin("https", "h", 443, "/p/")


# -- a real TensorBoard ---------------------------------------------------------------------------


@dataclass
class TensorBoard:
    url: str
    logdir: Path
    process: subprocess.Popen[bytes]


def write_scalars(run_dir: Path, tags: tuple[str, ...] = ("loss", "accuracy"), steps: int = 20) -> None:
    write_events(run_dir, tags[0], steps, more_tags=tags[1:], start=1_700_000_000)


def start_tensorboard(logdir: Path, log: Path, *flags: str) -> TensorBoard:
    prefix = "/" + os.urandom(16).hex()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tensorboard.main",
                "--logdir",
                str(logdir),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--path_prefix",
                prefix,
                *flags,
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(rb"(http://127\.0\.0\.1:\d+/\S*)", log.read_bytes())
        if match:
            return TensorBoard(match.group(1).decode(), logdir, process)
        if process.poll() is not None:
            break
        time.sleep(0.05)  # waiting on TensorBoard's line, not a fixed delay
    process.kill()
    process.wait()
    raise RuntimeError(f"TensorBoard did not start: {log.read_text(errors='replace')}")


def stop(board: TensorBoard) -> None:
    board.process.terminate()
    try:
        board.process.wait(10)
    except subprocess.TimeoutExpired:
        board.process.kill()
        board.process.wait()


@pytest.fixture(scope="module")
def tensorboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TensorBoard]:
    root = tmp_path_factory.mktemp("tb")
    for run in ("lr=0.1", "lr=0.01"):
        write_scalars(root / "logs" / run)
    board = start_tensorboard(root / "logs", root / "tensorboard.log")
    yield board
    stop(board)


def shown_view(qtbot: Any, url: str, title: str) -> Any:
    """A BoardView of the board at url, shown, once its dashboard settled."""
    from tbdesk.ui.board_view import BoardView

    widget = BoardView(url, title)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    with qtbot.waitSignal(widget.chartsReady, timeout=60_000):
        pass
    return widget


@pytest.fixture
def view(qtbot: Any, qloop: Any, tensorboard: TensorBoard) -> Any:
    return shown_view(qtbot, tensorboard.url, "lr sweep")


def test_charts_appear(view: Any, run_async: Any) -> None:
    assert view.charts_ready
    assert run_async(view.count_scalar_charts()) > 0
    ARTIFACTS.mkdir(exist_ok=True)
    picture = view.grab()
    assert picture.width() == 1200
    assert picture.save(str(ARTIFACTS / "board_view.png"))


def test_web_profile_keeps_its_data_in_the_app_folders(view: Any) -> None:
    from tbdesk.ui.web import web_profile

    profile = view.page.profile()
    assert profile is web_profile()
    assert not profile.isOffTheRecord()
    assert Path(profile.persistentStoragePath()).name == "web"
    assert Path(profile.cachePath()).name == "web"
    assert Path(profile.cachePath()).parent.name == "cache"


def _decisions(view: Any) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    view.page.navigationDecided.connect(lambda url, decision: seen.append((url, decision)))
    return seen


def _click_a_full_page_link(view: Any, qtbot: Any, href: str, target: str = "") -> None:
    """Cover the page with one link, then click it as a user would (a real mouse event)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    script = (
        "(() => { const a = document.createElement('a'); a.id = 'tbdesk-test-link';"
        f" a.href = {href!r}; a.target = {target!r}; a.textContent = 'link';"
        " a.style.cssText = 'position:fixed;inset:0;z-index:99999;display:block';"
        " document.body.appendChild(a); return 1; })()"
    )
    done: list[object] = []
    view.page.runJavaScript(script, 0, done.append)
    qtbot.waitUntil(lambda: bool(done))
    proxy = view.web_view.focusProxy()
    centre = QPoint(proxy.width() // 2, proxy.height() // 2)
    QTest.mouseClick(proxy, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def test_a_page_cannot_open_the_browser_by_itself_but_a_click_can(
    view: Any, browser: UrlCatcher, qtbot: Any, tensorboard: TensorBoard
) -> None:
    """Issue 10: script navigations and pop-ups reached the system browser without any click."""
    seen = _decisions(view)
    view.page.runJavaScript("location.href = 'https://www.tensorflow.org/tensorboard';")
    view.page.runJavaScript("window.open('https://github.com/tensorflow/tensorboard');")
    qtbot.waitUntil(lambda: {url for url, _ in seen} >= {
        "https://www.tensorflow.org/tensorboard", "https://github.com/tensorflow/tensorboard"
    })  # fmt: skip
    assert all(decision == "refuse" for _, decision in seen)
    assert browser.urls == []

    _click_a_full_page_link(view, qtbot, "https://www.tensorflow.org/tensorboard")
    qtbot.waitUntil(lambda: browser.urls == ["https://www.tensorflow.org/tensorboard"])
    _click_a_full_page_link(view, qtbot, "https://github.com/tensorflow/tensorboard", target="_blank")
    qtbot.waitUntil(lambda: len(browser.urls) == 2)
    assert browser.urls[1] == "https://github.com/tensorflow/tensorboard"
    assert view.page.url().toString().startswith(tensorboard.url)

    # What a page might try; refused outright, and nothing reaches the browser.
    port = BoardOrigin.from_url(tensorboard.url).port
    link = QWebEnginePage.NavigationType.NavigationTypeLinkClicked
    for hostile in (
        "file:///etc/passwd",
        "javascript:alert(1)",
        f"http://127.0.0.1:{port}/",
        f"http://127.0.0.1:{port}@evil.example/",
        tensorboard.url.rstrip("/") + "X/",
    ):
        assert view.page.acceptNavigationRequest(QUrl(hostile), link, True) is False, hostile
    assert len(browser.urls) == 2
    assert view.page.acceptNavigationRequest(QUrl(tensorboard.url + "#scalars"), link, True) is True


def test_renderer_crash_is_recovered_with_a_reload(view: Any, qtbot: Any, run_async: Any) -> None:
    pid = view.page.renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(view.page.renderProcessTerminated, timeout=30_000):
        os.kill(pid, signal.SIGKILL)
    assert not view.charts_ready
    with qtbot.waitSignal(view.chartsReady, timeout=60_000):
        pass
    assert view.page.renderProcessPid() not in (0, pid)
    assert run_async(view.count_scalar_charts()) > 0


def test_a_crash_loop_stops_reloading_and_says_so(view: Any, qtbot: Any) -> None:
    killed = QWebEnginePage.RenderProcessTerminationStatus.KilledTerminationStatus
    for _ in range(view.MAX_CRASH_RELOADS):
        view.page.renderProcessTerminated.emit(killed, 9)
    panel = view._error_panel
    assert view._stack.currentWidget() is panel
    assert "keeps crashing" in panel.heading.text()
    assert panel.reload_button.isVisible()
    assert not panel.restart_button.isVisible()
    with qtbot.waitSignal(view.chartsReady, timeout=60_000):
        panel.reload_button.click()
    assert view._stack.currentWidget() is view.web_view


def test_error_panel_offers_restart_and_set_url_brings_the_dashboard_back(
    view: Any, qtbot: Any, tensorboard: TensorBoard
) -> None:
    view.show_error("TensorBoard stopped unexpectedly.\nTraceback (most recent call last):\nOSError: boom")
    panel = view._error_panel
    assert view._stack.currentWidget() is panel
    assert not view.charts_ready
    assert panel.heading.text() == "TensorBoard stopped unexpectedly."
    assert "OSError: boom" in panel.details.toPlainText()
    with qtbot.waitSignal(view.restartRequested):
        panel.restart_button.click()
    with qtbot.waitSignal(view.chartsReady, timeout=60_000):
        view.set_url(tensorboard.url)
    assert view._stack.currentWidget() is view.web_view


def test_reload_action_reloads(view: Any, qtbot: Any) -> None:
    assert view.reload_action.shortcut().toString() == "Ctrl+R"
    with qtbot.waitSignal(view.chartsReady, timeout=60_000):
        view.reload_action.trigger()
    assert view.charts_ready


def test_open_in_browser_opens_the_board(view: Any, browser: UrlCatcher, tensorboard: TensorBoard) -> None:
    view.open_in_browser_action.trigger()
    assert browser.urls == [tensorboard.url]


def test_a_board_without_data_does_not_spin_forever(
    qtbot: Any, qloop: Any, run_async: Any, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    board = start_tensorboard(tmp_path / "empty", tmp_path / "tensorboard.log")
    try:
        widget = shown_view(qtbot, board.url, "empty")
        assert run_async(widget.count_scalar_charts()) == 0
        assert not widget._progress.isVisible()
    finally:
        stop(board)


def test_new_logs_reach_the_page_when_the_board_says_so(
    qtbot: Any, qloop: Any, run_async: Any, tmp_path: Path
) -> None:
    """TensorBoard's page does not fetch runs that arrive after it loaded; data_changed (the window
    calls it when a live sync fetched something) has it do so, and only while it is visible."""
    from tbdesk.boards.process import RELOAD_INTERVAL_S

    logs = tmp_path / "logs"
    write_scalars(logs / "alpha")
    # The board's data server rescans as often as tbdesk's own boards do.
    board = start_tensorboard(logs, tmp_path / "tensorboard.log", f"--reload_interval={RELOAD_INTERVAL_S}")
    try:
        widget = shown_view(qtbot, board.url, "alpha")
        assert run_async(widget.listed_runs()) == ["alpha"]

        write_scalars(logs / "beta")
        widget.data_changed()
        run_async(page_lists(widget, {"alpha", "beta"}), timeout=60)

        widget.hide()  # another tab is in front
        write_scalars(logs / "gamma")
        widget.data_changed()
        qtbot.wait(3 * RELOAD_INTERVAL_S * 1000)  # the data server has read gamma, the page has not
        assert "gamma" not in run_async(widget.listed_runs())
        widget.show()
        run_async(page_lists(widget, {"alpha", "beta", "gamma"}), timeout=60)
    finally:
        stop(board)


def test_a_view_without_url_shows_loading(qtbot: Any, qloop: Any) -> None:
    from tbdesk.ui.board_view import BoardView

    widget = BoardView("", "starting")
    qtbot.addWidget(widget)
    widget.show()
    assert widget._progress.isVisible()
    assert not widget.reload_action.isEnabled()
    assert not widget.charts_ready


def test_shortcuts_act_on_the_visible_tab_only(qtbot: Any, qloop: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTabWidget

    from tbdesk.ui.board_view import BoardView

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    # Nothing listens on port 9: the pages fail to load, which does not matter here.
    first, second = BoardView("http://127.0.0.1:9/a/", "a"), BoardView("http://127.0.0.1:9/b/", "b")
    tabs.addTab(first, "a")
    tabs.addTab(second, "b")
    tabs.show()
    tabs.activateWindow()  # window shortcuts need an active window
    qtbot.waitUntil(tabs.isActiveWindow)
    hits: list[str] = []
    first.reload_action.triggered.connect(lambda: hits.append("a"))
    second.reload_action.triggered.connect(lambda: hits.append("b"))
    qtbot.keyClick(tabs.tabBar(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    tabs.setCurrentIndex(1)
    qtbot.keyClick(tabs.tabBar(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert hits == ["a", "b"]


ATTACK_PAGE = b"""<!doctype html><html><body>
<iframe src="http://evil.invalid/frame-1"></iframe>
<iframe src="https://example.com/frame-2"></iframe>
<script>
localStorage.setItem("planted", "by the attacker");
window.open("http://evil.invalid/popup");
setTimeout(() => { location.href = "http://evil.invalid/redirect"; }, 50);
</script></body></html>"""


@pytest.fixture
def attacker() -> Iterator[str]:
    """A page posing as another TensorBoard on this machine (as a planted info file could list)."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(ATTACK_PAGE)))
            self.end_headers()
            self.wfile.write(ATTACK_PAGE)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/p/"
    server.shutdown()
    server.server_close()


def test_another_tensorboards_page_opens_nothing_and_keeps_nothing(
    qtbot: Any, qloop: Any, browser: UrlCatcher, attacker: str
) -> None:
    from tbdesk.ui.board_view import BoardView
    from tbdesk.ui.web import web_profile

    view = BoardView(attacker, "someone's TensorBoard", foreign=True)
    qtbot.addWidget(view)
    view.show()
    seen = _decisions(view)
    attacks = {
        "http://evil.invalid/frame-1",
        "https://example.com/frame-2",
        "http://evil.invalid/popup",
        "http://evil.invalid/redirect",
    }
    qtbot.waitUntil(lambda: {url for url, _ in seen} >= attacks, timeout=20_000)
    assert {url: decision for url, decision in seen if url in attacks} == dict.fromkeys(attacks, "refuse")
    assert browser.urls == []
    profile = view.page.profile()
    assert profile.isOffTheRecord()
    assert profile is not web_profile()
    assert profile.persistentStoragePath() != web_profile().persistentStoragePath()


def test_a_page_load_that_times_out_says_so_and_asks_for_a_check(
    qtbot: Any, qloop: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: with TensorBoard suspended (SIGSTOP) the view spun for good."""
    from PySide6.QtWidgets import QLabel, QPushButton

    from tbdesk.ui.board_view import BoardView

    write_scalars(tmp_path / "logs" / "run")
    board = start_tensorboard(tmp_path / "logs", tmp_path / "tensorboard.log")
    monkeypatch.setattr(BoardView, "LOAD_TIMEOUT_MS", 2_000)
    os.kill(board.process.pid, signal.SIGSTOP)
    try:
        view = BoardView("", "suspended")
        qtbot.addWidget(view)
        view.show()
        with qtbot.waitSignal(view.checkRequested, timeout=20_000):
            view.set_url(board.url)
        assert view.showing_error
        buttons = {b.text(): b for b in view.findChildren(QPushButton)}
        assert buttons["Restart"].isVisible() and buttons["Reload page"].isVisible()
        headings = [label.text() for label in view.findChildren(QLabel)]
        assert "The dashboard did not load within 2 s." in headings
    finally:
        os.kill(board.process.pid, signal.SIGCONT)
        stop(board)


def test_web_profile_files_are_the_users_alone(view: Any, qtbot: Any) -> None:
    """Chromium writes the profile's files itself (issue 10): after a dashboard has loaded, none of
    them, nor their folders, grants group or others anything."""
    from tbdesk.ui.web import web_profile

    profile = web_profile()
    folders = [Path(profile.persistentStoragePath()), Path(profile.cachePath())]
    written: list[Path] = []

    def wrote_something() -> bool:
        written[:] = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
        return bool(written)

    qtbot.waitUntil(wrote_something, timeout=30_000)
    everything = [*folders, *(p for folder in folders for p in folder.rglob("*"))]
    open_to_others = [
        f"{oct(stat.S_IMODE(p.lstat().st_mode))} {p}"
        for p in everything
        if not stat.S_ISLNK(p.lstat().st_mode) and p.lstat().st_mode & 0o077
    ]
    assert open_to_others == [], "\n".join(open_to_others)
