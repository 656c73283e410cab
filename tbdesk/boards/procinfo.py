"""Facts about processes, read from /proc (Linux). Elsewhere the answers are None: callers then
refuse to act on a process they cannot identify rather than guess."""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc")


def is_alive(pid: int) -> bool:
    """True if a process with this pid exists and is not a zombie."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    stat = _stat_fields(pid)
    return stat is None or stat[0] != "Z"


def state(pid: int) -> str | None:
    """The process's state letter (R running, S sleeping, T stopped, Z zombie...), or None."""
    fields = _stat_fields(pid)
    return fields[0] if fields else None


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot: with the pid, it names one process."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    try:
        return int(fields[19])  # field 22 of /proc/<pid>/stat; fields here start at field 3
    except (IndexError, ValueError):
        return None


def owner(pid: int) -> int | None:
    """The user id that owns the process."""
    try:
        return (_PROC / str(pid)).stat().st_uid
    except OSError:
        return None


def listening_ports(pid: int) -> set[int]:
    """TCP ports on which the process holds a listening socket, in our network namespace (what a
    connection to 127.0.0.1 reaches). Empty when its open files cannot be read (not ours)."""
    try:
        entries = list((_PROC / str(pid) / "fd").iterdir())
    except OSError:
        return set()
    inodes = set()
    for entry in entries:
        try:
            link = os.readlink(entry)
        except OSError:  # closed meanwhile
            continue
        if link.startswith("socket:["):
            inodes.add(link[len("socket:[") : -1])
    ports: set[int] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (_PROC / "self" / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def cmdline(pid: int) -> list[str] | None:
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    found: list[int] = []
    try:
        entries = list(_PROC.iterdir())
    except OSError:
        return found
    for entry in entries:
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None and len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def tree_rss(pid: int) -> int | None:
    """Resident memory of a process and its direct children, in bytes."""
    own = _rss(pid)
    if own is None:
        return None
    return own + sum(_rss(child) or 0 for child in children(pid))


def _rss(pid: int) -> int | None:
    try:
        pages = int((_PROC / str(pid) / "statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/<pid>/stat (state, ppid, ...); the command name may hold spaces and
    parentheses, so split after its last ')'."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    _, _, rest = text.rpartition(")")
    fields = rest.split()
    return fields or None
