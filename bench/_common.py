"""What the Qt benchmarks share: the headless environment, the chart probe, /proc facts, reporting.

Import this before anything imports Qt: `prepare_environment()` must run first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import traceback
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

MIB = 1024 * 1024

# Counts the scalar charts a TensorBoard page has drawn, whichever dashboard shows them: the
# "Time Series" dashboard (TensorBoard's default; Angular, light DOM: <scalar-card> with SVG paths in
# its line chart's series view) or the legacy "Scalars" one (Polymer, shadow roots: <tf-scalar-card>
# with Plottable's path.line). A card counts once one of its series paths has a real "d".
# PySide hands a returned JavaScript object over as an empty string, so it answers JSON text.
CHART_PROBE_JS = r"""
(() => {
  const roots = [document];
  const cards = [];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll('*')) {
      if (el.localName === 'scalar-card' || el.localName === 'tf-scalar-card') cards.push(el);
      if (el.shadowRoot) roots.push(el.shadowRoot);
    }
  }
  const deep = (el, selector) => {
    const found = Array.from(el.querySelectorAll(selector));
    const stack = [el];
    if (el.shadowRoot) stack.push(el.shadowRoot);
    while (stack.length) {
      for (const child of stack.pop().querySelectorAll('*')) {
        if (child.shadowRoot) {
          found.push(...child.shadowRoot.querySelectorAll(selector));
          stack.push(child.shadowRoot);
        }
      }
    }
    return found;
  };
  const series = {'scalar-card': 'line-chart .series-view path', 'tf-scalar-card': 'path.line'};
  const drawn = cards.filter((card) => deep(card, series[card.localName]).some(
    (path) => (path.getAttribute('d') || '').length > 2));
  return JSON.stringify({cards: cards.length, charts: drawn.length});
})()
"""

# Two animation frames after the call: a page only runs them while it is visible and drawing, so
# this tells that the charts were put on screen, not merely into the DOM.
FRAME_MARK_JS = (
    "window.__benchFrames = 0;"
    "requestAnimationFrame(() => requestAnimationFrame(() => { window.__benchFrames = 2; }));"
)
FRAME_DONE_JS = "window.__benchFrames === 2"


def prepare_environment() -> None:
    """Offscreen Qt; as root, QtWebEngine needs its sandbox off (PLATFORM.md). Call before Qt loads."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.geteuid() == 0:
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"


def main_with_rounds(
    doc: str | None, rounds: int, prefix: str, bench: Callable[[int, Path], Coroutine[Any, Any, int]]
) -> int:
    """A Qt bench's main: `--rounds N` (default `rounds`, at least 1), the headless environment, a
    home of its own (TBDESK_HOME: boards, the web profile and settings go there), then
    bench(rounds, home) on the Qt loop."""
    parser = argparse.ArgumentParser(description=doc.partition("\n")[0] if doc else None)
    parser.add_argument("--rounds", type=int, default=rounds, help=f"measured rounds (default {rounds})")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    prepare_environment()
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["TBDESK_HOME"] = str(home / "home")
    return run_on_qt_loop(bench(args.rounds, home), home)


def run_on_qt_loop(bench: Coroutine[Any, Any, int], home: Path) -> int:
    """Run the bench as the one and only run of a qasync loop on a QApplication (PLATFORM.md: never
    re-enter it after a web view); then end Qt, then remove home (a web profile writes its cache
    there as it goes). The bench's exit code; 1 when it raised (the traceback is printed)."""
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        code: int = loop.run_until_complete(bench)
    except Exception:
        traceback.print_exc()
        code = 1
    finally:
        loop.close()  # ends the worker threads of asyncio.to_thread before Qt goes
        app.shutdown()
        shutil.rmtree(home, ignore_errors=True)
    return code


def chart_count(answer: Any) -> int:
    """The probe's answer as a number of drawn charts (0 while the page cannot say)."""
    try:
        result = json.loads(answer) if isinstance(answer, str) and answer else {}
    except ValueError:
        return 0
    return int(result.get("charts", 0)) if isinstance(result, dict) else 0


# --- processes (Linux /proc) ---------------------------------------------------------------------


def _ppid(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text.rpartition(")")[2].split()[1])


def descendants(pid: int) -> list[int]:
    """Every live process below pid (children, grandchildren, ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        kids = [child for child, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return found


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_tensorboard(pid: int) -> bool:
    """A TensorBoard server: tbdesk's board launcher, or tensorboard started by hand."""
    line = cmdline(pid)
    return any(part.endswith("/tbdesk/boards/_launch.py") or part.startswith("tensorboard") for part in line)


def is_data_server(pid: int) -> bool:
    """TensorBoard's Rust data server (the `server` binary of tensorboard_data_server)."""
    line = cmdline(pid)
    return bool(line) and "tensorboard_data_server" in line[0]


def rss_bytes(pid: int) -> int:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and everything below it."""
    return rss_bytes(pid) + sum(rss_bytes(child) for child in descendants(pid))


# --- reporting -----------------------------------------------------------------------------------


def machine_load() -> str:
    """The load averages against the cores: figures taken on a busy machine are noisier."""
    try:
        one, five = Path("/proc/loadavg").read_text().split()[:2]
    except (OSError, ValueError):
        return "load unknown"
    return f"load average {one} (1 min), {five} (5 min) on {os.cpu_count()} cores"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def seconds(values: Sequence[float]) -> str:
    """ "1.234 s (1.201-1.310)": the median and the range of the rounds."""
    return f"{median(values):6.3f} s ({min(values):.3f}-{max(values):.3f})"


def row(label: str, ours: Sequence[float], peer: Sequence[float]) -> str:
    ratio = median(ours) / median(peer)
    return f"  {label:<44} {seconds(ours)}   ratio to peer {ratio:5.2f}"


def verdict(name: str, met: bool, detail: str) -> str:
    return f"VERDICT {name}: {'MET' if met else 'MISSED'} ({detail})"
