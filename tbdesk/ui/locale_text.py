"""Numbers, sizes and times as the user's locale writes them (QLocale's default: the system's,
or the language chosen in Preferences), for the words the window shows. tbdesk.text keeps the
engine's own (locale-free) words for logs and the command line."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale


def number(value: int) -> str:
    return QLocale().toString(value)


def count(value: int, noun: str) -> str:
    """'1 run', '2 runs', '1.000 points' (German grouping): a number with its noun, plural when
    it is not one."""
    return f"{number(value)} {noun}{'' if value == 1 else 's'}"


def size(value: int) -> str:
    """'812 bytes', '1.2 KB', '3,4 MB' (binary multiples, as file managers show them)."""
    return QLocale().formattedDataSize(value, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def date_time(value: datetime | None) -> str:
    """A moment in local time, in the locale's short date and time; "" for None."""
    if value is None:
        return ""
    moment = QDateTime.fromMSecsSinceEpoch(round(value.timestamp() * 1000))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)
