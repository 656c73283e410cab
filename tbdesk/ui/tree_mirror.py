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
from tbdesk.ui.tree_nodes import HEADERS, NAME, PLACEHOLDERS, Index, Node, decoration, display, foreground

UID_ROLE = Qt.ItemDataRole.UserRole + 100  # the node's uid, on the mirror's column 0
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TreeMirror(QStandardItemModel):
    """The rows of a SourceTreeModel, kept in step with it, in Qt's own item model."""

    synced = Signal()  # the mirror followed a change of the tree model

    def __init__(self, model: SourceTreeModel, parent: QObject | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self._model = model
        self._items: dict[int, QStandardItem] = {}  # node uid -> its column 0 item
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
        if not index.isValid():
            return QModelIndex()
        item = self._items.get(index.internalId())
        if item is None:
            return QModelIndex()
        return item.index().siblingAtColumn(index.column())

    def to_tree(self, index: Index) -> QModelIndex:
        """The tree model's index for an index of the mirror (rows are the same, but stand-ins)."""
        if not index.isValid() or self.is_stub(index):
            return QModelIndex()
        parent = self.to_tree(index.parent())
        return self._model.index(index.row(), index.column(), parent)

    # --- following the tree model --------------------------------------------------------------
    def _item(self, parent: Index) -> QStandardItem | None:
        if not parent.isValid():
            return self.invisibleRootItem()
        return self._items.get(parent.internalId())

    def _parent_node(self, parent: Index) -> Node | None:
        return self._model.node(parent) if parent.isValid() else None

    def _inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        item = self._item(parent)
        if item is None:
            return
        had_stub = self._uid(parent) in self._stubs
        for row in range(first, last + 1):
            item.insertRow(row, self._row(self._model.index(row, NAME, parent)))
        if had_stub:
            item.removeRow(last + 1)  # the stand-in, after the rows that replace it
            self._stubs.discard(self._uid(parent))
        self.synced.emit()

    def _about_to_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            child = self._model.node(self._model.index(row, NAME, parent))
            for gone in child.walk() if child is not None else ():
                self._items.pop(gone.uid, None)
                self._nodes.pop(gone.uid, None)
                self._stubs.discard(gone.uid)

    def _removed(self, parent: QModelIndex, first: int, last: int) -> None:
        item = self._item(parent)
        if item is None:
            return
        item.removeRows(first, last - first + 1)
        node = self._parent_node(parent)
        if node is not None:
            self._fit_stub(node, item)
        self.synced.emit()

    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Iterable[int] = ()) -> None:
        item = self._item(top_left.parent())
        if item is None:
            return
        for row in range(top_left.row(), bottom_right.row() + 1):
            index = top_left.siblingAtRow(row)
            node = self._model.node(index)
            mirrored = self._items.get(node.uid) if node is not None else None
            if node is None or mirrored is None:
                continue
            for column in range(len(HEADERS)):
                cell = item.child(row, column)
                if cell is not None:
                    self._refill(cell, node, column)
            self._fit_stub(node, mirrored)
        self.synced.emit()

    def _rebuild(self) -> None:
        root = self.invisibleRootItem()
        if root.rowCount():
            root.removeRows(0, root.rowCount())
        self._items.clear()
        self._nodes.clear()
        self._stubs.clear()
        for row in range(self._model.rowCount()):
            root.insertRow(row, self._row(self._model.index(row, NAME)))
        self.synced.emit()

    def _uid(self, index: Index) -> int:
        return index.internalId() if index.isValid() else 0

    # --- rows ----------------------------------------------------------------------------------
    def _row(self, index: QModelIndex) -> list[QStandardItem]:
        """A node's row, and its loaded children below it (built before it joins the model, so
        building it signals nothing)."""
        node = self._model.node(index)
        assert node is not None
        sync = self._sync(node)
        cells = [QStandardItem() for _ in HEADERS]
        for column, cell in enumerate(cells):
            for role, value in self._values(node, column, sync):
                if value is not None:
                    cell.setData(value, role)
            if node.kind in PLACEHOLDERS:
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                cell.setFlags(_SELECTABLE)
        first = cells[NAME]
        first.setData(node.uid, UID_ROLE)
        self._items[node.uid] = first
        self._nodes[node.uid] = node
        for row in range(len(node.children)):
            first.insertRow(row, self._row(self._model.index(row, NAME, index)))
        self._fit_stub(node, first)
        return cells

    def _refill(self, cell: QStandardItem, node: Node, column: int) -> None:
        """A row in the mirror whose node changed: set what differs."""
        for role, value in self._values(node, column, self._sync(node)):
            if role == Qt.ItemDataRole.DecorationRole or cell.data(role) != value:
                cell.setData(value, role)
        flags = Qt.ItemFlag.ItemIsEnabled if node.kind in PLACEHOLDERS else _SELECTABLE
        if cell.flags() != flags:
            cell.setFlags(flags)

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

    def _fit_stub(self, node: Node, item: QStandardItem) -> None:
        """Give a node that could have children, but has none loaded, its stand-in child."""
        wanted = not node.children and node.expandable
        if wanted and node.uid not in self._stubs and item.rowCount() == 0:
            item.insertRow(0, [QStandardItem() for _ in HEADERS])
            self._stubs.add(node.uid)
        elif not wanted and node.uid in self._stubs:
            item.removeRows(0, item.rowCount())
            self._stubs.discard(node.uid)
