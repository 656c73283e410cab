"""Listing a log folder of 500 runs: tbdesk's LogFolderSource against TensorBoard's own walk.

Peer: `tensorboard.backend.event_processing.io_wrapper.GetLogdirSubdirectories`, which TensorBoard's
Python loader uses to find run folders. Both walk a warm page cache; neither parses an event file.
Prints the median of several rounds and the ratio (below 1: tbdesk is faster).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = 500
ROUNDS = 9


def make_runs(root: Path) -> None:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    for i in range(RUNS):
        writer = EventFileWriter(str(root / f"sweep{i % 10}" / f"run{i:03d}"))
        for step in range(3):
            value = summary_pb2.Summary.Value(tag="loss", simple_value=1.0 / (step + 1))
            writer.add_event(
                event_pb2.Event(wall_time=time.time(), step=step, summary=summary_pb2.Summary(value=[value]))
            )
        writer.close()


def list_with_tbdesk(root: Path, loop: asyncio.AbstractEventLoop) -> int:
    from tbdesk.sources import LogFolderSource

    async def count() -> int:
        source = LogFolderSource(root)
        return sum([len(page) for exp in await source.experiments() async for page in source.runs(exp)])

    return loop.run_until_complete(count())


def list_with_tensorboard(root: Path) -> int:
    from tensorboard.backend.event_processing import io_wrapper

    return len(tuple(io_wrapper.GetLogdirSubdirectories(str(root))))


def median_seconds(works: dict[str, Callable[[], int]]) -> dict[str, float]:
    """Rounds alternate between the contenders, so a noisy moment of the machine hits both."""
    times: dict[str, list[float]] = {label: [] for label in works}
    for _ in range(ROUNDS):
        for label, work in works.items():
            start = time.perf_counter()
            found = work()
            times[label].append(time.perf_counter() - start)
            assert found == RUNS, f"{label} found {found} runs, not {RUNS}"
    return {label: statistics.median(values) for label, values in times.items()}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tbdesk-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        make_runs(root)
        print(f"wrote {RUNS} runs with tensorboard's EventFileWriter in {time.perf_counter() - start:.2f} s")
        loop = asyncio.new_event_loop()  # as in the app, the loop is already there
        list_with_tbdesk(root, loop)  # imports and a first walk, outside the measurement
        list_with_tensorboard(root)
        medians = median_seconds(
            {
                "tbdesk": lambda: list_with_tbdesk(root, loop),
                "tensorboard": lambda: list_with_tensorboard(root),
            }
        )
        loop.close()
        ours, peer = medians["tbdesk"], medians["tensorboard"]
        print(f"list {RUNS} runs, median of {ROUNDS}:")
        print(f"  tbdesk LogFolderSource (experiments + runs): {ours * 1000:8.1f} ms")
        print(f"  tensorboard GetLogdirSubdirectories (peer):  {peer * 1000:8.1f} ms")
        print(f"  ratio tbdesk / peer: {ours / peer:.2f}")


if __name__ == "__main__":
    main()
