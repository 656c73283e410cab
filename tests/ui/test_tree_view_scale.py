"""The tree with thousands of loaded runs keeps working: scrolling loads the next pages, "More runs…"
rows load theirs, the search box filters them all, refresh starts over, and the fixed-width status
and start time columns still fit what they show."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QHeaderView

from tbdesk.local import Experiment as LocalExperiment
from tbdesk.local import Workspace
from tbdesk.sources.workspace import PAGE_SIZE, WorkspaceSource
from tbdesk.ui.tree_nodes import NAME, STARTED, STATUS, Kind, Node
from tbdesk.ui.tree_view import SourceTreeView
from tests.ui.ui_helpers import show_tree

RUNS = 2_500
FAILED_EVERY = 250  # runs 0, 250, 500, … fail


def fill(path: Path) -> None:
    """Experiment "big" of RUNS runs named "trial i" (oldest first), the oldest with two child runs."""
    ws = Workspace(path)
    try:
        exp = LocalExperiment(ws, "big")
        for i in range(RUNS):
            run = exp.start_logging(display_name=f"trial {i}")
            run.tag("parity", "odd" if i % 2 else "even")
            if i == 0:
                for fold in range(2):
                    with run.child_run(f"fold-{fold}"):
                        pass
            if i % FAILED_EVERY == 0:
                run.fail()
            else:
                run.complete()
    finally:
        ws.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "ws"
    fill(path)
    return path


@pytest.fixture
def tree(qtbot: Any, qloop: asyncio.AbstractEventLoop) -> SourceTreeView:
    return show_tree(qtbot, 400)  # a screenful is a small part of a page


def experiment(tree: SourceTreeView, workspace: Path, qtbot: Any) -> Node:
    """Show the workspace and expand its experiment; returns the experiment's node."""
    model = tree.source_model()
    source = model.add_source(WorkspaceSource(workspace))
    tree.expand(source)
    qtbot.waitUntil(lambda: not model.busy and model.rowCount(source) == 1, timeout=10_000)
    big = model.node(model.index(0, NAME, source))
    assert big is not None
    tree.expand(model.index_of(big))
    return big


def runs(node: Node) -> list[str]:
    return [child.run.name for child in node.children if child.kind is Kind.RUN and child.run is not None]


def trailing(node: Node) -> Kind | None:
    last = node.children[-1] if node.children else None
    return last.kind if last is not None and last.kind is not Kind.RUN else None


def shown(tree: SourceTreeView, parent: QModelIndex) -> list[str]:
    view = tree.model()
    return [view.index(row, NAME, parent).data() for row in range(view.rowCount(parent))]


def test_scrolling_loads_page_after_page_of_thousands(
    qtbot: Any, tree: SourceTreeView, workspace: Path
) -> None:
    model = tree.source_model()
    big = experiment(tree, workspace, qtbot)
    qtbot.waitUntil(lambda: not model.busy and trailing(big) is Kind.MORE, timeout=10_000)
    # A page or two (Qt takes one more as it lays the tree out), then the next page waits, fetched
    # ahead, until its "More runs…" row comes into view: the screen is far from it.
    loaded = len(runs(big))
    assert loaded % PAGE_SIZE == 0 and PAGE_SIZE <= loaded <= 2 * PAGE_SIZE
    assert runs(big) == [f"trial {i}" for i in range(RUNS - 1, RUNS - 1 - loaded, -1)]

    # Activating the "More runs…" row loads its page, as scrolling to it does.
    tree.activated.emit(tree.view_index(model.index_of(big.children[-1])))
    qtbot.waitUntil(lambda: not model.busy and len(runs(big)) >= loaded + PAGE_SIZE, timeout=10_000)
    assert trailing(big) is Kind.MORE

    def scrolled_to_the_end() -> bool:
        tree.scrollToBottom()  # as a user drags the scroll bar down, again and again
        return len(runs(big)) == RUNS and not model.busy

    qtbot.waitUntil(scrolled_to_the_end, timeout=60_000)
    assert runs(big) == [f"trial {i}" for i in range(RUNS - 1, -1, -1)]  # newest first, each once
    assert trailing(big) is None  # no page after the last: no placeholder row
    assert tree.model().rowCount(tree.view_index(model.index_of(big))) == RUNS

    # The oldest run, at the very bottom, still opens to its child runs.
    oldest = model.index_of(big.children[-1])
    tree.expand(oldest)
    qtbot.waitUntil(lambda: not model.busy and model.rowCount(oldest) == 2, timeout=10_000)
    assert shown(tree, tree.view_index(oldest)) == ["fold-1", "fold-0"]

    # A refresh starts over from the first page; scrolled back to, the oldest run is open again.
    key = big.key
    tree.refresh()
    qtbot.waitUntil(lambda: model.find(key).isValid() and not model.busy, timeout=10_000)
    big = model.node(model.find(key))  # the experiment's node anew
    assert big is not None and len(runs(big)) < RUNS
    qtbot.waitUntil(scrolled_to_the_end, timeout=60_000)
    oldest = model.index_of(big.children[-1])
    qtbot.waitUntil(lambda: not model.busy and model.rowCount(oldest) == 2, timeout=10_000)
    assert tree.isExpanded(oldest) and shown(tree, tree.view_index(oldest)) == ["fold-1", "fold-0"]


