"""The tree of sources -> experiments -> runs -> child runs as a Qt model (Azure ML workspaces
grouped under their account: account -> workspaces -> experiments -> ...).

Loaded lazily: a node asks its source for its children only when it is expanded, in an asyncio
task, and shows a "Loading…" row meanwhile (or an error row when the source fails). Runs come a
page at a time; the next page is fetched ahead in the background, and a "More runs…" row offers it.
Nothing here blocks the event loop. The rows themselves: tbdesk.ui.tree_nodes. Runs that a board's
live sync follows show its state (`set_sync_status`), and the fresher status of the run it reads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, Signal

from tbdesk.model import Run, RunKey
from tbdesk.sources.azure import AzureSource
from tbdesk.sources.base import Source
from tbdesk.sources.cloud import CloudFolderSource
from tbdesk.sources.logdir import LogFolderSource
from tbdesk.sync import RunSyncStatus
from tbdesk.ui.tasks import describe_error
from tbdesk.ui.tree_nodes import (
    HEADERS,
    KEY_ROLE,
    NAME,
    PLACEHOLDERS,
    SYNC_ROLE,
    Index,
    Key,
    Kind,
    Load,
    Node,
    decoration,
    display,
    foreground,
    header_labels,
    tooltip,
    unreadable_text,
)

log = logging.getLogger(__name__)

# Rows put into the model in one go when a listing arrives (see _load).
INSERT_CHUNK = 200


class SourceTreeModel(QAbstractItemModel):
    loadFailed = Signal(str)  # a message for the status bar
    expandRequested = Signal(QModelIndex)  # a node that was expanded before a refresh is back

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = Node(Kind.ROOT, None, None, load=Load.LOADED)
        self._by_uid: dict[int, Node] = {}
        # The row of each loaded run (a run has one in its source's tree), so a sync's news finds
        # it without a walk; keyed by plain tuples of strings, which the garbage collector skips.
        self._run_rows: dict[tuple[str, str], Node] = {}
        self._want_expanded: set[Key] = set()
        self._tooltips: dict[str, str] = {}  # account id -> its tooltip
        self._syncs: dict[RunKey, RunSyncStatus] = {}

    # --- sources and accounts ------------------------------------------------------------------
    def sources(self) -> list[Source]:
        return [node.source for node in self._source_nodes() if node.source is not None]

    def add_source(
        self, source: Source, position: int | None = None, *, account: str | None = None
    ) -> QModelIndex:
        """Show a source (once; adding it again returns the existing row), at the top level or
        under an account (which is added, named by its id, when it is not shown yet)."""
        existing = self.source_index(source.id)
        if existing.isValid():
            return existing
        parent = self._root if account is None else self.node(self.add_account(account)) or self._root
        siblings = [child for child in parent.children if child.kind is not Kind.EMPTY]
        if len(siblings) != len(parent.children):
            self._set_children(parent, siblings)
        count = len(parent.children)
        row = count if position is None else max(0, min(position, count))
        self._insert(parent, row, [Node(Kind.SOURCE, source, parent)])
        return self.index_of(parent.children[row])

    def remove_source(self, source_id: str) -> None:
        index = self.source_index(source_id)
        node = self.node(index)
        if node is None or node.parent is None:
            return
        parent = node.parent
        self._cancel(node)
        self._remove(parent, index.row(), index.row())
        if parent.kind is Kind.ACCOUNT and not parent.children:
            self._insert(parent, 0, [self._no_workspaces(parent)])

    def source_index(self, source_id: str) -> QModelIndex:
        for node in self._source_nodes():
            if node.source is not None and node.source.id == source_id:
                return self.index_of(node)
        return QModelIndex()

    def add_account(self, account_id: str, title: str | None = None, tooltip: str = "") -> QModelIndex:
        """Show an account (after the top-level sources); adding it again renames it."""
        index = self.account_index(account_id)
        node = self.node(index)
        if tooltip:
            self._tooltips[account_id] = tooltip
        if node is not None:
            if title is not None and title != node.text:
                node.text = title
                self.dataChanged.emit(index, index.siblingAtColumn(len(HEADERS) - 1))
            return index
        node = Node(
            Kind.ACCOUNT, None, self._root, text=title or account_id, account=account_id, load=Load.LOADED
        )
        node.children = [self._no_workspaces(node)]
        self._insert(self._root, len(self._root.children), [node])
        return self.index_of(node)

    def remove_account(self, account_id: str) -> None:
        """Stop showing an account and its workspaces."""
        index = self.account_index(account_id)
        node = self.node(index)
        if node is not None:
            self._cancel(node)
            self._remove(self._root, index.row(), index.row())
            self._tooltips.pop(account_id, None)

    def account_index(self, account_id: str) -> QModelIndex:
        for row, node in enumerate(self._root.children):
            if node.kind is Kind.ACCOUNT and node.account == account_id:
                return self.index(row, 0)
        return QModelIndex()

    def accounts(self) -> list[str]:
        return [node.account for node in self._root.children if node.account is not None]

    def account_of(self, source_id: str) -> str | None:
        """The account a source is shown under, or (a cloud folder) reads with; None: neither,
        or not shown."""
        node = self.node(self.source_index(source_id))
        if node is None:
            return None
        if node.parent is not None and node.parent.account is not None:
            return node.parent.account
        return node.source.account if isinstance(node.source, CloudFolderSource) else None

    def _source_nodes(self) -> Iterator[Node]:
        for node in self._root.children:
            if node.kind is Kind.SOURCE:
                yield node
            elif node.kind is Kind.ACCOUNT:
                yield from (child for child in node.children if child.kind is Kind.SOURCE)

    def _no_workspaces(self, account: Node) -> Node:
        return Node(Kind.EMPTY, None, account, text=self.tr("No workspaces: File > Add Azure ML workspace…"))

    # --- lookups for views and actions ---------------------------------------------------------
    def node(self, index: Index) -> Node | None:
        if not index.isValid():
            return None
        return self._by_uid.get(index.internalId())

    def index_of(self, node: Node, column: int = 0) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), column, node.uid)

    def find(self, key: Key) -> QModelIndex:
        """The index of a loaded node, by its key."""
        for node in self._root.walk():
            if node.kind is not Kind.ROOT and node.key == key:
                return self.index_of(node)
        return QModelIndex()

    def nodes(self) -> Iterator[Node]:
        """Every node loaded so far, depth first."""
        for child in self._root.children:
            yield from child.walk()

    @property
    def busy(self) -> bool:
        """Some node is still loading (or fetching a page ahead)."""
        return any(node.task is not None and not node.task.done() for node in self.nodes())

    # --- live syncs ----------------------------------------------------------------------------
    def set_sync_status(self, status: RunSyncStatus) -> None:
        """Show a run's sync state; the run's rows take the status the sync read for it."""
        self._syncs[status.key] = status
        self._sync_changed(status.key, status.run)

    def clear_sync_status(self, keys: Iterable[RunKey]) -> None:
        """No board syncs these runs any more."""
        for key in keys:
            if self._syncs.pop(key, None) is not None:
                self._sync_changed(key, None)

    def sync_status(self, key: RunKey) -> RunSyncStatus | None:
        return self._syncs.get(key)

    def _sync_changed(self, key: RunKey, fresh: Run | None) -> None:
        node = self._run_rows.get((key.source_id, key.run_id))
        if node is None or node.run is None:
            return
        if fresh is not None and fresh.status != node.run.status:
            node.run = fresh  # the same run (a sync's status is keyed by its run)
        first = self.index_of(node)
        self.dataChanged.emit(first, first.siblingAtColumn(len(HEADERS) - 1))

    # --- refresh -------------------------------------------------------------------------------
    def refresh(self, keep_expanded: Iterable[Key] = (), index: Index | None = None) -> None:
        """Reload a node (all sources when index is None); nodes whose keys are in keep_expanded
        are loaded again and asked to be expanded as they come back."""
        self._want_expanded = set(keep_expanded)
        node = self.node(index) if index is not None else None
        if node is None:
            targets = list(self._source_nodes())
        elif node.kind is Kind.ACCOUNT:
            targets = [child for child in node.children if child.kind is Kind.SOURCE]
        else:
            targets = [node]
        for target in targets:
            self._reset(target)
            if target.key in self._want_expanded:
                self._want_expanded.discard(target.key)
                self._start_load(target)

    def _reset(self, node: Node) -> None:
        self._cancel(node)
        node.generation += 1
        node.load = Load.NOT_LOADED
        node.pages = None
        node.lookahead = None
        self._set_children(node, [])

    def _cancel(self, node: Node) -> None:
        for each in node.walk():
            if each.task is not None and not each.task.done():
                each.task.cancel()
            each.task = None

    # --- Qt model interface --------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent) if parent.isValid() else self._root
        if node is None or not (0 <= row < len(node.children)) or not (0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row].uid)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None or node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.index_of(node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        node = self.node(parent) if parent.isValid() else self._root
        return len(node.children) if node is not None else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._root.children)
        node = self.node(parent)
        return node is not None and parent.column() == 0 and (bool(node.children) or node.expandable)

    def canFetchMore(self, parent: Index) -> bool:
        node = self.node(parent)
        if node is None or not node.expandable or node.kind is Kind.ACCOUNT:
            return False
        if node.load is Load.NOT_LOADED:
            return True
        return node.load is Load.LOADED and node.lookahead is not None

    def fetchMore(self, parent: Index) -> None:
        node = self.node(parent)
        if node is not None and self.canFetchMore(parent):
            self._start_load(node)

    def retry(self, index: Index) -> None:
        """Ask the source again after it failed (the user activated the error row)."""
        node = self.node(index)
        if node is None:
            return
        if node.load is Load.FAILED:
            self._start_load(node)
        elif node.pages is not None and node.children and node.children[-1].kind is Kind.ERROR:
            self._set_placeholder(node.children[-1], Kind.LOADING, self.tr("Loading…"))
            node.task = asyncio.ensure_future(self._fetch_ahead(node, node.generation))

    def flags(self, index: Index) -> Qt.ItemFlag:
        node = self.node(index)
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        if node.kind in PLACEHOLDERS:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return header_labels()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        sync = self._syncs.get(node.run.key) if node.run is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            return display(node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(node, self._tooltips.get(node.account or "", ""), sync)
        if role in (KEY_ROLE, SYNC_ROLE):
            return node.key if role == KEY_ROLE else sync
        if role == Qt.ItemDataRole.ForegroundRole:
            return foreground(node, column)
        return decoration(node, column, role, sync)

    # --- loading -------------------------------------------------------------------------------
    def _start_load(self, node: Node) -> None:
        if node.load is Load.LOADED and node.lookahead is not None:
            self._show_next_page(node)
            return
        if node.load not in (Load.NOT_LOADED, Load.FAILED):
            return
        node.load = Load.LOADING
        self._set_children(node, [Node(Kind.LOADING, node.source, node, text=self.tr("Loading…"))])
        node.task = asyncio.ensure_future(self._load(node, node.generation))

    async def _load(self, node: Node, generation: int) -> None:
        source = node.source
        assert source is not None
        try:
            children, empty = await self._children(node, source)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if generation == node.generation:
                self._failed(node, error)
            return
        if generation != node.generation:
            return
        if not children and empty:
            children = [Node(Kind.EMPTY, source, node, text=empty)]
        if node.kind is Kind.SOURCE and isinstance(source, AzureSource):  # after its experiments
            children.append(Node(Kind.DATASTORES, source, node, text=self.tr("Datastores")))
        if isinstance(source, LogFolderSource) and node.kind is Kind.SOURCE and source.unreadable:
            children.append(Node(Kind.ERROR, source, node, text=unreadable_text(source.unreadable)))
        # A sweep's hundreds of child runs go in a chunk at a time, letting the event loop breathe
        # in between: one insert of a thousand rows stalls the window for a noticeable moment.
        self._set_children(node, children[:INSERT_CHUNK])
        self._restore_expansion(children[:INSERT_CHUNK])
        for start in range(INSERT_CHUNK, len(children), INSERT_CHUNK):
            await asyncio.sleep(0)
            if generation != node.generation:
                return
            chunk = children[start : start + INSERT_CHUNK]
            self._insert(node, len(node.children), chunk)
            self._restore_expansion(chunk)
        node.load = Load.LOADED  # only now: until here the node counts as loading (busy)
        if node.pages is not None and children and children[0].kind is Kind.RUN:
            await self._fetch_ahead(node, generation)

    async def _children(self, node: Node, source: Source) -> tuple[list[Node], str]:
        """The node's children as its source has them now, and what its row says without any."""
        if node.kind is Kind.SOURCE:
            experiments = await source.experiments()
            return [Node(Kind.EXPERIMENT, source, node, experiment=e) for e in experiments], self.tr(
                "No experiments"
            )
        if node.kind is Kind.DATASTORES:
            assert isinstance(source, AzureSource)
            stores = await source.datastores()
            return [Node(Kind.DATASTORE, source, node, datastore=store) for store in stores], self.tr(
                "No datastores"
            )
        if node.kind is Kind.EXPERIMENT:
            assert node.experiment is not None
            node.pages = aiter(source.runs(node.experiment))
            return self._run_nodes(node, await anext(node.pages, [])), self.tr("No runs")
        assert node.run is not None
        node.pages = aiter(source.child_pages(node.run))
        return self._run_nodes(node, await anext(node.pages, [])), ""

    async def _fetch_ahead(self, node: Node, generation: int) -> None:
        """Get the next page of runs, to offer it with a "More runs…" row."""
        assert node.pages is not None
        try:
            page: list[Run] = await anext(node.pages, [])
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if generation == node.generation:
                self._trailing(node, Kind.ERROR, self._error_text(error))
                self._report(node, error)
            return
        if generation != node.generation:
            return
        if page:
            node.lookahead = page
            self._trailing(node, Kind.MORE, self.tr("More runs…"))
        else:
            self._trailing(node, None, "")

    def _show_next_page(self, node: Node) -> None:
        # Only inserts rows here: Qt calls fetchMore while it lays out the view.
        page: list[Run] = node.lookahead or []
        node.lookahead = None
        more = node.children[-1]
        runs = self._run_nodes(node, page)
        self._insert(node, len(node.children) - 1, runs)
        self._restore_expansion(runs)  # a refresh expanded some of them before
        self._set_placeholder(more, Kind.LOADING, self.tr("Loading…"))
        node.task = asyncio.ensure_future(self._fetch_ahead(node, node.generation))

    def _trailing(self, node: Node, kind: Kind | None, text: str) -> None:
        """Set the placeholder row after a node's runs (None: no such row)."""
        last = node.children[-1] if node.children else None
        has = last is not None and last.kind in (Kind.LOADING, Kind.MORE, Kind.ERROR)
        if kind is None:
            if has:
                self._remove(node, len(node.children) - 1, len(node.children) - 1)
        elif has and last is not None:
            self._set_placeholder(last, kind, text)
        else:
            self._insert(node, len(node.children), [Node(kind, node.source, node, text=text)])

    def _set_placeholder(self, placeholder: Node, kind: Kind, text: str) -> None:
        placeholder.kind, placeholder.text = kind, text
        first = self.index_of(placeholder)
        self.dataChanged.emit(first, first.siblingAtColumn(len(HEADERS) - 1))

    def _run_nodes(self, parent: Node, runs: list[Run]) -> list[Node]:
        return [Node(Kind.RUN, parent.source, parent, run=run) for run in runs]

    def _failed(self, node: Node, error: BaseException) -> None:
        node.load = Load.FAILED
        row = Node(Kind.ERROR, node.source, node, text=self._error_text(error), error=error)
        self._set_children(node, [row])
        self._report(node, error)

    def _error_text(self, error: BaseException) -> str:
        return self.tr("Could not load: {0}").format(describe_error(error)[0])

    def _report(self, node: Node, error: BaseException) -> None:
        message, details = describe_error(error)
        name = display(node, NAME) or self.tr("the tree")
        if details:
            log.error("Loading %s failed:\n%s", name, details)
        self.loadFailed.emit(self.tr("Loading {0} failed: {1}").format(name, message))

    def _restore_expansion(self, children: list[Node]) -> None:
        for child in children:
            if child.key in self._want_expanded:
                self._want_expanded.discard(child.key)
                self.expandRequested.emit(self.index_of(child))
                if child.load is Load.NOT_LOADED and child.expandable:
                    self._start_load(child)

    def _set_children(self, node: Node, children: list[Node]) -> None:
        if node.children:
            self._remove(node, 0, len(node.children) - 1)
        self._insert(node, 0, children)

    def _insert(self, node: Node, row: int, children: list[Node]) -> None:
        if not children:
            return
        self.beginInsertRows(self.index_of(node), row, row + len(children) - 1)
        node.children[row:row] = children
        for each in children:
            for added in each.walk():
                self._by_uid[added.uid] = added
                if added.kind is Kind.RUN and added.run is not None:
                    self._run_rows[(added.run.source_id, added.run.id)] = added
        self.endInsertRows()

    def _remove(self, node: Node, first: int, last: int) -> None:
        self.beginRemoveRows(self.index_of(node), first, last)
        gone = [each for child in node.children[first : last + 1] for each in child.walk()]
        for each in gone:
            self._by_uid.pop(each.uid, None)
            if each.kind is Kind.RUN and each.run is not None:
                row = (each.run.source_id, each.run.id)
                if self._run_rows.get(row) is each:
                    del self._run_rows[row]
        del node.children[first : last + 1]
        self.endRemoveRows()
        # Parents and children point at each other: unlinked, removed nodes are freed at once by
        # reference counting instead of piling up for the garbage collector (tbdesk.heap).
        for each in gone:
            each.children = []
