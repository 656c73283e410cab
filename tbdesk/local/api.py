"""The local workspace's logging API, shaped like azureml-core's Workspace, Experiment and Run.

Code written for Azure ML runs against it by changing only its imports and its workspace line:

    from tbdesk.local import Workspace, Experiment
    ws = Workspace()                      # was: Workspace.from_config()
    exp = Experiment(workspace=ws, name="sklearn-ridge")
    root_run = exp.start_logging()
    for alpha in (0.1, 0.5):
        with root_run.child_run("alpha" + str(alpha)) as run:
            run.log("alpha", alpha)
            run.log("mse", 0.25)
    root_run.complete()

Objects hold only ids and read the workspace each time, so several processes can share a run.
"""

from __future__ import annotations

import io
import numbers
import os
import secrets
import shutil
import weakref
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tbdesk.local.database import WorkspaceError
from tbdesk.local.names import check_file_name, check_metric_name, check_name, inside, safe_component
from tbdesk.local.store import RunRecord, WorkspaceStore, utc
from tbdesk.model import Metric, MetricKind, RunStatus
from tbdesk.paths import default_workspace_dir

PathLike = str | os.PathLike[str]


class Workspace:
    """A local workspace folder; `Workspace()` is the default one in tbdesk's data folder.

    It holds the workspace's database open: `close()` it, or use it in a `with` block. Code written
    for azureml-core never closes a Workspace (that one has no close), so the database is also
    closed when the Workspace is garbage-collected.
    """

    def __init__(self, path: PathLike | None = None) -> None:
        self._store = WorkspaceStore(Path(path) if path is not None else default_workspace_dir())
        self._closer = weakref.finalize(self, self._store.close)

    @property
    def path(self) -> Path:
        return self._store.root

    @property
    def name(self) -> str:
        return self._store.root.name

    @property
    def read_only(self) -> bool:
        """tbdesk only: this user may read the workspace but not write it (runs can be read,
        nothing can be logged)."""
        return self._store.read_only

    @property
    def experiments(self) -> dict[str, Experiment]:
        return {exp.name: exp for exp in Experiment.list(self)}

    def close(self) -> None:
        self._closer()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"


class Experiment:
    """An experiment of a workspace, created when missing (as azureml-core does)."""

    def __init__(self, workspace: Workspace, name: str, *, _create: bool = True) -> None:
        check_name(name)
        store = workspace._store
        record = store.get_experiment(name)
        if record is None and _create:
            record = store.create_experiment(name)
        if record is None:
            raise WorkspaceError(f"There is no experiment {name!r} in {workspace.path}.")
        self.workspace = workspace
        self.name = name
        self.id = str(record.id)

    @staticmethod
    def list(workspace: Workspace, experiment_name: str | None = None) -> list[Experiment]:
        """The workspace's experiments (never creates one)."""
        return [
            Experiment(workspace, record.name, _create=False)
            for record in workspace._store.list_experiments()
            if experiment_name is None or record.name == experiment_name
        ]

    def start_logging(
        self, *, display_name: str | None = None, snapshot_directory: PathLike | None = None
    ) -> Run:
        """A new run, started now. Local runs keep no snapshot: snapshot_directory is accepted for
        compatibility and ignored."""
        del snapshot_directory
        record = self.workspace._store.create_run(self.name, display_name=display_name)
        return Run(self, record.id)

    def get_runs(self, include_children: bool = False) -> Iterator[Run]:
        """Runs newest first; only top-level runs unless include_children."""
        rows = self.workspace._store.list_runs(self.name, top_level=not include_children)
        return iter([Run(self, record.id) for _, record in rows])

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Experiment)
            and other.workspace.path == self.workspace.path
            and other.name == self.name
        )

    def __hash__(self) -> int:
        return hash((self.workspace.path, self.name))

    def __repr__(self) -> str:
        return f"Experiment(name={self.name!r}, workspace={self.workspace!r})"


