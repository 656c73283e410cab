"""Opening a workspace's SQLite database, for writing (made, set to WAL and migrated when needed)
or for reading only (never made or changed), with the checks both share."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from tbdesk.paths import create_file

DB_NAME = "workspace.sqlite"
FILES_DIR = "files"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 60.0

# Added after schema version 1 without changing it: older tbdesk versions ignore the table, and
# writers add it to older workspaces (readers do without it).
_WRITERS = """CREATE TABLE IF NOT EXISTS writers (
    run_id TEXT NOT NULL REFERENCES runs(id), writer TEXT NOT NULL,
    PRIMARY KEY (run_id, writer)) WITHOUT ROWID"""

_SCHEMA = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created REAL NOT NULL,
        description TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE runs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        experiment_id INTEGER NOT NULL REFERENCES experiments(id),
        parent_id TEXT REFERENCES runs(id),
        root_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        display_name TEXT,
        run_type TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        created REAL NOT NULL,
        start_time REAL,
        end_time REAL,
        error TEXT)""",
    "CREATE INDEX runs_top ON runs (experiment_id, parent_id, seq)",
    "CREATE INDEX runs_children ON runs (parent_id, seq)",
    """CREATE TABLE tags (
        run_id TEXT NOT NULL REFERENCES runs(id), key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)) WITHOUT ROWID""",
    """CREATE TABLE properties (
        run_id TEXT NOT NULL REFERENCES runs(id), key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)) WITHOUT ROWID""",
    """CREATE TABLE metrics (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        next_step INTEGER NOT NULL DEFAULT 0,
        UNIQUE (run_id, name))""",
    # number: scalars and list items (NULL stands for NaN, which SQLite cannot store);
    # data: text for strings, the file path for images, JSON for rows and tables.
    """CREATE TABLE points (
        metric_id INTEGER NOT NULL REFERENCES metrics(id),
        step INTEGER NOT NULL,
        time REAL NOT NULL,
        number REAL,
        data TEXT)""",
    "CREATE INDEX points_by_metric ON points (metric_id, step)",
    _WRITERS,
)


class WorkspaceError(Exception):
    """The workspace cannot do what was asked; the message is meant for the user."""


class NoWorkspaceError(WorkspaceError):
    """A reader found no workspace where it looked (nothing was created there)."""


def open_for_writing(root: Path) -> sqlite3.Connection:
    """The database of the workspace at root (an existing folder), made when missing."""
    db_path = root / DB_NAME
    # Made here, not by SQLite, so that it grants what its folder grants (paths.create_file): SQLite
    # gives its -wal and -shm files the database file's mode. A path it cannot make is SQLite's
    # to report.
    with contextlib.suppress(OSError):
        create_file(db_path, "ab").close()
    try:
        conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:  # e.g. the database's path is a folder
        raise WorkspaceError(f"Cannot open the workspace database {db_path}: {exc}.") from exc
    try:
        # Reading the schema is what fails on a file that is not a database.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _check_not_lost(conn, root)
        conn.execute("PRAGMA foreign_keys = ON")
        _set_wal(conn)
        # In WAL mode NORMAL survives a crash of the app (only power loss can drop the last commits).
        conn.execute("PRAGMA synchronous = NORMAL")
        _ensure_schema(conn, root)
    except sqlite3.OperationalError as exc:
        conn.close()
        raise WorkspaceError(f"Cannot open the workspace database {db_path}: {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _not_a_database(db_path, exc) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def open_for_reading(root: Path) -> sqlite3.Connection:
    """A read-only connection. mode=ro reads a live workspace, WAL included; where even SQLite's
    shared-memory file cannot be made (a read-only mount, another user's folder), immutable=1 reads
    the database file alone, which holds everything when no -wal file is left over."""
    db_path = root / DB_NAME
    if not root.is_dir():
        raise NoWorkspaceError(f"There is no tbdesk workspace at {root}: the folder does not exist.")
    if not db_path.exists():
        raise NoWorkspaceError(f"There is no tbdesk workspace at {root} (no {DB_NAME}).")
    uri = f"file:{quote(str(db_path))}?mode=ro"
    try:
        conn = _open_uri(uri)
    except sqlite3.OperationalError as first:
        wal = root / (DB_NAME + "-wal")
        if wal.exists() and wal.stat().st_size:
            raise WorkspaceError(
                f"Cannot read the workspace {root}: its latest changes are in {wal}, which this user "
                f"cannot open ({first})."
            ) from first
        try:
            conn = _open_uri(uri + "&immutable=1")
        except sqlite3.Error as exc:
            raise WorkspaceError(f"Cannot read the workspace database {db_path}: {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        raise _not_a_database(db_path, exc) from exc
    try:
        _check_not_lost(conn, root)
        version = _schema_version(conn, db_path)
        if version is None:
            raise NoWorkspaceError(f"There is no tbdesk workspace at {root} yet ({DB_NAME} is empty).")
        _check_version(version, root)
    except BaseException:
        conn.close()
        raise
    return conn


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def is_read_only(root: Path) -> bool:
    """The workspace at root exists and this user may read it but not write it."""
    db_path = root / DB_NAME
    return db_path.exists() and not (os.access(root, os.W_OK) and os.access(db_path, os.W_OK))


def identity(path: Path) -> tuple[int, int]:
    """Which file is at path now ((0, 0): none)."""
    try:
        info = os.stat(path)
    except OSError:
        return (0, 0)
    return (info.st_dev, info.st_ino)


def _open_uri(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def _check_not_lost(conn: sqlite3.Connection, root: Path) -> None:
    """An empty database beside runs' files lost its runs (emptied, truncated): never start a new
    workspace over them."""
    files_root = root / FILES_DIR
    if has_table(conn, "schema_version") or not files_root.is_dir():
        return
    if any(files_root.iterdir()):
        raise WorkspaceError(
            f"The workspace database {root / DB_NAME} is empty, but {files_root} holds runs' files: "
            "the database was lost or emptied. Restore it from a backup, or move the workspace "
            "folder away to start a new one."
        )


def _set_wal(conn: sqlite3.Connection) -> None:
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    # Switching to WAL needs a moment alone with the file; on a fresh workspace that several
    # processes open at once, the busy handler does not cover it, so wait here.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _ensure_schema(conn: sqlite3.Connection, root: Path) -> None:
    version = _schema_version(conn, root / DB_NAME)
    if version is None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if _schema_version(conn, root / DB_NAME) is None:  # another process may have just made it
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    else:
        _check_version(version, root)
        if not has_table(conn, "writers"):
            conn.execute(_WRITERS)
    # Migrations from older schema versions go here once there is more than one version.


def _check_version(version: int, root: Path) -> None:
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"The workspace {root} was written by a newer tbdesk (schema version {version}; "
            f"this tbdesk knows up to {SCHEMA_VERSION}). Update tbdesk to open it."
        )


def _schema_version(conn: sqlite3.Connection, db_path: Path) -> int | None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in tables:
        if tables:
            raise WorkspaceError(f"{db_path} is an SQLite database, but not a tbdesk workspace.")
        return None
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _not_a_database(path: Path, exc: sqlite3.DatabaseError) -> WorkspaceError:
    return WorkspaceError(
        f"{path} is not a usable tbdesk workspace database: {exc}. "
        "Move it away (or pick another workspace folder) and try again."
    )
