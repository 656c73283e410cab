"""A cloud folder of TensorBoard logs in S3: tbdesk's live mirror against TensorBoard reading
`s3://` itself, on the same moto S3 server (tests/cloud/s3_app.py, which counts requests) and the
same logs, one after the other.

    .venv/bin/python bench/bench_cloud.py [--runs 50] [--appends 10] [--idle 30]

The logs: `runs` runs of 2 event files each, 200,000 scalar points in all (4 tags per step), one
run growing. For each side, from a fresh process (`tbdesk serve s3://...` with a cold cache;
`tensorboard --logdir s3://... ` with TensorBoard's own S3 reader):
1. first charts: from the launch until the board serves the growing run's scalars, all its steps
   (median of `launches` fresh launches, alternating sides); then until it serves every run;
2. new steps: `appends` appends to the growing run (the object uploaded again, longer, as S3
   writers do) at random gaps of 1-5 s; for each, from the upload until the board serves the new
   step; median and worst;
3. idle: requests to the store per minute while nothing changes, over `idle` seconds.
Targets: first charts no slower than the peer, new steps within 3 s (median), idle requests at
least 10x fewer.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import machine_load, verdict
from tests.cloud.servers import S3Server

POINTS = 200_000
TAGS = ("loss", "accuracy", "lr", "grad_norm")
BUCKET = "bench-logs"
GROWING = "run000"
PER_APPEND = 5  # steps per append
WALL = 1_714_550_400.0


def _records(first: int, last: int, header: bool) -> bytes:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.record_writer import RecordWriter

    buffer = io.BytesIO()
    writer = RecordWriter(buffer)
    if header:
        writer.write(event_pb2.Event(wall_time=WALL, file_version="brain.Event:2").SerializeToString())
    for step in range(first, last):
        values = [
            summary_pb2.Summary.Value(tag=tag, simple_value=step / (i + 1)) for i, tag in enumerate(TAGS)
        ]
        event = event_pb2.Event(wall_time=WALL + step, step=step, summary=summary_pb2.Summary(value=values))
        writer.write(event.SerializeToString())
    return buffer.getvalue()


def _steps(board: str, run: str) -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": TAGS[0]})
    try:
        with urllib.request.urlopen(f"{board}data/plugin/scalars/scalars?{query}", timeout=10) as answer:
            return [int(point[1]) for point in json.loads(answer.read())]
    except OSError:
        return []


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)
    return time.monotonic()


@dataclass
class Side:
    name: str
    first_charts: tuple[float, ...] = ()  # one per fresh launch

    @property
    def first_chart(self) -> float:
        return _median(self.first_charts)

    all_runs: float = 0.0
    latencies: tuple[float, ...] = ()
    idle_per_minute: float = 0.0


class Logs:
    def __init__(self, s3: S3Server, runs: int) -> None:
        import boto3

        self.s3 = s3
        self.runs = runs
        self.steps = POINTS // (runs * 2 * len(TAGS))
        self.bucket = boto3.resource("s3").Bucket(BUCKET)
        self.bucket.create()
        self.growing = b""
        self.last = 0
        for run in range(runs):
            for part in range(2):
                data = _records(0, self.steps, header=True)
                key = self._key(run, part)
                self.bucket.put_object(Key=key, Body=data)
                if run == 0 and part == 1:  # the newest file grows, as in training
                    self.growing, self.last = data, self.steps - 1

    @staticmethod
    def _key(run: int, part: int) -> str:
        return f"tb/run{run:03d}/events.out.tfevents.{int(WALL) + part}.host.{part}"

    def append(self) -> int:
        first = self.last + 1
        self.growing += _records(first, first + PER_APPEND, header=False)
        self.last = first + PER_APPEND - 1
        self.bucket.put_object(Key=self._key(0, 1), Body=self.growing)
        return self.last


def _launch(side: str, s3: S3Server, home: Path) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "TBDESK_HOME": str(home),
        "AWS_ENDPOINT_URL": s3.endpoint,
        "S3_ENDPOINT": s3.endpoint,  # TensorBoard's own S3 reader reads this one
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    url = f"s3://{BUCKET}/tb"
    if side == "tbdesk":
        command = [sys.executable, "-m", "tbdesk", "serve", url]
    else:
        tensorboard = Path(sys.executable).with_name("tensorboard")
        command = [str(tensorboard), "--logdir", url, "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    stream = process.stdout if side == "tbdesk" else process.stderr
    assert stream is not None
    for line in stream:
        found = re.search(r"(http://127\.0\.0\.1:\d+/\S*)", line)
        if found:
            board = found.group(1)
            return process, board if board.endswith("/") else board + "/"
    raise SystemExit(f"{side} did not start: {process.wait()}")


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def first_chart(side: str, s3: S3Server, logs: Logs) -> float:
    """One more fresh launch (a cold cache): until the growing run's chart is served."""
    home = Path(tempfile.mkdtemp(prefix=f"bench-cloud-{side}-"))
    started = time.monotonic()
    process, board = _launch(side, s3, home)
    try:
        last = logs.last
        return _wait(lambda: _steps(board, GROWING)[-1:] == [last], 300, "first") - started
    finally:
        _stop(process)


