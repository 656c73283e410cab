"""The hparams plugin's data for a sweep: a run whose child runs try different parameters.

The parent's folder gets the experiment (which parameters and metrics the HPARAMS tab shows), each
child's folder a session: its parameters, start, end and status. TensorBoard reads each metric's
value in a session as the last value of that scalar in the child's folder.

Where a child's parameters come from:
- its tags and properties (tbdesk's and Azure ML's internal ones left out; a tag holding a JSON
  object, as HyperDrive's "hyperparameters" does, gives one parameter per key);
- values it logged once: a text is a parameter; a number is a parameter when its name appears in
  the child's name (the how-to names its child runs "alpha0.1" and logs alpha and mse), otherwise
  a metric;
- values the parent logged while that child, and no other, was running (the how-to logs alpha and mse
  on the parent inside each child's `with` block): treated as if the child had logged them, and also
  written to the child's folder so TensorBoard finds the metric values there.
Every other scalar metric of a child is a metric of the sweep.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tbdesk.export import proto
from tbdesk.export.convert import seconds
from tbdesk.export.events import DATA_CLASS_TENSOR, empty_float_tensor, summary_metadata, tensor_value
from tbdesk.export.names import clean_text, safe_tag
from tbdesk.model import Metric, MetricKind, MetricPoint, Run, RunStatus

EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_TAG = "_hparams_/session_start_info"
SESSION_END_TAG = "_hparams_/session_end_info"

# api.proto's enums
_TYPE_STRING, _TYPE_BOOL, _TYPE_FLOAT64 = 1, 2, 3
_STATUS = {
    RunStatus.COMPLETED: 1,
    RunStatus.FAILED: 2,
    RunStatus.CANCELED: 2,
    RunStatus.RUNNING: 3,
}
_INTERNAL_PREFIXES = ("_", "azureml.", "mlflow.", "tbdesk.")

HParam = float | str | bool


@dataclass(frozen=True)
class Session:
    """One child run as a session of the sweep."""

    name: str  # the child's folder name: TensorBoard's name for the session's group
    hparams: dict[str, HParam]
    metrics: tuple[str, ...]  # tags of its scalar metrics
    extra: tuple[Metric, ...]  # values its parent logged for it, to be written with its metrics
    start: float | None
    end: float | None
    status: RunStatus


def plan_sweep(
    parent_metrics: Sequence[Metric], children: Sequence[tuple[Run, str, Sequence[Metric]]]
) -> list[Session]:
    """A session for each child (run, folder name, its metrics)."""
    lent = _lent_by_parent(parent_metrics, [run for run, _, _ in children])
    sessions = []
    for (run, name, metrics), borrowed in zip(children, lent, strict=True):
        own = {m.name for m in metrics}
        extra = tuple(m for m in borrowed if m.name not in own)
        hparams = _from_tags({**run.properties, **run.tags})
        metric_tags = []
        for metric in (*metrics, *extra):
            if metric.kind not in (MetricKind.SCALAR, MetricKind.LIST, MetricKind.STRING):
                continue
            single = metric.points[0].value if len(metric.points) == 1 else None
            if isinstance(single, str) and metric.kind is MetricKind.STRING:
                hparams.setdefault(metric.name, single)
            elif isinstance(single, (int, float)) and _named_in(metric.name, run.name):
                hparams.setdefault(metric.name, float(single))
            elif metric.kind is not MetricKind.STRING:
                metric_tags.append(safe_tag(metric.name))
        sessions.append(
            Session(
                name=name,
                hparams=hparams,
                metrics=tuple(tag for tag in metric_tags if tag not in hparams),
                extra=extra,
                start=_seconds(run.start_time),
                end=_seconds(run.end_time),
                status=run.status,
            )
        )
    _unify_types(sessions)
    return sessions


def experiment_value(sessions: Sequence[Session], *, created: float, description: str = "") -> bytes:
    """The Summary.Value that declares the sweep's parameters and metrics (in the parent's folder)."""
    names = sorted({key for s in sessions for key in s.hparams})
    infos = b"".join(
        proto.message(4, _hparam_info(name, [s.hparams[name] for s in sessions if name in s.hparams]))
        for name in names
    )
    metric_tags = sorted({tag for s in sessions for tag in s.metrics})
    infos += b"".join(proto.message(5, proto.message(1, proto.text(2, tag))) for tag in metric_tags)
    experiment = proto.text(1, description) + proto.double(3, created) + infos
    return _value(EXPERIMENT_TAG, proto.message(2, experiment))


def session_values(session: Session, fallback_start: float) -> list[bytes]:
    """The Summary.Values that describe one session (in the child's folder)."""
    entries = b"".join(
        proto.message(1, proto.text(1, key) + proto.message(2, _protobuf_value(value)))
        for key, value in sorted(session.hparams.items())
    )
    start = session.start if session.start is not None else fallback_start
    start_info = entries + proto.text(4, session.name) + proto.double(5, start)
    values = [_value(SESSION_START_TAG, proto.message(3, start_info))]
    if session.status.is_final:
        end = session.end if session.end is not None else start
        end_info = proto.integer(1, _STATUS.get(session.status, 0)) + proto.double(2, end)
        values.append(_value(SESSION_END_TAG, proto.message(4, end_info)))
    return values


def _value(tag: str, plugin_data: bytes) -> bytes:
    metadata = summary_metadata("hparams", DATA_CLASS_TENSOR, content=plugin_data)
    return tensor_value(tag, empty_float_tensor(), metadata)


def _protobuf_value(value: HParam) -> bytes:
    """A google.protobuf.Value (its kind must be written even when it holds a default)."""
    if isinstance(value, bool):
        return proto.key(4, proto.VARINT) + proto.varint(int(value))
    if isinstance(value, float):
        return proto.double(2, value)
    return proto.message(3, clean_text(value).encode("utf-8"))


def _hparam_info(name: str, values: Sequence[HParam]) -> bytes:
    info = proto.text(1, name)
    if all(isinstance(v, bool) for v in values):
        kind, domain = _TYPE_BOOL, _discrete(values)
    elif all(isinstance(v, float) for v in values):
        finite = [float(v) for v in values if math.isfinite(float(v))]
        interval = proto.double(1, min(finite)) + proto.double(2, max(finite)) if finite else b""
        kind, domain = _TYPE_FLOAT64, proto.message(6, interval)
    else:
        kind, domain = _TYPE_STRING, _discrete(values)
    return info + proto.integer(4, kind) + domain


def _discrete(values: Sequence[HParam]) -> bytes:
    distinct = sorted(set(values), key=lambda v: (str(type(v)), v))
    return proto.message(5, b"".join(proto.message(1, _protobuf_value(v)) for v in distinct))


def _from_tags(tags: Mapping[str, str]) -> dict[str, HParam]:
    found: dict[str, HParam] = {}
    for key, text in tags.items():
        if key.startswith(_INTERNAL_PREFIXES):
            continue
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            for inner, value in parsed.items():
                found[str(inner).lstrip("-")] = _as_hparam(value)
        else:
            found[key] = _as_hparam(text)
    return found


def _as_hparam(value: object) -> HParam:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value)
    try:
        return float(text)
    except ValueError:
        return text


