"""Records of the boards this app started, so a later start can end what a crashed one left.

PR_SET_PDEATHSIG already ends a board with its app on Linux; the records cover what it cannot
(another platform, a board started while the app was dying). A record names a process by pid
and start time, and by its command line, so a recycled pid is never mistaken for our board;
a record's owner (the app) likewise by pid and start time, so a live app's boards are left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tbdesk import paths
from tbdesk.boards import procinfo
from tbdesk.boards._launch import PRIVATE_DIR_PREFIX, is_board_command
from tbdesk.boards.links import remove_folder


@dataclass(frozen=True)
class BoardRecord:
    board_id: str
    pid: int
    pid_start: int | None
    owner_pid: int
    owner_start: int | None
    port: int
    folder: str
    # The board's TMPDIR, where TensorBoard writes its info file (port and prefix): how tbdesk
    # finds its own boards now that the shared /tmp/.tensorboard-info no longer lists them.
    private_dir: str | None = None

    def process_matches(self) -> bool:
        """The recorded TensorBoard still runs (same process, not a recycled pid)."""
        return _is_our_launcher(self.pid, self.pid_start)

    def owner_alive(self) -> bool:
        if not procinfo.is_alive(self.owner_pid):
            return False
        return self.owner_start is None or procinfo.start_time(self.owner_pid) == self.owner_start


def registry_dir() -> Path:
    return paths.state_dir() / "boards"


def add(board_id: str, pid: int, port: int, folder: Path, private_dir: Path | None = None) -> BoardRecord:
    me = os.getpid()
    record = BoardRecord(
        board_id=board_id,
        pid=pid,
        pid_start=procinfo.start_time(pid),
        owner_pid=me,
        owner_start=procinfo.start_time(me),
        port=port,
        folder=str(folder),
        private_dir=str(private_dir) if private_dir is not None else None,
    )
    directory = registry_dir()
    paths.make_dirs(directory)
    path = directory / f"{board_id}.json"
    tmp = path.with_suffix(".tmp")
    with paths.create_file(tmp) as out:
        out.write(json.dumps(asdict(record)).encode())
    tmp.replace(path)
    return record


def remove(board_id: str) -> None:
    (registry_dir() / f"{board_id}.json").unlink(missing_ok=True)


def records() -> list[BoardRecord]:
    """Every readable record; unreadable ones are deleted (we wrote them, they are only hints)."""
    found: list[BoardRecord] = []
    directory = registry_dir()
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.json")):
        record = _parse(path)
        if record is None:
            path.unlink(missing_ok=True)
        else:
            found.append(record)
    return found


def our_pids() -> set[int]:
    """Pids of live boards started by a tbdesk (this one or another)."""
    return {record.pid for record in records() if record.process_matches()}


def reap_orphans(grace: float = 3.0) -> list[int]:
    """End the boards whose app is gone (and only those); drop records of ended boards.
    Returns the pids ended. Blocking: call it at start-up, before boards are opened, or in a thread."""
    ended: list[int] = []
    for record in records():
        if record.owner_alive():
            continue  # a live tbdesk's board: it keeps its own records
        if record.process_matches():
            _end_process(record.pid, grace)
            ended.append(record.pid)
        remove_folder(Path(record.folder))
        if record.private_dir is not None and Path(record.private_dir).name.startswith(PRIVATE_DIR_PREFIX):
            shutil.rmtree(record.private_dir, ignore_errors=True)
        remove(record.board_id)
    return ended


def _is_our_launcher(pid: int, pid_start: int | None) -> bool:
    if pid_start is None or not procinfo.is_alive(pid) or procinfo.start_time(pid) != pid_start:
        return False
    return is_board_command(procinfo.cmdline(pid) or [])


def _end_process(pid: int, grace: float) -> None:
    # A board leads its own process group (start_new_session), which holds its data server too.
    def send(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signum)
            else:
                os.kill(pid, signum)

    send(signal.SIGTERM)
    if not _wait_gone(pid, grace):
        send(signal.SIGKILL)
        _wait_gone(pid, grace)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    delay = 0.01
    while procinfo.is_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
    return True


def _parse(path: Path) -> BoardRecord | None:
    try:
        data: Any = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    ints = ("pid", "owner_pid", "port")
    optional_ints = ("pid_start", "owner_start")
    strings = ("board_id", "folder")
    private_dir = data.get("private_dir")
    if private_dir is not None and not isinstance(private_dir, str):
        private_dir = None  # an old or odd record: the board is still found and ended
    if not all(_is_int(data.get(key)) for key in ints):
        return None
    if not all(data.get(key) is None or _is_int(data.get(key)) for key in optional_ints):
        return None
    if not all(isinstance(data.get(key), str) for key in strings) or data["board_id"] != path.stem:
        return None
    return BoardRecord(
        **{key: data[key] for key in (*ints, *optional_ints, *strings)}, private_dir=private_dir
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
