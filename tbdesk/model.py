"""Domain objects shared by every layer: plain frozen dataclasses, never QObjects."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, str] = MappingProxyType({})


class RunStatus(enum.StrEnum):
    """Azure ML's run states, which the local workspace uses too."""

    NOT_STARTED = "NotStarted"
    QUEUED = "Queued"
    PREPARING = "Preparing"
    STARTING = "Starting"
    RUNNING = "Running"
    FINALIZING = "Finalizing"
    CANCEL_REQUESTED = "CancelRequested"
    COMPLETED = "Completed"
    FAILED = "Failed"
    CANCELED = "Canceled"
    UNKNOWN = "Unknown"

    @property
    def is_final(self) -> bool:
        return self in (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELED)

    @classmethod
    def parse(cls, text: str | None) -> RunStatus:
        try:
            return cls(text or "Unknown")
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True)
class RunKey:
    """Identity of a run across sources: which source, which run."""

    source_id: str
    run_id: str


@dataclass(frozen=True)
class Experiment:
    source_id: str
    id: str
    name: str
    created: datetime | None = None
    description: str = ""


@dataclass(frozen=True)
class Run:
    source_id: str
    experiment: str  # the experiment's name
    id: str
    name: str  # display name; falls back to the id
    status: RunStatus = RunStatus.UNKNOWN
    start_time: datetime | None = None
    end_time: datetime | None = None
    parent_id: str | None = None
    has_children: bool | None = None  # None: not known without asking the source
    number: int | None = None
    run_type: str = ""
    tags: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)
    properties: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)

    @property
    def key(self) -> RunKey:
        return RunKey(self.source_id, self.id)


class MetricKind(enum.StrEnum):
    """What one logged metric holds, in azureml-core's vocabulary."""

    SCALAR = "scalar"  # run.log(name, number)
    LIST = "list"  # run.log_list(name, [numbers])
    ROW = "row"  # run.log_row(name, col=value, ...)
    TABLE = "table"  # run.log_table(name, {col: [values]})
    IMAGE = "image"  # run.log_image(name, path=...)
    STRING = "string"  # run.log(name, "text")


@dataclass(frozen=True)
class MetricPoint:
    step: int
    time: datetime
    # float for scalars and lists; dict[str, float | str] for rows and tables;
    # str for strings; for images, the image's path inside the run's files.
    value: Any


@dataclass(frozen=True)
class Metric:
    """The whole history of one metric of one run."""

    name: str
    kind: MetricKind
    points: tuple[MetricPoint, ...]
    description: str = ""


@dataclass(frozen=True)
class RunFile:
    """A file stored with a run (an Azure artifact, or a file in the local workspace)."""

    path: str  # relative, '/'-separated
    size: int | None = None
    etag: str | None = None
    modified: datetime | None = None
