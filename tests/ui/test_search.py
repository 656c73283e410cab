"""The search box filters the loaded runs of the tree by name, status and tag, keeping their parents."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from tbdesk.local import Experiment as LocalExperiment
from tbdesk.local import Workspace
from tbdesk.model import Run, RunStatus
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.ui.search import Query, SearchBox, parse_query
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import NAME
from tbdesk.ui.tree_view import SourceTreeView
from tests.ui.ui_helpers import show_tree


def make_run(name: str, status: RunStatus = RunStatus.COMPLETED, **tags: str) -> Run:
    return Run("src", "exp", f"id-{name}", name, status, number=7, tags=tags)


def test_query_words_statuses_and_tags() -> None:
    query = parse_query('status:Failed tag:lr=0.1 tag:model "cnn small"')
    assert query == Query(("cnn small",), ("failed",), (("lr", "0.1"), ("model", None)))
    assert parse_query("   ").empty
    assert parse_query('unbalanced "quote') == Query(("unbalanced", '"quote'))

    failed = make_run("cnn small v2", RunStatus.FAILED, lr="0.1", model="cnn")
    assert query.matches(failed)
    assert not query.matches(make_run("cnn small v2", RunStatus.COMPLETED, lr="0.1", model="cnn"))
    assert not query.matches(make_run("cnn small v2", RunStatus.FAILED, lr="0.01", model="cnn"))
    assert not query.matches(make_run("cnn small v2", RunStatus.FAILED, lr="0.1"))  # no model tag
    assert parse_query("status:run").matches(make_run("a", RunStatus.RUNNING))  # a prefix is enough
    assert parse_query("status:failed status:canceled").matches(make_run("a", RunStatus.CANCELED))
    assert parse_query("ID-A").matches(make_run("a"))  # the id, ignoring case
    assert parse_query("#7").matches(make_run("a"))  # the run number
    assert parse_query("TAG:LR=0.1").matches(make_run("a", lr="0.1"))


def test_query_job_types() -> None:
    """`type:` picks Azure ML jobs by their kind (a prefix, ignoring case; several: any of them)."""
    sweep = Run("src", "exp", "hd", "tune", RunStatus.COMPLETED, job_type="Sweep")
    step = Run("src", "exp", "st", "prep", RunStatus.COMPLETED, job_type="Pipeline step")
    assert parse_query("type:SWEEP") == Query(types=("sweep",))
    assert parse_query("type:sweep").matches(sweep) and not parse_query("type:sweep").matches(step)
    assert parse_query("type:pipe").matches(step)  # "Pipeline" and "Pipeline step" alike
    assert parse_query("type:command type:sweep").matches(sweep)
    assert not parse_query("type:sweep").matches(make_run("local run"))  # no job type at all


def fill(path: Path) -> None:
    """Experiment "sweep": three runs (one failed), the first with two child runs (one failed)."""
    ws = Workspace(path)
    try:
        exp = LocalExperiment(ws, "sweep")
        for i, lr in enumerate(("0.1", "0.01", "0.001")):
            run = exp.start_logging(display_name=f"train lr={lr}")
            run.tag("lr", lr)
            if i == 0:
                with run.child_run("fold-0") as child:
                    child.tag("fold", "0")
                failing = run.child_run("fold-1")
                failing.tag("fold", "1")
                failing.fail()
            if i == 1:
                run.fail()
            else:
                run.complete()
        LocalExperiment(ws, "other").start_logging(display_name="unrelated").complete()
    finally:
        ws.close()


def visible(tree: SourceTreeView, parent: QModelIndex | None = None) -> list[str]:
    """Every row the view shows, depth first, indented by depth."""
    view = tree.model()
    rows: list[str] = []

    def walk(index: QModelIndex, depth: int) -> None:
        for row in range(view.rowCount(index)):
            child = view.index(row, NAME, index)
            rows.append("  " * depth + str(child.data()))
            walk(child, depth + 1)

    walk(parent or QModelIndex(), 0)
    return rows


@pytest.fixture
def tree(qtbot: Any, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> SourceTreeView:
    fill(tmp_path / "ws")
    view = show_tree(qtbot, 800)
    model = view.source_model()
    source = model.add_source(WorkspaceSource(tmp_path / "ws"))
    view.expand(source)
    qtbot.waitUntil(lambda: model.rowCount(source) == 2 and not model.busy, timeout=10_000)
    for row in range(model.rowCount(source)):
        view.expand(model.index(row, NAME, source))
    qtbot.waitUntil(lambda: not model.busy, timeout=10_000)
    sweep = next(
        model.index(r, NAME, source) for r in range(2) if model.index(r, NAME, source).data() == "sweep"
    )
    view.expand(model.index(2, NAME, sweep))  # the oldest run, with the child runs
    qtbot.waitUntil(
        lambda: not model.busy and model.rowCount(model.index(2, NAME, sweep)) == 2, timeout=10_000
    )
    return view


def test_filters_by_status_tag_and_name_keeping_parents(tree: SourceTreeView) -> None:
    everything = visible(tree)
    assert len(everything) == 9  # source, 2 experiments, 4 runs, 2 child runs

    tree.set_query("status:failed")
    # The failed child run shows under its (completed) parent; the other experiment is gone.
    assert visible(tree)[1:] == ["  sweep", "    train lr=0.01", "    train lr=0.1", "      fold-1"]

    tree.set_query("tag:lr=0.001")
    assert visible(tree)[1:] == ["  sweep", "    train lr=0.001"]

    tree.set_query("tag:fold")
    assert visible(tree)[1:] == [
        "  sweep",
        "    train lr=0.1",
        "      fold-1",
        "      fold-0",
    ]  # newest first

    tree.set_query("unrelated")
    assert visible(tree)[1:] == ["  other", "    unrelated"]

    tree.set_query("status:completed tag:fold=0")
    assert visible(tree)[1:] == ["  sweep", "    train lr=0.1", "      fold-0"]

    tree.set_query("nothing matches this")
    assert visible(tree) == [everything[0]]  # the source stays, to be expanded or refreshed

    tree.set_query("")
    assert visible(tree) == everything


def test_selection_and_actions_see_through_the_filter(tree: SourceTreeView) -> None:
    tree.set_query("status:failed")
    view = tree.model()
    source = view.index(0, NAME)
    sweep = view.index(0, NAME, source)
    failed = view.index(0, NAME, sweep)
    tree.selectionModel().select(
        failed, tree.selectionModel().SelectionFlag.Select | tree.selectionModel().SelectionFlag.Rows
    )
    [(_, run)] = tree.selected_runs()
    assert run.name == "train lr=0.01" and run.status is RunStatus.FAILED


def test_searching_loads_nothing_and_rows_loaded_later_are_filtered(
    qtbot: Any, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    fill(tmp_path / "ws")
    view = SourceTreeView(SourceTreeModel())
    qtbot.addWidget(view)
    view.show()
    model = view.source_model()
    source = model.add_source(WorkspaceSource(tmp_path / "ws"))
    view.expand(source)
    qtbot.waitUntil(lambda: not model.busy and model.rowCount(source) == 2, timeout=10_000)

    view.set_query("status:failed")  # typed before the experiments' runs are loaded
    assert not model.busy and model.rowCount(model.index(0, NAME, source)) == 0
    assert [row.strip() for row in visible(view)[1:]] == ["other", "sweep"]  # not loaded: kept

    sweep = next(
        model.index(r, NAME, source) for r in range(2) if model.index(r, NAME, source).data() == "sweep"
    )
    view.expand(sweep)
    qtbot.waitUntil(lambda: not model.busy, timeout=10_000)
    # The failed run shows; the failed child run of lr=0.1 does not, as long as it is not loaded.
    assert [row.strip() for row in visible(view)[1:]] == ["other", "sweep", "train lr=0.01"]


def test_search_box_waits_for_typing_to_pause_and_escape_clears(qtbot: Any) -> None:
    box = SearchBox()
    qtbot.addWidget(box)
    seen: list[str] = []
    box.queryChanged.connect(seen.append)
    qtbot.keyClicks(box, "status:fail")
    assert seen == []  # not on every key
    qtbot.waitUntil(lambda: seen == ["status:fail"], timeout=5000)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == "" and seen == ["status:fail", ""]
