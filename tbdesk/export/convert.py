"""A run's metrics, in the shapes TensorBoard has: scalar series, text series and image series.

Scalars and lists are scalar series. Rows and tables become one series per column, tagged
`<metric>/<column>`: numbers (and booleans, as 0 and 1) as scalars, a column of only text as text;
empty cells are left out. Strings are text series, images image series. Names become safe, unique tags.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from tbdesk.export.events import ScalarSeries, counted
from tbdesk.export.names import clean_text, safe_tag, unique_tag
from tbdesk.model import Metric, MetricKind, MetricPoint, ScalarPoints

_STEP = operator.attrgetter("step")
_TIME = operator.attrgetter("time")
_VALUE = operator.attrgetter("value")
_ZONE = operator.attrgetter("tzinfo")


@dataclass(frozen=True)
class TextSeries:
    tag: str
    points: tuple[tuple[int, float, str], ...]
    description: str = ""


@dataclass(frozen=True)
class ImageSeries:
    tag: str
    points: tuple[tuple[int, float, str], ...]  # the value is the image's path among the run's files
    description: str = ""


@dataclass
class Contents:
    scalars: list[ScalarSeries] = field(default_factory=list)
    texts: list[TextSeries] = field(default_factory=list)
    images: list[ImageSeries] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be exported, for the user

    @property
    def points(self) -> int:
        return (
            sum(len(s.steps) for s in self.scalars)
            + sum(len(t.points) for t in self.texts)
            + sum(len(i.points) for i in self.images)
        )


def seconds(moment: datetime) -> float:
    """Seconds since the epoch; a time without a zone is taken as UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def convert(metrics: Sequence[Metric]) -> Contents:
    contents = Contents()
    taken: set[str] = set()

    def tag_for(name: str) -> str:
        tag = unique_tag(safe_tag(name), taken)
        taken.add(tag)
        return tag

    for metric in metrics:
        if metric.kind in (MetricKind.SCALAR, MetricKind.LIST):
            series = _scalars(tag_for(metric.name), metric.points, metric.description)
            skipped = len(metric.points) - len(series.steps)
            if skipped:
                contents.notes.append(
                    f"{metric.name}: left out {counted(skipped, 'value')} that are not numbers"
                )
            contents.scalars.append(series)
        elif metric.kind in (MetricKind.ROW, MetricKind.TABLE):
            _columns(metric, tag_for, contents)
        elif metric.kind is MetricKind.STRING:
            points = tuple((p.step, seconds(p.time), clean_text(str(p.value))) for p in metric.points)
            contents.texts.append(TextSeries(tag_for(metric.name), points, metric.description))
        elif metric.kind is MetricKind.IMAGE:
            points = tuple((p.step, seconds(p.time), str(p.value)) for p in metric.points)
            contents.images.append(ImageSeries(tag_for(metric.name), points, metric.description))
        elif metric.kind is MetricKind.ARTIFACT:
            what = metric.description or "kept by Azure ML as a file"
            contents.notes.append(f"{metric.name}: left out: {what}, which TensorBoard cannot show")
        elif metric.kind is MetricKind.UNREADABLE:
            contents.notes.append(
                f"{metric.name}: left out: {metric.description or 'its values are unreadable'}"
            )
    return contents


def _number(value: object) -> float | None:
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def _scalars(tag: str, points: Sequence[MetricPoint], description: str) -> ScalarSeries:
    if isinstance(points, ScalarPoints):  # arrays already: taken as they are
        return ScalarSeries(tag, points.steps, points.times, points.values, description)
    values = list(map(_VALUE, points))
    # Checking exact types is fast; the numbers ABC (for numpy scalars and the like) only when needed.
    if not set(map(type, values)) <= {float}:
        points = [p for p, v in zip(points, values, strict=True) if _number(v) is not None]
        values = [float(p.value) for p in points]
    moments = list(map(_TIME, points))
    if None not in set(map(_ZONE, moments)):
        times = np.fromiter(map(datetime.timestamp, moments), dtype=np.float64, count=len(moments))
    else:
        times = np.fromiter(map(seconds, moments), dtype=np.float64, count=len(moments))
    return ScalarSeries(
        tag,
        np.fromiter(map(_STEP, points), dtype=np.int64, count=len(points)),
        times,
        np.array(values, dtype=np.float64),
        description,
    )


def _columns(metric: Metric, tag_for: Any, contents: Contents) -> None:
    columns: dict[str, list[tuple[MetricPoint, object]]] = {}
    for point in metric.points:
        row = point.value if isinstance(point.value, dict) else {}
        for column, cell in row.items():
            columns.setdefault(str(column), []).append((point, cell))
    for column, cells in columns.items():
        name = f"{metric.name}/{column}"
        numbers_ = [(p, c) for p, c in cells if _number(c) is not None]
        texts = [(p, c) for p, c in cells if isinstance(c, str)]
        if numbers_:
            series = _scalars(
                tag_for(name), [MetricPoint(p.step, p.time, c) for p, c in numbers_], metric.description
            )
            contents.scalars.append(series)
            if texts:
                contents.notes.append(
                    f"{name}: left out {counted(len(texts), 'text cell')} in a column of numbers"
                )
        elif texts:
            points = tuple((p.step, seconds(p.time), clean_text(str(c))) for p, c in texts)
            contents.texts.append(TextSeries(tag_for(name), points, metric.description))
