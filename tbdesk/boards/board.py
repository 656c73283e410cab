"""What a board is: a running TensorBoard serving a set of runs, as plain objects (never QObjects)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from tbdesk.boards import procinfo
from tbdesk.model import RunKey


class BoardState(enum.StrEnum):
    STARTING = "starting"
    READY = "ready"
    NOT_RESPONDING = "not responding"  # the process runs, but its dashboard or data do not answer
    STOPPING = "stopping"
    STOPPED = "stopped"
    CRASHED = "crashed"
    FAILED = "failed"

    @property
    def is_live(self) -> bool:
        """A board in this state has (or is about to have) a TensorBoard process."""
        return self in (BoardState.STARTING, BoardState.READY, BoardState.NOT_RESPONDING)


class BoardError(Exception):
    """A board could not be started or reached; the message is meant for the user."""


@dataclass(frozen=True)
class BoardRun:
    """One run as a board shows it."""

    name: str  # readable name TensorBoard shows; made unique within a board by the manager
    path: Path  # local folder holding event files (maybe in sub-folders)
    key: RunKey | None = None


@dataclass(eq=False)
class Board:
    """A TensorBoard process and what it shows. The manager owns and updates it; others read it."""

    id: str
    title: str
    runs: tuple[BoardRun, ...]
    folder: Path  # the per-board folder of links that TensorBoard gets as --logdir
    state: BoardState = BoardState.STARTING
    url: str | None = None  # "http://127.0.0.1:PORT/<random prefix>/" once ready
    port: int | None = None
    pid: int | None = None
    started_at: float | None = None  # time.time() when it became ready
    error: str | None = None  # last error lines when FAILED or CRASHED; why, when NOT_RESPONDING
    # Once started: "" when its data server sits in a private network that no other user can
    # reach; else why it does not (the kernel refused user namespaces, ...). None before.
    network_exposure: str | None = None
    requested_port: int | None = field(default=None, repr=False)

    def memory_bytes(self) -> int | None:
        """Resident memory of TensorBoard plus its children (the Rust data server)."""
        if self.pid is None or not self.state.is_live:
            return None
        return procinfo.tree_rss(self.pid)


def exposure_warning(reason: str) -> str:
    """What to tell the user, once, about a board whose data server other users can reach."""
    return (
        "Other users of this machine can read this board's runs through its data server: "
        f"the kernel did not give it a private network ({reason})."
    )
