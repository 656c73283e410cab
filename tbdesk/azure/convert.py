"""Azure ML's JSON answers as tbdesk's domain objects.

Metric kinds come from metrics v2's `uxMetricType` and column types, as azureml-core logs them:
`log` -> azureml.v1.scalar (a "string" column makes it a string metric), `log_list` ->
azureml.v1.list (the values of one call share a time), `log_row` and `log_table` -> both
azureml.v1.table (a table's rows share one time, rows logged one by one do not: that is how the two
are told apart), `log_image` -> azureml.v2.image (or the older azureml.v1.image) whose value is an
`aml://artifactId/...` pointing at the picture among the run's files.

Artifact-backed JSON metrics (`log_confusion_matrix`, `log_accuracy_table`, `log_residuals`,
`log_predictions`, AutoML's forecast tables) are a JSON file among the run's files that no
TensorBoard plugin can show: they come back as metrics of kind ARTIFACT that name the file (the
first value's, as azureml-core's metrics_client reads them: "artifact backed metrics are defined by
the first value uploaded") and hold no points, so the run details can list them and exports say
they left them out.

A metric whose `uxMetricType` is missing or one tbdesk does not know is never dropped: azureml-core
treats every type that is not inline (scalar, list, table) as artifact-backed, and so does tbdesk
when its values are `aml://` locations; values that are numbers or text are read as such (the
description says the type), and anything else comes back as an UNREADABLE metric saying why.

A metric in a namespace (metrics v2's `metricKey.namespace`) is named `namespace/name`, so that
same-named metrics of two namespaces stay apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from tbdesk.model import Experiment, Metric, MetricKind, MetricPoint, Run, RunFile, RunStatus

SCALAR = "azureml.v1.scalar"
LIST = "azureml.v1.list"
TABLE = "azureml.v1.table"
IMAGES = ("azureml.v2.image", "azureml.v1.image")
# Artifact-backed JSON metrics (azureml-core's _metrics.py), by what a person calls them.
ARTIFACT_KINDS = {
    "azureml.v1.confusion_matrix": "confusion matrix",
    "azureml.v2.confusion_matrix": "confusion matrix",
    "azureml.v1.accuracy_table": "accuracy table",
    "azureml.v2.accuracy_table": "accuracy table",
    "azureml.v1.residuals": "residuals",
    "azureml.v2.residuals": "residuals",
    "azureml.v1.predictions": "predictions",
    "azureml.v2.predictions": "predictions",
    "azureml.v2.forecast_table": "forecast horizon table",
}
_ARTIFACT_COLUMN = "artifact"  # the column type of a metric whose value is an aml:// location
_NUMERIC = ("double", "float", "int", "long")
_ARTIFACT_PREFIX = "aml://artifactId/"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NONE: Mapping[str, str] = MappingProxyType({})


def parse_time(text: Any) -> datetime | None:
    """An Azure time (ISO 8601, maybe with 7 fraction digits and a Z) as an aware UTC datetime."""
    if not text or not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _strings(value: Any) -> Mapping[str, str]:
    if not isinstance(value, dict) or not value:
        return _NONE  # one shared empty mapping: thousands of runs have no tags
    return MappingProxyType({str(k): "" if v is None else str(v) for k, v in value.items()})


def to_experiment(source_id: str, dto: dict[str, Any]) -> Experiment:
    return Experiment(
        source_id=source_id,
        id=str(dto.get("experimentId") or dto["name"]),
        name=str(dto["name"]),
        created=parse_time(dto.get("createdUtc")),
        description=str(dto.get("description") or ""),
    )


# A job's kind in the words of Azure ML studio and azure-ai-ml, by its run type (lower case).
_JOB_TYPES = {
    "azureml.scriptrun": "Command",  # v2 command jobs, sweep trials, v1 script runs
    "hyperdrive": "Sweep",
    "azureml.pipelinerun": "Pipeline",
    "azureml.steprun": "Pipeline step",
    "azureml.reusedsteprun": "Pipeline step",
    "automl": "AutoML",
}


JOB_TYPES = tuple(dict.fromkeys(_JOB_TYPES.values()))  # every kind tbdesk names


def run_type_of(dto: dict[str, Any]) -> str:
    """A run's type: its `runType`, else its `azureml.runsource` property, as azureml-core itself
    decides (azureml/core/run.py, _rehydrate_runs)."""
    properties = dto.get("properties")
    source = properties.get("azureml.runsource") if isinstance(properties, dict) else None
    return str(dto.get("runType") or source or "")


def job_type(run_type: str) -> str:
    """The kind of job a run type names ("Sweep" for "hyperdrive"); "" for one tbdesk does not know."""
    return _JOB_TYPES.get(run_type.lower(), "")


def to_run(source_id: str, experiment: str, dto: dict[str, Any]) -> Run:
    run_id = str(dto["runId"])
    number = dto.get("runNumber")
    run_type = run_type_of(dto)
    return Run(
        source_id=source_id,
        experiment=experiment,
        id=run_id,
        name=str(dto.get("displayName") or dto.get("name") or run_id),
        status=RunStatus.parse(dto.get("status")),
        start_time=parse_time(dto.get("startTimeUtc")),
        end_time=parse_time(dto.get("endTimeUtc")),
        parent_id=dto.get("parentRunId") or None,
        has_children=None,  # run history does not say without asking for them
        number=int(number) if isinstance(number, int | float) else None,
        run_type=run_type,
        tags=_strings(dto.get("tags")),
        properties=_strings(dto.get("properties")),
        job_type=job_type(run_type),
        # MLflow params of v2 jobs (azure-ai-ml's runhistory Run.parameters, strings; "immutable").
        params=_strings(dto.get("parameters")),
    )


def to_file(dto: dict[str, Any]) -> RunFile:
    return RunFile(
        path=str(dto["path"]),
        size=None,
        etag=dto.get("etag") or None,
        modified=parse_time(dto.get("createdTime")),
    )


def artifact_path(location: str, container: str | None = None) -> str:
    """The path inside the run's files of an `aml://artifactId/{origin}/{container}/{path}`
    (or of the older `aml://artifactId/{path}` that v1 images used)."""
    rest = location[len(_ARTIFACT_PREFIX) :] if location.startswith(_ARTIFACT_PREFIX) else location
    parts = rest.split("/")
    if len(parts) >= 3 and parts[0] == "ExperimentRun" and (container is None or parts[1] == container):
        return "/".join(parts[2:])
    return rest


def _cell(value: Any, column_type: str) -> Any:
    if column_type.lower() in _NUMERIC and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def metric_name(name: str, namespace: str | None) -> str:
    """How tbdesk names a metric: `namespace/name` in a namespace, else its name."""
    return f"{namespace}/{name}" if namespace else name


def to_metric(dto: dict[str, Any], namespace: str | None = None) -> Metric | None:
    """One metric's full history from a metrics v2 `full` answer (all pages' values merged);
    None for one without a name or values. Values it cannot read make an UNREADABLE metric."""
    name = str(dto.get("name") or "")
    if not name or not [v for v in dto.get("value") or [] if isinstance(v, dict)]:
        return None
    shown = metric_name(name, namespace)
    try:
        metric = _metric(dto, name)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        properties = dto.get("properties")
        ux_type = str(properties.get("uxMetricType") or "") if isinstance(properties, dict) else ""
        why = f"Azure ML answered values tbdesk cannot read ({type(exc).__name__}: {exc})"
        return Metric(shown, MetricKind.UNREADABLE, (), f"{_type_words(ux_type)}: {why}")
    return metric if shown == name else replace(metric, name=shown)


def _type_words(ux_type: str) -> str:
    return f"a metric of type {ux_type}" if ux_type else "a metric without a type"


def _metric(dto: dict[str, Any], name: str) -> Metric:
    ux_type = str((dto.get("properties") or {}).get("uxMetricType") or "")
    columns: dict[str, str] = {str(k): str(v) for k, v in (dto.get("columns") or {}).items()}
    values: list[dict[str, Any]] = [v for v in dto.get("value") or [] if isinstance(v, dict)]
    times = [parse_time(v.get("createdUtc")) or _EPOCH for v in values]
    description = ""
    if ux_type in (SCALAR, LIST):
        kind = MetricKind.LIST if ux_type == LIST else MetricKind.SCALAR
        if columns.get(name, "").lower() == "string":
            kind = MetricKind.STRING
        data = [_cell((v.get("data") or {}).get(name), columns.get(name, "")) for v in values]
    elif ux_type == TABLE:
        one_time = len(values) > 1 and len(set(times)) == 1
        kind = MetricKind.TABLE if one_time else MetricKind.ROW
        data = [
            {str(k): _cell(cell, columns.get(str(k), "")) for k, cell in (v.get("data") or {}).items()}
            for v in values
        ]
    elif ux_type in IMAGES:
        kind = MetricKind.IMAGE
        container = dto.get("dataContainerId")
        data = [artifact_path(str((v.get("data") or {}).get(name, "")), container) for v in values]
    elif ux_type in ARTIFACT_KINDS or columns.get(name, "").lower() == _ARTIFACT_COLUMN:
        return _artifact_metric(name, ARTIFACT_KINDS.get(ux_type) or _type_words(ux_type), values, dto)
    else:
        unknown = _unknown(name, ux_type, values, dto)
        if isinstance(unknown, Metric):
            return unknown
        kind, data = unknown
        description = f"{_type_words(ux_type)}, which tbdesk does not know: read as {kind.value}"
    steps = [int(v["step"]) if isinstance(v.get("step"), int | float) else None for v in values]
    if len(steps) > 1 and all(step == 0 for step in steps):
        # MLflow sends step 0 when the code gave none (mlflow.log_metric(key, value)): such a
        # history is numbered in logging order, as a v1 history without steps is.
        steps = [None] * len(steps)
    points = [
        MetricPoint(step=i if step is None else step, time=t, value=d)
        for i, (step, t, d) in enumerate(zip(steps, times, data, strict=True))
    ]
    points.sort(key=lambda p: p.step)  # stable: equal steps keep the service's order
    return Metric(name=name, kind=kind, points=tuple(points), description=description)


def _unknown(
    name: str, ux_type: str, values: list[dict[str, Any]], dto: dict[str, Any]
) -> Metric | tuple[MetricKind, list[Any]]:
    """A metric of a type tbdesk does not know (or none), read by its values: the kind to read
    it as and its data, or an ARTIFACT (aml:// locations, as azureml-core takes every type that
    is not inline) or UNREADABLE metric."""
    cells: list[Any] = [v.get("data") for v in values]
    if all(isinstance(cell, dict) and set(cell) == {name} for cell in cells):
        data = [cell[name] for cell in cells]
        if all(isinstance(d, str) and d.startswith("aml://") for d in data):
            return _artifact_metric(name, _type_words(ux_type), values, dto)
        if all(isinstance(d, int | float) and not isinstance(d, bool) for d in data):
            return MetricKind.SCALAR, [float(d) for d in data]
        if all(isinstance(d, str) for d in data):
            return MetricKind.STRING, data
    elif all(isinstance(cell, dict) and cell for cell in cells) and all(
        isinstance(d, int | float | str) for cell in cells for d in cell.values()
    ):
        return MetricKind.ROW, [dict(cell) for cell in cells]
    why = "its values are neither numbers, text, rows nor files"
    return Metric(
        name, MetricKind.UNREADABLE, (), f"{_type_words(ux_type)}, which tbdesk does not know: {why}"
    )


def _artifact_metric(name: str, what: str, values: list[dict[str, Any]], dto: dict[str, Any]) -> Metric:
    """The first value's file: azureml-core defines an artifact-backed metric by the first value
    uploaded, whether there are one or many (metrics_client.dto_v2_to_metric_cells)."""
    location = (values[0].get("data") or {}).get(name) if values else None
    path = artifact_path(location, dto.get("dataContainerId")) if isinstance(location, str) else ""
    where = f" as the file {path}" if path else " as a file"
    description = f"{what or 'metric'} kept by Azure ML{where}"
    return Metric(name=name, kind=MetricKind.ARTIFACT, points=(), description=description)
