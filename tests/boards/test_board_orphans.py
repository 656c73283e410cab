"""No orphan ever: a board dies with its app, even on SIGKILL; leftovers are reaped, only ours."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import tbdesk
from tbdesk.boards import procinfo, reap_orphans, registry
from tbdesk.boards._launch import LAUNCHER
from tests.event_files import wait_until

REPO = Path(tbdesk.__file__).resolve().parent.parent

APP = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from tbdesk.boards import BoardManager, BoardRun, procinfo

    async def main():
        board = await BoardManager().open([BoardRun("a", Path(sys.argv[1]))])
        print(board.pid, *procinfo.children(board.pid), flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
    """
)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_a_board_dies_with_its_app_even_on_sigkill(logs: Callable[..., Path]) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", APP, str(logs("a"))], stdout=subprocess.PIPE, text=True, env=_env()
    ) as app:
        try:
            assert app.stdout is not None
            pids = [int(word) for word in app.stdout.readline().split()]
            assert pids, "the app printed no TensorBoard pid"
            board_pid = pids[0]
            assert all(procinfo.is_alive(pid) for pid in pids)
            assert [record.pid for record in registry.records()] == [board_pid]
            [private_dir] = [Path(record.private_dir or "") for record in registry.records()]
            assert (private_dir / ".tensorboard-info" / f"pid-{board_pid}.info").exists()
        finally:
            app.send_signal(signal.SIGKILL)
    try:
        wait_until(lambda: not any(map(procinfo.is_alive, pids)), what="TensorBoard to die with its app")
    finally:
        leftovers = reap_orphans()  # so that a failure here leaves no TensorBoard behind
    # Only the record and the board's private folder (its info file) were left behind, and the
    # next start drops them.
    assert leftovers == []
    assert registry.records() == []
    assert not private_dir.exists()


def _start(command: list[str], folder: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [*command, "--logdir", str(folder), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=_env(),
    )
    # Until exec, the child's command line is still ours.
    wait_until(lambda: (procinfo.cmdline(proc.pid) or [])[:2] == [sys.executable, command[1]])
    return proc


def _record(board_id: str, pid: int, owner_pid: int, folder: Path, pid_start: int | None = None) -> None:
    record = registry.BoardRecord(
        board_id=board_id,
        pid=pid,
        pid_start=procinfo.start_time(pid) if pid_start is None else pid_start,
        owner_pid=owner_pid,
        owner_start=procinfo.start_time(owner_pid),
        port=6006,
        folder=str(folder),
    )
    registry.registry_dir().mkdir(parents=True, exist_ok=True)
    (registry.registry_dir() / f"{board_id}.json").write_text(json.dumps(dataclasses.asdict(record)))


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    with subprocess.Popen(["true"]) as gone:
        pass
    return gone.pid


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait()


def test_reap_orphans_ends_only_boards_left_by_a_dead_tbdesk(
    tmp_path: Path, dead_pid: int, processes: list[subprocess.Popen[bytes]]
) -> None:
    orphan = _start([sys.executable, str(LAUNCHER)], tmp_path)
    foreign = _start([sys.executable, "-m", "tensorboard.main"], tmp_path)
    alive_owners = _start([sys.executable, str(LAUNCHER)], tmp_path)
    processes += [orphan, foreign, alive_owners]

    orphan_folder = tmp_path / "boards" / "orphan"
    (orphan_folder / "run").mkdir(parents=True)
    (tmp_path / "logs").mkdir()
    (orphan_folder / "run" / "a").symlink_to(tmp_path / "logs")

    _record("orphan", orphan.pid, dead_pid, orphan_folder)
    # Someone else's TensorBoard under a pid we once recorded: not ours by its command line.
    _record("foreign", foreign.pid, dead_pid, tmp_path / "boards" / "foreign")
    # A pid recycled by a new process: not ours by its start time.
    _record("recycled", alive_owners.pid, dead_pid, tmp_path / "boards" / "recycled", pid_start=1)
    # The board of a tbdesk that is still running (this process).
    _record("live", alive_owners.pid, os.getpid(), tmp_path / "boards" / "live")
    (registry.registry_dir() / "garbage.json").write_text("{not json")
    (registry.registry_dir() / "wrong.json").write_text(json.dumps({"board_id": "other", "pid": True}))

    assert reap_orphans() == [orphan.pid]

    assert orphan.wait(timeout=10) is not None
    assert foreign.poll() is None and alive_owners.poll() is None
    assert [record.board_id for record in registry.records()] == ["live"]
    assert not orphan_folder.exists()
    assert (tmp_path / "logs").is_dir()  # what the orphan's links pointed to stays
