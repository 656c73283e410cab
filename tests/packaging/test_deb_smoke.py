"""The installed app, as a user meets it: `dpkg -i` the .deb, start tbdesk from its desktop entry
under a real X server, see a board's charts, quit with Ctrl+Q, `dpkg -r`; and the same bundle's
`tbdesk serve` and `tbdesk export` from a terminal.

Runs once `make bundle` has built dist/tbdesk (CI builds it first), as root (dpkg), with Xvfb,
gtk-launch and xdotool (.ci/run installs them). The page is read through Chromium's own DevTools
endpoint (QTWEBENGINE_REMOTE_DEBUGGING, a Qt switch), so the app carries no test code.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tbdesk import APP_ID, APP_NAME, paths
from tbdesk.boards import procinfo
from tbdesk.boards._launch import BOARD_VERB
from tests.event_files import wait_until
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "dist" / APP_NAME / APP_NAME
INSTALLED = Path("/opt") / APP_NAME
ARTIFACTS = REPO / "tests" / "artifacts"

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not BUNDLE.is_file(), reason="no bundle: run `make bundle` first"),
    pytest.mark.skipif(os.geteuid() != 0, reason="installs a .deb: needs root"),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("dpkg-deb", "Xvfb", "gtk-launch", "xdotool")),
        reason="needs dpkg-deb, Xvfb, gtk-launch and xdotool (.ci/run installs them)",
    ),
]


def _deb() -> Path:
    """The .deb of the current bundle, made again when the bundle is newer."""
    debs = sorted((REPO / "dist").glob(f"{APP_NAME}_*_amd64.deb"))
    if debs and debs[-1].stat().st_mtime >= BUNDLE.stat().st_mtime:
        return debs[-1]
    out = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "package.py"), "deb"],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def _bundle_processes() -> dict[int, str]:
    """Every process running an executable of the installed bundle (the app, its boards,
    QtWebEngineProcess, the data server): pid -> executable."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                exe = os.readlink(entry / "exe")
            except OSError:
                continue
            if exe.startswith(f"{INSTALLED}/") and procinfo.is_alive(int(entry.name)):
                found[int(entry.name)] = exe
    return found


@pytest.fixture
def user_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh user: own HOME, no TBDESK_HOME, so the app finds its folders as an install does."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv("TBDESK_HOME")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "QTWEBENGINE_"))}
    return env


@pytest.fixture
def installed() -> Iterator[Path]:
    deb = _deb()
    subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True, timeout=300)
    try:
        yield deb
    finally:
        for pid in _bundle_processes():  # only after a failure: the test ends them itself
            os.kill(pid, signal.SIGKILL)
        subprocess.run(["dpkg", "-r", APP_NAME], check=True, capture_output=True, timeout=300)


@pytest.fixture
def display() -> Iterator[str]:
    """A real X server (Xvfb) on a free display number, which it picks and reports itself."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _run(command: list[str], env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _page_probe(devtools_port: int) -> dict[str, int]:
    """Run the app's own chart probe in the board's page, through Chromium's DevTools protocol."""
    import websocket

    from tbdesk.ui.board_view import _PROBE_JS

    with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json", timeout=5) as answer:
        pages = [p for p in json.load(answer) if p.get("type") == "page" and "127.0.0.1" in p.get("url", "")]
    if not pages:
        return {}
    ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=10, suppress_origin=True)
    try:
        ws.send(json.dumps({"id": 1, "method": "Runtime.evaluate", "params": {"expression": _PROBE_JS}}))
        reply = json.loads(ws.recv())
    finally:
        ws.close()
    value = reply.get("result", {}).get("result", {}).get("value")
    return json.loads(value) if isinstance(value, str) else {}


def _screenshot(display: str, path: Path) -> None:
    """The whole X screen, as a person would see it (Qt's xcb platform in a helper process)."""
    script = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "app = QGuiApplication(['shot'])\n"
        "assert QGuiApplication.primaryScreen().grabWindow(0).save(sys.argv[1])\n"
    )
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    subprocess.run([sys.executable, "-c", script, str(path)], env=env, check=True, timeout=60)


