"""prepare_board_runs(): runs without TensorBoard logs are exported into the cache and shown with
the native logs of the others (a real local workspace, real exports, no Qt)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from tbdesk import paths
from tbdesk.boards import BoardError, BoardManager
from tbdesk.boards.prepare import cache_logdir, prepare_board_runs, prepare_live_runs
from tbdesk.export import ExportProgress, ExportStage
from tbdesk.local import Experiment, Workspace
from tbdesk.model import Run
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.sync import PollPolicy, RunCache, SyncState
from tests.sync.sync_helpers import until

QUICK = PollPolicy(fast=0.05, idle=0.3, tree_active=0.1, tree_idle=0.2)


def write_events(folder: Path) -> Path:
    writer = EventFileWriter(str(folder))
    value = summary_pb2.Summary.Value(tag="native", simple_value=1.0)
    writer.add_event(
        event_pb2.Event(wall_time=time.time(), step=0, summary=summary_pb2.Summary(value=[value]))
    )
    writer.close()
    return folder


@pytest.fixture
def source(tmp_path: Path) -> WorkspaceSource:
    """'mixed': a metrics-only parent with a child that has logs and a child with only metrics;
    'sweep': a metrics-only parent with two metrics-only children; 'empty': logs and metrics none."""
    ws = Workspace(tmp_path / "ws")
    try:
        exp = Experiment(ws, "e")
        mixed = exp.start_logging(display_name="mixed")
        mixed.log("loss", 1.0)
        with mixed.child_run("with-logs") as child:
            child.upload_folder("logs", str(write_events(tmp_path / "native")))
        with mixed.child_run("metrics-only") as child:
            child.log("loss", 0.5)
        mixed.complete()
        sweep = exp.start_logging(display_name="sweep")
        for alpha in (0.1, 0.2):
            with sweep.child_run(f"alpha{alpha}") as child:
                child.log("alpha", alpha)
        sweep.complete()
        exp.start_logging(display_name="empty").complete()
    finally:
        ws.close()
    return WorkspaceSource(tmp_path / "ws")


def top_runs(source: WorkspaceSource) -> dict[str, Run]:
    async def collect() -> dict[str, Run]:
        [experiment] = await source.experiments()
        return {run.name: run async for page in source.runs(experiment) for run in page}

    return asyncio.run(collect())


def test_family_with_logs_links_them_and_exports_the_rest(source: WorkspaceSource) -> None:
    runs = top_runs(source)
    shown = asyncio.run(prepare_board_runs(source, [runs["mixed"]]))
    by_name = {run.name: run.path for run in shown}
    assert shown[0].name == "mixed"  # parents first; child runs come newest first
    assert set(by_name) == {"mixed", "mixed/with-logs", "mixed/metrics-only"}
    exports = paths.cache_dir() / "exports"
    [with_logs] = [c for c in asyncio.run(source.children(runs["mixed"])) if c.name == "with-logs"]
    assert by_name["mixed/with-logs"] == asyncio.run(source.tensorboard_dir(with_logs))
    # The parent is exported alone: its children are on the board by themselves.
    assert exports in by_name["mixed"].parents and not [p for p in by_name["mixed"].iterdir() if p.is_dir()]
    assert exports in by_name["mixed/metrics-only"].parents
    assert [p.name for p in by_name["mixed/metrics-only"].iterdir() if "tfevents" in p.name]


def test_family_without_logs_is_exported_in_one_piece_and_again_in_place(source: WorkspaceSource) -> None:
    runs = top_runs(source)
    updates: list[ExportProgress] = []
    [sweep] = asyncio.run(prepare_board_runs(source, [runs["sweep"], runs["empty"]], progress=updates.append))
    assert sweep.name == "sweep" and sweep.key == runs["sweep"].key
    assert sweep.path.parent == cache_logdir(source, runs["sweep"])
    assert sorted(p.name for p in sweep.path.iterdir() if p.is_dir()) == ["alpha0.1", "alpha0.2"]
    # Both exports' progress as one: the sweep's 3 runs and the empty run.
    assert updates[-1].runs_done == updates[-1].runs_total == 4
    assert {u.stage for u in updates} == set(ExportStage)

    [again] = asyncio.run(prepare_board_runs(source, [runs["sweep"]]))
    assert again == sweep  # the same folder, exported anew in place
    assert sorted(p.name for p in again.path.parent.iterdir()) == ["sweep"]  # no leftovers


def test_runs_with_neither_logs_nor_metrics_fail_clearly(source: WorkspaceSource) -> None:
    runs = top_runs(source)
    with pytest.raises(BoardError, match="No TensorBoard logs or metrics in empty or their child runs"):
        asyncio.run(prepare_board_runs(source, [runs["empty"]]))


def test_cache_folders_stay_apart_and_inside_the_cache(source: WorkspaceSource) -> None:
    exports = paths.cache_dir() / "exports"
    folders = {
        cache_logdir(source, Run(source.id, "e", run_id, "x")) for run_id in ("a/b", "a_b", "..", "a" * 300)
    }
    assert len(folders) == 4
    assert all(folder.parent.parent == exports and folder.name not in ("", ".", "..") for folder in folders)
    other = WorkspaceSource(Path("/elsewhere"))
    assert cache_logdir(other, Run(other.id, "e", "a_b", "x")) not in folders


def test_a_running_local_run_feeds_a_live_board_and_a_new_child_run_joins(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "live-ws")
    try:
        training = Experiment(ws, "live").start_logging(display_name="train")
        training.upload_folder("logs", str(write_events(tmp_path / "train-logs")))
        source = WorkspaceSource(tmp_path / "live-ws")
        cache = RunCache(tmp_path / "runs")

        async def main() -> None:
            [experiment] = await source.experiments()
            [the_run] = [run async for page in source.runs(experiment) for run in page]
            live = await prepare_live_runs(source, [the_run], cache=cache, policy=QUICK)
            [shown] = live.runs
            assert shown.name == "train" and shown.path == await source.tensorboard_dir(the_run)  # in place
            manager = BoardManager(tmp_path / "boards")
            board = await manager.open(live.runs, live=True)
            live.attach(manager, board)
            try:
                with training.child_run("fold-1") as fold:
                    fold.upload_folder("logs", str(write_events(tmp_path / "fold-logs")))
                await until(lambda: len(board.runs) == 2, what="the new child run on the board")
                joined = board.runs[1]
                assert joined.name == "train/fold-1" and joined.path.is_relative_to(tmp_path / "live-ws")
                assert live.board is board and joined.key is not None
                assert live.names[joined.key] == "train/fold-1"
            finally:
                await manager.stop(board)  # stops the sync too
            states = {status.run.name: status.state for status in live.sync.statuses}
            assert states == {"train": SyncState.STOPPED, "fold-1": SyncState.UP_TO_DATE}  # it had ended
            assert cache.entries() == []  # read in place: nothing copied

        asyncio.run(main())
    finally:
        ws.close()
