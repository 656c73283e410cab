"""The run details pane under the tree: what the tree's selected run is, for any source.

What the run itself says (status, times, ids, tags, properties) shows at once; its metrics summary
and its files are asked of the source in asyncio tasks, shown as they come, and cancelled when the
selection moves on, so clicking through runs never waits for a slow source.

Metrics Azure ML keeps as artifacts (confusion matrices, accuracy tables...) are listed too, saying
that they are stored as artifacts and not exported to TensorBoard: nothing of them is shown there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from tbdesk.model import Metric, MetricKind, Run, RunFile
from tbdesk.sources.base import Source
from tbdesk.ui.i18n import QT_TRANSLATE_NOOP
from tbdesk.ui.locale_text import counts, date_time, size
from tbdesk.ui.tasks import describe_error
from tbdesk.ui.tree_nodes import run_status_text

log = logging.getLogger(__name__)

T = TypeVar("T")

RUN, TAGS, PARAMETERS, PROPERTIES, METRICS, FILES = (
    "Run",
    "Tags",
    "Parameters",
    "Properties",
    "Metrics",
    "Files",
)
# The sections' names as shown (the names above are keys).
SECTION_TITLES = {
    RUN: QT_TRANSLATE_NOOP("RunDetails", "Run"),
    TAGS: QT_TRANSLATE_NOOP("RunDetails", "Tags"),
    PARAMETERS: QT_TRANSLATE_NOOP("RunDetails", "Parameters"),
    PROPERTIES: QT_TRANSLATE_NOOP("RunDetails", "Properties"),
    METRICS: QT_TRANSLATE_NOOP("RunDetails", "Metrics"),
    FILES: QT_TRANSLATE_NOOP("RunDetails", "Files"),
}
SECTIONS = (RUN, TAGS, PARAMETERS, PROPERTIES, METRICS, FILES)  # Parameters: only for runs that have some
MAX_FILES = 500  # a run with more files lists these and says how many it left out
_NOT_EXPORTED = "#757575"  # the rows of metrics that TensorBoard will not show


def format_time(value: datetime | None) -> str:
    return date_time(value)


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    return f"{minutes}m {secs}s" if minutes else f"{secs}s"


translate = QCoreApplication.translate
_NOT_EXPORTED_WHY = {
    MetricKind.ARTIFACT: QT_TRANSLATE_NOOP(
        "RunDetails",
        "Azure ML keeps this metric as a file among the run's files (see Files), not as"
        " values: TensorBoard has nothing to show it as, so opening or exporting the run leaves it out."
        " Azure ML studio shows it.",
    ),
    MetricKind.UNREADABLE: QT_TRANSLATE_NOOP(
        "RunDetails",
        "tbdesk cannot read this metric's values (the text says why), so opening or"
        " exporting the run leaves it out. Azure ML studio may show it.",
    ),
}


def run_fields(run: Run, now: datetime | None = None) -> list[tuple[str, str]]:
    """The Run section: what the run says about itself."""
    fields = [
        (QCoreApplication.translate("RunDetails", "Status"), run_status_text(run.status)),
        (QCoreApplication.translate("RunDetails", "Display name"), run.name),
        (QCoreApplication.translate("RunDetails", "Run id"), run.id),
        (QCoreApplication.translate("RunDetails", "Experiment"), run.experiment),
    ]
    if run.number is not None:
        fields.append((QCoreApplication.translate("RunDetails", "Run number"), str(run.number)))
    if run.job_type:
        fields.append((QCoreApplication.translate("RunDetails", "Job type"), run.job_type))
    if run.run_type:  # the service's own word for it, beside the kind of job in plain words
        fields.append((QCoreApplication.translate("RunDetails", "Run type"), run.run_type))
    if run.parent_id:
        fields.append((QCoreApplication.translate("RunDetails", "Parent run"), run.parent_id))
    fields += [
        (QCoreApplication.translate("RunDetails", "Started"), format_time(run.start_time)),
        (QCoreApplication.translate("RunDetails", "Ended"), format_time(run.end_time)),
    ]
    if run.start_time is not None:
        if run.end_time is not None:
            fields.append(
                (
                    QCoreApplication.translate("RunDetails", "Duration"),
                    format_duration((run.end_time - run.start_time).total_seconds()),
                )
            )
        elif not run.status.is_final:
            elapsed = ((now or datetime.now(UTC)) - run.start_time).total_seconds()
            fields.append(
                (
                    QCoreApplication.translate("RunDetails", "Duration"),
                    QCoreApplication.translate("RunDetails", "{0} so far").format(format_duration(elapsed)),
                )
            )
    return [(name, value) for name, value in fields if value]


def metric_summary(metric: Metric) -> str:
    """'scalar, 40 points, last 0.0312'; for a metric kept as an artifact, what it is, that it is
    kept as a file (and which), and that it is not exported to TensorBoard."""
    if metric.kind is MetricKind.ARTIFACT:
        what = metric.description or translate("RunDetails", "kept by Azure ML as a file")
        return translate("RunDetails", "{0}: not exported to TensorBoard").format(what)
    if metric.kind is MetricKind.UNREADABLE:
        what = metric.description or translate("RunDetails", "its values are unreadable")
        return translate("RunDetails", "{0}: not exported to TensorBoard").format(what)
    text = f"{metric.kind.value}, {counts().points(len(metric.points))}"
    if not metric.points:
        return text
    last = metric.points[-1].value
    if metric.kind in (MetricKind.SCALAR, MetricKind.LIST) and isinstance(last, (int, float)):
        shown = f"{last:.6g}"
    elif isinstance(last, dict):
        shown = ", ".join(f"{key}={_short(value)}" for key, value in list(last.items())[:4])
    else:
        shown = _short(last)
    return translate("RunDetails", "{0}, last {1}").format(text, shown)


def _short(value: Any, limit: int = 60) -> str:
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RunDetails(QWidget):
    """Shows one run (`show_run`); `busy` while its metrics or files are still coming."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("run-details")
        self.title = QLabel()
        self.title.setObjectName("run-details-title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("run-details-tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Field", "Value"])
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemDoubleClicked.connect(self._copy)
        # Run ids are longer than the pane is wide: one click copies it whole, and any row's value
        # can be copied from its menu (its tooltip shows it whole too).
        self.copy_id_button = QToolButton()
        self.copy_id_button.setObjectName("copy-run-id")
        self.copy_id_button.setText(self.tr("Copy run id"))
        self.copy_id_button.setAutoRaise(True)
        self.copy_id_button.clicked.connect(self.copy_run_id)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy_value = QAction(self.tr("Copy"), self.tree)
        copy_value.setShortcut(QKeySequence.StandardKey.Copy)
        copy_value.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy_value.triggered.connect(self._copy_current)
        self.tree.addAction(copy_value)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.copy_id_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(heading)
        layout.addWidget(self.tree)
        self._sections: dict[str, QTreeWidgetItem] = {}
        self._tasks: list[asyncio.Task[Any]] = []
        self.source: Source | None = None
        self.run: Run | None = None
        self.show_message(self.tr("Select a run to see its details."))

    @property
    def busy(self) -> bool:
        return any(not task.done() for task in self._tasks)

    def show_message(self, text: str) -> None:
        """No run to show (nothing or several things selected): say so instead."""
        self._cancel()
        self.source = self.run = None
        self.title.setText(text)
        self.tree.clear()
        self._sections = {}
        self.tree.hide()
        self.copy_id_button.hide()

    def show_run(self, source: Source, run: Run) -> None:
        """Show a run; its metrics and files load in the background (the previous run's stop)."""
        if self.run is not None and self.source is source and self.run == run and self.run.key == run.key:
            return
        self._cancel()
        self.source, self.run = source, run
        self.title.setText(f"<b>{_escape(run.name or run.id)}</b>")
        self.tree.clear()
        shown = [name for name in SECTIONS if name != PARAMETERS or run.params]
        self._sections = {name: self._section(name) for name in shown}
        self._fill(RUN, run_fields(run))
        self._fill(TAGS, sorted(run.tags.items()), empty=self.tr("No tags"))
        if run.params:  # an Azure ML v2 job's MLflow params
            self._fill(PARAMETERS, sorted(run.params.items()))
            self._sections[PARAMETERS].setExpanded(True)
        self._fill(PROPERTIES, sorted(run.properties.items()), empty=self.tr("No properties"))
        self._fill(METRICS, [(self.tr("Loading…"), "")])
        self._fill(FILES, [(self.tr("Loading…"), "")])
        for name in (RUN, TAGS, METRICS):
            self._sections[name].setExpanded(True)
        self.tree.show()
        self.copy_id_button.setToolTip(self.tr("Copy {0} to the clipboard").format(run.id))
        self.copy_id_button.show()
        self._start(lambda: source.metrics(run), self._show_metrics, METRICS)
        self._start(lambda: source.files(run), self._show_files, FILES)

    def values(self, section: str) -> list[tuple[str, str]]:
        """The rows of a section, as shown (for tests and for copying)."""
        item = self._sections.get(section)
        if item is None:
            return []
        children = [item.child(i) for i in range(item.childCount())]
        return [(child.text(0), child.text(1)) for child in children if child is not None]

    # --- loading -------------------------------------------------------------------------------
    def _start(self, work: Callable[[], Awaitable[T]], show: Callable[[T], None], section: str) -> None:
        # The source is asked only once the task runs: a task cancelled before must leave no
        # coroutine behind that was never awaited.
        async def load() -> None:
            try:
                result = await work()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not Shiboken.isValid(self):
                    return
                message, details = describe_error(error)
                if details:
                    log.error("Loading the %s of a run failed:\n%s", section.lower(), details)
                self._fill(section, [(self.tr("Could not load"), message)], error=True)
                return
            if Shiboken.isValid(self):  # the pane may be gone with its window
                show(result)

        self._tasks.append(asyncio.ensure_future(load()))

    def _cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []

    def _show_metrics(self, metrics: Sequence[Metric]) -> None:
        ordered = sorted(metrics, key=lambda m: m.name)
        rows = [(metric.name, metric_summary(metric)) for metric in ordered]
        self._fill(METRICS, rows, empty=self.tr("No metrics"))
        self._sections[METRICS].setText(1, f"{len(rows)}" if rows else "")
        section = self._sections.get(METRICS)
        for row, metric in enumerate(ordered):
            item = section.child(row) if section is not None else None
            if item is not None and not metric.kind.has_values:
                item.setForeground(1, QBrush(QColor(_NOT_EXPORTED)))
                item.setToolTip(1, translate("RunDetails", _NOT_EXPORTED_WHY[metric.kind]))

    def _show_files(self, files: Sequence[RunFile]) -> None:
        ordered = sorted(files, key=lambda f: f.path)
        rows = [(file.path, ("" if file.size is None else size(file.size))) for file in ordered[:MAX_FILES]]
        if len(ordered) > MAX_FILES:
            rows.append((self.tr("… and {0} more").format(len(ordered) - MAX_FILES), ""))
        self._fill(FILES, rows, empty=self.tr("No files"))
        self._sections[FILES].setText(1, f"{len(ordered)}" if ordered else "")

    # --- items ---------------------------------------------------------------------------------
    def _section(self, name: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [_tr(str(SECTION_TITLES[name])), ""])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(False)
        return item

    def _fill(
        self, section: str, rows: Sequence[tuple[str, str]], *, empty: str = "", error: bool = False
    ) -> None:
        item = self._sections.get(section)
        if item is None:
            return
        item.takeChildren()
        if not rows and empty:
            rows = [(empty, "")]
        for key, value in rows:
            child = QTreeWidgetItem(item, [key, value])
            child.setToolTip(1, value)
            if error:
                child.setForeground(1, QBrush(QColor("#c62828")))

    def copy_run_id(self) -> None:
        if self.run is not None:
            QGuiApplication.clipboard().setText(self.run.id)

    def _copy_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self._copy(item, 1)

    def _copy(self, item: QTreeWidgetItem, column: int) -> None:
        text = item.text(column) or item.text(0)
        if text:
            QGuiApplication.clipboard().setText(text)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunDetails", text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
