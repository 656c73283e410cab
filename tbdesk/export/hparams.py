"""The hparams plugin's data for a sweep: a run whose child runs try different parameters.

Each child's folder gets a session: its parameters, start, end and status. No experiment summary
is written: TensorBoard reads one per board and ignores the others, so when several sweeps are shown
together (an experiment exported into one folder, runs opened in one board, a sweep inside a sweep)
all but one would lose their columns. Without one, the hparams plugin builds the experiment from
every session it finds: the parameters from the sessions' values, the metrics from every scalar tag
in the sessions' folders (and their sub-folders), each metric's value in a session being the last
value of that scalar. So a number a child logged once that is one of its parameters (the how-to's
alpha) is written as that parameter only, not again as a one-point scalar in its folder: the HPARAMS
tab would show it twice, as a parameter and as a metric.

Where a child's parameters come from, by these rules in this order:
- its tags and properties (tbdesk's and Azure ML's internal ones left out; a tag holding a JSON
  object, as HyperDrive's "hyperparameters" does, gives one parameter per key), its params (an
  Azure ML v2 job's MLflow params), and the values a sweep sampled for it: HyperDrive (which runs
  Azure ML's sweep jobs) keeps them on the parent as a tag named after the child, `<parent id>_<n>`
  holding a JSON object (azureml-train-core's HyperDriveRun.get_hyperparameters);
- values it logged once: a text is a parameter; a number is a parameter when its name appears in
  the child's name (the how-to names its child runs "alpha0.1" and logs alpha and mse);
- values the parent logged while that child, and no other, was running (the how-to logs alpha and mse
  on the parent inside each child's `with` block): treated as if the child had logged them, and also
  written to the child's folder so TensorBoard finds the metric values there;
- only when none of the children has a parameter by the rules above: the numbers that every child
  logged once and that differ between them (children named "trial 0", "trial 1" logging lr and acc
  once each: both lr and acc; a sweep's result logged once looks no different from its parameter).
Children that have no parameter at all are no sweep: no session is written for them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tbdesk.export import proto
from tbdesk.export.convert import seconds
from tbdesk.export.events import DATA_CLASS_TENSOR, empty_float_tensor, summary_metadata, tensor_value
from tbdesk.export.names import clean_text
from tbdesk.model import Metric, MetricKind, MetricPoint, Run, RunStatus

SESSION_START_TAG = "_hparams_/session_start_info"
SESSION_END_TAG = "_hparams_/session_end_info"

# api.proto's Status
_STATUS = {
    RunStatus.COMPLETED: 1,
    RunStatus.FAILED: 2,
    RunStatus.CANCELED: 2,
    RunStatus.RUNNING: 3,
}
_INTERNAL_PREFIXES = ("_", "azureml.", "mlflow.", "tbdesk.")
# Properties Azure ML itself puts on job runs, sweep trials and pipeline steps (seen in run records
# the service returned, and in its RunStatusChanged events), and the configuration HyperDrive keeps
# in a sweep's tags and properties (azureml-train-core's HyperDriveConfig._get_runconfig_from_run_dto,
# a HyperDrive run's details): the job's plumbing, not its parameters. They matter where a sweep is
# itself a child run (a pipeline's sweep step).
_INTERNAL_KEYS = frozenset(
    {
        "generator_config",
        "primary_metric_config",
        "policy_config",
        "platform_config",
        "max_total_jobs",
        "max_concurrent_jobs",
        "max_duration_minutes",
        "resume_from",
        "space_size",
        "best_child_run_id",
        "best_metric_status",
        "best_data_container_id",
        "score",
        "platform",
        "user_agent",
        "ContentSnapshotId",
        "contentSnapshotId",
        "ProcessInfoFile",
        "ProcessStatusFile",
        "StepType",
        "stepType",
        "ComputeTargetType",
        "computeTargetType",
        "runSource",
        "runType",
        "runTemplate",
    }
)

HParam = float | str | bool


@dataclass(frozen=True)
class Session:
    """One child run as a session of the sweep."""

    name: str  # the child's folder name: TensorBoard's name for the session's group
    hparams: dict[str, HParam]
    extra: tuple[Metric, ...]  # values its parent logged for it, to be written with its metrics
    start: float | None
    end: float | None
    status: RunStatus


def plan_sweep(
    parent_metrics: Sequence[Metric],
    children: Sequence[tuple[Run, str, Sequence[Metric]]],
    parent_tags: Mapping[str, str] | None = None,
) -> list[Session]:
    """A session for each child (run, folder name, its metrics); see the rules above. Whether they
    make a sweep: any(session.hparams for session in sessions)."""
    sampled = parent_tags or {}
    lent = _lent_by_parent(parent_metrics, [run for run, _, _ in children])
    sessions = []
    singles: list[dict[str, float]] = []  # per child: numbers it logged once, not parameters
    for (run, name, metrics), borrowed in zip(children, lent, strict=True):
        own = {m.name for m in metrics}
        extra = tuple(m for m in borrowed if m.name not in own)
        hparams = _from_tags({**run.properties, **_not_sampled(run.tags, run.id), **run.params})
        hparams.update(_sampled(sampled.get(run.id)))
        numbers: dict[str, float] = {}
        for metric in (*metrics, *extra):
            if metric.kind not in (MetricKind.SCALAR, MetricKind.LIST, MetricKind.STRING):
                continue
            single = metric.points[0].value if len(metric.points) == 1 else None
            if isinstance(single, str) and metric.kind is MetricKind.STRING:
                hparams.setdefault(metric.name, single)
            elif isinstance(single, (int, float)) and _named_in(metric.name, run.name):
                hparams.setdefault(metric.name, float(single))
            elif isinstance(single, (int, float)):
                numbers[metric.name] = float(single)
        singles.append(numbers)
        sessions.append(
            Session(
                name=name,
                hparams=hparams,
                extra=extra,
                start=_seconds(run.start_time),
                end=_seconds(run.end_time),
                status=run.status,
            )
        )
    if not any(session.hparams for session in sessions):
        _swept_numbers(sessions, singles)
    _unify_types(sessions)
    return sessions


def _swept_numbers(sessions: Sequence[Session], singles: Sequence[dict[str, float]]) -> None:
    """The last rule: numbers every child logged once, differing between children, are parameters."""
    if len(sessions) < 2:
        return
    shared = set.intersection(*(set(numbers) for numbers in singles))
    for name in sorted(shared):
        values = {numbers[name] for numbers in singles}
        if len(values) > 1:
            for session, numbers in zip(sessions, singles, strict=True):
                session.hparams[name] = numbers[name]


def session_metrics(session: Session, metrics: Sequence[Metric]) -> list[Metric]:
    """What the session's folder gets: the child's metrics and the values its parent logged for it,
    but not the numbers logged once that are its parameters (TensorBoard would list each of them
    among the metrics too, the same value twice in every row)."""
    return [metric for metric in (*metrics, *session.extra) if not _is_parameter(session, metric)]


def _is_parameter(session: Session, metric: Metric) -> bool:
    if metric.kind not in (MetricKind.SCALAR, MetricKind.LIST) or len(metric.points) != 1:
        return False
    value = metric.points[0].value
    # A tag may hold another value under the same name: then the logged one is kept as a metric.
    return isinstance(value, (int, float)) and session.hparams.get(metric.name) == float(value)


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


def _not_sampled(tags: Mapping[str, str], run_id: str) -> Mapping[str, str]:
    """A run's tags without the values it sampled for its own trials (`<run id>_<n>`)."""
    prefix = run_id + "_"
    return {
        key: text
        for key, text in tags.items()
        if not (key.startswith(prefix) and key[len(prefix) :].isdigit())
    }


def _sampled(text: str | None) -> dict[str, HParam]:
    """The values a sweep sampled for a child, from the parent's tag named after it."""
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {str(key).lstrip("-"): _as_hparam(value) for key, value in parsed.items()}


def _from_tags(tags: Mapping[str, str]) -> dict[str, HParam]:
    found: dict[str, HParam] = {}
    for key, text in tags.items():
        if key.startswith(_INTERNAL_PREFIXES) or key in _INTERNAL_KEYS:
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
    """Whether run_name names metric as a word of its own, maybe followed by a number: "alpha" in
    "alpha0.1" and "learning_rate" in "learning-rate=0.1", but not "g" in "grandchild"."""
    words = _words(metric)
    if not words:
        return False
    pattern = r"(?<![^\W_])" + re.escape(words) + r"(?![^\W\d_])"
    return re.search(pattern, _words(run_name)) is not None


def _words(text: str) -> str:
    """text in lower case, each run of characters that are neither letters nor digits one space."""
    return " ".join(part for part in re.split(r"[\W_]+", text.casefold()) if part)


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
