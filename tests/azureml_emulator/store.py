"""The emulator's data: one Azure ML workspace held in memory, shaped the way the service stores it.

Metrics are kept as metrics v2 stores them (one record per name with typed columns, an
`uxMetricType` and a list of values with `metricId`, `createdUtc`, `step` and `data`), because
that is what the `full` endpoint answers and what tbdesk must read back exactly.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

ORIGIN = "ExperimentRun"
SCALAR = "azureml.v1.scalar"
LIST = "azureml.v1.list"
TABLE = "azureml.v1.table"
IMAGE = "azureml.v2.image"

_EPOCH = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
FINAL = ("Completed", "Failed", "Canceled")


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _column_type(value: Any) -> str:
    # The SDK's own mapping (azureml.core._metrics): float -> double, int, bool, str -> string.
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    return "string"


# Whether an artifact record's etag changes when its file grows: nothing public says which the
# real service does (the SDK creates the record, then writes the bytes to blob storage), so the
# emulator offers both and the sync tests run under each.
RECORD_ETAGS = ("every-append", "never")


def _record_etag() -> str:
    return f'"{uuid.uuid4()}"'


@dataclass
class EmuFile:
    """An artifact: its record (path, etag, createdTime, as the artifact service lists it) and its
    blob (the bytes, whose HTTP ETag is blob storage's: never the record's etag)."""

    path: str
    data: bytes
    created: datetime
    artifact_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    etag: str = field(default_factory=_record_etag)  # the record's

    @property
    def blob_etag(self) -> str:
        return etag_of(self.data)


def etag_of(data: bytes) -> str:
    """A blob's ETag, shaped as Azure blob storage's (0x plus 15 hex digits)."""
    return '"0x' + hashlib.md5(data, usedforsecurity=False).hexdigest()[:15].upper() + '"'


@dataclass
class EmuMetric:
    name: str
    ux_type: str  # "" for a metric recorded without one
    columns: dict[str, str]
    values: list[dict[str, Any]] = field(default_factory=list)
    namespace: str | None = None  # metrics v2's metricKey.namespace

    @property
    def key(self) -> str:
        """Its key in EmuRun.metrics: `namespace/name` in a namespace, else its name."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


@dataclass
class EmuExperiment:
    name: str
    id: str
    created: datetime
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    archived: datetime | None = None
    next_number: int = 1


