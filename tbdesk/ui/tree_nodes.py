"""The rows of the source tree: what a node is (a source, an Azure account, an experiment, a run or
a placeholder row), how it is loaded, and how it shows (text, tooltip, colour, icon; a run that a
board's live sync follows shows its sync state with an icon in the Status column and its tooltip).

Nodes wrap the plain domain objects of tbdesk.model; tbdesk.ui.tree_model arranges them in a Qt
model and loads their children.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from tbdesk.azure.datastores import Datastore
from tbdesk.model import Experiment, Run, RunStatus
from tbdesk.sources import logdir
from tbdesk.sources.base import Source
from tbdesk.sync import RunSyncStatus, SyncState
from tbdesk.ui.i18n import QT_TRANSLATE_NOOP
from tbdesk.ui.sync_status import run_line

Index = QModelIndex | QPersistentModelIndex
Key = tuple[str, ...]

NAME, TYPE, STATUS, STARTED = range(4)
HEADERS = ("Name", "Type", "Status", "Started")  # Type: the kind of job (Azure ML's Command, Sweep...)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SYNC_ROLE = Qt.ItemDataRole.UserRole + 2  # a run's RunSyncStatus while a board syncs it


class Kind(enum.Enum):
    ROOT = enum.auto()
    ACCOUNT = enum.auto()  # an Azure account: its workspaces (sources) are its children
    SOURCE = enum.auto()
    EXPERIMENT = enum.auto()
    RUN = enum.auto()
    DATASTORES = enum.auto()  # under an Azure ML workspace: its datastores are its children
    DATASTORE = enum.auto()  # one of them: opened as a cloud folder (tbdesk.azure.datastores)
    LOADING = enum.auto()  # placeholder while the parent loads
    MORE = enum.auto()  # placeholder: another page of runs is ready
    EMPTY = enum.auto()  # placeholder: the parent has nothing to show
    ERROR = enum.auto()  # placeholder: the parent's source failed; its text says why


PLACEHOLDERS = (Kind.LOADING, Kind.MORE, Kind.EMPTY, Kind.ERROR)
_uids = itertools.count(1)


class Load(enum.Enum):
    NOT_LOADED = enum.auto()
    LOADING = enum.auto()
    LOADED = enum.auto()
    FAILED = enum.auto()


@dataclass(eq=False, slots=True, weakref_slot=True)
class Node:
    kind: Kind
    source: Source | None
    parent: Node | None
    experiment: Experiment | None = None
    run: Run | None = None
    datastore: Datastore | None = None
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
        if self.kind is Kind.DATASTORE and self.datastore is not None:
            return (*base, "datastore", self.datastore.name)
        return (*base, self.kind.name.lower())

    @property
    def expandable(self) -> bool:
        if self.kind in (Kind.ACCOUNT, Kind.SOURCE, Kind.EXPERIMENT, Kind.DATASTORES):
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


# --- how a node shows -----------------------------------------------------------------------------
_FAILED_STATES = (RunStatus.FAILED, RunStatus.CANCELED)
_ICONS = {
    Kind.ACCOUNT: QStyle.StandardPixmap.SP_DirHomeIcon,
    Kind.SOURCE: QStyle.StandardPixmap.SP_DriveHDIcon,
    Kind.EXPERIMENT: QStyle.StandardPixmap.SP_DirIcon,
    Kind.RUN: QStyle.StandardPixmap.SP_FileIcon,
    Kind.ERROR: QStyle.StandardPixmap.SP_MessageBoxWarning,
}


def display(node: Node, column: int) -> str | None:
    """The text of a node in a column."""
    run = node.run
    if column == NAME:
        return _name(node)
    if node.kind is Kind.DATASTORE and node.datastore is not None:
        return _datastore_text(node.datastore, column)
    if node.kind is not Kind.RUN or run is None:
        return None
    return _run_text(run, column)


def _name(node: Node) -> str:
    if node.kind is Kind.SOURCE and node.source is not None:
        return source_title(node.source)
    if node.kind is Kind.EXPERIMENT and node.experiment is not None:
        return node.experiment.name
    if node.kind is Kind.DATASTORE and node.datastore is not None:
        return node.datastore.name
    run = node.run
    return (run.name or run.id) if node.kind is Kind.RUN and run is not None else node.text


def _datastore_text(store: Datastore, column: int) -> str:
    if column == TYPE:
        return store.kind
    if column == STATUS:
        return QCoreApplication.translate("SourceTree", "not browsable") if store.problem else ""
    return ""


def _run_text(run: Run, column: int) -> str:
    if column == STATUS:
        return status_text(run)
    return run.job_type if column == TYPE else _format_time(run.start_time)


# Azure ML's run states as the window shows them: in English as Azure ML names them (the search's
# `status:` words too), in other languages translated.
_STATUSES = {
    "NotStarted": QT_TRANSLATE_NOOP("SourceTree", "NotStarted"),
    "Unapproved": QT_TRANSLATE_NOOP("SourceTree", "Unapproved"),
    "Queued": QT_TRANSLATE_NOOP("SourceTree", "Queued"),
    "Preparing": QT_TRANSLATE_NOOP("SourceTree", "Preparing"),
    "Provisioning": QT_TRANSLATE_NOOP("SourceTree", "Provisioning"),
    "Starting": QT_TRANSLATE_NOOP("SourceTree", "Starting"),
    "Running": QT_TRANSLATE_NOOP("SourceTree", "Running"),
    "NotResponding": QT_TRANSLATE_NOOP("SourceTree", "NotResponding"),
    "Pausing": QT_TRANSLATE_NOOP("SourceTree", "Pausing"),
    "Paused": QT_TRANSLATE_NOOP("SourceTree", "Paused"),
    "Finalizing": QT_TRANSLATE_NOOP("SourceTree", "Finalizing"),
    "CancelRequested": QT_TRANSLATE_NOOP("SourceTree", "CancelRequested"),
    "Completed": QT_TRANSLATE_NOOP("SourceTree", "Completed"),
    "Failed": QT_TRANSLATE_NOOP("SourceTree", "Failed"),
    "Canceled": QT_TRANSLATE_NOOP("SourceTree", "Canceled"),
    "Unknown": QT_TRANSLATE_NOOP("SourceTree", "Unknown"),
}


def run_status_text(status: RunStatus) -> str:
    return QCoreApplication.translate("SourceTree", _STATUSES.get(status.value, status.value))


def status_text(run: Run) -> str:
    """A run's status as the tree shows it. A log folder's runs have none: "live" while their
    event files grow, else when they were last written."""
    if run.run_type == logdir.RUN_TYPE:
        if run.status is RunStatus.RUNNING:
            return QCoreApplication.translate("SourceTree", "live")
        if run.end_time is not None:
            return f"{run.end_time.astimezone():%m-%d %H:%M}"  # its tooltip: "Last written"
    return run_status_text(run.status)


def header_labels() -> list[str]:
    """HEADERS in the window's language."""
    translate = QCoreApplication.translate
    return [
        translate("SourceTree", "Name"),
        translate("SourceTree", "Type"),
        translate("SourceTree", "Status"),
        translate("SourceTree", "Started"),
    ]


