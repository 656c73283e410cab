"""A board's TensorBoard started ahead (BoardManager.warm) while the caller still gathers the runs:
the warm process becomes the board, reads the logs only once told they are in place, and is never
left behind; and the launcher's side of it (its two lines on stdin), with real processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import BoardManager, BoardRun, procinfo
from tbdesk.boards import manager as manager_module
from tbdesk.boards._launch import LAUNCHER
from tbdesk.boards.probe import http_status
from tbdesk.boards.process import TensorBoardProcess
from tests.event_files import wait_until
from tests.ports import free_port


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _steps(board_url: str, run: str, tag: str = "loss") -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return [int(point[1]) for point in _get_json(f"{board_url}data/plugin/scalars/scalars?{query}")]


def _launchers() -> list[int]:
    return [pid for pid in procinfo.children(os.getpid()) if str(LAUNCHER) in (procinfo.cmdline(pid) or [])]


async def _warmed(manager: BoardManager) -> int:
    """Warm a TensorBoard for the next board without a port of its own: its launcher's pid."""
    manager.warm(port=None)
    await asyncio.to_thread(wait_until, lambda: len(_launchers()) == 1)
    [warm] = _launchers()
    return warm


def test_the_warm_tensorboard_becomes_the_board_and_reads_logs_written_after_it_started(
    tmp_path: Path, logs: Callable[..., Path]
) -> None:
    async def scenario() -> None:
        manager = BoardManager(tmp_path / "boards")
        try:
            warm = await _warmed(manager)
            run = logs("written-later", steps=7)  # the runs arrive after the warm start
            board = await manager.open([BoardRun("later", run)])
            assert board.pid == warm
            assert len(procinfo.children(warm)) == 1  # its data server, started when told
            assert board.url is not None
            url = board.url
            await asyncio.to_thread(wait_until, lambda: _steps(url, "later") == list(range(7)))
        finally:
            await manager.stop_all()
        assert _launchers() == []

    asyncio.run(scenario())


def test_a_warm_tensorboard_for_another_port_is_not_taken_and_none_is_left_behind(
    tmp_path: Path, logs: Callable[..., Path]
) -> None:
    async def scenario() -> None:
        manager = BoardManager(tmp_path / "boards")
        try:
            warm = await _warmed(manager)
            with_port = await manager.open([BoardRun("a", logs("a"))], port=free_port())
            assert with_port.pid != warm
            # The warm one still waits for the next board without a port of its own.
            plain = await manager.open([BoardRun("b", logs("b"))])
            assert plain.pid == warm
            manager.warm()  # and one more, never used
            await asyncio.to_thread(wait_until, lambda: len(_launchers()) == 3)
        finally:
            await manager.stop_all()
        assert _launchers() == []
        assert [path.name for path in (tmp_path / "boards").glob("*")] == []

    asyncio.run(scenario())


def test_a_warm_tensorboard_no_board_takes_ends_by_itself(
    tmp_path: Path, logs: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Open it was started for failed (say, an unreachable store): it does not wait for the
    next Open or the quit, and the next Open starts a TensorBoard of its own."""
    monkeypatch.setattr(manager_module, "SPARE_LIFETIME_S", 3.0)

    async def scenario() -> None:
        manager = BoardManager(tmp_path / "boards")
        try:
            warm = await _warmed(manager)
            await asyncio.to_thread(wait_until, lambda: _launchers() == [])
            assert [path.name for path in (tmp_path / "boards").glob("*")] == []
            board = await manager.open([BoardRun("a", logs("a"))])
            assert board.pid not in (None, warm) and board.url is not None
        finally:
            await manager.stop_all()
        assert _launchers() == []

    asyncio.run(scenario())


def test_a_configured_tensorboard_serves_only_once_its_logs_are_in_place(
    logs: Callable[..., Path],
) -> None:
    """In a private network it serves its page before GO (the data server starts after); in the
    shared one it waits for GO altogether. Either way `serve()` returns with the runs readable."""
    folder = logs("run").parent

    async def scenario() -> None:
        process = await TensorBoardProcess.spawn()
        try:
            await process.configure(folder)
            if await _until_exposure_known(process) == "":
                await asyncio.to_thread(
                    wait_until, lambda: _status(process.port, process.prefix + "/") == 200, 60
                )
            assert procinfo.children(process.pid) == []
            await process.serve()
            assert len(procinfo.children(process.pid)) == 1
            assert _get_json(f"{process.url}data/runs") == ["run"]
        finally:
            await process.stop()

    asyncio.run(scenario())


def test_a_launcher_whose_app_closes_stdin_ends_quietly(tmp_path: Path) -> None:
    """A warm board the app no longer needs: after its flag file, or before it."""
    flags = tmp_path / "flags"
    flags.write_text(f"--logdir={tmp_path}\n--host=127.0.0.1\n--port=0\n")
    for said in ("", f"{flags}\n"):
        board = subprocess.run(
            [sys.executable, str(LAUNCHER)],
            input=said,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert board.returncode == 0, board.stderr
        assert "Traceback" not in board.stderr


async def _until_exposure_known(process: TensorBoardProcess) -> str:
    await asyncio.to_thread(wait_until, lambda: process.network_exposure is not None, 60)
    assert process.network_exposure is not None
    return process.network_exposure


def _status(port: int, path: str) -> int | None:
    return asyncio.run(http_status("127.0.0.1", port, path))
