"""The tree of sources over real sources: a local workspace and a folder of logs on tmp folders."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel

from tbdesk.local import Experiment as LocalExperiment
from tbdesk.local import Workspace
from tbdesk.model import RunStatus
from tbdesk.sources import workspace as workspace_module
from tbdesk.sources.logdir import LogFolderSource
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import NAME, STARTED, STATUS, Kind
from tbdesk.ui.tree_view import SourceTreeView
from tests.ui.ui_helpers import child, names, show_tree, wait_loaded


def fill_workspace(path: Path, runs: int = 3, children: int = 2) -> list[str]:
    """An experiment "sweep" of runs (oldest first) whose first run has child runs; returns run ids."""
    ws = Workspace(path)
    try:
        exp = LocalExperiment(ws, "sweep")
        ids = []
        for i in range(runs):
            run = exp.start_logging(display_name=f"lr={i}")
            if i == 0:
                for fold in range(children):
                    with run.child_run(f"fold-{fold}"):
                        pass
            if i < runs - 1:
                run.complete()
            ids.append(run.id)
        LocalExperiment(ws, "empty")
        return ids
    finally:
        ws.close()


@pytest.fixture
def tree(qtbot: Any, qloop: asyncio.AbstractEventLoop) -> SourceTreeView:
    return show_tree(qtbot, 800)


def test_workspace_loads_lazily_down_to_child_runs(qtbot: Any, tree: SourceTreeView, tmp_path: Path) -> None:
    ids = fill_workspace(tmp_path / "ws")
    model = tree.source_model()
    source_index = model.add_source(WorkspaceSource(tmp_path / "ws"))

    # Nothing is asked of the source before the user expands it.
    assert model.rowCount(source_index) == 0 and model.hasChildren(source_index)
    assert [node.kind for node in model.nodes()] == [Kind.SOURCE]

    tree.expand(source_index)
    assert names(model, source_index) == ["Loading…"]  # shown at once, while the source answers
    qtbot.waitUntil(lambda: "sweep" in names(model, source_index), timeout=10_000)
    assert sorted(names(model, source_index)) == ["empty", "sweep"]
    sweep = child(model, source_index, "sweep")
    assert model.rowCount(sweep) == 0  # runs are not listed until the experiment is expanded

    tree.expand(sweep)
    wait_loaded(qtbot, model)
    assert names(model, sweep) == ["lr=2", "lr=1", "lr=0"]  # newest first, top-level runs only
    newest, oldest = model.index(0, NAME, sweep), model.index(2, NAME, sweep)
    assert newest.siblingAtColumn(STATUS).data() == RunStatus.RUNNING.value
    assert oldest.siblingAtColumn(STATUS).data() == RunStatus.COMPLETED.value
    assert len(newest.siblingAtColumn(STARTED).data()) == len("2025-01-01 12:00")
    assert ids[2] in newest.data(3)  # tooltip holds the run id (ToolTipRole == 3)
    assert model.hasChildren(oldest) and not model.hasChildren(newest)

    tree.expand(oldest)
    wait_loaded(qtbot, model)
    assert names(model, oldest) == ["fold-1", "fold-0"]

    empty = child(model, source_index, "empty")
    tree.expand(empty)
    wait_loaded(qtbot, model)
    assert names(model, empty) == ["No runs"]
    assert [n.kind for n in model.nodes() if n.parent is model.node(empty)] == [Kind.EMPTY]


def test_runs_come_a_page_at_a_time(
    qtbot: Any, qloop: asyncio.AbstractEventLoop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_module, "PAGE_SIZE", 2)
    fill_workspace(tmp_path / "ws", runs=5, children=0)
    model = SourceTreeModel()
    source_index = model.add_source(WorkspaceSource(tmp_path / "ws"))
    model.fetchMore(source_index)
    wait_loaded(qtbot, model)
    sweep = child(model, source_index, "sweep")

    model.fetchMore(sweep)
    wait_loaded(qtbot, model)
    assert names(model, sweep) == ["lr=4", "lr=3", "More runs…"]  # the next page is fetched ahead
    assert model.canFetchMore(sweep)

    model.fetchMore(sweep)  # the page fetched ahead shows at once
    assert names(model, sweep)[:4] == ["lr=4", "lr=3", "lr=2", "lr=1"]
    wait_loaded(qtbot, model)
    assert names(model, sweep) == ["lr=4", "lr=3", "lr=2", "lr=1", "More runs…"]

    model.fetchMore(sweep)
    wait_loaded(qtbot, model)
    assert names(model, sweep) == ["lr=4", "lr=3", "lr=2", "lr=1", "lr=0"]  # no page after the last
    assert not model.canFetchMore(sweep)


def test_view_loads_pages_that_scroll_into_view(
    qtbot: Any, tree: SourceTreeView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_module, "PAGE_SIZE", 2)
    fill_workspace(tmp_path / "ws", runs=5, children=0)
    model = tree.source_model()
    source_index = model.add_source(WorkspaceSource(tmp_path / "ws"))
    tree.expand(source_index)
    wait_loaded(qtbot, model)
    tree.expand(child(model, source_index, "sweep"))
    # The tall view shows the "More runs…" row each time, so every page comes in turn.
    qtbot.waitUntil(
        lambda: names(model, child(model, source_index, "sweep"))[-1:] == ["lr=0"], timeout=10_000
    )
    wait_loaded(qtbot, model)
    assert names(model, child(model, source_index, "sweep")) == ["lr=4", "lr=3", "lr=2", "lr=1", "lr=0"]


def test_log_folder_errors_show_in_the_tree_and_retry(
    qtbot: Any, tree: SourceTreeView, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    for run in ("mnist/a", "mnist/b", "cifar/c"):
        (logs / run).mkdir(parents=True)
        (logs / run / "events.out.tfevents.1700000000.host").write_bytes(b"")
    model = tree.source_model()
    source = LogFolderSource(logs)
    source_index = model.add_source(source)
    moved = tmp_path / "moved"
    logs.rename(moved)  # the folder vanishes before the user looks into it

    with qtbot.waitSignal(model.loadFailed, timeout=10_000) as failed:
        tree.expand(source_index)
    assert "does not exist" in failed.args[0]
    [error] = names(model, source_index)
    assert error.startswith("Could not load: The log folder") and str(logs) in error
    assert not model.canFetchMore(source_index)  # no retry loop behind the user's back

    moved.rename(logs)
    tree.activated.emit(model.index(0, NAME, source_index))  # the user activates the error row
    wait_loaded(qtbot, model)
    assert names(model, source_index) == ["cifar", "mnist"]
    mnist = child(model, source_index, "mnist")
    tree.expand(mnist)
    wait_loaded(qtbot, model)
    assert sorted(names(model, mnist)) == ["a", "b"]
    assert not model.hasChildren(model.index(0, NAME, mnist))  # a folder run has no child runs


def test_refresh_keeps_expansion_and_shows_new_runs(qtbot: Any, tree: SourceTreeView, tmp_path: Path) -> None:
    fill_workspace(tmp_path / "ws")
    model = tree.source_model()
    source_index = model.add_source(WorkspaceSource(tmp_path / "ws"))
    tree.expand(source_index)
    wait_loaded(qtbot, model)
    sweep = child(model, source_index, "sweep")
    tree.expand(sweep)
    wait_loaded(qtbot, model)
    tree.expand(child(model, sweep, "lr=0"))
    wait_loaded(qtbot, model)
    expanded = tree.expanded_keys()
    assert len(expanded) == 3

    ws = Workspace(tmp_path / "ws")
    LocalExperiment(ws, "sweep").start_logging(display_name="late")
    ws.close()
    tree.refresh()
    wait_loaded(qtbot, model)
    qtbot.waitUntil(lambda: tree.expanded_keys() == expanded, timeout=10_000)
    sweep = child(model, source_index, "sweep")
    assert names(model, sweep) == ["late", "lr=2", "lr=1", "lr=0"]
    assert names(model, child(model, sweep, "lr=0")) == ["fold-1", "fold-0"]


def test_nodes_refreshed_away_are_freed_without_the_garbage_collector(
    qtbot: Any, tree: SourceTreeView, tmp_path: Path
) -> None:
    # Parents and children point at each other; removed nodes are unlinked, so no collection
    # (a pause of the window once thousands of runs are loaded) is needed to free them.
    fill_workspace(tmp_path / "ws")
    model = tree.source_model()
    source_index = model.add_source(WorkspaceSource(tmp_path / "ws"))
    tree.expand(source_index)
    wait_loaded(qtbot, model)
    sweep = child(model, source_index, "sweep")
    tree.expand(sweep)
    wait_loaded(qtbot, model)
    tree.expand(child(model, sweep, "lr=0"))
    wait_loaded(qtbot, model)
    old = [weakref.ref(node) for node in model.nodes() if node.kind in (Kind.EXPERIMENT, Kind.RUN)]
    assert len(old) == 2 + 3 + 2

    gc.disable()
    try:
        tree.refresh()
        wait_loaded(qtbot, model)
        sweep = child(model, source_index, "sweep")
        assert names(model, child(model, sweep, "lr=0")) == ["fold-1", "fold-0"]  # back, expanded
        assert [ref() for ref in old] == [None] * len(old)
    finally:
        gc.enable()


def test_multi_selection_gives_runs_in_tree_order(qtbot: Any, tree: SourceTreeView, tmp_path: Path) -> None:
    ids = fill_workspace(tmp_path / "ws")
    model = tree.source_model()
    source_index = model.add_source(WorkspaceSource(tmp_path / "ws"))
    tree.expand(source_index)
    wait_loaded(qtbot, model)
    sweep = child(model, source_index, "sweep")
    tree.expand(sweep)
    wait_loaded(qtbot, model)

    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection = tree.selectionModel()
    selection.select(model.index(2, NAME, sweep), flags)  # lr=0 first, then lr=2
    selection.select(model.index(0, NAME, sweep), flags)
    selection.select(sweep, flags)  # an experiment is not a run
    assert [run.id for _, run in tree.selected_runs()] == [ids[2], ids[0]]
    assert all(source.id == model.sources()[0].id for source, _ in tree.selected_runs())
