"""The search box above the tree: a query language small enough to guess, and the line edit (its
tooltip says the same to the user).

A query is words separated by spaces; a run matches when it matches every word:

- `status:failed` - its status starts with "failed" (several `status:` words: any of them);
- `tag:lr=0.1` - it has the tag lr with the value 0.1; `tag:lr` - it has a tag lr at all;
- `type:sweep` - its kind of job (an Azure ML job: command, sweep, pipeline...) starts with
  "sweep" (several `type:` words: any of them);
- any other word - found in its display name, id or run number (ignoring case).

Quotes keep spaces inside one word: `tag:"note=first try"`, `"cnn lr"`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from tbdesk.model import Run

DELAY_MS = 150  # typing settles before the tree is filtered again


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...] = ()  # lower case
    statuses: tuple[str, ...] = ()  # lower case prefixes
    tags: tuple[tuple[str, str | None], ...] = ()  # (key, value or None), lower case
    types: tuple[str, ...] = ()  # lower case prefixes of job types

    @property
    def empty(self) -> bool:
        return not (self.words or self.statuses or self.tags or self.types)

    def matches(self, run: Run) -> bool:
        if self.statuses:
            status = run.status.value.lower()
            if not any(status.startswith(wanted) for wanted in self.statuses):
                return False
        if self.types:
            job_type = run.job_type.lower()
            if not any(job_type.startswith(wanted) for wanted in self.types):
                return False
        if self.tags:
            tags = {key.lower(): value.lower() for key, value in run.tags.items()}
            for key, value in self.tags:
                if key not in tags or (value is not None and tags[key] != value):
                    return False
        if self.words:
            number = f"#{run.number}" if run.number is not None else ""
            haystack = f"{run.name}\n{run.id}\n{number}".lower()
            return all(word in haystack for word in self.words)
        return True


def parse_query(text: str) -> Query:
    """Never fails: an unbalanced quote just splits on spaces."""
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    words: list[str] = []
    statuses: list[str] = []
    tags: list[tuple[str, str | None]] = []
    types: list[str] = []
    for part in parts:
        kind, colon, rest = part.partition(":")
        kind = kind.lower()
        if colon and rest and kind == "status":
            statuses.append(rest.lower())
        elif colon and rest and kind == "type":
            types.append(rest.lower())
        elif colon and rest and kind == "tag":
            key, equals, value = rest.partition("=")
            tags.append((key.strip().lower(), value.strip().lower() if equals else None))
        elif part:
            words.append(part.lower())
    return Query(tuple(words), tuple(statuses), tuple(tags), tuple(types))


class SearchBox(QLineEdit):
    """Emits queryChanged once typing pauses (and at once on Enter or when cleared)."""

    queryChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("run-search")
        self.setPlaceholderText(self.tr("Filter runs: name, status:failed, tag:lr=0.1  (Ctrl+F)"))
        self.setClearButtonEnabled(True)
        self.setToolTip(
            self.tr(
                "A query is words separated by spaces; a run matches when it matches every word:\n\n"
                '- `status:failed` - its status starts with "failed"'
                " (several `status:` words: any of them);\n"
                "- `tag:lr=0.1` - it has the tag lr with the value 0.1; `tag:lr` - it has a tag lr at all;\n"
                "- `type:sweep` - its kind of job (an Azure ML job: command, sweep, pipeline...) starts with"
                ' "sweep" (several `type:` words: any of them);\n'
                "- any other word - found in its display name, id or run number (ignoring case).\n\n"
                'Quotes keep spaces inside one word: `tag:"note=first try"`, `"cnn lr"`.'
            )
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._emit)
        self.textChanged.connect(self._changed)
        self.returnPressed.connect(self._emit)
        self._last: str | None = None

    def _changed(self, text: str) -> None:
        if not text:
            self._emit()
        else:
            self._timer.start()

    def _emit(self) -> None:
        self._timer.stop()
        text = self.text()
        if text != self._last:
            self._last = text
            self.queryChanged.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)