def test_search_filters_thousands_of_loaded_runs_and_refresh_starts_over(
    qtbot: Any, tree: SourceTreeView, workspace: Path
) -> None:
    model = tree.source_model()
    big = experiment(tree, workspace, qtbot)

    def scrolled_to_the_end() -> bool:
        tree.scrollToBottom()
        return len(runs(big)) == RUNS and not model.busy

    qtbot.waitUntil(scrolled_to_the_end, timeout=60_000)
    experiment_row = tree.view_index(model.index_of(big))

    tree.set_query("status:failed")
    failed = [f"trial {i}" for i in range(RUNS - 1, -1, -1) if i % FAILED_EVERY == 0]
    assert shown(tree, experiment_row) == failed

    tree.set_query('"trial 1234"')
    assert shown(tree, experiment_row) == ["trial 1234"]

    tree.set_query("tag:parity=odd status:failed")
    assert shown(tree, experiment_row) == []
    assert not tree.view_index(model.index_of(big)).isValid()  # no run matches: the experiment hides

    tree.set_query("")
    assert len(shown(tree, experiment_row)) == RUNS
    assert tree.isExpanded(model.index_of(big))  # hidden by the search a moment ago: as it was

    # Refresh: the experiment stays expanded and comes back with its first page and the next ahead.
    tree.refresh()

    def reloaded() -> Node | None:
        node = model.node(model.find(big.key))
        return node if node is not None and not model.busy and trailing(node) is Kind.MORE else None

    qtbot.waitUntil(lambda: reloaded() is not None, timeout=10_000)
    node = reloaded()
    assert node is not None and node is not big
    assert tree.isExpanded(model.index_of(node))
    assert runs(node)[:2] == [f"trial {RUNS - 1}", f"trial {RUNS - 2}"] and len(runs(node)) < RUNS


def test_status_and_start_columns_fit_their_texts_without_measuring_every_row(
    qtbot: Any, tree: SourceTreeView, workspace: Path
) -> None:
    model = tree.source_model()
    big = experiment(tree, workspace, qtbot)
    qtbot.waitUntil(lambda: not model.busy and len(runs(big)) >= PAGE_SIZE, timeout=10_000)
    header = tree.header()
    for column in (STATUS, STARTED):
        # The user may resize them; they are not measured from the rows on each change.
        assert header.sectionResizeMode(column) is QHeaderView.ResizeMode.Interactive
        assert tree.columnWidth(column) >= tree.sizeHintForColumn(column) > 0
        assert tree.columnWidth(column) >= header.sectionSizeHint(column)

    font = tree.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    narrow = tree.columnWidth(STATUS)
    tree.setFont(font)  # a bigger font widens them to fit again
    assert tree.columnWidth(STATUS) > narrow
    assert tree.columnWidth(STATUS) >= tree.sizeHintForColumn(STATUS)
