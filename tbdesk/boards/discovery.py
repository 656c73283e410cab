"""TensorBoards running on this machine, ours or not, from the info files TensorBoard writes.

Each TensorBoard writes `<tempdir>/.tensorboard-info/pid-N.info` (JSON) once it serves and removes
it when it exits cleanly. The folder is shared by every user of the machine, and a SIGKILLed
TensorBoard leaves its file behind: so nothing in it is trusted without checking its type, that
the process is alive and that its port answers.
"""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from tbdesk.boards import procinfo, registry
from tbdesk.boards.probe import http_status_blocking

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
    """Every live TensorBoard that answers on 127.0.0.1, sorted by port. Blocking: call it in a thread."""
    candidates = [info for info in map(_read_info, _info_files()) if info and procinfo.is_alive(info.pid)]
    if not candidates:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(candidates))) as pool:
        answers = list(pool.map(lambda info: _answers(info, timeout), candidates))
    ours = registry.our_pids()
    found = [
        RunningTensorBoard(info.pid, info.port, info.url, info.logdir, info.started, info.pid in ours)
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


def _read_info(path: Path) -> _Info | None:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_INFO_BYTES:
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


def _answers(info: _Info, timeout: float) -> bool:
    return http_status_blocking(_HOST, info.port, info.prefix + "/", timeout) is not None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
