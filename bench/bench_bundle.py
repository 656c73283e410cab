"""The frozen bundle (`make bundle`) against the venv's tbdesk, same machine, same run, under a real
X server (Xvfb):

- window shown: from exec of `tbdesk --workspace DIR` until its window is mapped on the X screen;
- first Open until charts: from exec of `tbdesk LOGDIR` (the window opens a board on LOGDIR at
  start, as "Open with tbdesk" does) until the board's page has drawn its scalar charts, read
  through Chromium's DevTools endpoint with the app's own chart probe.

Each round starts bundle and venv alternately, fresh processes; the first round warms the disk
cache and is not counted. Run: .venv/bin/python bench/bench_bundle.py [--rounds N]
(needs dist/tbdesk, Xvfb and xdotool; about a minute).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLE = REPO / "dist" / "tbdesk" / "tbdesk"
VENV = Path(sys.executable).parent / "tbdesk"
TIMEOUT_S = 120.0


def _xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        return server, ":" + answer.readline().strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        time.sleep(0.01)


def _window_mapped(display: str, pid: int) -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        check=False,
    )
    return bool(found.stdout.strip())


def _charts(port: int) -> int:
    import websocket

    from tbdesk.ui.board_view import _PROBE_JS

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as answer:
            pages = [
                p for p in json.load(answer) if p.get("type") == "page" and "127.0.0.1" in p.get("url", "")
            ]
        if not pages:
            return 0
        ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=5, suppress_origin=True)
    except OSError:
        return 0
    try:
        ws.send(json.dumps({"id": 1, "method": "Runtime.evaluate", "params": {"expression": _PROBE_JS}}))
        value = json.loads(ws.recv()).get("result", {}).get("result", {}).get("value")
    except OSError:
        return 0
    finally:
        ws.close()
    return int(json.loads(value).get("charts", 0)) if isinstance(value, str) and value else 0


def _launch(program: Path, args: list[str], display: str, home: Path, until: str) -> float:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QT_")},
        "DISPLAY": display,
        "TBDESK_HOME": str(home),
        "QTWEBENGINE_REMOTE_DEBUGGING": f"127.0.0.1:{port}",
    }
    start = time.monotonic()
    app = subprocess.Popen(
        [str(program), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        if until == "window":
            _until(lambda: _window_mapped(display, app.pid))
        else:
            _until(lambda: _charts(port) > 0)
        return time.monotonic() - start
    finally:
        app.terminate()  # SIGTERM: the app stops its boards on the way out
        app.wait(timeout=60)


def _spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    if not BUNDLE.is_file():
        print(f"no bundle at {BUNDLE}: run `make bundle` first", file=sys.stderr)
        return 1
    server, display = _xvfb()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
            home = Path(tmp) / "home"
            env = {**os.environ, "TBDESK_HOME": str(home)}
            subprocess.run([str(VENV), "demo"], env=env, check=True, capture_output=True)
            logdir = Path(tmp) / "logs"
            subprocess.run(
                [str(VENV), "export", "experiment:digits-softmax", "--logdir", str(logdir)],
                env=env,
                check=True,
                capture_output=True,
            )
            results: dict[tuple[str, str], list[float]] = {}
            for round_ in range(options.rounds + 1):
                for name, program in (("bundle", BUNDLE), ("venv", VENV)):
                    for what, args in (("window", []), ("charts", [str(logdir / "lr=0.1")])):
                        took = _launch(program, args, display, home, what)
                        if round_:
                            results.setdefault((what, name), []).append(took)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for what, label in (("window", "window shown after launch"), ("charts", "first Open until charts")):
        bundle, venv = results[(what, "bundle")], results[(what, "venv")]
        print(
            f"{label}: bundle {_spread(bundle)}, venv {_spread(venv)}, "
            f"ratio {statistics.median(bundle) / statistics.median(venv):.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
