"""Domain objects shared by every layer: plain frozen dataclasses, never QObjects."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_EMPTY: Mapping[str, str] = MappingProxyType({})


class RunStatus(enum.StrEnum):
    """Azure ML's run states (every one of azureml-core's _restclient/constants.py RunStatus),
    which the local workspace uses too; UNKNOWN: the source cannot tell, or said something else."""

    NOT_STARTED = "NotStarted"
    UNAPPROVED = "Unapproved"
    QUEUED = "Queued"
    PREPARING = "Preparing"
    PROVISIONING = "Provisioning"
    STARTING = "Starting"
    RUNNING = "Running"
    NOT_RESPONDING = "NotResponding"  # the job stopped answering for a while; it may come back
    PAUSING = "Pausing"
    PAUSED = "Paused"
    FINALIZING = "Finalizing"
    CANCEL_REQUESTED = "CancelRequested"
    COMPLETED = "Completed"
    FAILED = "Failed"
    CANCELED = "Canceled"
    UNKNOWN = "Unknown"

    @property
    def is_final(self) -> bool:
        """Ended for good: only these three are (every other state may still change)."""
        return self in (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELED)

    @property
    def is_active(self) -> bool:
        """Known to be under way: neither ended nor unknown."""
        return not self.is_final and self is not RunStatus.UNKNOWN

    @classmethod
    def parse(cls, text: str | None) -> RunStatus:
        try:
            return cls(text or "Unknown")
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class RunKey:
    """Identity of a run across sources: which source, which run."""

    source_id: str
    run_id: str


@dataclass(frozen=True, slots=True)
class Experiment:
    source_id: str
    id: str
    name: str
    created: datetime | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
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
    run_type: str = ""  # the source's own word for it (Azure ML: runType, e.g. "hyperdrive")
    tags: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)
    properties: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)
    # What kind of job it is in the user's words ("Command", "Sweep", "Pipeline", "Pipeline step");
    # "" where the source has no such idea.
    job_type: str = ""
    # Parameters logged apart from tags and properties (Azure ML v2 jobs: MLflow params).
    params: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)

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
    # run.log_confusion_matrix(...), log_accuracy_table, ...: Azure ML keeps these as a JSON file
    # among the run's files; no TensorBoard plugin shows them. No points; the description says
    # what it is and which file holds it.
    ARTIFACT = "artifact"
    # A metric of a type tbdesk does not know, whose values it cannot read either: no points; the
    # description says what it is and why it is left out.
    UNREADABLE = "unreadable"

    @property
    def has_values(self) -> bool:
        """Its points are the metric (else it is listed, never exported: its description says why)."""
        return self not in (MetricKind.ARTIFACT, MetricKind.UNREADABLE)


@dataclass(frozen=True, slots=True)
class MetricPoint:
    step: int
    time: datetime
    # float for scalars and lists; dict[str, float | str] for rows and tables;
    # str for strings; for images, the image's path inside the run's files.
    value: Any


class ScalarPoints(Sequence[MetricPoint]):
    """The points of a scalar or list metric as three arrays instead of one MetricPoint each:
    steps (int64), times (float64, seconds since the epoch) and values (float64; NaN and +-inf
    kept). A source that reads many points at once gives these; the export encodes the arrays
    as they are, and everyone else sees MetricPoints, made when asked for. The arrays are
    read-only."""

    __slots__ = ("steps", "times", "values")

    steps: npt.NDArray[np.int64]
    times: npt.NDArray[np.float64]
    values: npt.NDArray[np.float64]

    def __init__(
        self, steps: npt.NDArray[np.int64], times: npt.NDArray[np.float64], values: npt.NDArray[np.float64]
    ) -> None:
        if not len(steps) == len(times) == len(values):
            raise ValueError(
                f"steps, times and values differ in length: {len(steps)}, {len(times)}, {len(values)}"
            )
        for array in (steps, times, values):
            array.setflags(write=False)
        self.steps, self.times, self.values = steps, times, values

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> MetricPoint: ...

    @overload
    def __getitem__(self, index: slice) -> ScalarPoints: ...

    def __getitem__(self, index: int | slice) -> MetricPoint | ScalarPoints:
        if isinstance(index, slice):
            return ScalarPoints(self.steps[index], self.times[index], self.values[index])
        return MetricPoint(
            int(self.steps[index]),
            datetime.fromtimestamp(float(self.times[index]), UTC),
            float(self.values[index]),
        )

    def __iter__(self) -> Iterator[MetricPoint]:
        for step, moment, value in zip(
            self.steps.tolist(), self.times.tolist(), self.values.tolist(), strict=True
        ):
            yield MetricPoint(step, datetime.fromtimestamp(moment, UTC), value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ScalarPoints):
            import numpy as np

            return (
                np.array_equal(self.steps, other.steps)
                and np.array_equal(self.times, other.times)
                and np.array_equal(self.values, other.values, equal_nan=True)
            )
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.steps.tobytes(), self.times.tobytes(), self.values.tobytes()))

    def __repr__(self) -> str:
        return f"ScalarPoints({len(self)} points)"


@dataclass(frozen=True, slots=True)
class Metric:
    """The whole history of one metric of one run."""

    name: str
    kind: MetricKind
    points: Sequence[MetricPoint]  # a tuple, or ScalarPoints for a scalar or list metric
    description: str = ""


@dataclass(frozen=True, slots=True)
class RunFile:
    """A file stored with a run (an Azure artifact, or a file in the local workspace)."""

    path: str  # relative, '/'-separated
    size: int | None = None
    etag: str | None = None
    modified: datetime | None = None
