"""Several processes logging into one workspace at once lose no point and share no step."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path
from typing import Any

import pytest

from tbdesk.local import Experiment, Run, Workspace
from tbdesk.local import store as store_module

WORKERS = 4
POINTS = 500


def _log_into_shared_run(path: str, run_id: str, worker: int, barrier: Any) -> None:
    ws = Workspace(path)
    run = Run(Experiment(ws, "shared"), run_id)
    own = run.child_run(f"worker-{worker}")
    barrier.wait()
    for i in range(POINTS):
        run.log("loss", worker * 10_000 + i)  # one counter for all four processes
        own.log("loss", i)
    own.complete()


def _open_fresh_workspace(path: str, worker: int, barrier: Any) -> None:
    barrier.wait()  # all four create the same workspace at the same moment
    with Experiment(Workspace(path), "race").start_logging(display_name=f"w{worker}") as run:
        for i in range(50):
            run.log("x", i)


def _run_workers(target: Any, *args: Any) -> None:
    ctx = multiprocessing.get_context("spawn")  # separate interpreters, like separate scripts
    barrier = ctx.Barrier(WORKERS)
    procs = [ctx.Process(target=target, args=(*args, w, barrier)) for w in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0] * WORKERS


def test_four_processes_lose_no_point(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    root = Experiment(ws, "shared").start_logging()

    _run_workers(_log_into_shared_run, str(ws.path), root.id)

    (shared,) = ws._store.metrics(root.id, "loss")
    assert len(shared.points) == WORKERS * POINTS
    assert sorted(p.step for p in shared.points) == list(range(WORKERS * POINTS))
    assert {p.value for p in shared.points} == {w * 10_000 + i for w in range(WORKERS) for i in range(POINTS)}
    # Each process's own points keep their order within the shared counter.
    for w in range(WORKERS):
        mine = [p.value for p in shared.points if w * 10_000 <= p.value < (w + 1) * 10_000]
        assert mine == sorted(mine)

    children = list(root.get_children())
    assert sorted(c.display_name for c in children) == [f"worker-{w}" for w in range(WORKERS)]
    for child in children:
        assert child.get_status() == "Completed"
        assert child.get_metrics()["loss"] == [float(i) for i in range(POINTS)]


def test_processes_creating_one_workspace_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh"
    _run_workers(_open_fresh_workspace, str(path))

    runs = list(Experiment(Workspace(path), "race").get_runs())
    assert sorted(r.display_name for r in runs) == [f"w{w}" for w in range(WORKERS)]
    assert len({r.number for r in runs}) == WORKERS
    for run in runs:
        assert run.get_status() == "Completed"
        assert run.get_metrics()["x"] == [float(i) for i in range(50)]


def _log_after_fork(ws: Workspace, run_id: str) -> None:
    # The connection the parent opened must be neither used nor closed here: the store opens its own.
    inherited = ws._store._conn
    Run(Experiment(ws, "shared"), run_id).log("x", 2)
    assert ws._store._conn is not None and ws._store._conn is not inherited
    assert inherited in store_module._INHERITED


@pytest.mark.skipif(sys.platform != "linux", reason="fork() is how Linux starts processes by default")
def test_a_forked_process_keeps_logging_through_the_same_objects(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    run = Experiment(ws, "shared").start_logging()
    run.log("x", 1)
    proc = multiprocessing.get_context("fork").Process(target=_log_after_fork, args=(ws, run.id))
    proc.start()
    proc.join(60)
    assert proc.exitcode == 0
    run.log("x", 3)
    assert run.get_metrics() == {"x": [1.0, 2.0, 3.0]}
