"""board_runs(): the runs and child runs a board shows, with readable, safe, unique names."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tbdesk.boards import BoardError, BoardRun, board_runs
from tbdesk.model import Experiment, Metric, Run, RunFile
from tbdesk.sources.base import Source


class TreeSource:
    """A source of runs held in memory: a real Source, just not backed by a store."""

    id = "test:tree"
    title = "tree"

    def __init__(self, logs: dict[str, Path], children: dict[str, list[Run]]) -> None:
        self._logs = logs
        self._children = children
        self.children_asked: list[str] = []

    async def experiments(self) -> list[Experiment]:
        return [Experiment(self.id, "e", "e")]

    async def runs(self, experiment: Experiment) -> AsyncIterator[list[Run]]:
        yield []

    async def children(self, run: Run) -> list[Run]:
        self.children_asked.append(run.id)
        return self._children.get(run.id, [])

    async def metrics(self, run: Run) -> list[Metric]:
        return []

    async def files(self, run: Run, prefix: str = "") -> list[RunFile]:
        return []

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        return []

    async def tensorboard_dir(self, run: Run) -> Path | None:
        return self._logs.get(run.id)


def _run(run_id: str, name: str | None = None, has_children: bool | None = None) -> Run:
    return Run("test:tree", "e", run_id, name or run_id, has_children=has_children)


def test_runs_and_their_children_get_nested_readable_names(logs: Callable[..., Path]) -> None:
    lr1, lr2 = _run("1", "lr=0.01"), _run("2", "lr=0.1")
    fold1, fold2 = _run("11", "fold-1"), _run("12", "fold-2", has_children=False)
    inner = _run("111", "inner")
    no_logs = _run("3", "no logs")
    source = TreeSource(
        {"1": logs("1"), "11": logs("11"), "12": logs("12"), "111": logs("111"), "2": logs("2")},
        {"1": [fold1, fold2], "11": [inner], "12": [_run("never-asked")]},
    )
    assert isinstance(source, Source)
    found = asyncio.run(board_runs(source, [lr1, no_logs, lr2]))
    assert [(run.name, run.path.name, run.key) for run in found] == [
        ("lr=0.01", "1", lr1.key),
        ("lr=0.01/fold-1", "11", fold1.key),
        ("lr=0.01/fold-1/inner", "111", inner.key),
        ("lr=0.01/fold-2", "12", fold2.key),
        ("lr=0.1", "2", lr2.key),
    ]
    assert "12" not in source.children_asked  # it said it has none

    assert asyncio.run(board_runs(source, [lr1], children=False)) == [BoardRun("lr=0.01", logs("1"), lr1.key)]


def test_hostile_and_duplicate_names_are_made_safe_and_unique(logs: Callable[..., Path]) -> None:
    runs = [_run("1", "../../etc"), _run("2", "same"), _run("3", "same"), _run("4", "/abs\x00\nname")]
    kids = {"2": [_run("21", "child")], "3": [_run("31", "child")]}
    source = TreeSource({run_id: logs(run_id) for run_id in ("1", "2", "3", "4", "21", "31")}, kids)
    names = [run.name for run in asyncio.run(board_runs(source, runs))]
    # Children of two runs called "same" stay with their own parent.
    assert names == ["__/__/etc", "same", "same/child", "same (2)", "same (2)/child", "absname"]


def test_no_logs_anywhere_is_an_error(logs: Callable[..., Path]) -> None:
    source = TreeSource({}, {"1": [_run("11", "child")]})
    with pytest.raises(BoardError, match=r"No TensorBoard logs in lr=1 or their child runs\."):
        asyncio.run(board_runs(source, [_run("1", "lr=1")]))


def test_runs_of_the_local_workspace(tmp_path: Path) -> None:
    from tbdesk.local import Experiment as LocalExperiment
    from tbdesk.local import Workspace
    from tbdesk.sources.workspace import WorkspaceSource, resolve_run
    from tests.event_files import write_events

    workspace = Workspace(tmp_path / "ws")
    run = LocalExperiment(workspace, "exp").start_logging()
    write_events(run.files_dir / "logs")
    with run.child_run("fold-1") as child:
        write_events(child.files_dir / "logs")
    run.complete()
    parent_id, child_id = run.id, child.id
    workspace.close()

    async def scenario() -> list[BoardRun]:
        source = WorkspaceSource(tmp_path / "ws")
        return await board_runs(source, [await asyncio.to_thread(resolve_run, tmp_path / "ws", parent_id)])

    found = asyncio.run(scenario())
    assert [run.key.run_id for run in found if run.key] == [parent_id, child_id]
    assert found[1].name == found[0].name + "/fold-1"
    assert all(any(run.path.glob("events.out.tfevents.*")) for run in found)