def _unify_types(sessions: Sequence[Session]) -> None:
    """A parameter that is a number in one session and text in another is text in all of them."""
    kinds: dict[str, set[type]] = {}
    for session in sessions:
        for key, value in session.hparams.items():
            kinds.setdefault(key, set()).add(type(value))
    for session in sessions:
        for key, value in session.hparams.items():
            if len(kinds[key]) > 1:
                session.hparams[key] = f"{value:g}" if isinstance(value, float) else str(value)


def _named_in(metric: str, run_name: str) -> bool:
    core = "".join(ch for ch in metric.casefold() if ch.isalnum())
    return bool(core) and core in "".join(ch for ch in run_name.casefold() if ch.isalnum())


def _seconds(moment: datetime | None) -> float | None:
    return None if moment is None else seconds(moment)


def _lent_by_parent(parent_metrics: Sequence[Metric], children: Sequence[Run]) -> list[list[Metric]]:
    """For each child, the single values the parent logged while that child alone was running."""
    spans = [(_seconds(c.start_time), _seconds(c.end_time)) for c in children]
    lent: list[list[Metric]] = [[] for _ in children]
    for metric in parent_metrics:
        # A longer history is a curve of the parent's own, not one value per child.
        if metric.kind is not MetricKind.SCALAR or len(metric.points) > len(children):
            continue
        found: dict[int, list[MetricPoint]] = {}
        for point in metric.points:
            moment = seconds(point.time)
            running = [
                i
                for i, (start, end) in enumerate(spans)
                if start is not None and start <= moment and (end is None or moment <= end)
            ]
            if len(running) == 1:
                found.setdefault(running[0], []).append(point)
        for index, points in found.items():
            if len(points) == 1:
                point = points[0]
                lent[index].append(
                    Metric(metric.name, MetricKind.SCALAR, (MetricPoint(0, point.time, point.value),))
                )
    return lent