def _median(values: tuple[float, ...]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def measure(side: str, s3: S3Server, logs: Logs, appends: int, idle: float) -> Side:
    result = Side(side)
    home = Path(tempfile.mkdtemp(prefix=f"bench-cloud-{side}-"))
    started = time.monotonic()
    process, board = _launch(side, s3, home)
    try:
        last = logs.last
        result.first_charts = (_wait(lambda: _steps(board, GROWING)[-1:] == [last], 300, "first") - started,)
        runs = [f"run{run:03d}" for run in range(logs.runs)]
        result.all_runs = _wait(lambda: all(_steps(board, run) for run in runs), 600, "all runs") - started
        latencies = []
        for _ in range(appends):
            time.sleep(random.uniform(1.0, 5.0))
            last = logs.append()
            uploaded = time.monotonic()
            latencies.append(
                _wait(lambda last=last: _steps(board, GROWING)[-1:] == [last], 120, "step") - uploaded
            )
        result.latencies = tuple(latencies)
        time.sleep(12)  # the sync settles into its idle pace (and the peer's reloads end)
        s3.reset()
        time.sleep(idle)
        counts = s3.counts()
        result.idle_per_minute = sum(counts.values()) * 60 / idle
        print(f"  {side}: idle requests by kind over {idle:.0f} s: {counts}", flush=True)
    finally:
        _stop(process)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--appends", type=int, default=10)
    parser.add_argument("--idle", type=float, default=30.0)
    parser.add_argument("--launches", type=int, default=5, help="fresh launches timed to first charts")
    options = parser.parse_args()
    random.seed(13)
    work = Path(tempfile.mkdtemp(prefix="bench-cloud-"))
    s3 = S3Server(work).start()
    os.environ.update(
        AWS_ENDPOINT_URL=s3.endpoint,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
    )
    try:
        logs = Logs(s3, options.runs)
        print(
            f"{options.runs} runs x 2 event files, {POINTS:,} scalar points, {logs.runs * 2} objects;"
            f" {machine_load()}",
            flush=True,
        )
        ours = measure("tbdesk", s3, logs, options.appends, options.idle)
        peer = measure("tensorboard", s3, logs, options.appends, options.idle)
        for _ in range(options.launches - 1):  # alternating, so both see the same load
            ours.first_charts += (first_chart("tbdesk", s3, logs),)
            peer.first_charts += (first_chart("tensorboard", s3, logs),)
    finally:
        s3.stop()
    report(ours, peer)


def report(ours: Side, peer: Side) -> None:
    median = _median
    rows: list[tuple[str, Any, Any]] = [
        (
            "first charts (growing run), median (range)",
            f"{ours.first_chart:.2f} s ({min(ours.first_charts):.2f}-{max(ours.first_charts):.2f})",
            f"{peer.first_chart:.2f} s ({min(peer.first_charts):.2f}-{max(peer.first_charts):.2f})",
        ),
        ("every run served", f"{ours.all_runs:.2f} s", f"{peer.all_runs:.2f} s"),
        (
            "append -> new step served, median (worst)",
            f"{median(ours.latencies):.2f} s ({max(ours.latencies):.2f})",
            f"{median(peer.latencies):.2f} s ({max(peer.latencies):.2f})",
        ),
        ("requests per minute while idle", f"{ours.idle_per_minute:.0f}", f"{peer.idle_per_minute:.0f}"),
    ]
    print(f"\n  {'':<44} {'tbdesk':>24} {'tensorboard s3://':>24}")
    for label, mine, theirs in rows:
        print(f"  {label:<44} {mine:>24} {theirs:>24}")
    print(f"  first charts ratio to peer: {ours.first_chart / peer.first_chart:.2f}")
    idle_ratio = peer.idle_per_minute / max(ours.idle_per_minute, 1e-9)
    print(f"  idle requests: {idle_ratio:.1f}x fewer")
    print(
        verdict("first charts no slower", ours.first_chart <= peer.first_chart, "tbdesk vs tensorboard s3://")
    )
    print(
        verdict(
            "new steps within 3 s (median)", median(ours.latencies) <= 3.0, f"{median(ours.latencies):.2f} s"
        )
    )
    print(verdict("idle requests 10x fewer", idle_ratio >= 10, f"{idle_ratio:.1f}x"))


if __name__ == "__main__":
    main()
