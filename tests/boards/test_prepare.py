"""prepare_board_runs() and prepare_live_runs(): the runs and child runs a board shows, with
readable, safe, unique names; runs without TensorBoard logs are exported into the cache and shown
with the native logs of the others (a real local workspace, real exports, no Qt)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tbdesk import paths
from tbdesk.boards import Board, BoardError, BoardManager, BoardRun
from tbdesk.boards.prepare import cache_logdir, prepare_board_runs, prepare_live_runs
from tbdesk.export import ExportProgress, ExportStage
from tbdesk.local import Experiment, Workspace
from tbdesk.local import Run as LocalRun
from tbdesk.model import Run
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.sync import PollPolicy, RunCache, SyncState
from tests.event_files import write_events
from tests.sync.sync_helpers import until

QUICK = PollPolicy(fast=0.05, idle=0.3, tree_active=0.1, tree_idle=0.2)


def write_native(folder: Path) -> Path:
    return write_events(folder, "native", steps=1)


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
            child.upload_folder("logs", str(write_native(tmp_path / "native")))
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
    with pytest.raises(BoardError, match=r"^No TensorBoard logs or metrics in empty or their child runs\.$"):
        asyncio.run(prepare_board_runs(source, [runs["empty"]]))
    with pytest.raises(BoardError, match=r"^No TensorBoard logs or metrics in empty\.$"):
        asyncio.run(prepare_live_runs(source, [runs["empty"]], children=False))


def test_without_child_runs_only_the_runs_asked_for_are_synced_and_shown(source: WorkspaceSource) -> None:
    runs = top_runs(source)

    async def prepare(name: str) -> tuple[list[BoardRun], list[str]]:
        live = await prepare_live_runs(source, [runs[name]], children=False)
        try:
            return live.runs, [status.run.name for status in live.sync.statuses]
        finally:
            await live.stop()

    shown, synced = asyncio.run(prepare("mixed"))
    assert [run.name for run in shown] == ["mixed"] and synced == ["mixed"]
    # A metrics-only run is exported alone: none of its child runs' folders inside.
    [mixed] = shown
    assert [p for p in mixed.path.iterdir() if "tfevents" in p.name]
    assert not [p for p in mixed.path.iterdir() if p.is_dir()]
    # The sweep's parent logged nothing itself: alone, it has nothing to show.
    with pytest.raises(BoardError, match=r"^No TensorBoard logs or metrics in sweep\.$"):
        asyncio.run(prepare("sweep"))


def test_a_family_that_logged_nothing_fails_clearly(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "quiet-ws")
    try:
        exp = Experiment(ws, "e")
        quiet = exp.start_logging(display_name="crashed sweep")
        for index in range(2):
            with quiet.child_run(f"trial {index}"):
                pass
        quiet.complete()
    finally:
        ws.close()
    source = WorkspaceSource(tmp_path / "quiet-ws")
    with pytest.raises(
        BoardError, match=r"^No TensorBoard logs or metrics in crashed sweep or their child runs\.$"
    ):
        asyncio.run(prepare_board_runs(source, list(top_runs(source).values())))


def with_logs(run: LocalRun, folder: Path) -> LocalRun:
    """The run, with a real event file in its logs/."""
    run.upload_folder("logs", str(write_native(folder)))
    return run


def test_runs_and_their_child_runs_get_nested_readable_names(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "tree-ws")
    try:
        exp = Experiment(ws, "e")
        lr1 = with_logs(exp.start_logging(display_name="lr=0.01"), tmp_path / "1")
        with (
            with_logs(lr1.child_run("fold-1"), tmp_path / "11") as fold1,
            with_logs(fold1.child_run("inner"), tmp_path / "111"),
        ):
            pass
        with with_logs(lr1.child_run("fold-2"), tmp_path / "12"):
            pass
        lr1.complete()
        exp.start_logging(display_name="no logs").complete()
        with_logs(exp.start_logging(display_name="lr=0.1"), tmp_path / "2").complete()
    finally:
        ws.close()
    source = WorkspaceSource(tmp_path / "tree-ws")
    runs = top_runs(source)
    asked = [runs["lr=0.01"], runs["no logs"], runs["lr=0.1"]]

    shown = asyncio.run(prepare_board_runs(source, asked))
    # Parents first, each followed by its child runs (newest first), recursively; the run with
    # neither logs nor metrics is left out. Every run is shown from its own logs, in place.
    assert [run.name for run in shown] == [
        "lr=0.01",
        "lr=0.01/fold-2",
        "lr=0.01/fold-1",
        "lr=0.01/fold-1/inner",
        "lr=0.1",
    ]
    for run in shown:
        assert run.key is not None and run.key.source_id == source.id
        assert list(run.path.glob("events.out.tfevents.*")) and run.path.is_relative_to(tmp_path / "tree-ws")
    assert shown[-1].key == runs["lr=0.1"].key
    assert shown[-1].path == asyncio.run(source.tensorboard_dir(runs["lr=0.1"]))

    # Without child runs: the run alone, as it is.
    alone = asyncio.run(prepare_board_runs(source, [runs["lr=0.01"]], children=False))
    assert alone == [BoardRun("lr=0.01", shown[0].path, runs["lr=0.01"].key)]


def test_hostile_and_duplicate_names_are_made_safe_and_unique(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "names-ws")
    try:
        exp = Experiment(ws, "e")
        with_logs(exp.start_logging(display_name="../../etc"), tmp_path / "1").complete()
        for index in (2, 3):
            same = with_logs(exp.start_logging(display_name="same"), tmp_path / str(index))
            with with_logs(same.child_run("child"), tmp_path / f"{index}1"):
                pass
            same.complete()
        with_logs(exp.start_logging(display_name="/abs\\name/."), tmp_path / "4").complete()
    finally:
        ws.close()
    source = WorkspaceSource(tmp_path / "names-ws")

    async def oldest_first() -> list[Run]:
        [experiment] = await source.experiments()
        return [run async for page in source.runs(experiment) for run in page][::-1]

    asked = asyncio.run(oldest_first())
    assert [run.name for run in asked] == ["../../etc", "same", "same", "/abs\\name/."]
    shown = asyncio.run(prepare_board_runs(source, asked))
    # The children of two runs called "same" stay with their own parent.
    assert [run.name for run in shown] == [
        "__/__/etc",
        "same",
        "same/child",
        "same (2)",
        "same (2)/child",
        "abs/name",
    ]
    keys = {run.name: run.key for run in shown}
    assert keys["same"] == asked[1].key and keys["same (2)"] == asked[2].key
    [first_child], [second_child] = (asyncio.run(source.children(run)) for run in asked[1:3])
    assert keys["same/child"] == first_child.key and keys["same (2)/child"] == second_child.key


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
        training.upload_folder("logs", str(write_native(tmp_path / "train-logs")))
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
                    fold.upload_folder("logs", str(write_native(tmp_path / "fold-logs")))
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


def test_a_running_local_run_that_logs_metrics_only_is_live_on_its_board(tmp_path: Path) -> None:
    """run.log while the board is open: the new points reach a real TensorBoard through the
    export (appended to its event file, steps as logged), and following ends with the run."""
    ws = Workspace(tmp_path / "live-ws")
    try:
        training = Experiment(ws, "live").start_logging(display_name="train")
        for step in range(3):
            training.log("loss", 1.0 / (step + 1), step=step)
        source = WorkspaceSource(tmp_path / "live-ws")

        async def main() -> None:
            [experiment] = await source.experiments()
            [the_run] = [run async for page in source.runs(experiment) for run in page]
            live = await prepare_live_runs(source, [the_run], cache=RunCache(tmp_path / "runs"), policy=QUICK)
            [shown] = live.runs
            assert shown.path.is_relative_to(paths.cache_dir())  # an export
            manager = BoardManager(tmp_path / "boards")
            board = await manager.open(live.runs, live=True)
            live.attach(manager, board)
            ((follow,),) = live.follows.values()
            try:
                await until_served(board, "train", [0, 1, 2])
                training.log("loss", 0.25, step=3)
                training.log("loss", 0.2, step=4)
                await until_served(board, "train", [0, 1, 2, 3, 4])
                training.log("loss", 0.1, step=5)
                training.complete()
                await asyncio.wait_for(follow.wait_finished(), timeout=30)
                await until_served(board, "train", list(range(6)))
                rounds = follow.rounds
                await asyncio.sleep(QUICK.idle * 3)
                assert follow.rounds == rounds  # no read after the last round
            finally:
                await manager.stop(board)

        asyncio.run(main())
    finally:
        ws.close()


def test_a_running_azure_run_is_shown_live_before_its_first_logs(
    azureml_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job that has just started has no logs/ yet (one run logged a metric, one nothing): both
    are shown from their sync folders, and what they upload or log later reaches the board (the
    metrics of the one that had none join it as "<job>/metrics" with their first points)."""
    from tbdesk.sources.azure import AzureSource
    from tests.azureml_emulator import Emulator, EmuWorkspace, StaticCredential
    from tests.sync.sync_helpers import FAST, Events

    with Emulator(EmuWorkspace()) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        ws = emu.workspace
        started = ws.add_run("live", "live_1", status="Running", display_name="started")
        started.log("acc", 0.5, step=0)
        quiet = ws.add_run("live", "live_2", status="Running", display_name="quiet")
        where = (ws.subscription_id, ws.resource_group, ws.name)
        source = AzureSource(
            StaticCredential(),
            *where,
            discovery_url=emu.discovery_url,
            workspace_id=ws.workspace_id,
            policy=FAST,
        )

        async def main() -> None:
            runs = [await source.get_run("live", run.id) for run in (started, quiet)]
            live = await prepare_live_runs(source, runs, cache=RunCache(tmp_path / "runs"), policy=QUICK)
            folders = {status.run.name: status.folder for status in live.sync.statuses}
            assert [(run.name, run.path, run.key) for run in live.runs][:2] == [
                ("started", folders["started"], runs[0].key),
                ("quiet", folders["quiet"], runs[1].key),
            ]
            # What it logged so far, beside its live folder (quiet logged nothing to show).
            (snapshot,) = live.runs[2:]
            assert (snapshot.name, snapshot.key) == ("started/metrics", None)
            assert snapshot.path.parent == cache_logdir(source, runs[0])
            assert live.exports == []
            assert [snap.name for snap in live.snapshots] == ["started/metrics", "quiet/metrics"]
            manager = BoardManager(tmp_path / "boards")
            board = await manager.open(live.runs, live=True)
            live.attach(manager, board)
            try:
                started.upload("logs/events.out.tfevents.1714550400.host", Events("loss").steps(0, 3))
                await until_served(board, "started", [0, 1, 2])
                # The quiet one's first metrics join the board as "quiet/metrics", and keep coming.
                quiet.log("loss", 0.9, step=0)
                await until_served(board, "quiet/metrics", [0])
                quiet.log("loss", 0.8, step=1)
                await until_served(board, "quiet/metrics", [0, 1])
                assert [run.name for run in board.runs][-1] == "quiet/metrics"
            finally:
                await manager.stop(board)

        try:
            asyncio.run(main())
        finally:
            source.close()


async def until_served(board: Board, run: str, wanted: list[int], timeout: float = 30.0) -> None:
    """Wait until the board serves these steps of 'loss' for run."""
    import json
    import urllib.parse
    import urllib.request

    assert board.url is not None
    url = f"{board.url}data/plugin/scalars/scalars?" + urllib.parse.urlencode({"run": run, "tag": "loss"})

    def served() -> list[int]:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return [int(point[1]) for point in json.loads(answer.read())]
        except OSError:  # TensorBoard answers 400 for a run it has not loaded yet
            return []

    deadline = time.monotonic() + timeout
    while (got := await asyncio.to_thread(served)) != wanted:
        assert time.monotonic() < deadline, f"{run} served {got}, not {wanted}"
        await asyncio.sleep(0.2)
