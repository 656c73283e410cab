"""Which process writes a run, named so that any other process can later tell whether it is gone.

A pid alone is not enough: pids are reused, and a reboot starts them over. So a writer is the pid
with the kernel's boot id, the process's start time and its pid namespace. A writer in another pid
namespace (a container logging into a shared folder) is never declared gone: its pid means nothing
here. Without /proc (not Linux) only the pid is known, and a live pid is taken as the writer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class Writer:
    boot_id: str  # "" where unknown
    namespace: str  # the pid namespace's inode number; "" where unknown
    pid: int
    started: int  # clock ticks after boot (/proc/PID/stat); 0 where unknown

    def text(self) -> str:
        """A file-name-safe form; parse() reads it back."""
        return f"{self.boot_id or '-'}_{self.namespace or '-'}_{self.pid}_{self.started}"

    @classmethod
    def parse(cls, text: str) -> Writer | None:
        parts = text.split("_")
        if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
            return None
        boot, namespace = (part if part != "-" else "" for part in parts[:2])
        return cls(boot, namespace, int(parts[2]), int(parts[3]))


_HERE: dict[int, Writer] = {}  # by pid: a forked child is a writer of its own


def this_process() -> Writer:
    pid = os.getpid()
    here = _HERE.get(pid)
    if here is None:
        here = _HERE[pid] = Writer(_boot_id(), _namespace("self"), pid, _start_time(pid) or 0)
    return here


def is_gone(writer: Writer) -> bool:
    """True when the writer's process has certainly ended (a zombie counts as ended)."""
    here = this_process()
    if writer == here:
        return False
    if writer.boot_id and here.boot_id and writer.boot_id != here.boot_id:
        return True  # the machine was restarted since
    if writer.namespace != here.namespace:
        return False  # another container's pid: nothing to say about it
    if here.boot_id:  # Linux: /proc tells the start time of whoever holds the pid now
        started = _start_time(writer.pid)
        return started is None or writer.started not in (0, started)
    return not _pid_alive(writer.pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _boot_id() -> str:
    try:
        return (_PROC / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _namespace(pid: str) -> str:
    try:
        link = os.readlink(_PROC / pid / "ns/pid")  # "pid:[4026531836]"
    except OSError:
        return ""
    return "".join(ch for ch in link if ch.isdigit())


def _start_time(pid: int) -> int | None:
    """The process's start time, or None when no live process has that pid (zombies included)."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    if fields[0] in ("Z", "X"):  # exited, not yet reaped by its parent
        return None
    return int(fields[19])
