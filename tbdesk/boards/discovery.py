"""TensorBoards of this user running on this machine, tbdesk's or not, from the info files
TensorBoard writes.

Each TensorBoard writes `<tempdir>/.tensorboard-info/pid-N.info` (JSON) once it serves and removes
it when it exits cleanly. tbdesk's boards write theirs in a private TMPDIR that the registry names.
The shared folder is writable by every user of the machine, and a SIGKILLed TensorBoard leaves its
file behind, so an entry there is listed only when the file and the process are this user's, the
process itself listens on the port, and the port answers like TensorBoard (its `data/environment`):
another user can neither plant a board nor catch one with a port it took over.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from tbdesk.boards import procinfo, registry
from tbdesk.boards.probe import http_json_blocking

_MAX_INFO_BYTES = 64 * 1024
_HOST = "127.0.0.1"


@dataclass(frozen=True)
class RunningTensorBoard:
    pid: int
    port: int
    url: str
    logdir: str
    started: float | None  # time.time() of its start, as it says
    ours: bool  # started by a tbdesk (this one or another)


def info_dir() -> Path:
    return Path(tempfile.gettempdir()) / ".tensorboard-info"


def discover(timeout: float = 0.5) -> list[RunningTensorBoard]:
    """This user's live TensorBoards that answer on 127.0.0.1, sorted by port. Blocking: call it
    in a thread."""
    ours = [info for info in map(_read_info, _registry_info_files()) if info is not None]
    our_pids = {info.pid for info in ours}
    others = [
        info
        for info in map(_read_info, _info_files())
        if info is not None and info.pid not in our_pids and _owned_and_listening(info)
    ]
    candidates = ours + others
    if not candidates:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(candidates))) as pool:
        answers = list(pool.map(lambda info: _answers(info, timeout), candidates))
    found = [
        RunningTensorBoard(info.pid, info.port, info.url, info.logdir, info.started, info.pid in our_pids)
        for info, answered in zip(candidates, answers, strict=True)
        if answered
    ]
    return sorted(found, key=lambda board: board.port)


@dataclass(frozen=True)
class _Info:
    pid: int
    port: int
    prefix: str
    logdir: str
    started: float | None

    @property
    def url(self) -> str:
        return f"http://{_HOST}:{self.port}{self.prefix}/"


def _info_files() -> list[Path]:
    try:
        return sorted(info_dir().glob("pid-*.info"))
    except OSError:
        return []


def _registry_info_files() -> list[Path]:
    """The info files of the live boards of tbdesk (this one or another of this user's)."""
    return [
        Path(record.private_dir) / ".tensorboard-info" / f"pid-{record.pid}.info"
        for record in registry.records()
        if record.private_dir is not None and record.process_matches()
    ]


def _read_info(path: Path) -> _Info | None:
    try:
        status = path.lstat()  # a link could name another user's file, or ours from elsewhere
        if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_INFO_BYTES:
            return None
        if status.st_uid != os.getuid():
            return None

        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return _parse_info(data) if isinstance(data, dict) else None


def _parse_info(data: dict[str, Any]) -> _Info | None:
    pid, port = data.get("pid"), data.get("port")
    prefix, logdir, started = data.get("path_prefix", ""), data.get("logdir", ""), data.get("start_time")
    if not (_is_int(pid) and _is_int(port) and isinstance(prefix, str) and isinstance(logdir, str)):
        return None
    prefix = prefix.rstrip("/")
    unsafe_prefix = prefix and (
        not prefix.startswith("/") or not prefix.isprintable() or any(ch in prefix for ch in "?# \\")
    )
    if pid <= 0 or not 0 < port < 65536 or unsafe_prefix:
        return None
    started_at = float(started) if _is_int(started) or isinstance(started, float) else None
    return _Info(pid, port, prefix, logdir, started_at)


def _owned_and_listening(info: _Info) -> bool:
    """The process is this user's, and it holds the socket that listens on the port."""
    return procinfo.owner(info.pid) == os.getuid() and info.port in procinfo.listening_ports(info.pid)


def _answers(info: _Info, timeout: float) -> bool:
    """The port answers like TensorBoard: its environment names the folder it shows."""
    environment = http_json_blocking(_HOST, info.port, info.prefix + "/data/environment", timeout)
    return isinstance(environment, dict) and "data_location" in environment and "version" in environment


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