@dataclass
class EmuRun:
    id: str
    experiment: EmuExperiment
    number: int
    created: datetime
    parent_id: str | None = None
    root_id: str = ""
    status: str = "Completed"
    start: datetime | None = None
    end: datetime | None = None
    display_name: str | None = None
    run_type: str = "azureml.scriptrun"
    target: str = "cpu-cluster"
    tags: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, EmuMetric] = field(default_factory=dict)
    files: dict[str, EmuFile] = field(default_factory=dict)
    clock: datetime | None = None  # when the next logged value is stamped
    # What v2 jobs carry besides (seed_v2.py says where each comes from): the service's newer
    # run classification, and the MLflow params a job logged.
    run_type_v2: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    timeline: list[str] = field(default_factory=list)  # the statuses it goes through next
    record_etags: str = RECORD_ETAGS[0]  # when a growing file's record gets a new etag

    def advance(self) -> str:
        """Move on to the next status of its timeline, as the service would report the job."""
        self.status = self.timeline.pop(0)
        if self.status in FINAL and self.end is None:
            self.end = (self.start or self.created) + timedelta(minutes=5)
        return self.status

    @property
    def data_container_id(self) -> str:
        return f"dcid.{self.id}"

    def _stamp(self, at: datetime | None) -> datetime:
        if at is not None:
            return at
        self.clock = (self.clock or self.start or self.created) + timedelta(seconds=1)
        return self.clock

    def _metric(
        self, name: str, ux_type: str, columns: dict[str, str], namespace: str | None = None
    ) -> EmuMetric:
        made = EmuMetric(name, ux_type, dict(columns), namespace=namespace)
        metric = self.metrics.get(made.key)
        if metric is None:
            metric = self.metrics[made.key] = made
        elif metric.ux_type != ux_type:
            raise ValueError(f"metric {name} is a {metric.ux_type}, not a {ux_type}")
        else:
            metric.columns.update({k: v for k, v in columns.items() if k not in metric.columns})
        return metric

    def _append(self, metric: EmuMetric, data: dict[str, Any], at: datetime, step: int | None) -> None:
        metric.values.append(
            {"metricId": str(uuid.uuid4()), "createdUtc": iso(at), "step": step, "data": data}
        )

    # The SDK's logging calls, as the service records them.
    def log(
        self,
        name: str,
        value: Any,
        step: int | None = None,
        at: datetime | None = None,
        *,
        namespace: str | None = None,
    ) -> None:
        metric = self._metric(name, SCALAR, {name: _column_type(value)}, namespace)
        self._append(metric, {name: value}, self._stamp(at), step)

    def log_mlflow(self, key: str, value: float, timestamp_ms: int, step: int | None = None) -> None:
        """A metric as MLflow logs it (mlflow/tracking/_tracking_service/client.py, log_metric): a
        double, its step 0 when none is given, its time in epoch milliseconds."""
        at = datetime.fromtimestamp(timestamp_ms / 1000, UTC)
        metric = self._metric(key, SCALAR, {key: "double"})
        self._append(metric, {key: float(value)}, at, step if step is not None else 0)

    def log_typed(self, name: str, ux_type: str, values: list[Any], at: datetime | None = None) -> None:
        """Values of one column under a uxMetricType the SDK does not log (a newer client's, or
        none: ""), as a service that grew new metric types would return them."""
        moment = self._stamp(at)
        metric = self._metric(name, ux_type, {name: _column_type(values[0])})
        for step, value in enumerate(values):
            self._append(metric, {name: value}, moment + timedelta(seconds=step), step)

    def log_list(self, name: str, values: list[Any], at: datetime | None = None) -> None:
        moment = self._stamp(at)
        kind = "double" if any(isinstance(v, float) for v in values) else _column_type(values[0])
        metric = self._metric(name, LIST, {name: kind})
        for value in values:
            self._append(metric, {name: value}, moment, None)

    def log_row(self, name: str, at: datetime | None = None, **cells: Any) -> None:
        metric = self._metric(name, TABLE, {k: _column_type(v) for k, v in cells.items()})
        self._append(metric, dict(cells), self._stamp(at), None)

    def log_table(self, name: str, table: dict[str, list[Any]], at: datetime | None = None) -> None:
        moment = self._stamp(at)
        metric = self._metric(name, TABLE, {k: _column_type(v[0]) for k, v in table.items()})
        for row in zip(*table.values(), strict=True):
            self._append(metric, dict(zip(table, row, strict=True)), moment, None)

    def log_image(self, name: str, path: str, data: bytes, at: datetime | None = None) -> None:
        moment = self._stamp(at)
        self.upload(path, data, at=moment)
        metric = self._metric(name, IMAGE, {name: "Artifact"})
        location = f"aml://artifactId/{ORIGIN}/{self.data_container_id}/{path}"
        self._append(metric, {name: location}, moment, None)

    def upload(self, path: str, data: bytes, at: datetime | None = None) -> EmuFile:
        found = self.files.get(path)
        if found is None:
            found = self.files[path] = EmuFile(path, data, at or self.created)
        else:  # uploaded again: a new record for new bytes
            found.data = data
            found.etag = _record_etag()
        return found

    def append(self, path: str, data: bytes) -> EmuFile:
        """Grow a file, as a running job's event file grows: its blob, and its record's etag in
        the "every-append" mode of `record_etags` only."""
        found = self.files.get(path)
        if found is None:
            return self.upload(path, data)
        found.data += data
        if self.record_etags == "every-append":
            found.etag = _record_etag()
        return found

    def dto(self) -> dict[str, Any]:
        return {
            "runId": self.id,
            "rootRunId": self.root_id,
            "parentRunId": self.parent_id,
            "experimentId": self.experiment.id,
            "status": self.status,
            "runNumber": self.number,
            "dataContainerId": self.data_container_id,
            "createdUtc": iso(self.created),
            "startTimeUtc": iso(self.start),
            "endTimeUtc": iso(self.end),
            "properties": dict(self.properties),
            "tags": dict(self.tags),
            "runType": self.run_type or None,
            "name": None,
            "displayName": self.display_name,
            "target": self.target,
            "hidden": False,
            "createdBy": {"userName": "Ada Lovelace", "userObjectId": "0000-ada"},
            **({"runTypeV2": dict(self.run_type_v2)} if self.run_type_v2 is not None else {}),
            **({"parameters": dict(self.parameters)} if self.parameters else {}),
        }

    def details(self) -> dict[str, Any]:
        return {
            "runId": self.id,
            "target": self.target,
            "status": self.status,
            "startTimeUtc": iso(self.start),
            "endTimeUtc": iso(self.end),
            "properties": dict(self.properties),
            "inputDatasets": [],
            "outputDatasets": [],
            "runDefinition": {"script": "train.py", "arguments": []},
            "logFiles": {p: "" for p in self.files if p.startswith(("azureml-logs/", "user_logs/"))},
        }


