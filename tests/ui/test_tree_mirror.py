"""The view shows a mirror of the tree model in Qt's own item model: it must say what the tree model
says, row for row, through loading, pages, changes, refreshes and resets, and give nodes that are not
loaded an expander that loads them."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from tbdesk.local import Experiment as LocalExperiment
from tbdesk.local import Workspace
from tbdesk.sources.workspace import PAGE_SIZE, WorkspaceSource
from tbdesk.sync import RunSyncStatus, SyncState
from tbdesk.ui.tree_nodes import HEADERS, NAME, STATUS, Kind, Node
from tbdesk.ui.tree_view import SourceTreeView
from tests.ui.ui_helpers import child, show_tree, wait_loaded

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole,
)


def fill(path: Path) -> None:
    """Experiment "sweep": run "parent" with two child runs, a failed run "bad" and a run "plain";
    experiment "many" of more runs than a page; experiment "empty"."""
    ws = Workspace(path)
    try:
        sweep = LocalExperiment(ws, "sweep")
        parent = sweep.start_logging(display_name="parent")
        for fold in range(2):
            with parent.child_run(f"fold-{fold}"):
                pass
        parent.complete()
        sweep.start_logging(display_name="bad").fail()
        sweep.start_logging(display_name="plain").complete()
        many = LocalExperiment(ws, "many")
        for i in range(PAGE_SIZE + 5):
            many.start_logging(display_name=f"run {i}").complete()
        LocalExperiment(ws, "empty")
    finally:
        ws.close()


@pytest.fixture
def tree(qtbot: Any, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> SourceTreeView:
    fill(tmp_path / "ws")
    view = show_tree(qtbot, 400)
    view.source_model().add_source(WorkspaceSource(tmp_path / "ws"))
    return view


def assert_mirrors(tree: SourceTreeView) -> int:
    """Every row of the tree model is in the mirror, at the same place, saying the same; nodes with
    nothing loaded that could have children have one stand-in child, and no other row has one.
    Returns how many rows were compared."""
    model, mirror = tree.source_model(), tree.mirror
    compared = 0

    def walk(parent: QModelIndex, shown: QModelIndex) -> None:
        nonlocal compared
        node = model.node(parent) if parent.isValid() else None
        rows = model.rowCount(parent)
        if node is not None and rows == 0 and node.expandable:
            assert mirror.rowCount(shown) == 1 and mirror.is_stub(mirror.index(0, NAME, shown)), node.key
            return
        assert mirror.rowCount(shown) == rows, node.key if node else "top"
        for row in range(rows):
            for column in range(len(HEADERS)):
                index, copy = model.index(row, column, parent), mirror.index(row, column, shown)
                for role in ROLES:
                    assert copy.data(role) == index.data(role), (index.data(), column, role)
                assert (copy.data(Qt.ItemDataRole.DecorationRole) is None) == (
                    index.data(Qt.ItemDataRole.DecorationRole) is None
                )
                assert copy.flags() == index.flags()
                assert mirror.from_tree(index) == copy and mirror.to_tree(copy) == index
            index = model.index(row, NAME, parent)
            assert mirror.node(mirror.index(row, NAME, shown)) is model.node(index)
            compared += 1
            walk(index, mirror.index(row, NAME, shown))

    walk(QModelIndex(), QModelIndex())
    return compared


def test_mirror_follows_loading_pages_and_changes(qtbot: Any, tree: SourceTreeView) -> None:
    model = tree.source_model()
    source = model.index(0, NAME)
    assert assert_mirrors(tree) == 1  # the source, not loaded: a stand-in child gives its expander

    tree.expand(source)  # as a click does: expanding the stand-in's parent loads it
    wait_loaded(qtbot, model)
    assert [model.index(row, NAME, source).data() for row in range(3)] == ["empty", "many", "sweep"]
    assert assert_mirrors(tree) == 4

    sweep, many, empty = (child(model, source, name) for name in ("sweep", "many", "empty"))
    for experiment in (sweep, many, empty):
        tree.expand(experiment)
    wait_loaded(qtbot, model)
    parent = child(model, sweep, "parent")
    tree.expand(parent)
    wait_loaded(qtbot, model)
    assert model.rowCount(parent) == 2
    # "bad" shows its status in red, as the tree model says; "No runs" in italics.
    loaded = assert_mirrors(tree)
    assert loaded == 1 + 3 + (PAGE_SIZE + 1) + (3 + 2) + 1  # source, experiments, runs and rows

    # A "More runs…" row activated: the next page joins the mirror, the row after it goes.
    more = model.index(model.rowCount(many) - 1, NAME, many)
    assert more.data() == "More runs…"
    tree.activated.emit(tree.view_index(more))
    wait_loaded(qtbot, model)
    assert model.rowCount(many) == PAGE_SIZE + 5
    assert assert_mirrors(tree) == loaded + 5 - 1

    # A run with no child runs, once loaded, loses its stand-in and its expander.
    plain = child(model, sweep, "plain")
    node = model.node(plain)
    assert node is not None and node.run is not None
    if node.expandable:
        tree.expand(plain)
        wait_loaded(qtbot, model)
    assert not tree.model().hasChildren(tree.view_index(plain))

    # A changed row (a live sync's state) shows at once, with its icon.
    assert tree.view_index(plain).siblingAtColumn(STATUS).data(Qt.ItemDataRole.DecorationRole) is None
    model.set_sync_status(RunSyncStatus(node.run, None, SyncState.LIVE))
    assert tree.view_index(plain).siblingAtColumn(STATUS).data(Qt.ItemDataRole.DecorationRole) is not None
    assert_mirrors(tree)


def test_refresh_and_resets_keep_the_mirror_whole_and_expansion(qtbot: Any, tree: SourceTreeView) -> None:
    model = tree.source_model()
    source = model.index(0, NAME)
    tree.expand(source)
    wait_loaded(qtbot, model)
    sweep = child(model, source, "sweep")
    tree.expand(sweep)
    wait_loaded(qtbot, model)
    tree.expand(child(model, sweep, "parent"))
    wait_loaded(qtbot, model)
    expanded = tree.expanded_keys()
    old = [weakref.ref(node) for node in model.nodes() if node.kind is Kind.RUN]

    tree.refresh()
    qtbot.waitUntil(lambda: not model.busy and tree.expanded_keys() == expanded, timeout=10_000)
    assert_mirrors(tree)
    gc.collect()
    assert all(ref() is None for ref in old)  # the mirror holds no node of the rows it dropped

    # A model that resets or lays itself out again: the mirror is rebuilt, expansion kept.
    model.layoutAboutToBeChanged.emit()
    model.layoutChanged.emit()
    assert_mirrors(tree)
    assert tree.expanded_keys() == expanded
    model.beginResetModel()
    model.endResetModel()
    assert_mirrors(tree)
    assert tree.expanded_keys() == expanded


def test_tooltips_are_asked_of_the_tree_model_when_they_show(qtbot: Any, tree: SourceTreeView) -> None:
    model = tree.source_model()
    source = model.index(0, NAME)
    tree.expand(source)
    wait_loaded(qtbot, model)
    sweep = child(model, source, "sweep")
    tree.expand(sweep)
    wait_loaded(qtbot, model)
    bad = child(model, sweep, "bad")
    node: Node | None = model.node(bad)
    assert node is not None and node.run is not None
    assert tree.view_index(bad).data(Qt.ItemDataRole.ToolTipRole) is None  # not copied

    centre = tree.visualRect(tree.view_index(bad)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, centre, tree.viewport().mapToGlobal(centre))
    QApplication.sendEvent(tree.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=5_000)
    assert f"Run id: {node.run.id}" in QToolTip.text()
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=5_000)

    below = QPoint(5, tree.viewport().height() - 2)  # no row there: no tooltip
    assert not tree.indexAt(below).isValid()
    nothing = QHelpEvent(QEvent.Type.ToolTip, below, below)
    QApplication.sendEvent(tree.viewport(), nothing)
    assert not nothing.isAccepted() and not QToolTip.isVisible()