def test_the_installed_app_from_its_menu_entry_to_dpkg_r(
    installed: Path, user_env: dict[str, str], display: str, tmp_path: Path
) -> None:
    # What dpkg put where.
    assert os.path.realpath("/usr/bin/tbdesk") == str(INSTALLED / APP_NAME)
    entry = Path("/usr/share/applications") / f"{APP_ID}.desktop"
    assert "Exec=tbdesk %F" in entry.read_text()
    assert (Path("/usr/share/metainfo") / f"{APP_ID}.metainfo.xml").is_file()
    assert (Path("/usr/share/icons/hicolor/256x256/apps") / f"{APP_ID}.png").is_file()

    # From a terminal: the demo, then an export, into the folders a pip install uses too.
    print(_run(["tbdesk", "demo"], user_env))
    workspace = paths.default_workspace_dir()  # HOME is the test user's, TBDESK_HOME unset
    assert (workspace / "workspace.sqlite").is_file()
    logdir = tmp_path / "exported"
    _run(["tbdesk", "export", "experiment:digits-softmax", "--logdir", str(logdir)], user_env)
    assert sorted(p.name for p in logdir.iterdir()) == ["lr=0.01", "lr=0.1", "lr=1"]
    # The pip install (this venv) reads the workspace the bundle wrote.
    listing = _run([sys.executable, "-m", "tbdesk", "export", "experiment:digits-softmax", "--logdir",
                    str(tmp_path / "by-venv")], user_env)  # fmt: skip
    assert sorted(Path(line).name for line in listing.split()) == ["lr=0.01", "lr=0.1", "lr=1"]

    # `tbdesk serve` from a terminal: a board that answers, ended by Ctrl+C, nothing left.
    with subprocess.Popen(
        ["tbdesk", "serve", str(logdir / "lr=0.1")], env=user_env, stdout=subprocess.PIPE, text=True
    ) as serve:
        assert serve.stdout is not None
        url = serve.stdout.readline().strip()
        with urllib.request.urlopen(url + "data/runs", timeout=10) as answer:
            assert answer.status == 200 and json.load(answer)
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=60) == 0
    wait_until(lambda: not _bundle_processes(), what="tbdesk serve's TensorBoard to end")

    # The desktop's way in: the entry's Exec line, with a folder (as "Open with tbdesk" does).
    devtools = free_port()
    desktop_env = {**user_env, "DISPLAY": display, "QTWEBENGINE_REMOTE_DEBUGGING": f"127.0.0.1:{devtools}"}
    # The app inherits gtk-launch's output: a file, not a pipe that would stay open while it runs.
    app_log = tmp_path / "app.log"
    with app_log.open("w") as log:
        command = ["gtk-launch", APP_ID, str(logdir)]
        launched = subprocess.run(command, env=desktop_env, stdout=log, stderr=log, timeout=60, check=False)
    assert launched.returncode == 0, app_log.read_text()
    app_pids: list[int] = []

    def app_running() -> bool:
        app_pids[:] = [pid for pid, exe in _bundle_processes().items() if _is_the_app(pid, exe)]
        return len(app_pids) == 1

    wait_until(app_running, what=f"the app to start; it said:\n{app_log.read_text()}", timeout=60)
    probe: dict[str, int] = {}

    def charts_drawn() -> bool:
        probe.update(_safe_probe(devtools))
        return probe.get("charts", 0) > 0

    wait_until(
        charts_drawn, what=f"the board's charts ({probe}); the app said:\n{app_log.read_text()}", timeout=120
    )
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "bundle-smoke.png"
    _screenshot(display, shot)
    assert shot.stat().st_size > 20_000  # a drawn window, not a black screen

    # Quit as a person does: Ctrl+Q in the window; nothing of the bundle stays behind.
    windows = _run(["xdotool", "search", "--sync", "--onlyvisible", "--pid", str(app_pids[0])], desktop_env)
    window = windows.split()[0]
    _run(["xdotool", "windowfocus", "--sync", window, "key", "--clearmodifiers", "ctrl+q"], desktop_env)
    wait_until(lambda: not _bundle_processes(), what="the app and its boards to end", timeout=60)

    subprocess.run(["dpkg", "-r", APP_NAME], check=True, capture_output=True, timeout=300)
    assert not INSTALLED.exists() or not any(INSTALLED.rglob("*"))
    assert not Path("/usr/bin/tbdesk").exists()


def _is_the_app(pid: int, exe: str) -> bool:
    """The window's process, not a board (BOARD_VERB) nor a QtWebEngineProcess."""
    return exe == f"{INSTALLED}/{APP_NAME}" and BOARD_VERB not in (procinfo.cmdline(pid) or [])


def _safe_probe(devtools: int) -> dict[str, int]:
    try:
        return _page_probe(devtools)
    except OSError:  # DevTools not listening yet, or the page navigating
        return {}


def test_the_tarball_installs_for_one_user_without_root(user_env: dict[str, str], tmp_path: Path) -> None:
    tarballs = sorted((REPO / "dist").glob(f"{APP_NAME}-*-linux-x86_64.tar.gz"))
    if not tarballs or tarballs[-1].stat().st_mtime < BUNDLE.stat().st_mtime:
        command = [sys.executable, str(REPO / "packaging" / "package.py"), "tarball"]
        tarballs = [Path(_run(command, {**os.environ}, timeout=900).split()[-1])]
    subprocess.run(["tar", "xf", str(tarballs[-1]), "-C", str(tmp_path)], check=True, timeout=300)
    [unpacked] = tmp_path.glob(f"{APP_NAME}-*-linux-x86_64")
    home = Path(user_env["HOME"])

    _run([str(unpacked / "install.sh")], user_env)
    link = home / ".local" / "bin" / APP_NAME
    assert _run([str(link), "--version"], user_env).strip().startswith(APP_NAME)
    entry = home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    assert f"Exec={home}/.local/lib/{APP_NAME}/{APP_NAME} %F" in entry.read_text()

    _run([str(unpacked / "install.sh"), "--uninstall"], user_env)
    assert not link.exists() and not entry.exists()
    assert not (home / ".local" / "lib" / APP_NAME).exists()