class Run:
    """A run of the local workspace. `Run(experiment, run_id)` opens an existing one."""

    def __init__(self, experiment: Experiment, run_id: str) -> None:
        record = experiment.workspace._store.get_run(run_id)
        if record is None or record.experiment != experiment.name:
            raise WorkspaceError(f"There is no run {run_id!r} in the experiment {experiment.name!r}.")
        self._experiment = experiment
        self._id = run_id
        self._number = record.number
        self._parent_id = record.parent_id

    @property
    def _store(self) -> WorkspaceStore:
        return self._experiment.workspace._store

    def _record(self) -> RunRecord:
        record = self._store.get_run(self._id)
        if record is None:
            raise WorkspaceError(f"The run {self._id} no longer exists.")
        return record

    # -- identity ----------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._id

    @property
    def experiment(self) -> Experiment:
        return self._experiment

    @property
    def number(self) -> int:
        return self._number

    @property
    def display_name(self) -> str:
        return self._record().display_name or self._id

    @display_name.setter
    def display_name(self, value: str) -> None:
        self._store.set_display_name(self._id, value)

    @property
    def name(self) -> str:
        return self.display_name

    @property
    def parent(self) -> Run | None:
        return None if self._parent_id is None else Run(self._experiment, self._parent_id)

    @property
    def files_dir(self) -> Path:
        """tbdesk only: the local folder of this run's files. A TensorBoard writer pointed at
        `files_dir / "logs"` makes the run open in TensorBoard while it is still running."""
        return self._store.run_files_dir(self._id)

    @property
    def tags(self) -> dict[str, str]:
        return dict(self._record().tags)

    @property
    def properties(self) -> dict[str, str]:
        return dict(self._record().properties)

    def get_tags(self) -> dict[str, str]:
        return self.tags

    def get_properties(self) -> dict[str, str]:
        return self.properties

    # -- status ------------------------------------------------------------------------------------

    def get_status(self) -> str:
        return self._record().status.value

    def complete(self) -> None:
        self._store.set_status(self._id, RunStatus.COMPLETED)

    def fail(self, error_details: str | BaseException | None = None, error_code: str | None = None) -> None:
        self._store.set_status(self._id, RunStatus.FAILED, error=_error_text(error_details, error_code))

    def cancel(self) -> None:
        self._store.set_status(self._id, RunStatus.CANCELED)

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # An explicit complete(), fail() or cancel() inside the block has the last word.
        if exc is None:
            self._store.set_status(self._id, RunStatus.COMPLETED, unless_final=True)
        else:
            self._store.set_status(
                self._id, RunStatus.FAILED, error=_error_text(exc, None), unless_final=True
            )

    def get_details(self) -> dict[str, Any]:
        record = self._record()
        details: dict[str, Any] = {
            "runId": record.id,
            "displayName": record.display_name or record.id,
            "target": "local",
            "status": record.status.value,
            "startTimeUtc": _iso(record.start_time),
            "properties": dict(record.properties),
            "tags": dict(record.tags),
            "inputDatasets": [],
            "outputDatasets": [],
            "logFiles": {},
        }
        if record.end_time is not None:
            details["endTimeUtc"] = _iso(record.end_time)
        if record.error:
            details["error"] = {"error": {"message": record.error}}
        return details

    # -- child runs --------------------------------------------------------------------------------

    def child_run(self, name: str | None = None, run_id: str | None = None) -> Run:
        """A child run, started now; use it as a context manager to complete (or fail) it."""
        record = self._store.create_run(
            self._experiment.name, parent_id=self._id, display_name=name, run_id=run_id
        )
        return Run(self._experiment, record.id)

    def get_children(self, recursive: bool = False) -> Iterator[Run]:
        return iter(
            [Run(self._experiment, r.id) for r in self._store.children(self._id, recursive=recursive)]
        )

    # -- tags and properties -----------------------------------------------------------------------

    def tag(self, key: str, value: object = None) -> None:
        self.set_tags({key: value})

    def set_tags(self, tags: Mapping[str, object]) -> None:
        self._store.set_tags(self._id, {k: "" if v is None else str(v) for k, v in tags.items()})

    def add_properties(self, properties: Mapping[str, object]) -> None:
        self._store.add_properties(self._id, {k: str(v) for k, v in properties.items()})

    # -- metrics -----------------------------------------------------------------------------------

    def log(self, name: str, value: object, description: str = "", step: int | None = None) -> None:
        """A number (a scalar metric) or a text (a string metric); logged again, it grows a history."""
        if isinstance(value, (list, tuple, range, Iterator)):
            raise TypeError(f"run.log({name!r}, ...) takes one value; use run.log_list for a list.")
        if isinstance(value, str):
            self._log(name, MetricKind.STRING, [value], description, _step(step))
        else:
            self._log(name, MetricKind.SCALAR, [_number(value, f"{name!r}")], description, _step(step))

    def log_list(self, name: str, value: Iterable[object], description: str = "") -> None:
        values = [_number(v, f"each item of {name!r}") for v in value]
        self._log(name, MetricKind.LIST, values, description, None)

    def log_row(self, name: str, description: str | None = None, **kwargs: object) -> None:
        if not kwargs:
            raise ValueError(f"run.log_row({name!r}) needs at least one column, e.g. log_row(name, x=1).")
        self._log(name, MetricKind.ROW, [{k: _cell(v) for k, v in kwargs.items()}], description or "", None)

    def log_table(self, name: str, value: Mapping[str, Iterable[object]], description: str = "") -> None:
        columns = {str(col): [_cell(v) for v in values] for col, values in value.items()}
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"The columns of the table {name!r} differ in length: {sorted(lengths)}.")
        count = lengths.pop() if lengths else 0
        rows = [{col: values[i] for col, values in columns.items()} for i in range(count)]
        self._log(name, MetricKind.TABLE, rows, description, None)

    def log_image(
        self, name: str, path: PathLike | IO[bytes] | None = None, plot: Any = None, description: str = ""
    ) -> None:
        """An image from a file (or a binary stream) or from a plot: any object with
        savefig(file, format="png"), such as a matplotlib figure or pyplot itself."""
        check_metric_name(name)
        if (path is None) == (plot is None):
            raise ValueError("run.log_image needs either path or plot (and not both).")
        self._store.check_open(self._id, f"the image {name!r}")
        source: Path | IO[bytes]
        suffix = ".png"
        if plot is not None:
            buffer = io.BytesIO()
            plot.savefig(buffer, format="png")
            buffer.seek(0)
            source = buffer
        elif isinstance(path, (str, os.PathLike)):
            source = Path(path)
            if not source.is_file():
                raise FileNotFoundError(f"The image {source} does not exist.")
            suffix = "." + safe_component(source.suffix[1:].lower()) if source.suffix else suffix
        else:
            assert path is not None
            source = io.BytesIO(path.read())
        _check_image(source, name, self._id)
        file_name = f"images/{safe_component(name)}/{secrets.token_hex(8)}{suffix}"
        stored = self._store.add_file(self._id, file_name, source)
        self._log(name, MetricKind.IMAGE, [stored], description, None)

    def _log(
        self, name: str, kind: MetricKind, values: list[Any], description: str, step: int | None
    ) -> None:
        check_metric_name(name)
        if values:
            self._store.log_points(self._id, name, kind, values, step=step, description=description)

    def get_metrics(self, name: str | None = None, recursive: bool = False) -> dict[str, Any]:
        """In azureml-core's shape: a metric logged once maps to its value, logged more often to a
        list; with recursive, a dict per run id (this run and every descendant)."""
        if recursive:
            runs = [self, *self.get_children(recursive=True)]
            return {run.id: run.get_metrics(name) for run in runs}
        return {m.name: _azureml_value(m) for m in self._store.metrics(self._id, name)}

    # -- files -------------------------------------------------------------------------------------

    def upload_file(self, name: str, path_or_stream: PathLike | IO[bytes]) -> str:
        """Store a file with the run under name ('outputs/model.pkl'); returns the stored name."""
        source = Path(path_or_stream) if isinstance(path_or_stream, (str, os.PathLike)) else path_or_stream
        if isinstance(source, Path) and not source.is_file():
            raise FileNotFoundError(f"The file {source} does not exist.")
        return self._store.add_file(self._id, name, source)

    def upload_folder(self, name: str, path: PathLike) -> list[str]:
        """Store every file below path under name/...; returns the stored names."""
        folder = Path(path)
        if not folder.is_dir():
            raise NotADirectoryError(f"The folder {folder} does not exist.")
        stored = []
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            stored.append(
                self._store.add_file(self._id, f"{name}/{file.relative_to(folder).as_posix()}", file)
            )
        return stored

    def get_file_names(self) -> list[str]:
        return [f.path for f in self._store.list_files(self._id)]

    def download_file(self, name: str, output_file_path: PathLike | None = None) -> Path:
        source = self._file(name)
        target = Path(output_file_path) if output_file_path is not None else Path(source.name)
        if target.is_dir():
            target = target / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target

    def _file(self, name: str) -> Path:
        path = inside(self.files_dir, check_file_name(name))
        if not path.is_file():
            raise FileNotFoundError(f"The run {self._id} has no file {name!r}.")
        return path

    # -- plumbing ----------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Run) and other._experiment == self._experiment and other._id == self._id

    def __hash__(self) -> int:
        return hash(self._id)

    def __repr__(self) -> str:
        return f"Run(experiment={self._experiment.name!r}, id={self._id!r})"


