"""A copy of the source tree in a QStandardItemModel, for the view to show.

The tree model is written in Python, so a view laying out thousands of runs over it calls Python
several times for every row, each time a page comes in. The same view over Qt's own item model
lays them out without leaving C++. The mirror follows the tree model's signals: rows inserted and
removed, rows changed, and (rebuilt from scratch) resets and layout changes. Each row holds the
texts, colours, fonts and icons of its node, and the node's uid; tooltips are asked of the tree
model when one shows. A node that could have children but has none loaded gets one empty
stand-in child row, so the view draws its expander; expanding it is what loads the node.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from tbdesk.sync import RunSyncStatus
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import (
    HEADERS,
    NAME,
    PLACEHOLDERS,
    Index,
    Node,
    decoration,
    display,
    foreground,
    header_labels,
)

UID_ROLE = Qt.ItemDataRole.UserRole + 100  # the node's uid, on the mirror's column 0
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TreeMirror(QStandardItemModel):
    """The rows of a SourceTreeModel, kept in step with it, in Qt's own item model."""

    synced = Signal()  # the mirror followed a change of the tree model

    def __init__(self, model: SourceTreeModel, parent: QObject | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(header_labels())
        # Cells are made in C++ (by setItemData, copying this prototype), never as QStandardItems
        # in Python: PySide keeps a wrapper for every such item as long as it lives, and the
        # garbage collector walking tens of thousands of them stalls the window.
        prototype = QStandardItem()
        prototype.setFlags(_SELECTABLE)
        self.setItemPrototype(prototype)
        self._model = model
        self._nodes: dict[int, Node] = {}
        self._stubs: set[int] = set()  # uids of the nodes shown with a stand-in child
        # Icons depend on a node's kind, column, parent's kind and sync state (decoration() reads
        # those); making one is slow next to a row's other values.
        self._icons: dict[tuple[object, ...], Any] = {}
        model.rowsInserted.connect(self._inserted)
        model.rowsAboutToBeRemoved.connect(self._about_to_remove)
        model.rowsRemoved.connect(self._removed)
        model.dataChanged.connect(self._changed)
        model.modelReset.connect(self._rebuild)
        model.layoutChanged.connect(self._rebuild)
        self._rebuild()

    # --- lookups -------------------------------------------------------------------------------
    def node(self, index: Index) -> Node | None:
        """The node of a row of the mirror (None for a stand-in row or an invalid index)."""
        if not index.isValid():
            return None
        uid = index.sibling(index.row(), NAME).data(UID_ROLE)
        return self._nodes.get(uid) if uid is not None else None

    def is_stub(self, index: Index) -> bool:
        """A stand-in row, which only gives its parent an expander."""
        return index.isValid() and index.sibling(index.row(), NAME).data(UID_ROLE) is None

    def from_tree(self, index: Index) -> QModelIndex:
        """The mirror's index for an index of the tree model."""
        mine = self._mirrored(index)
        if mine is None or not mine.isValid():
            return QModelIndex()
        return mine.siblingAtColumn(index.column())

    def to_tree(self, index: Index) -> QModelIndex:
        """The tree model's index for an index of the mirror (rows are the same, but stand-ins)."""
        if not index.isValid() or self.is_stub(index):
            return QModelIndex()
        parent = self.to_tree(index.parent())
        return self._model.index(index.row(), index.column(), parent)

    # --- following the tree model --------------------------------------------------------------
    def _mirrored(self, index: Index) -> QModelIndex | None:
        """The mirror's row (column 0) of a tree model's index: the same rows down the same path,
        as long as the mirror has that node (None when it has not)."""
        if not index.isValid():
            return QModelIndex()
        parent = self._mirrored(index.parent())
        if parent is None:
            return None
        mine = self.index(index.row(), NAME, parent)
        return mine if mine.isValid() and mine.data(UID_ROLE) == index.internalId() else None

    def _inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        shown = self._mirrored(parent)
        if shown is None:
            return
        had_stub = self._uid(parent) in self._stubs
        self._add_rows(shown, first, self._children(parent, first, last))
        if had_stub:
            self.removeRow(last + 1, shown)  # the stand-in, after the rows that replace it
            self._stubs.discard(self._uid(parent))
        self.synced.emit()

    def _about_to_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        for child in self._children(parent, first, last):
            for gone in child.walk():
                self._nodes.pop(gone.uid, None)
                self._stubs.discard(gone.uid)

    def _removed(self, parent: QModelIndex, first: int, last: int) -> None:
        shown = self._mirrored(parent)
        if shown is None:
            return
        self.removeRows(first, last - first + 1, shown)
        node = self._parent_node(parent)
        if node is not None:
            self._fit_stub(node, shown)
        self.synced.emit()

    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Iterable[int] = ()) -> None:
        shown = self._mirrored(top_left.parent())
        if shown is None:
            return
        for row in range(top_left.row(), bottom_right.row() + 1):
            node = self._model.node(top_left.siblingAtRow(row))
            mine = self.index(row, NAME, shown)
            if node is None or mine.data(UID_ROLE) != node.uid:
                continue
            for column in range(len(HEADERS)):
                self._refill(mine.siblingAtColumn(column), node, column)
            self._fit_stub(node, mine)
        self.synced.emit()

    def _rebuild(self) -> None:
        if self.rowCount():
            self.removeRows(0, self.rowCount())
        self._nodes.clear()
        self._stubs.clear()
        self._add_rows(QModelIndex(), 0, self._children(QModelIndex(), 0, self._model.rowCount() - 1))
        self.synced.emit()

    def _parent_node(self, parent: Index) -> Node | None:
        return self._model.node(parent) if parent.isValid() else None

    def _children(self, parent: Index, first: int, last: int) -> list[Node]:
        """The tree model's nodes in rows first to last under parent."""
        owner = self._parent_node(parent)
        if owner is not None:
            return owner.children[first : last + 1]
        rows = (self._model.node(self._model.index(row, NAME)) for row in range(first, last + 1))
        return [node for node in rows if node is not None]

    def _uid(self, index: Index) -> int:
        return index.internalId() if index.isValid() else 0

    # --- rows ----------------------------------------------------------------------------------
    def _add_rows(self, parent: QModelIndex, first: int, nodes: list[Node]) -> None:
        """Rows for nodes (and their loaded children below them) at first under parent. The view
        and its filter hear of the rows once, then once more when their cells are filled in (a
        filter reads a row's node from its cells); the cells are filled silently."""
        if not nodes:
            return
        self._columns(parent)
        self.insertRows(first, len(nodes), parent)
        blocked = self.blockSignals(True)
        try:
            for row, node in enumerate(nodes, first):
                self._fill(parent, row, node)
        finally:
            self.blockSignals(blocked)
        self.dataChanged.emit(
            self.index(first, 0, parent), self.index(first + len(nodes) - 1, len(HEADERS) - 1, parent)
        )

    def _fill(self, parent: QModelIndex, row: int, node: Node) -> None:
        """A new row's cells, and its node's loaded children (or stand-in) below it."""
        sync = self._sync(node)
        for column in range(len(HEADERS)):
            cell = self.index(row, column, parent)
            values = {role: value for role, value in self._values(node, column, sync) if value is not None}
            if column == NAME:
                values[UID_ROLE] = node.uid
            self.setItemData(cell, values)
            if node.kind in PLACEHOLDERS:
                self._item(cell).setFlags(Qt.ItemFlag.ItemIsEnabled)
        self._nodes[node.uid] = node
        mine = self.index(row, NAME, parent)
        if node.children:
            self._columns(mine)
            self.insertRows(0, len(node.children), mine)
            for child_row, child in enumerate(node.children):
                self._fill(mine, child_row, child)
        self._fit_stub(node, mine)

    def _item(self, index: QModelIndex) -> QStandardItem:
        item = self.itemFromIndex(index)  # made now if the cell had none
        assert item is not None
        return item

    def _columns(self, parent: QModelIndex) -> None:
        """Rows under parent get all the columns."""
        count = self.columnCount(parent)
        if count < len(HEADERS):
            self.insertColumns(count, len(HEADERS) - count, parent)

    def _refill(self, cell: QModelIndex, node: Node, column: int) -> None:
        """A row in the mirror whose node changed: set what differs."""
        for role, value in self._values(node, column, self._sync(node)):
            if role == Qt.ItemDataRole.DecorationRole or cell.data(role) != value:
                self.setData(cell, value, role)
        flags = Qt.ItemFlag.ItemIsEnabled if node.kind in PLACEHOLDERS else _SELECTABLE
        if cell.flags() != flags:
            self._item(cell).setFlags(flags)

    def _sync(self, node: Node) -> RunSyncStatus | None:
        return self._model.sync_status(node.run.key) if node.run is not None else None

    def _values(self, node: Node, column: int, sync: RunSyncStatus | None) -> list[tuple[int, Any]]:
        """What the tree model's data() gives for a node's cell (but its tooltip), read from the
        same functions; icons are made once for each thing that tells them apart."""
        parent = node.parent.kind if node.parent is not None else None
        look = (node.kind, column, parent, sync.state if sync is not None else None)
        if look not in self._icons:
            self._icons[look] = decoration(node, column, Qt.ItemDataRole.DecorationRole, sync)
        return [
            (Qt.ItemDataRole.DisplayRole, display(node, column)),
            (Qt.ItemDataRole.ForegroundRole, foreground(node, column)),
            (Qt.ItemDataRole.FontRole, decoration(node, column, Qt.ItemDataRole.FontRole, sync)),
            (Qt.ItemDataRole.DecorationRole, self._icons[look]),
        ]

    def _fit_stub(self, node: Node, row: QModelIndex) -> None:
        """Give a node that could have children, but has none loaded, its stand-in child (a row
        of cells that do not exist)."""
        wanted = not node.children and node.expandable
        if wanted and node.uid not in self._stubs and self.rowCount(row) == 0:
            self._columns(row)
            self.insertRows(0, 1, row)
            self._stubs.add(node.uid)
        elif not wanted and node.uid in self._stubs:
            self.removeRows(0, self.rowCount(row), row)
            self._stubs.discard(node.uid)
