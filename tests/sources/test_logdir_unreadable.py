"""A folder of logs this user may not read is named, never skipped silently (issue 10, section 5).
The checks run in a process for which file modes apply (tests/unprivileged.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.event_files import write_events
from tests.unprivileged import unprivileged

SCAN = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    from tbdesk.sources.base import SourceError
    from tbdesk.sources.logdir import LogFolderSource, scan

    found = scan(Path(sys.argv[1]))
    source = LogFolderSource(Path(sys.argv[1]))
    try:
        listed = [e.id for e in asyncio.run(source.experiments())]
    except SourceError as error:
        listed = str(error)
    print(json.dumps({
        "runs": [run.rel for run in found.runs],
        "unreadable": [str(item) for item in found.unreadable],
        "source": listed,
        "source_unreadable": [str(item) for item in source.unreadable],
    }))
    """
)


def _scan(root: Path) -> dict[str, object]:
    done = subprocess.run(
        unprivileged([sys.executable, "-c", SCAN, str(root)]), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_unreadable_folders_and_event_files_are_named(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    write_events(root / "ok")
    secret = write_events(root / "secret")
    locked = write_events(root / "locked")
    (event_file,) = locked.iterdir()
    event_file.chmod(0)
    secret.chmod(0)
    try:
        found = _scan(root)
    finally:
        secret.chmod(0o755)
    unreadable = [f"{event_file} (Permission denied)", f"{secret} (Permission denied)"]
    assert found["unreadable"] == unreadable and found["source_unreadable"] == unreadable
    assert sorted(found["runs"]) == ["locked", "ok"]  # type: ignore[arg-type]
    assert found["source"] == ["."]


def test_a_log_folder_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    root = write_events(tmp_path / "logs")
    root.chmod(0)
    try:
        found = _scan(root)
    finally:
        root.chmod(0o755)
    assert found["runs"] == [] and found["unreadable"] == [f"{root} (Permission denied)"]
    assert found["source"] == f"Cannot read the log folder {root} (Permission denied)."