def source_title(source: Source) -> str:
    """A source's name in the tree, in the window's language (sources name themselves in English)."""
    from tbdesk.sources.workspace import WorkspaceSource

    if isinstance(source, WorkspaceSource):
        translate = QCoreApplication.translate
        if source.is_default:
            if source.read_only:
                return translate("SourceTree", "Local workspace (read-only)")
            return translate("SourceTree", "Local workspace")
        if source.read_only:
            return translate("SourceTree", "Local workspace ({0}, read-only)").format(source.path.name)
        return translate("SourceTree", "Local workspace ({0})").format(source.path.name)
    return source.title


def unreadable_text(items: Sequence[logdir.Unreadable], shown: int = 3) -> str:
    """What TensorBoard cannot read, in one line: how many, and the first few."""
    translate = QCoreApplication.translate
    names = "; ".join(map(str, items[:shown]))
    if len(items) > shown:
        names += translate("Unreadable", "; and {0} more").format(len(items) - shown)
    if len(items) == 1:
        return translate("Unreadable", "Cannot read 1 item, which TensorBoard will not show: {0}").format(
            names
        )
    return translate("Unreadable", "Cannot read {0} items, which TensorBoard will not show: {1}").format(
        len(items), names
    )


def tooltip(node: Node, account_tooltip: str = "", sync: RunSyncStatus | None = None) -> str | None:
    """The tooltip of a node (account_tooltip: what an account's tooltip says, when it has one;
    sync: the run's live sync)."""
    if node.kind is Kind.SOURCE and node.source is not None:
        return node.source.id
    if node.kind is Kind.ACCOUNT:
        return account_tooltip or node.text
    if node.kind is Kind.EXPERIMENT and node.experiment is not None:
        return node.experiment.description or node.experiment.name
    if node.kind is Kind.DATASTORE and node.datastore is not None:
        return node.datastore.problem or node.datastore.url
    if node.kind is Kind.RUN and node.run is not None:
        run = node.run
        translate = QCoreApplication.translate
        lines = [
            run.name,
            translate("SourceTree", "Run id: {0}").format(run.id),
            translate("SourceTree", "Status: {0}").format(run_status_text(run.status)),
        ]
        if run.job_type:
            lines.append(translate("SourceTree", "Type: {0} job").format(run.job_type))
        if run.start_time:
            lines.append(translate("SourceTree", "Started: {0}").format(_format_time(run.start_time)))
        if run.end_time:
            ended = (
                translate("SourceTree", "Last written: {0}")
                if run.run_type == logdir.RUN_TYPE
                else translate("SourceTree", "Ended: {0}")
            )
            lines.append(ended.format(_format_time(run.end_time)))
        lines += [f"{key}: {value}" for key, value in run.tags.items()]
        if sync is not None:
            lines.append(translate("SourceTree", "Sync: {0}").format(run_line(sync)))
        return "\n".join(lines)
    return node.text or None


def foreground(node: Node, column: int) -> QBrush | None:
    if node.kind is Kind.ERROR:
        return QBrush(QColor("#c62828"))
    if node.kind in PLACEHOLDERS:
        return QBrush(QApplication.palette().color(QApplication.palette().ColorRole.PlaceholderText))
    if node.kind is Kind.RUN and node.run is not None and column == STATUS:
        if node.run.status in _FAILED_STATES:
            return QBrush(QColor("#c62828"))
        if node.run.status.is_active:
            return QBrush(QColor("#1565c0"))
    return None


_SYNC_ICONS = {
    SyncState.SYNCING: QStyle.StandardPixmap.SP_BrowserReload,
    SyncState.LIVE: QStyle.StandardPixmap.SP_BrowserReload,
    SyncState.UP_TO_DATE: QStyle.StandardPixmap.SP_DialogApplyButton,
    SyncState.ERROR: QStyle.StandardPixmap.SP_MessageBoxWarning,
}


def decoration(node: Node, column: int, role: int, sync: RunSyncStatus | None = None) -> Any:
    """A node's font or icon, for those roles (None for other roles); sync: the run's live sync."""
    if role == Qt.ItemDataRole.DecorationRole and column == STATUS and sync is not None:
        pixmap = _SYNC_ICONS.get(sync.state)
        return QApplication.style().standardIcon(pixmap) if pixmap is not None else None
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


def _format_time(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""