class EmuWorkspace:
    """One workspace; every method is safe to call while the server answers requests."""

    def __init__(
        self,
        subscription_id: str = "00000000-0000-0000-0000-000000000001",
        resource_group: str = "rg-ml",
        name: str = "ws-emulated",
        location: str = "westeurope",
        *,
        record_etags: str = RECORD_ETAGS[0],
    ) -> None:
        if record_etags not in RECORD_ETAGS:
            raise ValueError(f"record_etags is one of {RECORD_ETAGS}, not {record_etags!r}")
        self.record_etags = record_etags
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.name = name
        self.location = location
        self.workspace_id = str(uuid.uuid4())  # unique, so the SDK's discovery cache never mixes runs
        self.tenant_id = "11111111-2222-3333-4444-555555555555"
        self.experiments: dict[str, EmuExperiment] = {}
        self.runs: dict[str, EmuRun] = {}
        # Datastores as the service keeps them (azureml-core's DataStore model, camelCase), with
        # their secrets: the route answers those only to a caller that asks (includeSecret).
        self.datastores: list[dict[str, Any]] = []
        self.lock = threading.RLock()
        self._clock = itertools.count()

    @property
    def scope(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.MachineLearningServices/workspaces/{self.name}"
        )

    def _now(self) -> datetime:
        # A steady fake clock: every created thing is one minute newer than the one before.
        return _EPOCH + timedelta(minutes=next(self._clock))

    def add_experiment(
        self, name: str, description: str = "", created: datetime | None = None
    ) -> EmuExperiment:
        with self.lock:
            if name not in self.experiments:
                self.experiments[name] = EmuExperiment(
                    name, str(uuid.uuid4()), created or self._now(), description
                )
            return self.experiments[name]

    def add_run(
        self,
        experiment: str | EmuExperiment,
        run_id: str | None = None,
        *,
        parent: EmuRun | None = None,
        status: str = "Completed",
        display_name: str | None = None,
        run_type: str | None = None,
        tags: dict[str, str] | None = None,
        properties: dict[str, str] | None = None,
        created: datetime | None = None,
        duration: timedelta | None = timedelta(minutes=5),
    ) -> EmuRun:
        with self.lock:
            exp = experiment if isinstance(experiment, EmuExperiment) else self.add_experiment(experiment)
            created = created or self._now()
            run_id = run_id or f"{exp.name}_{int(created.timestamp())}_{uuid.uuid4().hex[:8]}"
            if parent is not None:
                run_type = run_type or "azureml.scriptrun"
            run = EmuRun(
                id=run_id,
                experiment=exp,
                number=exp.next_number,
                created=created,
                parent_id=parent.id if parent else None,
                root_id=parent.root_id if parent else run_id,
                status=status,
                start=None if status in ("NotStarted", "Queued") else created + timedelta(seconds=10),
                display_name=display_name,
                run_type=run_type or "azureml.scriptrun",
                tags=dict(tags or {}),
                properties=dict(properties or {}),
                record_etags=self.record_etags,
            )
            if run.start is not None and duration is not None and status in FINAL:
                run.end = run.start + duration
            exp.next_number += 1
            self.runs[run_id] = run
            return run

    def children(self, run_id: str) -> list[EmuRun]:
        with self.lock:
            return [r for r in self.runs.values() if r.parent_id == run_id]

    def run_by_container(self, container: str) -> EmuRun | None:
        with self.lock:
            return next((r for r in self.runs.values() if r.data_container_id == container), None)

    def arm_dto(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.scope,
            "name": self.name,
            "type": "Microsoft.MachineLearningServices/workspaces",
            "location": self.location,
            "sku": {"name": "Basic", "tier": "Basic"},
            "tags": {},
            "identity": {"type": "SystemAssigned"},
            "properties": {
                "workspaceId": self.workspace_id,
                "friendlyName": self.name,
                "discoveryUrl": f"{base_url}/discovery",
                "provisioningState": "Succeeded",
                "hbiWorkspace": False,
            },
        }
