"""Reading from Azure ML (the local emulator, so network time is near zero and the client's own
cost shows): tbdesk's AzureSource against azureml-core, in one run.

    .venv/bin/python bench/bench_azure.py [--metrics 20] [--points 10000] [--runs 10000]

1. Metric history of one run (metrics x points, logged every 10th step): `AzureSource.metrics()`
   (metrics v2 `full`, with steps and times, 4 metrics at a time) against `Run.get_metrics()` (the
   same endpoint one metric after another, steps and times dropped), best of 3 each.
2. The same history read AND exported to TensorBoard event files, best of 3 each:
   tbdesk: `tbdesk.export.export_runs()` (reads through AzureSource.metrics, writes real steps and
   wall times, points that share a step and time in one event);
   peer, "azureml-tensorboard's approach": azureml-tensorboard is not installed here (it needs
   TensorFlow), so its measurable approach is re-implemented below, clearly apart: `get_metrics()`,
   then one `add_scalar` per value with tensorboardX (tensorboard's own EventFileWriter when
   tensorboardX is missing), the step counter restarting at 0 for each metric and the wall time
   being the time of writing. Both outputs are read back and counted.
3. An experiment of `runs` top-level runs: time to the first page and to all of them,
   `AzureSource.runs()` against `Experiment.get_runs()`, and the Run objects azureml-core keeps
   in its never-drained cleanup queue afterwards ("queued").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
REPEATS = 3
STRIDE = 10  # metrics are logged every 10th step, as training loops often do


def prepare() -> None:
    os.environ["HOME"] = tempfile.mkdtemp(prefix="bench-azure-home-")
    os.environ["AZUREML_CURRENT_CLOUD"] = "AzureCloud"
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def seed(emulator: Any, metrics: int, points: int, runs: int) -> str:
    ws = emulator.workspace
    base = datetime(2024, 1, 1, tzinfo=UTC)
    big = ws.add_run("history", "big-history")
    for m in range(metrics):
        for step in range(points):
            at = base + timedelta(seconds=step)
            big.log(f"metric_{m:02d}", float(step) / points, step=step * STRIDE, at=at)
    for i in range(runs):
        ws.add_run("many", f"run-{i:05d}", created=base + timedelta(seconds=i))
    return big.id


def best(work: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(REPEATS):
        before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_metrics(
    loop: asyncio.AbstractEventLoop, source: Any, sdk_ws: Any, *, run_id: str, metrics: int, points: int
) -> None:
    from azureml.core import Experiment, Run

    tb_run = loop.run_until_complete(source.get_run("history", run_id))
    got = loop.run_until_complete(source.metrics(tb_run))
    assert sum(len(m.points) for m in got) == metrics * points
    tbdesk_s = best(lambda: loop.run_until_complete(source.metrics(tb_run)))
    sdk_run = Run(Experiment.list(sdk_ws, experiment_name="history")[0], run_id)
    sdk_s = best(sdk_run.get_metrics)
    rate = metrics * points / tbdesk_s
    print(f"metric history, {metrics} x {points} points of one run:")
    print(f"  tbdesk AzureSource.metrics()   {tbdesk_s:7.3f} s  (steps and times kept)")
    print(f"  azureml-core Run.get_metrics() {sdk_s:7.3f} s  (values only)")
    print(f"  ratio azureml-core / tbdesk    {sdk_s / tbdesk_s:7.2f}x   ({rate:,.0f} points/s)")


# ---- the peer of section 2: azureml-tensorboard's export approach, re-implemented for measuring ----


def seed_style_export(sdk_run: Any, folder: Path) -> None:
    """What azureml-tensorboard's export_to_tensorboard does with a run, minus TensorFlow: the
    values of `get_metrics()` (no steps, no times), one summary per value, each metric's steps
    counted from 0, wall time = now. Strings and images are skipped, as there."""
    try:
        from tensorboardX import SummaryWriter

        writer: Any = SummaryWriter(str(folder))
        write = writer.add_scalar
    except ImportError:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        writer = EventFileWriter(str(folder))

        def write(tag: str, value: float, step: int) -> None:
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
            writer.add_event(event_pb2.Event(step=step, wall_time=time.time(), summary=summary))

    for name, values in sdk_run.get_metrics().items():
        series = values if isinstance(values, list) else [values]
        for step, value in enumerate(series):
            if isinstance(value, int | float) and not isinstance(value, bool):
                write(name, float(value), step)
    writer.close()


# ---- reading exports back ----------------------------------------------------------------------


def read_back(folder: Path, tag: str) -> tuple[int, int]:
    """(scalar values in the folder's event files, the last step of tag), with TensorBoard's loader."""
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.compat.proto import event_pb2
    from tensorboard.util import tensor_util

    values = 0
    last_step = -1
    for path in folder.rglob("*tfevents*"):
        for raw in event_file_loader.RawEventFileLoader(str(path)).Load():
            event = event_pb2.Event.FromString(raw)
            for value in event.summary.value:
                if value.HasField("simple_value") or (
                    value.HasField("tensor") and tensor_util.make_ndarray(value.tensor).size == 1
                ):
                    values += 1
                    if value.tag == tag:
                        last_step = max(last_step, event.step)
    return values, last_step


def bench_export(
    loop: asyncio.AbstractEventLoop, source: Any, sdk_ws: Any, *, run_id: str, metrics: int, points: int
) -> None:
    from azureml.core import Experiment, Run

    from tbdesk.export import export_runs

    tb_run = loop.run_until_complete(source.get_run("history", run_id))
    sdk_run = Run(Experiment.list(sdk_ws, experiment_name="history")[0], run_id)
    root = Path(tempfile.mkdtemp(prefix="bench-azure-export-"))
    ours, peer = root / "tbdesk", root / "seed-style"

    def fresh(folder: Path) -> Callable[[], None]:
        return lambda: shutil.rmtree(folder, ignore_errors=True)

    def export_ours() -> None:
        loop.run_until_complete(export_runs(source, [tb_run], ours, recursive=False))

    def export_peer() -> None:
        seed_style_export(sdk_run, peer)

    try:
        tbdesk_s = best(export_ours, fresh(ours))
        peer_s = best(export_peer, fresh(peer))
        ours_values, ours_last = read_back(ours, "metric_00")
        peer_values, peer_last = read_back(peer, "metric_00")
        logged_last = (points - 1) * STRIDE
        total = metrics * points
        assert ours_values == total and peer_values == total, (ours_values, peer_values, total)
        print(f"metric history read and exported, {metrics} x {points} points of one run:")
        print(
            f"  tbdesk export_runs (AzureSource)          {tbdesk_s:7.3f} s  last step {ours_last:,}"
            f" (logged {logged_last:,}), wall times as logged"
        )
        print(
            f"  peer: get_metrics + add_scalar per value  {peer_s:7.3f} s  last step {peer_last:,},"
            " wall time = time of export   [azureml-tensorboard's approach, re-implemented]"
        )
        print(
            f"  ratio peer / tbdesk                       {peer_s / tbdesk_s:7.2f}x"
            f"   (tbdesk {total / tbdesk_s:,.0f} points/s, peer {total / peer_s:,.0f} points/s)"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()
    prepare()

    from tbdesk.azure.workspace import Endpoints, WorkspaceRef, build_workspace, token_auth
    from tbdesk.sources.azure import AzureSource
    from tests.azureml_emulator import Emulator, StaticCredential

    with Emulator() as emulator:
        run_id = seed(emulator, args.metrics, args.points, args.runs)
        ws = emulator.workspace
        credential = StaticCredential()
        source = AzureSource(
            credential, ws.subscription_id, ws.resource_group, ws.name, discovery_url=emulator.discovery_url
        )
        ref = WorkspaceRef(ws.subscription_id, ws.resource_group, ws.name)
        ends = Endpoints(
            ref.scope, emulator.url, "https://ml.azure.com", ws.workspace_id, emulator.discovery_url
        )
        sdk_ws = build_workspace(ref, token_auth(credential), ends)
        from azureml._run_impl.run_base import _RunBase
        from azureml.core import Experiment

        loop = asyncio.new_event_loop()
        bench_metrics(loop, source, sdk_ws, run_id=run_id, metrics=args.metrics, points=args.points)
        bench_export(loop, source, sdk_ws, run_id=run_id, metrics=args.metrics, points=args.points)

        async def tbdesk_runs() -> tuple[float, float, int]:
            start = time.perf_counter()
            experiment = next(e for e in await source.experiments() if e.name == "many")
            first = 0.0
            count = 0
            async for page in source.runs(experiment):
                first = first or time.perf_counter() - start
                count += len(page)
            return first, time.perf_counter() - start, count

        first, whole, count = loop.run_until_complete(tbdesk_runs())
        assert count == args.runs
        queued = _RunBase._registered_kill_handlers.qsize()
        start = time.perf_counter()
        runs_iter = Experiment.list(sdk_ws, experiment_name="many")[0].get_runs()
        next(runs_iter)
        sdk_first = time.perf_counter() - start
        sdk_count = 1 + sum(1 for _ in runs_iter)
        sdk_whole = time.perf_counter() - start
        assert sdk_count == args.runs
        kept = _RunBase._registered_kill_handlers.qsize() - queued
        print(f"experiment of {args.runs} runs (tbdesk pages of 100, azureml-core pages of 500):")
        print(f"  tbdesk first page {first:6.3f} s, all {whole:6.3f} s, queued: 0")
        print(f"  azureml-core first run {sdk_first:6.3f} s, all {sdk_whole:6.3f} s, queued: {kept}")
        loop.close()


if __name__ == "__main__":
    main()
