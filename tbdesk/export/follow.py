"""A running run's export kept current: its new metric points appended to its event file.

Re-exporting a run replaces its event file with a new one of the same name, which TensorBoard's
data server never notices (it follows the file it opened, by path, as it grows). So the points a
running run logs after its export are appended to that file instead: TensorBoard reads them
within its next reload, with their own steps and wall times.

What is new is told by steps: of each metric, the points whose step is past the last one written.
TensorBoard takes a point whose step is not past its tag's last one for a restart of the run and
drops every later point of that tag, so such a point (a step logged again, or a late one) is
never appended: a new export of the run (Open again, once it has ended) shows it. Images are
left to that new export too (appending needs no file of the run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from tbdesk.model import Metric, MetricKind, ScalarPoints


def last_steps(metrics: Iterable[Metric]) -> dict[str, int]:
    """The last step of each metric that has points, by name."""
    found: dict[str, int] = {}
    for metric in metrics:
        if isinstance(metric.points, ScalarPoints):
            if len(metric.points):
                found[metric.name] = int(metric.points.steps.max())
        elif metric.points:
            found[metric.name] = max(point.step for point in metric.points)
    return found


def new_points(metrics: Sequence[Metric], last: Mapping[str, int]) -> list[Metric]:
    """The metrics cut to their points past the last step written of each (all the points of a
    metric none of which was written), leaving out those with none and images."""
    found = []
    for metric in metrics:
        if metric.kind is MetricKind.IMAGE or not metric.points:
            continue
        after = last.get(metric.name)
        if after is None:
            found.append(metric)
            continue
        points = metric.points
        if isinstance(points, ScalarPoints):
            keep = points.steps > after
            cut = replace(
                metric, points=ScalarPoints(points.steps[keep], points.times[keep], points.values[keep])
            )
        else:
            cut = replace(metric, points=tuple(point for point in points if point.step > after))
        if len(cut.points):
            found.append(cut)
    return found
