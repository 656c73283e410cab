"""The tree of sources -> experiments -> runs -> child runs (Azure ML workspaces grouped under
their account: account -> workspaces -> experiments -> ...).

Loaded lazily: a node asks its source for its children only when it is expanded, in an asyncio
task, and shows a "Loading…" row meanwhile (or an error row when the source fails). Runs come a
page at a time; the next page is fetched ahead in the background, and a "More runs…" row offers it.
Nodes wrap the plain domain objects of tbdesk.model; nothing here blocks the event loop.

The view shows the model through a filter (the search box): it filters what is loaded, keeps the
parents of matching runs, and never asks a source for anything itself.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QStyle, QTreeView, QWidget

from tbdesk.azure.errors import SignedOutError
from tbdesk.model import Experiment, Run, RunStatus
from tbdesk.sources.base import Source
from tbdesk.ui.search import Query, parse_query
from tbdesk.ui.tasks import describe_error

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
Key = tuple[str, ...]

NAME, STATUS, STARTED = range(3)
HEADERS = ("Name", "Status", "Started")
KEY_ROLE = Qt.ItemDataRole.UserRole + 1

_FAILED_STATES = (RunStatus.FAILED, RunStatus.CANCELED)
_ACTIVE_STATES = (RunStatus.RUNNING, RunStatus.STARTING, RunStatus.PREPARING, RunStatus.QUEUED)


class Kind(enum.Enum):
    ROOT = enum.auto()
    ACCOUNT = enum.auto()  # an Azure account: its workspaces (sources) are its children
    SOURCE = enum.auto()
    EXPERIMENT = enum.auto()
    RUN = enum.auto()
    LOADING = enum.auto()  # placeholder while the parent loads
    MORE = enum.auto()  # placeholder: another page of runs is ready
    EMPTY = enum.auto()  # placeholder: the parent has nothing to show
    ERROR = enum.auto()  # placeholder: the parent's source failed; its text says why


PLACEHOLDERS = (Kind.LOADING, Kind.MORE, Kind.EMPTY, Kind.ERROR)
_ICONS = {
    Kind.ACCOUNT: QStyle.StandardPixmap.SP_DirHomeIcon,
    Kind.SOURCE: QStyle.StandardPixmap.SP_DriveHDIcon,
    Kind.EXPERIMENT: QStyle.StandardPixmap.SP_DirIcon,
    Kind.RUN: QStyle.StandardPixmap.SP_FileIcon,
    Kind.ERROR: QStyle.StandardPixmap.SP_MessageBoxWarning,
}


_uids = itertools.count(1)


class Load(enum.Enum):
    NOT_LOADED = enum.auto()
    LOADING = enum.auto()
    LOADED = enum.auto()
    FAILED = enum.auto()


@dataclass(eq=False)
class Node:
    kind: Kind
    source: Source | None
    parent: Node | None
    experiment: Experiment | None = None
    run: Run | None = None
    text: str = ""  # placeholders: what they say; accounts: the account's name
    account: str | None = None  # accounts: the account's id
    error: BaseException | None = None  # error rows: why the parent failed
    children: list[Node] = field(default_factory=list)
    load: Load = Load.NOT_LOADED
    generation: int = 0  # bumped on refresh, so a late answer for the old children is dropped
    task: asyncio.Task[None] | None = None
    pages: AsyncIterator[list[Run]] | None = None
    lookahead: list[Run] | None = None  # the next page of runs, fetched ahead
    # Indexes carry this id, not a pointer to the node: Qt may still hold an index of a removed
    # row for a moment, and an id of a gone node just finds nothing.
    uid: int = field(default_factory=lambda: next(_uids))

    @property
    def key(self) -> Key:
        """Identifies the node across refreshes (to keep expansion)."""
        if self.kind is Kind.SOURCE and self.source is not None:
            return (self.source.id,)
        if self.kind is Kind.ACCOUNT:
            return ("account", self.account or "")
        base = self.parent.key if self.parent is not None else ()
        if self.kind is Kind.EXPERIMENT and self.experiment is not None:
            return (*base, "experiment", self.experiment.id)
        if self.kind is Kind.RUN and self.run is not None:
            return (*base, "run", self.run.id)
        return (*base, self.kind.name.lower())

    @property
    def expandable(self) -> bool:
        if self.kind in (Kind.ACCOUNT, Kind.SOURCE, Kind.EXPERIMENT):
            return True
        if self.kind is Kind.RUN and self.run is not None:
            if self.load is Load.LOADED:
                return bool(self.children)
            return self.run.has_children is not False
        return False

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def _format_time(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


class SourceTreeModel(QAbstractItemModel):
    loadFailed = Signal(str)  # a message for the status bar
    expandRequested = Signal(QModelIndex)  # a node that was expanded before a refresh is back

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = Node(Kind.ROOT, None, None, load=Load.LOADED)
        self._by_uid: dict[int, Node] = {}
        self._want_expanded: set[Key] = set()
        self._tooltips: dict[str, str] = {}  # account id -> its tooltip

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
        """The account a source is shown under (None: at the top level, or not shown)."""
        node = self.node(self.source_index(source_id))
        return node.parent.account if node is not None and node.parent is not None else None

    def _source_nodes(self) -> Iterator[Node]:
        for node in self._root.children:
            if node.kind is Kind.SOURCE:
                yield node
            elif node.kind is Kind.ACCOUNT:
                yield from (child for child in node.children if child.kind is Kind.SOURCE)

    def _no_workspaces(self, account: Node) -> Node:
        return Node(Kind.EMPTY, None, account, text="No workspaces: File > Add Azure ML workspace…")

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
            self._set_placeholder(node.children[-1], Kind.LOADING, "Loading…")
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
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        if role == KEY_ROLE:
            return node.key
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(node, column)
        return self._decoration(node, column, role)

    def _display(self, node: Node, column: int) -> str | None:
        run = node.run
        if column == NAME:
            if node.kind is Kind.SOURCE and node.source is not None:
                return node.source.title
            if node.kind is Kind.ACCOUNT:
                return node.text
            if node.kind is Kind.EXPERIMENT and node.experiment is not None:
                return node.experiment.name
            return (run.name or run.id) if node.kind is Kind.RUN and run is not None else node.text
        if node.kind is not Kind.RUN or run is None:
            return None
        return str(run.status.value) if column == STATUS else _format_time(run.start_time)

    def _tooltip(self, node: Node) -> str | None:
        if node.kind is Kind.SOURCE and node.source is not None:
            return node.source.id
        if node.kind is Kind.ACCOUNT:
            return self._tooltips.get(node.account or "") or node.text
        if node.kind is Kind.EXPERIMENT and node.experiment is not None:
            return node.experiment.description or node.experiment.name
        if node.kind is Kind.RUN and node.run is not None:
            run = node.run
            lines = [run.name, f"Run id: {run.id}", f"Status: {run.status.value}"]
            if run.start_time:
                lines.append(f"Started: {_format_time(run.start_time)}")
            if run.end_time:
                lines.append(f"Ended: {_format_time(run.end_time)}")
            lines += [f"{key}: {value}" for key, value in run.tags.items()]
            return "\n".join(lines)
        return node.text or None

    def _foreground(self, node: Node, column: int) -> QBrush | None:
        if node.kind is Kind.ERROR:
            return QBrush(QColor("#c62828"))
        if node.kind in PLACEHOLDERS:
            return QBrush(QApplication.palette().color(QApplication.palette().ColorRole.PlaceholderText))
        if node.kind is Kind.RUN and node.run is not None and column == STATUS:
            if node.run.status in _FAILED_STATES:
                return QBrush(QColor("#c62828"))
            if node.run.status in _ACTIVE_STATES:
                return QBrush(QColor("#1565c0"))
        return None

    def _decoration(self, node: Node, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and node.kind in PLACEHOLDERS:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            pixmap = _ICONS.get(node.kind)
            if node.kind is Kind.SOURCE and node.parent is not None and node.parent.kind is Kind.ACCOUNT:
                pixmap = QStyle.StandardPixmap.SP_DriveNetIcon
            return QApplication.style().standardIcon(pixmap) if pixmap is not None else None
        return None

    # --- loading -------------------------------------------------------------------------------
    def _start_load(self, node: Node) -> None:
        if node.load is Load.LOADED and node.lookahead is not None:
            self._show_next_page(node)
            return
        if node.load not in (Load.NOT_LOADED, Load.FAILED):
            return
        node.load = Load.LOADING
        self._set_children(node, [Node(Kind.LOADING, node.source, node, text="Loading…")])
        node.task = asyncio.ensure_future(self._load(node, node.generation))

    async def _load(self, node: Node, generation: int) -> None:
        source = node.source
        assert source is not None
        try:
            if node.kind is Kind.SOURCE:
                experiments = await source.experiments()
                children = [Node(Kind.EXPERIMENT, source, node, experiment=e) for e in experiments]
                empty = "No experiments"
            elif node.kind is Kind.EXPERIMENT:
                assert node.experiment is not None
                node.pages = aiter(source.runs(node.experiment))
                children = self._run_nodes(node, await anext(node.pages, []))
                empty = "No runs"
            else:
                assert node.run is not None
                children = self._run_nodes(node, await source.children(node.run))
                empty = ""
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if generation == node.generation:
                self._failed(node, error)
            return
        if generation != node.generation:
            return
        node.load = Load.LOADED
        if not children and empty:
            children = [Node(Kind.EMPTY, source, node, text=empty)]
        self._set_children(node, children)
        self._restore_expansion(children)
        if node.kind is Kind.EXPERIMENT and children and children[0].kind is Kind.RUN:
            await self._fetch_ahead(node, generation)

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
            self._trailing(node, Kind.MORE, "More runs…")
        else:
            self._trailing(node, None, "")

    def _show_next_page(self, node: Node) -> None:
        # Only inserts rows here: Qt calls fetchMore while it lays out the view.
        page: list[Run] = node.lookahead or []
        node.lookahead = None
        more = node.children[-1]
        self._insert(node, len(node.children) - 1, self._run_nodes(node, page))
        self._set_placeholder(more, Kind.LOADING, "Loading…")
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
        return f"Could not load: {describe_error(error)[0]}"

    def _report(self, node: Node, error: BaseException) -> None:
        message, details = describe_error(error)
        name = self._display(node, NAME) or "the tree"
        if details:
            log.error("Loading %s failed:\n%s", name, details)
        self.loadFailed.emit(f"Loading {name} failed: {message}")

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
            self._by_uid.update((n.uid, n) for n in each.walk())
        self.endInsertRows()

    def _remove(self, node: Node, first: int, last: int) -> None:
        self.beginRemoveRows(self.index_of(node), first, last)
        for each in node.children[first : last + 1]:
            for gone in each.walk():
                self._by_uid.pop(gone.uid, None)
        del node.children[first : last + 1]
        self.endRemoveRows()


class RunFilter(QSortFilterProxyModel):
    """The tree as the search box filters it: runs that match the query, with their parents.

    Sources and accounts always show (so a source that is not loaded yet can be expanded), and so do
    experiments not loaded yet and the "Loading…", "More runs…" and error rows of sources and
    experiments: the filter works on what is loaded, and says what is not.
    """

    def __init__(self, model: SourceTreeModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tree = model
        self._query = Query()
        self.setRecursiveFilteringEnabled(True)
        self.setSourceModel(model)

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
        node = self._tree.node(self._tree.index(source_row, NAME, source_parent))
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
            and node.parent.kind in (Kind.SOURCE, Kind.EXPERIMENT)
        )


class _Selection(QItemSelectionModel):
    """Selects indexes of the tree model too (callers and tests hold those), mapped to the filter."""

    def __init__(self, model: RunFilter) -> None:
        super().__init__(model)
        self._filter = model

    def select(self, selection: Any, command: Any) -> None:
        if isinstance(selection, (QModelIndex, QPersistentModelIndex)):
            if selection.model() is self._filter.sourceModel():
                selection = self._filter.mapFromSource(selection)
        elif (
            isinstance(selection, QItemSelection)
            and not selection.isEmpty()
            and selection.first().model() is self._filter.sourceModel()
        ):
            selection = self._filter.mapSelectionFromSource(selection)
        super().select(selection, command)


class SourceTreeView(QTreeView):
    """The tree widget: multi-selection, refresh keeping expansion, pages on demand, a filter.

    Its methods take indexes of the tree model (`source_model()`) as well as its own (of the
    filter, `model()`), and map them.
    """

    runsActivated = Signal()  # a run was double-clicked or Enter pressed on runs
    signInRequested = Signal(str)  # an error row saying "signed out" was activated: its source id

    def __init__(self, model: SourceTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("source-tree")
        self._model = model
        self.filter = RunFilter(model, self)
        self._revealing = False
        self.setModel(self.filter)
        self.setSelectionModel(_Selection(self.filter))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STARTED, QHeaderView.ResizeMode.ResizeToContents)
        model.expandRequested.connect(self.expand)
        self.expanded.connect(self._on_expanded)
        self.activated.connect(self._on_activated)
        self.verticalScrollBar().valueChanged.connect(self._fetch_visible_pages)
        self.filter.rowsInserted.connect(self._fetch_visible_pages)
        self.filter.dataChanged.connect(self._fetch_visible_pages)

    def source_model(self) -> SourceTreeModel:
        return self._model

    # --- indexes of either model ---------------------------------------------------------------
    def view_index(self, index: Index) -> QModelIndex:
        """The view's (filter's) index for an index of either model; invalid when filtered out."""
        if index.model() is self._model:
            return self.filter.mapFromSource(index)
        return _plain(index)

    def tree_index(self, index: Index) -> QModelIndex:
        """The tree model's index for an index of either model."""
        if index.model() is self.filter:
            return self.filter.mapToSource(index)
        return _plain(index)

    def node_at(self, index: Index) -> Node | None:
        return self._model.node(self.tree_index(index))

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
        self.filter.set_query(query)
        if not query.empty:
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
        self._revealing = True
        try:
            for parent in parents.values():
                self.setExpanded(self._model.index_of(parent), True)
        finally:
            self._revealing = False

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
        # Qt would fetch on its next layout; asking now shows "Loading…" at once.
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
        else:
            self.setExpanded(index, not self.isExpanded(index))

    def _fetch_visible_pages(self, *_: object) -> None:
        # Deferred: rows just inserted are laid out only on the next turn of the event loop.
        QTimer.singleShot(0, self._fetch_visible_pages_now)

    def _fetch_visible_pages_now(self) -> None:
        """A "More runs…" row scrolled into view loads its page, as a list view would. Not while
        searching: the filter may hide every run, and scrolling would not stop it loading them all."""
        if not self.filter.query.empty:
            return
        self.executeDelayedItemsLayout()
        viewport = self.viewport().rect()
        for node in list(self._model.nodes()):
            if node.kind is Kind.MORE and node.parent is not None:
                rect = self.visualRect(self.view_index(self._model.index_of(node)))
                if rect.isValid() and viewport.intersects(rect):
                    self._model.fetchMore(self._model.index_of(node.parent))


def _plain(index: Index) -> QModelIndex:
    return index if isinstance(index, QModelIndex) else index.sibling(index.row(), index.column())