# What browsers (and so TensorBoard's image dashboard) show, by the first bytes of the file.
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def _check_image(source: Path | io.BytesIO, name: str, run_id: str) -> None:
    if isinstance(source, Path):
        with source.open("rb") as file:
            head = file.read(12)
    else:
        head = source.getvalue()[:12]
    webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if not webp and not head.startswith(_IMAGE_SIGNATURES):
        shown = source if isinstance(source, Path) else "the stream given"
        raise ValueError(
            f"{shown} is not an image (PNG, JPEG, GIF, BMP or WebP): the image {name!r} of run "
            f"{run_id} was not logged."
        )


def _number(value: object, what: str) -> float:
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"The value of {what} must be a number or a string, not {type(value).__name__}.")


def _cell(value: object) -> str | int | float | bool | None:
    """A value JSON keeps as it is (numpy numbers become plain ones)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"A row or table cell must be a number, a string or None, not {type(value).__name__}.")


def _step(step: object) -> int | None:
    if step is None or (isinstance(step, numbers.Integral) and not isinstance(step, bool)):
        return None if step is None else int(step)
    raise TypeError(f"A step must be an integer, not {type(step).__name__}.")


def _error_text(error: str | BaseException | None, code: str | None) -> str | None:
    text: str | None = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
    if code:
        text = f"[{code}] {text or ''}".strip()
    return text


def _iso(timestamp: float | None) -> str | None:
    moment = utc(timestamp)
    return None if moment is None else moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _azureml_value(metric: Metric) -> Any:
    values = [p.value for p in metric.points]
    if metric.kind is MetricKind.LIST:
        return values
    if metric.kind in (MetricKind.ROW, MetricKind.TABLE):
        columns: dict[str, list[Any]] = {}
        for row in values:
            for col in row:
                columns.setdefault(col, [])
        for row in values:
            for col, cells in columns.items():
                cells.append(row.get(col))
        if metric.kind is MetricKind.ROW and len(values) == 1:
            return {col: cells[0] for col, cells in columns.items()}
        return columns
    return values[0] if len(values) == 1 else values
