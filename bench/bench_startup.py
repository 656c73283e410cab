"""Window shown after launch: `python -m tbdesk --workspace <demo workspace>`, from exec until the
main window has painted, against a bare PySide6 script that shows an empty QMainWindow (the peer).

Each launch is a fresh process that runs this file in its "child" role; the bench stamps
time.monotonic() (CLOCK_MONOTONIC, one clock for every process) just before it starts the process.
- tbdesk child: creates the QApplication (tbdesk's run_gui reuses an existing one), watches it for
  the first paint of a QMainWindow, and calls `tbdesk.cli.main(["--workspace", DIR])`, the very
  call `python -m tbdesk` makes. When the window has painted it prints the elapsed time and closes
  the window, which shuts the app down as the user would (no second run of the Qt loop).
- peer child: QApplication + an empty QMainWindow of the same size, app.exec(), same watch.
"Painted" is the turn of the event loop after the first paint event of the window's widgets, so
the whole first frame is drawn. The disk cache is warm: one launch of each is not counted.

Run: .venv/bin/python bench/bench_startup.py [--rounds N]   (about 20 s; offscreen Qt)
Target (issue 2): the window shown in under 1 s.
"""

# The child role imports as little as it can before it starts its clock-relevant work: only os,
# sys and time at the top of this file.
from __future__ import annotations

import os
import sys
import time
from typing import Any

ROUNDS = 5
TARGET_S = 1.0
TIMEOUT_S = 60.0
T0_ENV = "TBDESK_BENCH_T0"
WINDOW_SIZE = (1400, 900)  # tbdesk's default window size, for the peer
_PAINTED = "PAINTED "


# --- child role ----------------------------------------------------------------------------------


def _watch_first_paint(app: Any, then: Any) -> Any:
    """Calls then(window) once, on the loop turn after a QMainWindow's first paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QMainWindow, QWidget

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__(app)
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                not self.done
                and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget)
                and isinstance(watched.window(), QMainWindow)
            ):
                self.done = True
                window = watched.window()
                QTimer.singleShot(0, lambda: then(window))
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    return watcher


def _report_painted(t0: float, window: Any) -> None:
    elapsed = time.monotonic() - t0
    # Cross-check of the anchor: the kernel's start time of this process (10 ms ticks).
    from pathlib import Path

    ticks = int(Path("/proc/self/stat").read_text().rpartition(")")[2].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    age = uptime - ticks / os.sysconf("SC_CLK_TCK")
    print(f"{_PAINTED}{elapsed:.6f} {age:.2f} {type(window).__name__}", flush=True)


def child(role: str, workspace: str) -> int:
    t0 = float(os.environ[T0_ENV])
    if role == "tbdesk":
        from tbdesk.cli import main as tbdesk_main

    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([sys.argv[0]])
    if role == "tbdesk":

        def painted(window: Any) -> None:
            _report_painted(t0, window)
            window.close()  # saves settings and shuts the app down, as the user closing it

        watcher = _watch_first_paint(app, painted)
        code = tbdesk_main(["--workspace", workspace])
    else:

        def painted_peer(window: Any) -> None:
            _report_painted(t0, window)
            app.quit()

        watcher = _watch_first_paint(app, painted_peer)
        window = QMainWindow()
        window.resize(*WINDOW_SIZE)
        window.show()
        code = app.exec()
    if not watcher.done:
        print("the main window was never painted", file=sys.stderr)
        return 1
    return code


# --- the bench -----------------------------------------------------------------------------------


def launch(role: str, workspace: str, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds from exec to the painted window, until the process ended, and the process's age at
    the paint by the kernel's count (a cross-check of the first, with 10 ms ticks)."""
    import subprocess

    env = {**env, T0_ENV: repr(time.monotonic())}
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", role, workspace],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    total = time.monotonic() - start
    painted = [line for line in done.stdout.splitlines() if line.startswith(_PAINTED)]
    if done.returncode != 0 or not painted:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"the {role} launch failed (exit code {done.returncode}):\n{tail}")
    elapsed, age, window_class = painted[0][len(_PAINTED) :].split()
    if role == "tbdesk" and window_class != "MainWindow":
        raise RuntimeError(f"tbdesk painted a {window_class}, not its MainWindow")
    return float(elapsed), total, float(age)


def bench(rounds: int) -> int:
    import shutil
    import tempfile
    from pathlib import Path

    import _common as common

    from tbdesk.demo import create_demo

    common.prepare_environment()
    home = Path(tempfile.mkdtemp(prefix="tbdesk-bench-startup-"))
    try:
        workspace = str(create_demo(home / "workspace").workspace)
        # Settings, caches and board records of these launches stay in the temporary folder.
        env = {**os.environ, "TBDESK_HOME": str(home / "home")}
        print(common.machine_load())
        shown: dict[str, list[float]] = {"tbdesk": [], "peer": []}
        ended: dict[str, list[float]] = {"tbdesk": [], "peer": []}
        ages: dict[str, list[float]] = {"tbdesk": [], "peer": []}
        for index in range(rounds + 1):  # round 0 warms the disk cache and is not counted
            order = ("tbdesk", "peer") if index % 2 else ("peer", "tbdesk")
            got = {role: launch(role, workspace, env) for role in order}
            label = "warm-up" if index == 0 else f"round {index}"
            print(
                f"{label:>8}: tbdesk {got['tbdesk'][0]:.3f} s (process ended at {got['tbdesk'][1]:.3f} s)"
                f" | peer {got['peer'][0]:.3f} s (ended at {got['peer'][1]:.3f} s)",
                flush=True,
            )
            if index > 0:
                for role, (painted, total, age) in got.items():
                    shown[role].append(painted)
                    ended[role].append(total)
                    ages[role].append(age)
        print(common.machine_load())
    finally:
        shutil.rmtree(home, ignore_errors=True)

    print()
    print(f"Launch until the main window has painted: median (min-max) of {rounds} rounds, warm disk cache")
    print(f"  {'peer: bare PySide6, empty QMainWindow':<44} {common.seconds(shown['peer'])}")
    print(common.row("tbdesk: python -m tbdesk --workspace DEMO", shown["tbdesk"], shown["peer"]))
    print(f"  (whole process, launch to exit after closing: tbdesk {common.seconds(ended['tbdesk'])})")
    print(
        f"  (cross-check, process age at the paint by /proc start time: tbdesk "
        f"{common.median(ages['tbdesk']):.2f} s, peer {common.median(ages['peer']):.2f} s)"
    )
    median = common.median(shown["tbdesk"])
    print()
    print(common.verdict("startup", median < TARGET_S, f"{median:.3f} s, target < {TARGET_S:.0f} s"))
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        role, workspace = sys.argv[2], sys.argv[3]
        return child(role, workspace)
    import argparse
    import traceback

    parser = argparse.ArgumentParser(description="Window shown after launch: tbdesk against bare PySide6.")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"measured rounds (default {ROUNDS})")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    try:
        return bench(args.rounds)
    except Exception:
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
