"""The tree widget of sources, experiments and runs: multi-selection, pages on demand, refresh that
keeps what was expanded, and the search box's filter.

The view shows a mirror of the model in Qt's own item model (tbdesk.ui.tree_mirror) through a
filter: it filters what is loaded, keeps the parents of matching runs, and never asks a source for
anything itself. While searching, nodes not loaded yet show without an expander (the mirror's
stand-in rows that give them one would show as empty rows); activating them still loads them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontMetricsF, QHelpEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QToolTip, QTreeView, QWidget

from tbdesk.azure.convert import JOB_TYPES
from tbdesk.azure.errors import SignedOutError
from tbdesk.model import Run, RunStatus
from tbdesk.sources.base import Source
from tbdesk.ui.search import Query, parse_query
from tbdesk.ui.tree_mirror import TreeMirror
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import NAME, STARTED, STATUS, TYPE, Index, Key, Kind, Load, Node, run_status_text

MIN_NAME_WIDTH = 200  # below this the start time, then the type column is hidden for the names' sake


class RunFilter(QSortFilterProxyModel):
    """The tree as the search box filters it: runs that match the query, with their parents.

    Sources and accounts always show (so a source that is not loaded yet can be expanded), and so do
    experiments not loaded yet and the "Loading…", "More runs…" and error rows of sources,
    experiments and runs (a sweep's child runs come in pages too): the filter works on what is
    loaded, and says what is not. It filters the mirror
    of the tree model (tbdesk.ui.tree_mirror), and reads the runs of its rows' nodes.
    """

    def __init__(self, mirror: TreeMirror, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mirror = mirror
        self._query = Query()
        self.setRecursiveFilteringEnabled(True)
        self.setSourceModel(mirror)

    @property
    def query(self) -> Query:
        return self._query

    def set_query(self, query: Query) -> None:
        if query == self._query:
            return
        self.beginFilterChange()
        self._query = query
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._query.empty:
            return True
        # A stand-in row (giving an unloaded node its expander) would show as an empty row.
        node = self._mirror.node(self._mirror.index(source_row, NAME, source_parent))
        if node is None:
            return False
        if node.kind is Kind.RUN:
            return node.run is not None and self._query.matches(node.run)
        if node.kind in (Kind.ACCOUNT, Kind.SOURCE):
            return True
        if node.kind is Kind.EXPERIMENT:
            return node.load is not Load.LOADED
        return (
            node.kind in (Kind.LOADING, Kind.MORE, Kind.ERROR)
            and node.parent is not None
            and node.parent.kind in (Kind.SOURCE, Kind.EXPERIMENT, Kind.RUN)
        )


class _Selection(QItemSelectionModel):
    """Selects indexes of the tree model too (callers and tests hold those), mapped to the filter."""

    def __init__(self, view: SourceTreeView) -> None:
        super().__init__(view.filter)
        self._view = view

    def select(self, selection: Any, command: Any) -> None:
        if isinstance(selection, (QModelIndex, QPersistentModelIndex)):
            selection = self._view.view_index(selection)
        elif isinstance(selection, QItemSelection) and not selection.isEmpty():
            model = selection.first().model()
            if model is self._view.mirror:
                selection = self._view.filter.mapSelectionFromSource(selection)
            elif model is not self._view.filter:
                mapped = QItemSelection()
                for each in (selection.at(i) for i in range(selection.size())):
                    top, bottom = (
                        self._view.view_index(each.topLeft()),
                        self._view.view_index(each.bottomRight()),
                    )
                    if top.isValid() and bottom.isValid():
                        mapped.select(top, bottom)
                selection = mapped
        super().select(selection, command)


class SourceTreeView(QTreeView):
    """The tree widget: multi-selection, refresh keeping expansion, pages on demand, a filter.

    Its methods take indexes of the tree model (`source_model()`) as well as its own (of the
    filter, `model()`), and map them. The filter shows a mirror of the tree model in Qt's own item
    model (`mirror`), so laying out thousands of rows stays in C++.
    """

    runsActivated = Signal()  # a run was double-clicked or Enter pressed on runs
    signInRequested = Signal(str)  # an error row saying "signed out" was activated: its source id
    datastoreActivated = Signal(
        object, str
    )  # a datastore row was activated: its Datastore, its workspace's id

    def __init__(self, model: SourceTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("source-tree")
        self._model = model
        self._expanded_before_rebuild: set[Key] = set()
        self._fitted: dict[int, int] = {}  # the status and start time columns' widths
        # Before the mirror connects to the model: these run before it rebuilds.
        model.modelAboutToBeReset.connect(self._remember_expansion)
        model.layoutAboutToBeChanged.connect(self._remember_expansion)
        self.mirror = TreeMirror(model, self)
        self.filter = RunFilter(self.mirror, self)
        self._revealing = False
        self._expanded_before_search: set[Key] = set()
        self.setModel(self.filter)
        self.setSelectionModel(_Selection(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        # Not ResizeToContents: that asks the model for every role of a thousand rows on each
        # change, which stalls the window for tenths of a second once thousands of runs are loaded.
        for column in (TYPE, STATUS, STARTED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self._fit_columns()
        # Pages are checked once per turn of the event loop, however many signals asked for it.
        self._page_check = QTimer(self)
        self._page_check.setSingleShot(True)
        self._page_check.setInterval(0)
        self._page_check.timeout.connect(self._fetch_visible_pages_now)
        model.expandRequested.connect(self.expand)
        self.expanded.connect(self._on_expanded)
        self.activated.connect(self._on_activated)
        self.verticalScrollBar().valueChanged.connect(self._fetch_visible_pages)
        self.mirror.synced.connect(self._fetch_visible_pages)
        model.modelReset.connect(self._restore_expansion)
        model.layoutChanged.connect(self._restore_expansion)
        # Sources, accounts and experiments have no status or start time: their names span the row.
        self._span_timer = QTimer(self)
        self._span_timer.setSingleShot(True)
        self._span_timer.setInterval(0)
        self._span_timer.timeout.connect(self._span_names)
        self.filter.rowsInserted.connect(self._span_later)
        self.filter.modelReset.connect(self._span_later)
        self.filter.layoutChanged.connect(self._span_later)

    def source_model(self) -> SourceTreeModel:
        return self._model

    # --- indexes of either model ---------------------------------------------------------------
    def view_index(self, index: Index) -> QModelIndex:
        """The view's (filter's) index for an index of either model; invalid when filtered out."""
        if index.model() is self._model:
            index = self.mirror.from_tree(index)
        if index.model() is self.mirror:
            return self.filter.mapFromSource(index)
        return _plain(index)

    def tree_index(self, index: Index) -> QModelIndex:
        """The tree model's index for an index of either model."""
        if index.model() is self.filter:
            index = self.filter.mapToSource(index)
        if index.model() is self.mirror:
            return self.mirror.to_tree(index)
        return _plain(index)

    def node_at(self, index: Index) -> Node | None:
        if index.model() is self.filter:
            return self.mirror.node(self.filter.mapToSource(index))
        if index.model() is self.mirror:
            return self.mirror.node(index)
        return self._model.node(index)

    def expand(self, index: Index) -> None:
        super().expand(self.view_index(index))

    def collapse(self, index: Index) -> None:
        super().collapse(self.view_index(index))

    def setExpanded(self, index: Index, expand: bool) -> None:
        super().setExpanded(self.view_index(index), expand)

    def isExpanded(self, index: Index) -> bool:
        return super().isExpanded(self.view_index(index))

    def setCurrentIndex(self, index: Index) -> None:
        super().setCurrentIndex(self.view_index(index))

    # --- search --------------------------------------------------------------------------------
    def set_query(self, text: str) -> None:
        """Filter the loaded runs (see tbdesk.ui.search); an empty text shows everything."""
        query = parse_query(text)
        if query == self.filter.query:
            return
        if self.filter.query.empty:
            # Rows the filter hides lose their expansion in the view: it comes back with them.
            self._expanded_before_search = self.expanded_keys()
        self.filter.set_query(query)
        if query.empty:
            self._expand_keys(self._expanded_before_search)
            self._expanded_before_search = set()
        else:
            self._reveal(query)

    def _reveal(self, query: Query) -> None:
        """Expand the parents of the runs that match, so they show without hunting for them
        (only what is loaded: searching never asks a source for more)."""
        parents: dict[int, Node] = {}
        for node in self._model.nodes():
            if node.kind is Kind.RUN and node.run is not None and query.matches(node.run):
                parent = node.parent
                while parent is not None and parent.kind is not Kind.ROOT and parent.uid not in parents:
                    parents[parent.uid] = parent
                    parent = parent.parent
        self._expand_nodes(parents.values())

    def _expand_keys(self, keys: set[Key]) -> None:
        self._expand_nodes(node for node in self._model.nodes() if node.children and node.key in keys)

    def _expand_nodes(self, nodes: Iterable[Node]) -> None:
        self._revealing = True
        try:
            for node in list(nodes):
                self.setExpanded(self._model.index_of(node), True)
        finally:
            self._revealing = False

    def _remember_expansion(self) -> None:
        self._expanded_before_rebuild = self.expanded_keys()

    def _restore_expansion(self) -> None:
        self._expand_keys(self._expanded_before_rebuild)
        self._expanded_before_rebuild = set()

    # --- tooltips ------------------------------------------------------------------------------
    def viewportEvent(self, event: QEvent) -> bool:
        # Asked of the tree model when one shows, rather than copied into the mirror for every row.
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self._model.data(self.tree_index(self.indexAt(event.pos())), Qt.ItemDataRole.ToolTipRole)
            if text:
                QToolTip.showText(event.globalPos(), str(text), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # --- selection -----------------------------------------------------------------------------
    def selected_nodes(self) -> list[Node]:
        rows = sorted(self.selectionModel().selectedRows(NAME), key=self._visual_order)
        return [node for index in rows if (node := self.node_at(index)) is not None]

    def selected_runs(self) -> list[tuple[Source, Run]]:
        return [
            (node.source, node.run)
            for node in self.selected_nodes()
            if node.kind is Kind.RUN and node.source is not None and node.run is not None
        ]

    def expanded_keys(self) -> set[Key]:
        return {
            node.key
            for node in self._model.nodes()
            if node.children and self.isExpanded(self._model.index_of(node))
        }

    def refresh(self) -> None:
        self._model.refresh(self.expanded_keys())

    def _visual_order(self, index: QModelIndex) -> int:
        return self.visualRect(index).top()

    def _on_expanded(self, index: QModelIndex) -> None:
        # The mirror cannot fetch, so Qt never asks it to: expanding a node is what loads it.
        if self._revealing:
            return
        source = self.tree_index(index)
        if self._model.canFetchMore(source):
            self._model.fetchMore(source)

    def _on_activated(self, index: QModelIndex) -> None:
        node = self.node_at(index)
        if node is None:
            return
        parent = self._model.index_of(node.parent) if node.parent is not None else QModelIndex()
        if node.kind is Kind.MORE:
            self._model.fetchMore(parent)
        elif node.kind is Kind.ERROR:
            if isinstance(node.error, SignedOutError) and node.source is not None:
                self.signInRequested.emit(node.source.id)  # retrying would only fail the same way
            else:
                self._model.retry(parent)
        elif node.kind is Kind.RUN:
            self.runsActivated.emit()
        elif node.kind is Kind.DATASTORE and node.source is not None:
            self.datastoreActivated.emit(node.datastore, node.source.id)
        else:
            self.setExpanded(index, not self.isExpanded(index))

    def _fetch_visible_pages(self, *_: object) -> None:
        # Deferred: rows just inserted are laid out only on the next turn of the event loop.
        if not self._page_check.isActive():
            self._page_check.start()

    def _fetch_visible_pages_now(self) -> None:
        """A "More runs…" row scrolled into view loads its page, as a list view would. Not while
        searching: the filter may hide every run, and scrolling would not stop it loading them all.

        Only the rows on screen are looked at (a screenful, however many runs are loaded)."""
        if not self.filter.query.empty:
            return
        for index in self._rows_on_screen():
            node = self.node_at(index)
            if node is not None and node.kind is Kind.MORE and node.parent is not None:
                self._model.fetchMore(self._model.index_of(node.parent))

    def _rows_on_screen(self) -> list[QModelIndex]:
        viewport = self.viewport().rect()
        first = self.indexAt(viewport.topLeft())
        if not first.isValid():
            return []
        rows = [first]
        step = max(1, self.visualRect(first).height())  # rows are all as high (uniformRowHeights)
        for y in range(self.visualRect(first).bottom() + 1, viewport.bottom() + 1, step):
            index = self.indexAt(QPoint(viewport.left(), y))
            if not index.isValid():
                break
            rows.append(index)
        return rows

    # --- columns -------------------------------------------------------------------------------
    def _span_later(self, parent: QModelIndex | None = None, *_: object) -> None:
        above = self.node_at(parent) if parent is not None and parent.isValid() else None
        if above is not None and above.kind in (Kind.EXPERIMENT, Kind.RUN):
            return  # runs (thousands of rows, in pages): never spanned, not looked at one by one
        self._span_timer.start()  # once the mirror has filled the new rows in

    def _span_names(self, parent: QModelIndex | None = None) -> None:
        parent = parent if parent is not None else QModelIndex()
        for row in range(self.filter.rowCount(parent)):
            index = self.filter.index(row, NAME, parent)
            node = self.node_at(index)
            if node is not None and node.kind in (Kind.SOURCE, Kind.ACCOUNT, Kind.EXPERIMENT):
                self.setFirstColumnSpanned(row, parent, True)
                if node.kind is not Kind.EXPERIMENT:
                    self._span_names(index)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_width()

    def _fit_width(self) -> None:
        """In a narrow pane the names get the room: the start time column goes, then the job type
        column (the details pane and the tooltips show both) rather than names being cut."""
        header = self.header()
        if header.count() <= STARTED:
            return
        room = self.viewport().width() - sum(self._fitted.values())  # with every column shown
        for column in (STARTED, TYPE):
            gone = room < MIN_NAME_WIDTH
            header.setSectionHidden(column, gone)
            if gone:
                room += self._fitted.get(column, 0)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Widths for the status and start time columns that fit any status and any time, found
        from the font once rather than from every row."""
        header = self.header()
        if header.count() <= STARTED:
            return  # no model yet
        metrics = QFontMetricsF(self.font())  # fractional: the delegate rounds its text up
        digit = max("0123456789", key=metrics.horizontalAdvance)
        samples = {
            TYPE: list(JOB_TYPES),
            # A log folder's run shows when it was last written (MM-DD HH:MM): shorter than these.
            STATUS: [run_status_text(status) for status in RunStatus],
            STARTED: [f"{digit * 4}-{digit * 2}-{digit * 2} {digit * 2}:{digit * 2}"],
        }
        # A cell's text margins, as the item delegate draws them.
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1)
        for column, texts in samples.items():
            text = math.ceil(max(metrics.horizontalAdvance(each) for each in texts)) + margin
            self._fitted[column] = max(text, header.sectionSizeHint(column))
            header.resizeSection(column, self._fitted[column])
        self._fit_width()


def _plain(index: Index) -> QModelIndex:
    return index if isinstance(index, QModelIndex) else index.sibling(index.row(), index.column())
