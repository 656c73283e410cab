"""Numbers, sizes and times as the user's locale writes them (QLocale's default: the system's,
or the language chosen in Preferences), for the words the window shows. tbdesk.text keeps the
engine's own (locale-free) words for logs and the command line."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale, QObject


class _Counts(QObject):
    """A count with its noun, in the language's plural forms and the locale's digits ('1 run',
    '2 runs', '1.000 puntos'). pyside6-lupdate finds numerus forms only in a QObject's self.tr with a
    variable count, hence a method per noun; English's forms come from tbdesk_en.ts."""

    def runs(self, value: int) -> str:
        return self.tr("%Ln runs", "", value)

    def points(self, value: int) -> str:
        return self.tr("%Ln points", "", value)

    def files(self, value: int) -> str:
        return self.tr("%Ln files", "", value)

    def tensorboard_processes(self, value: int) -> str:
        return self.tr("%Ln TensorBoard processes", "", value)


_counts: _Counts | None = None


def counts() -> _Counts:
    """The counted nouns ('counts().runs(3)')."""
    global _counts  # noqa: PLW0603 (made with the first count, not at import)
    if _counts is None:
        _counts = _Counts()
    return _counts


def size(value: int) -> str:
    """'812 bytes', '1.2 KB', '3,4 MB' (binary multiples, as file managers show them)."""
    return QLocale().formattedDataSize(value, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def date_time(value: datetime | None) -> str:
    """A moment in local time, in the locale's short date and time; "" for None."""
    if value is None:
        return ""
    moment = QDateTime.fromMSecsSinceEpoch(round(value.timestamp() * 1000))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)
