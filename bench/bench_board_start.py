"""Board start: BoardManager.open() until the board is READY, against the peer of starting
`tensorboard --logdir X --port 0` by hand and polling it until HTTP 200; and the reuse of a live board.

Run: .venv/bin/python bench/bench_board_start.py [--rounds 5]
Rounds alternate between the two, so both see the same machine noise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter

_URL = re.compile(r"TensorBoard \S+ at (http://\S+)")


def write_logs(root: Path, runs: int = 3, steps: int = 200) -> list[Path]:
    folders = []
    for index in range(runs):
        folder = root / f"run-{index}"
        writer = EventFileWriter(str(folder))
        for step in range(steps):
            value = summary_pb2.Summary.Value(tag="loss", simple_value=1.0 / (step + 1 + index))
            writer.add_event(
                event_pb2.Event(wall_time=time.time(), step=step, summary=summary_pb2.Summary(value=[value]))
            )
        writer.close()
        folders.append(folder)
    return folders


def until_200(url: str) -> None:
    delay = 0.01
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def peer_once(logdir: Path) -> float:
    """Start TensorBoard by hand on logdir; seconds until it answers 200."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", "127.0.0.1"]
    with subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                match = _URL.search(line)
                if match:
                    until_200(match.group(1))
                    return time.perf_counter() - start
            raise RuntimeError("TensorBoard exited before serving")
        finally:
            proc.terminate()


async def ours_once(root: Path, folders: list[Path]) -> tuple[float, float]:
    """Seconds from open() to READY for a new board, and for a second open() of the same runs."""
    from tbdesk.boards import BoardManager, BoardRun

    manager = BoardManager(root)
    runs = [BoardRun(folder.name, folder) for folder in folders]
    try:
        start = time.perf_counter()
        board = await manager.open(runs)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        again = await manager.open(runs)
        warm = time.perf_counter() - start
        assert again is board
        return cold, warm
    finally:
        await manager.stop_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TBDESK_HOME"] = str(Path(tmp) / "home")  # keep the bench's board records apart
        logs = Path(tmp) / "logs"
        folders = write_logs(logs)
        peer, cold, warm = [], [], []
        for _ in range(options.rounds):
            peer.append(peer_once(logs))
            new, reused = asyncio.run(ours_once(Path(tmp) / "boards", folders))
            cold.append(new)
            warm.append(reused)
    p, c, w = statistics.median(peer), statistics.median(cold), statistics.median(warm)
    print(f"rounds: {options.rounds}, {len(folders)} runs")
    print(f"peer  tensorboard --logdir X --port 0 until HTTP 200: median {p:.3f} s  {_all(peer)}")
    print(f"tbdesk BoardManager.open() new board until READY:   median {c:.3f} s  {_all(cold)}")
    print(f"tbdesk BoardManager.open() same runs again (reuse): median {w * 1000:.3f} ms")
    print(f"ratio new board / peer: {c / p:.2f}")


def _all(values: list[float]) -> str:
    return "[" + ", ".join(f"{value:.3f}" for value in values) + "]"


if __name__ == "__main__":
    main()
