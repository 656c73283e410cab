"""A hung or half-dead TensorBoard is noticed: real processes suspended with SIGSTOP, and a data
server killed with SIGKILL, make a board "not responding" with the reason; it recovers or restarts."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path

from tbdesk.boards import BoardManager, BoardRun, BoardState, procinfo, registry


def _data_server(pid: int) -> int:
    [child] = [
        child for child in procinfo.children(pid) if "tensorboard_data_server" in str(procinfo.cmdline(child))
    ]
    return child


def test_a_suspended_tensorboard_is_not_responding_then_recovers_or_restarts(
    tmp_path: Path, logs: Callable[..., Path]
) -> None:
    async def scenario() -> None:
        manager = BoardManager(tmp_path / "boards")
        try:
            board = await manager.open([BoardRun("a", logs("a"))])
            assert await manager.check(board)
            assert board.state is BoardState.READY
            assert board.pid is not None
            os.kill(board.pid, signal.SIGSTOP)
            try:
                assert not await manager.check(board, timeout=1.0)
                assert board.state is BoardState.NOT_RESPONDING
                assert board.error == "TensorBoard is suspended (stopped by a signal) and does not answer."
            finally:
                os.kill(board.pid, signal.SIGCONT)
            assert await manager.check(board)
            assert (board.state, board.error) == (BoardState.READY, None)

            os.kill(board.pid, signal.SIGSTOP)  # suspended again, and this time restarted
            stopped_pid = board.pid
            assert not await manager.check(board, timeout=1.0)
            await manager.restart(board)
            assert board.state is BoardState.READY and board.pid != stopped_pid
            assert not procinfo.is_alive(stopped_pid)
            assert await manager.check(board)
        finally:
            await manager.stop_all()

    asyncio.run(scenario())


def test_a_killed_data_server_makes_the_board_not_responding(
    tmp_path: Path, logs: Callable[..., Path]
) -> None:
    async def scenario() -> None:
        manager = BoardManager(tmp_path / "boards")
        try:
            board = await manager.open([BoardRun("a", logs("a"))])
            assert board.pid is not None
            os.kill(_data_server(board.pid), signal.SIGKILL)
            assert not await manager.check(board)
            assert board.state is BoardState.NOT_RESPONDING
            assert board.error is not None and "data server is gone" in board.error
            assert procinfo.is_alive(board.pid)  # TensorBoard itself runs on: only the probe tells
            await manager.restart(board)
            assert await manager.check(board)
            assert board.state is BoardState.READY
        finally:
            await manager.stop_all()

    asyncio.run(scenario())


def test_a_crashed_board_leaves_no_private_folder(tmp_path: Path, logs: Callable[..., Path]) -> None:
    async def scenario() -> None:
        manager = BoardManager(tmp_path / "boards")
        try:
            board = await manager.open([BoardRun("a", logs("a"))])
            [record] = registry.records()
            private_dir = Path(record.private_dir or "")
            assert private_dir.is_dir() and board.pid is not None
            os.kill(board.pid, signal.SIGKILL)
            while board.state is not BoardState.CRASHED:
                await asyncio.sleep(0.05)
            assert not private_dir.exists()  # its info file (with the prefix) went with it
        finally:
            await manager.stop_all()

    asyncio.run(scenario())
