"""What the private network costs a board (issue 10): TensorBoardProcess.start() (flag file, private
TMPDIR, user + network namespace, the web server on a socket tbdesk bound) against its peer, the
same launcher and TensorBoard in the shared network (no socket passed, so no namespace), each
timed from spawn until HTTP 200 under its prefix, until its first scalars are served (the data
server has read the runs: what the first chart waits for), and for 50 scalar requests once warm.

Run: .venv/bin/python bench/bench_board_private.py [--rounds 5]
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

from bench_board_start import until_200, write_logs

_URL = re.compile(r"TensorBoard \S+ at (http://\S+?)/?\s")
_SCALARS = "/data/plugin/scalars/scalars?run=run-0&tag=loss"


def until_scalars(base: str) -> None:
    delay = 0.01
    while True:
        try:
            with urllib.request.urlopen(base + _SCALARS, timeout=2) as response:
                if response.status == 200 and len(response.read()) > 2:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def warm_requests(base: str, count: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(count):
        with urllib.request.urlopen(base + _SCALARS, timeout=5) as response:
            response.read()
    return time.perf_counter() - start


def peer_once(logdir: Path) -> tuple[float, float, float]:
    """The same launcher, shared network: seconds to 200, to first scalars, and 50 warm requests."""
    from tbdesk.boards._launch import GO, LAUNCHER, NETWORK_SHARED

    prefix = "/bench-peer"
    flagfile = logdir.parent / "peer-flags"  # told as the app tells it: on stdin, then GO
    flagfile.write_text(
        f"--logdir={logdir}\n--host=127.0.0.1\n--port=0\n--path_prefix={prefix}\n--reload_interval=2\n"
    )
    start = time.perf_counter()
    pipe = subprocess.PIPE
    with subprocess.Popen(
        [sys.executable, str(LAUNCHER)], stdin=pipe, stdout=subprocess.DEVNULL, stderr=pipe, text=True
    ) as proc:
        try:
            assert proc.stdin is not None and proc.stderr is not None
            proc.stdin.write(f"{flagfile}\n{GO}\n")
            proc.stdin.close()
            shared = False
            for line in proc.stderr:
                shared = shared or line.startswith(NETWORK_SHARED)
                match = _URL.search(line)
                if match:
                    assert shared, "the peer must run in the shared network"
                    base = match.group(1).rstrip("/")
                    until_200(base + "/")
                    ready = time.perf_counter() - start
                    until_scalars(base)
                    return ready, time.perf_counter() - start, warm_requests(base)
            raise RuntimeError("TensorBoard exited before serving")
        finally:
            proc.terminate()


async def ours_once(logdir: Path) -> tuple[float, float, float]:
    from tbdesk.boards.process import TensorBoardProcess

    start = time.perf_counter()
    process = await TensorBoardProcess.start(logdir)
    try:
        ready = time.perf_counter() - start
        assert process.network_exposure == "", f"no private network here: {process.network_exposure}"
        base = process.url.rstrip("/")
        await asyncio.to_thread(until_scalars, base)
        first = time.perf_counter() - start
        return ready, first, await asyncio.to_thread(warm_requests, base)
    finally:
        await process.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TBDESK_HOME"] = str(Path(tmp) / "home")
        logs = Path(tmp) / "logs"
        write_logs(logs)
        peer, ours = [], []
        for _ in range(options.rounds):
            peer.append(peer_once(logs))
            ours.append(asyncio.run(ours_once(logs)))
    print(f"rounds: {options.rounds}; medians, seconds")
    for index, what in enumerate(("until HTTP 200", "until first scalars served", "50 warm scalar requests")):
        p = statistics.median(row[index] for row in peer)
        o = statistics.median(row[index] for row in ours)
        print(f"{what:28s} private {o:.3f}  shared peer {p:.3f}  ratio {o / p:.2f}")


if __name__ == "__main__":
    main()
