"""The built-in local workspace on disk: `workspace.sqlite` (WAL) plus `files/<run id>/...`.

Several processes may log into one workspace at once. Every write is one `BEGIN IMMEDIATE`
transaction that waits for the others (busy timeout) instead of failing, and a step left as None is
taken from the metric's own counter inside that same transaction, so concurrent loggers never lose
or duplicate a point. A store object is safe to share between threads (one lock, one connection).

Readers (the window, exports, the command line) open a store with read_only=True: they never create
or change a workspace, and can read one they may not write (a read-only mount, another user's).
Writers record which process writes each run (tbdesk.local.writer), so a run whose process died
shows as failed instead of running forever.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tbdesk.files import list_files
from tbdesk.local.database import (
    DB_NAME,
    FILES_DIR,
    WorkspaceError,
    has_table,
    identity,
    is_read_only,
    open_for_reading,
    open_for_writing,
)
from tbdesk.local.names import (
    InvalidNameError,
    check_display_name,
    check_file_name,
    check_key,
    check_metric_name,
    check_name,
    check_run_id,
    check_text,
    inside,
    new_run_id,
)
from tbdesk.local.writer import Writer, is_gone, this_process
from tbdesk.model import Metric, MetricKind, MetricPoint, RunFile, RunStatus, ScalarPoints
from tbdesk.paths import create_file, make_dirs

# Uploads are written here first, named after their writer, then linked into files/: what a killed
# upload leaves is found in one folder, and removed once its writer is gone.
INCOMING_DIR = ".incoming"
# Earlier versions wrote uploads beside their target under this prefix: never listed as run files.
_TMP_PREFIX = ".tbdesk-tmp-"
# A metric's next step must fit SQLite's 64-bit integers too.
MIN_STEP, MAX_STEP = -(2**63), 2**63 - 2
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)

# Connections inherited through fork() must never be used or closed in the child: closing one could
# checkpoint and delete the WAL under the parent's feet. They are parked here for the child's lifetime.
_INHERITED: list[sqlite3.Connection] = []

_NUMERIC_KINDS = (MetricKind.SCALAR, MetricKind.LIST)
_SCALAR_ROW = [("step", "<i8"), ("time", "<f8"), ("number", "<f8")]
_JSON_KINDS = (MetricKind.ROW, MetricKind.TABLE)


@dataclass(frozen=True)
class ExperimentRecord:
    id: int
    name: str
    created: float
    description: str = ""


@dataclass(frozen=True)
class RunRecord:
    id: str
    experiment: str
    number: int
    display_name: str | None
    parent_id: str | None
    root_id: str
    status: RunStatus
    created: float
    start_time: float | None
    end_time: float | None
    error: str | None
    run_type: str
    has_children: bool
    tags: Mapping[str, str] = field(default_factory=dict)
    properties: Mapping[str, str] = field(default_factory=dict)


def utc(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


_RUN_COLUMNS = """r.id, e.name, r.number, r.display_name, r.parent_id, r.root_id, r.status, r.created,
    r.start_time, r.end_time, r.error, r.run_type,
    EXISTS (SELECT 1 FROM runs c WHERE c.parent_id = r.id)"""
_RUN_FROM = "FROM runs r JOIN experiments e ON e.id = r.experiment_id"


class WorkspaceStore:
    """One workspace folder. A writer (the logging API) creates it when missing; a reader
    (read_only=True) never creates or changes anything and refuses a folder without a workspace.
    A workspace this user may not write is opened read-only either way (`read_only` says so)."""

    def __init__(self, root: Path | str, *, read_only: bool = False) -> None:
        self.root = Path(root).expanduser().absolute()
        self.db_path = self.root / DB_NAME
        self.files_root = self.root / FILES_DIR
        if self.root.exists() and not self.root.is_dir():
            raise WorkspaceError(f"{self.root} is a file, not a workspace folder.")
        self.read_only = read_only or is_read_only(self.root)
        if not self.read_only:
            try:
                make_dirs(self.root)
            except OSError as exc:
                raise WorkspaceError(f"Cannot create the workspace folder {self.root}: {exc}") from exc
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._identity: tuple[int, int] = (0, 0)
        self._writer: Writer | None = None
        self._claimed: set[str] = set()
        self._has_writers = True
        with self._lock:
            self._connection()
        if not self.read_only:
            self._remove_dead_uploads()

    # -- connection and transactions ---------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                if self._pid == os.getpid():
                    self._conn.close()
                else:
                    _INHERITED.append(self._conn)
            self._conn = None

    def __enter__(self) -> WorkspaceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid != os.getpid():
            _INHERITED.append(self._conn)
            self._conn = None
        if self._conn is None:
            self._conn = open_for_reading(self.root) if self.read_only else open_for_writing(self.root)
            self._pid = os.getpid()
            self._writer = None if self.read_only else this_process()
            self._claimed = set()
            self._identity = identity(self.db_path)
            # Workspaces written before writers were recorded have no such table (readers cope).
            self._has_writers = has_table(self._conn, "writers")
        return self._conn

    @contextlib.contextmanager
    def _transaction(self, begin: str, what: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                conn.execute(begin)
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite itself rolls back on some errors (a full disk)
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                    raise WorkspaceError(
                        f"The disk holding the workspace {self.root} is full: {what} was not stored."
                    ) from exc
                raise WorkspaceError(f"The workspace {self.root} failed: {exc}") from exc

    def _write(self, what: str) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """A write transaction; what says what it stores ("the metric 'loss' of run X"), for errors."""
        self._check_writable(what)
        return self._transaction("BEGIN IMMEDIATE", what)

    def _read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN", "nothing")

    def _check_writable(self, what: str) -> None:
        if self.read_only:
            raise WorkspaceError(
                f"The workspace {self.root} is read-only (this user may not write to it): {what} was "
                "not stored."
            )
        with self._lock:
            self._connection()
            if identity(self.db_path) != self._identity:
                # Writing on would succeed into a deleted file and reach no disk: refuse instead.
                raise WorkspaceError(
                    f"The workspace {self.root} was deleted or replaced while this process was writing to "
                    f"it: {what} was not stored. Nothing more can be written there by this process."
                )

    def _claim(self, conn: sqlite3.Connection, run_id: str) -> None:
        """Record this process as a writer of the run (once per run and process)."""
        if run_id not in self._claimed and self._writer is not None:
            conn.execute(
                "INSERT OR IGNORE INTO writers (run_id, writer) VALUES (?, ?)", (run_id, self._writer.text())
            )
            self._claimed.add(run_id)

    def _remove_dead_uploads(self) -> None:
        """Remove what uploads killed midway left in the incoming folder (their writer is gone)."""
        folder = self.root / INCOMING_DIR
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            writer = Writer.parse(name.rpartition("_")[0])
            if writer is not None and is_gone(writer):
                with contextlib.suppress(OSError):
                    (folder / name).unlink()

    # -- experiments -------------------------------------------------------------------------------

    def create_experiment(self, name: str) -> ExperimentRecord:
        """The experiment called name, created when missing (like azureml's Experiment(ws, name))."""
        check_name(name)
        with self._write(f"the experiment {name!r}") as conn:
            conn.execute(
                "INSERT INTO experiments (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (name, time.time()),
            )
            return self._experiment(conn, name)  # type: ignore[return-value]

    def get_experiment(self, name: str) -> ExperimentRecord | None:
        with self._read() as conn:
            return self._experiment(conn, name)

    def list_experiments(self) -> list[ExperimentRecord]:
        with self._read() as conn:
            rows = conn.execute("SELECT id, name, created, description FROM experiments ORDER BY name")
            return [ExperimentRecord(*row) for row in rows]

    @staticmethod
    def _experiment(conn: sqlite3.Connection, name: str) -> ExperimentRecord | None:
        row = conn.execute(
            "SELECT id, name, created, description FROM experiments WHERE name = ?", (name,)
        ).fetchone()
        return ExperimentRecord(*row) if row else None

    # -- runs --------------------------------------------------------------------------------------

    def create_run(
        self,
        experiment: str,
        *,
        parent_id: str | None = None,
        display_name: str | None = None,
        run_id: str | None = None,
        run_type: str = "local",
    ) -> RunRecord:
        """A new run, started now (status Running)."""
        run_id = new_run_id(experiment) if run_id is None else check_run_id(run_id)
        if display_name is not None:
            check_display_name(display_name)
        now = time.time()
        with self._write(f"a new run of the experiment {experiment!r}") as conn:
            exp = self._experiment(conn, experiment)
            if exp is None:
                raise WorkspaceError(f"There is no experiment {experiment!r} in {self.root}.")
            root_id = run_id
            if parent_id is not None:
                parent = conn.execute("SELECT root_id FROM runs WHERE id = ?", (parent_id,)).fetchone()
                if parent is None:
                    raise WorkspaceError(f"There is no run {parent_id!r} in {self.root}.")
                root_id = parent[0]
            if conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                raise WorkspaceError(f"A run with the id {run_id!r} already exists.")
            number = conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM runs WHERE experiment_id = ?", (exp.id,)
            ).fetchone()[0]
            conn.execute(
                """INSERT INTO runs (id, experiment_id, parent_id, root_id, number, display_name,
                   run_type, status, created, start_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    run_id,
                    exp.id,
                    parent_id,
                    root_id,
                    number,
                    display_name,
                    run_type,
                    RunStatus.RUNNING.value,
                    now,
                    now,
                ),
            )
            self._claim(conn, run_id)
            return self._run(conn, run_id)  # type: ignore[return-value]

    def get_run(self, run_id: str) -> RunRecord | None:
        with self._read() as conn:
            return self._run(conn, run_id)

    def list_runs(
        self, experiment: str, *, top_level: bool = True, before_seq: int | None = None, limit: int = -1
    ) -> list[tuple[int, RunRecord]]:
        """Runs of an experiment, newest first, with their sequence numbers (for keyset paging)."""
        sql = f"SELECT r.seq, {_RUN_COLUMNS} {_RUN_FROM} WHERE e.name = ?"
        args: list[Any] = [experiment]
        if top_level:
            sql += " AND r.parent_id IS NULL"
        if before_seq is not None:
            sql += " AND r.seq < ?"
            args.append(before_seq)
        sql += " ORDER BY r.seq DESC LIMIT ?"
        args.append(limit)
        with self._read() as conn:
            rows = conn.execute(sql, args).fetchall()
            return [(row[0], self._complete_run(conn, row[1:])) for row in rows]

    def children(self, run_id: str, *, recursive: bool = False) -> list[RunRecord]:
        """Child runs, newest first; with recursive, every descendant (depth first, newest first)."""
        with self._read() as conn:
            return self._children(conn, run_id, recursive)

    def _children(self, conn: sqlite3.Connection, run_id: str, recursive: bool) -> list[RunRecord]:
        rows = conn.execute(
            f"SELECT {_RUN_COLUMNS} {_RUN_FROM} WHERE r.parent_id = ? ORDER BY r.seq DESC", (run_id,)
        ).fetchall()
        found: list[RunRecord] = []
        for row in rows:
            child = self._complete_run(conn, row)
            found.append(child)
            if recursive and child.has_children:
                found.extend(self._children(conn, child.id, recursive))
        return found

    def _run(self, conn: sqlite3.Connection, run_id: str) -> RunRecord | None:
        row = conn.execute(f"SELECT {_RUN_COLUMNS} {_RUN_FROM} WHERE r.id = ?", (run_id,)).fetchone()
        return self._complete_run(conn, row) if row else None

    def _complete_run(self, conn: sqlite3.Connection, row: Sequence[Any]) -> RunRecord:
        run_id = row[0]
        tags = dict(conn.execute("SELECT key, value FROM tags WHERE run_id = ? ORDER BY key", (run_id,)))
        props = dict(
            conn.execute("SELECT key, value FROM properties WHERE run_id = ? ORDER BY key", (run_id,))
        )
        status, error = RunStatus.parse(row[6]), row[10]
        if not status.is_final and self._has_writers:
            stopped = self._stopped(conn, run_id)
            if stopped is not None:
                status, error = RunStatus.FAILED, error or stopped
        return RunRecord(
            id=run_id, experiment=row[1], number=row[2], display_name=row[3], parent_id=row[4],
            root_id=row[5], status=status, created=row[7], start_time=row[8],
            end_time=row[9], error=error, run_type=row[11], has_children=bool(row[12]),
            tags=tags, properties=props,
        )  # fmt: skip

    @staticmethod
    def _stopped(conn: sqlite3.Connection, run_id: str) -> str | None:
        """Why an unfinished run is shown as failed: every process that wrote it is gone. None
        while one of them runs (or when none was recorded: runs of older tbdesk versions)."""
        found = [
            Writer.parse(w) for (w,) in conn.execute("SELECT writer FROM writers WHERE run_id = ?", (run_id,))
        ]
        writers = [w for w in found if w is not None]
        if not writers or not all(map(is_gone, writers)):
            return None
        pids = ", ".join(str(w.pid) for w in writers)
        return (
            f"Stopped: the process that logged this run (pid {pids}) ended without completing it."
            if len(writers) == 1
            else f"Stopped: the processes that logged this run (pids {pids}) ended without completing it."
        )

    def set_status(
        self, run_id: str, status: RunStatus, *, error: str | None = None, unless_final: bool = False
    ) -> RunRecord:
        """Record a new status; a final one also records the end time. With unless_final, a run that
        already ended keeps its status (a context manager exiting after an explicit complete())."""
        if error is not None:
            # An error message is a diagnosis, never refused: one that quotes undecodable bytes
            # (a lone surrogate) is kept with that character escaped.
            error = error.encode("utf-8", "backslashreplace").decode("utf-8")
        with self._write(f"the status {status} of run {run_id}") as conn:
            self._claim(conn, run_id)
            run = self._require(conn, run_id)
            if run.status.is_final and (unless_final or status is run.status):
                return run  # the end time of the first final status stays
            if run.status.is_final:
                raise WorkspaceError(
                    f"The run {run_id} is already {run.status}: it cannot become {status} (refused)."
                )
            end = time.time() if status.is_final else None
            conn.execute(
                "UPDATE runs SET status = ?, end_time = ?, error = coalesce(?, error) WHERE id = ?",
                (status.value, end, error, run_id),
            )
            return self._run(conn, run_id)  # type: ignore[return-value]

    def set_display_name(self, run_id: str, name: str | None) -> None:
        if name is not None:
            check_display_name(name)
        with self._write(f"the name of run {run_id}") as conn:
            self._claim(conn, run_id)
            self._require(conn, run_id)
            conn.execute("UPDATE runs SET display_name = ? WHERE id = ?", (name, run_id))

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        _check_entries(run_id, tags, "tag")
        with self._write(f"the tags of run {run_id}") as conn:
            self._claim(conn, run_id)
            self._require(conn, run_id)
            conn.executemany(
                "INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)",
                [(run_id, key, value) for key, value in tags.items()],
            )

    def add_properties(self, run_id: str, properties: Mapping[str, str]) -> None:
        """Properties are write-once, as in Azure ML: a key keeps its first value."""
        _check_entries(run_id, properties, "property")
        with self._write(f"the properties of run {run_id}") as conn:
            self._claim(conn, run_id)
            self._require(conn, run_id)
            for key, value in properties.items():
                old = conn.execute(
                    "SELECT value FROM properties WHERE run_id = ? AND key = ?", (run_id, key)
                ).fetchone()
                if old is not None and old[0] != value:
                    raise ValueError(
                        f"The property {key!r} of run {run_id} is already {old[0]!r}; "
                        "properties cannot change."
                    )
                conn.execute(
                    "INSERT OR IGNORE INTO properties (run_id, key, value) VALUES (?, ?, ?)",
                    (run_id, key, value),
                )

    def check_open(self, run_id: str, what: str) -> None:
        """Raise unless the run still takes metrics (what: "the image 'x'", for the message)."""
        with self._read() as conn:
            self._check_open(conn, run_id, what)

    def _check_open(self, conn: sqlite3.Connection, run_id: str, what: str) -> None:
        row = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise WorkspaceError(f"There is no run {run_id!r} in {self.root}.")
        status = RunStatus.parse(row[0])
        if status.is_final:
            raise WorkspaceError(
                f"The run {run_id} is {status}: it takes no more metrics, so {what} was not logged."
            )

    def _require(self, conn: sqlite3.Connection, run_id: str) -> RunRecord:
        run = self._run(conn, run_id)
        if run is None:
            raise WorkspaceError(f"There is no run {run_id!r} in {self.root}.")
        return run

    # -- metrics -----------------------------------------------------------------------------------

    def log_points(
        self,
        run_id: str,
        name: str,
        kind: MetricKind,
        values: Sequence[Any],
        *,
        step: int | None = None,
        description: str = "",
    ) -> list[int]:
        """Append values to a metric of a run and return their steps. Without a step, the values take
        the next steps of this metric's own counter; with one, they take step, step + 1, ..."""
        check_metric_name(name)
        check_text(description or "", f"description of the metric {name!r}")
        if kind is MetricKind.STRING:
            for value in values:
                check_text(str(value), f"value of the metric {name!r}")
        now = time.time()
        with self._write(f"the metric {name!r} of run {run_id}") as conn:
            self._claim(conn, run_id)
            self._check_open(conn, run_id, f"the metric {name!r}")
            row = conn.execute(
                "SELECT id, kind, next_step FROM metrics WHERE run_id = ? AND name = ?", (run_id, name)
            ).fetchone()
            if row is None:
                metric_id = conn.execute(
                    "INSERT INTO metrics (run_id, name, kind, description) VALUES (?, ?, ?, ?)",
                    (run_id, name, kind.value, description or ""),
                ).lastrowid
                next_step = 0
            else:
                metric_id, old_kind, next_step = row
                if old_kind != kind.value:
                    raise ValueError(
                        f"The metric {name!r} of run {run_id} holds {old_kind} values; "
                        f"it cannot take a {kind.value} value too. Log it under another name."
                    )
            first = next_step if step is None else step
            if not MIN_STEP <= first <= MAX_STEP + 1 - len(values):
                raise ValueError(
                    f"The step {first} of the metric {name!r} of run {run_id} is out of range: steps go "
                    f"from {MIN_STEP} to {MAX_STEP}. Nothing was logged."
                )
            steps = list(range(first, first + len(values)))
            conn.executemany(
                "INSERT INTO points (metric_id, step, time, number, data) VALUES (?, ?, ?, ?, ?)",
                [(metric_id, s, now, *_encode(kind, v)) for s, v in zip(steps, values, strict=True)],
            )
            conn.execute(
                """UPDATE metrics SET next_step = max(next_step, ?),
                   description = CASE WHEN ? = '' THEN description ELSE ? END WHERE id = ?""",
                (first + len(values), description or "", description or "", metric_id),
            )
            return steps

    def metrics(self, run_id: str, name: str | None = None) -> list[Metric]:
        """Full history of the run's metrics (or of one), points in step order, metrics by name."""
        sql = "SELECT id, name, kind, description FROM metrics WHERE run_id = ?"
        args: list[Any] = [run_id]
        if name is not None:
            sql += " AND name = ?"
            args.append(name)
        with self._read() as conn:
            found = []
            for metric_id, metric_name, kind_text, description in conn.execute(sql + " ORDER BY name", args):
                kind = MetricKind(kind_text)
                points: Sequence[MetricPoint]
                if kind in _NUMERIC_KINDS:
                    points = _scalar_points(conn, metric_id)
                else:
                    points = tuple(
                        MetricPoint(step=s, time=datetime.fromtimestamp(t, UTC), value=_decode(kind, n, d))
                        for s, t, n, d in conn.execute(
                            "SELECT step, time, number, data FROM points"
                            " WHERE metric_id = ? ORDER BY step, rowid",
                            (metric_id,),
                        )
                    )
                found.append(Metric(metric_name, kind, points, description))
            return found

    # -- files -------------------------------------------------------------------------------------

    def run_files_dir(self, run_id: str) -> Path:
        """The folder holding the run's files (it may not exist yet)."""
        return inside(self.files_root, check_run_id(run_id))

    def add_file(self, run_id: str, name: str, source: Path | IO[bytes]) -> str:
        """Store a file with a run under name (a relative path); return the normalised name.
        An existing file is never replaced (as in Azure ML, where artifacts are write-once)."""
        try:
            rel = check_file_name(name)
        except InvalidNameError as exc:
            raise InvalidNameError(f"{exc} The run {run_id} did not store it.") from None
        what = f"the file {rel!r} of run {run_id}"
        with self._write(what) as conn:
            self._claim(conn, run_id)
            self._require(conn, run_id)
        target = inside(self.run_files_dir(run_id), rel)
        incoming = self.root / INCOMING_DIR
        assert self._writer is not None  # a writable store has one
        tmp = incoming / f"{self._writer.text()}_{secrets.token_hex(6)}"
        try:
            make_dirs(incoming)
            make_dirs(target.parent)
            if isinstance(source, Path):
                # Made first for its mode; copyfile writes into it (keeping that) with the kernel's
                # fast copy.
                create_file(tmp).close()
                shutil.copyfile(source, tmp)
            else:
                with create_file(tmp) as out:
                    shutil.copyfileobj(source, out)
            os.link(tmp, target)  # unlike a rename, a link never replaces an existing file
        except FileExistsError:
            raise WorkspaceError(f"The run {run_id} already has a file {rel!r}.") from None
        except OSError as exc:
            raise self._file_error(exc, what, source) from None
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return rel

    def _file_error(self, exc: OSError, what: str, source: Path | IO[bytes]) -> WorkspaceError:
        """What a failed upload means, without the temporary paths it went through."""
        if exc.errno in _DISK_FULL:  # (shutil's copy names the source file in this error)
            return WorkspaceError(
                f"The disk holding the workspace {self.root} is full: {what} was not stored."
            )
        if isinstance(source, Path) and exc.filename == str(source):
            return WorkspaceError(f"Cannot read {source} ({exc.strerror}): {what} was not stored.")
        if exc.errno == errno.ENAMETOOLONG:
            return WorkspaceError(f"The name of {what} is too long for this file system: it was not stored.")
        return WorkspaceError(
            f"Cannot write in the workspace {self.root} ({exc.strerror or exc}): {what} was not stored."
        )

    def list_files(self, run_id: str, prefix: str = "") -> list[RunFile]:
        # Every file a run holds, hidden ones too, but not the temporary ones of an upload under way.
        return list_files(self.run_files_dir(run_id), prefix, skip=lambda name: name.startswith(_TMP_PREFIX))


def _scalar_points(conn: sqlite3.Connection, metric_id: int) -> ScalarPoints:
    """A numeric metric's points straight into arrays: no Python object per point but SQLite's
    row tuple (an export reads millions of them)."""
    import numpy as np

    count = conn.execute("SELECT count(*) FROM points WHERE metric_id = ?", (metric_id,)).fetchone()[0]
    # NaN is stored as NULL; the text 'nan' becomes NaN again when numpy reads it.
    rows = conn.execute(
        "SELECT step, time, ifnull(number, 'nan') FROM points WHERE metric_id = ? ORDER BY step, rowid",
        (metric_id,),
    )
    table = np.fromiter(rows, dtype=_SCALAR_ROW, count=count)
    return ScalarPoints(table["step"].copy(), table["time"].copy(), table["number"].copy())


def _check_entries(run_id: str, entries: Mapping[str, str], what: str) -> None:
    """Keys follow the rules of metric names; values may be any text."""
    try:
        for key, value in entries.items():
            check_key(key, f"{what} key")
            check_text(value, f"value of the {what} {key!r}")
    except InvalidNameError as exc:
        raise InvalidNameError(f"{exc} The run {run_id} got none of these {what} entries.") from None


def _encode(kind: MetricKind, value: Any) -> tuple[float | None, str | None]:
    if kind in _NUMERIC_KINDS:
        number = float(value)
        return (None if math.isnan(number) else number), None
    if kind in _JSON_KINDS:
        return None, json.dumps(value)
    return None, str(value)


def _decode(kind: MetricKind, number: float | None, data: str | None) -> Any:
    if kind in _NUMERIC_KINDS:
        return math.nan if number is None else number
    if kind in _JSON_KINDS:
        return json.loads(data or "{}")
    return data
