"""BoardManager with real TensorBoards: one board for many runs, reuse, crash, restart, stop, failures."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import Board, BoardError, BoardManager, BoardRun, BoardState, procinfo, registry
from tbdesk.model import RunKey
from tests.event_files import write_events


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _run(root: Path, scenario: Callable[[BoardManager], Awaitable[None]]) -> None:
    """Run a scenario with a manager whose boards are stopped whatever happens."""

    async def main() -> None:
        manager = BoardManager(root)
        try:
            await scenario(manager)
        finally:
            await manager.stop_all()

    asyncio.run(main())


async def _until(condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Wait on the loop until condition holds; fail after timeout."""

    async def poll() -> None:
        delay = 0.01
        while not condition():
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)

    await asyncio.wait_for(poll(), timeout)


def test_one_board_serves_a_run_and_its_child_then_crashes_restarts_and_stops(
    tmp_path: Path, logs: Callable[..., Path]
) -> None:
    parent, child = logs("parent", tag="loss"), logs("child", tag="accuracy")
    runs = [
        BoardRun("lr=0.01", parent, RunKey("test", "1")),
        BoardRun("lr=0.01/fold-1", child, RunKey("test", "2")),
    ]
    seen: list[tuple[str, BoardState]] = []

    async def scenario(manager: BoardManager) -> None:
        manager.subscribe(lambda board: seen.append((board.id, board.state)))
        # Two callers asking at once for the same runs get one board.
        board, again = await asyncio.gather(manager.open(runs), manager.open(list(reversed(runs))))
        assert board is again
        assert manager.boards == [board]
        assert board.state is BoardState.READY
        assert seen == [(board.id, BoardState.STARTING), (board.id, BoardState.READY)]
        assert board.title == "lr=0.01, lr=0.01/fold-1"
        assert board.url is not None and board.url.startswith(f"http://127.0.0.1:{board.port}/")
        assert board.started_at is not None
        memory = board.memory_bytes()
        assert memory is not None and memory > 10 * 2**20

        # Both runs show under their readable names, with their data.
        run_names = await asyncio.to_thread(_get_json, board.url + "data/runs")
        assert sorted(run_names) == ["lr=0.01", "lr=0.01/fold-1"]
        scalars = await asyncio.to_thread(
            _get_json, board.url + "data/plugin/scalars/scalars?run=lr%3D0.01%2Ffold-1&tag=accuracy"
        )
        assert [point[1] for point in scalars] == [0, 1, 2, 3, 4]

        # A folder the running parent run adds later shows up too.
        write_events(parent / "validation", tag="val_loss")

        def has_validation() -> bool:
            return "lr=0.01/validation" in _get_json(board.url + "data/runs")

        await _until(has_validation)

        # Asking again reuses the board: same object, same process.
        pid = board.pid
        assert await manager.open(runs) is board
        assert board.pid == pid and len(manager.boards) == 1

        # Recorded for orphan reaping while it runs.
        assert [record.pid for record in registry.records()] == [pid]

        # A crash is noticed, with TensorBoard's last lines, and the record goes.
        assert pid is not None and board.url is not None
        prefix = board.url.split("/", 3)[3]
        os.kill(pid, signal.SIGKILL)
        await _until(lambda: board.state is BoardState.CRASHED)
        assert seen[-1] == (board.id, BoardState.CRASHED)
        assert board.error is not None and board.error.startswith(
            "TensorBoard exited unexpectedly (killed by SIGKILL)"
        )
        assert "TensorBoard 2." in board.error  # its last lines
        assert board.url is None and board.memory_bytes() is None
        assert registry.records() == []
        assert manager.boards == [board]

        # Restart: a new process serving the same runs.
        restarted = await manager.restart(board)
        assert restarted is board and board.state is BoardState.READY
        assert board.pid != pid and board.error is None
        assert board.url is not None and board.url.split("/", 3)[3] == prefix
        assert sorted(await asyncio.to_thread(_get_json, board.url + "data/runs")) == [
            "lr=0.01",
            "lr=0.01/fold-1",
            "lr=0.01/validation",
        ]

        # Stop: the process ends, the folder and the record go, subscribers hear STOPPED.
        new_pid = board.pid
        assert new_pid is not None
        await manager.stop(board)
        assert board.state is BoardState.STOPPED and seen[-1] == (board.id, BoardState.STOPPED)
        assert manager.boards == []
        assert not procinfo.is_alive(new_pid)
        assert not board.folder.exists()
        assert registry.records() == []
        assert parent.is_dir() and child.is_dir()  # the logs themselves are untouched

    _run(tmp_path / "boards", scenario)


def test_runs_join_a_live_board_without_a_restart_and_its_feed_stops_first(
    tmp_path: Path, logs: Callable[..., Path]
) -> None:
    sweep = [BoardRun("sweep", logs("parent", tag="best"), RunKey("test", "p"))]

    async def scenario(manager: BoardManager) -> None:
        board = await manager.open(sweep, live=True)
        assert board.url is not None and board.pid is not None
        pid, url = board.pid, board.url
        # Laid out entry by entry from the start: a child run joining never replaces a link.
        assert (board.folder / "sweep").is_dir() and not (board.folder / "sweep").is_symlink()

        child = BoardRun("sweep/lr=0.1", logs("child", tag="loss"), RunKey("test", "c"))
        added = await manager.add_runs(board, [child, *sweep])  # what it shows already is left out
        assert added == (child,)
        twin = BoardRun("sweep/lr=0.1", logs("twin", tag="loss"), RunKey("test", "t"))
        assert [run.name for run in await manager.add_runs(board, [twin])] == ["sweep/lr=0.1 (2)"]
        assert [run.name for run in board.runs] == ["sweep", "sweep/lr=0.1", "sweep/lr=0.1 (2)"]

        def served() -> set[str]:
            return set(_get_json(url + "data/runs"))

        await _until(lambda: {"sweep", "sweep/lr=0.1", "sweep/lr=0.1 (2)"} <= served())
        scalars = await asyncio.to_thread(
            _get_json, url + "data/plugin/scalars/scalars?run=sweep%2Flr%3D0.1&tag=loss"
        )
        assert [point[1] for point in scalars] == [0, 1, 2, 3, 4]
        assert board.pid == pid and manager.boards == [board]
        # Reuse stays keyed on what was asked for, not on what joined since.
        assert await manager.open(sweep) is board
        assert manager.find([*sweep, child]) is None

        # What feeds the board stops before its TensorBoard does.
        stopped: list[bool] = []

        async def stop_feed() -> None:
            stopped.append(procinfo.is_alive(pid))

        manager.attach(board, stop_feed)
        await manager.stop(board)
        assert stopped == [True] and not procinfo.is_alive(pid)
        manager.attach(board, stop_feed)  # attached to a board stopped already: stopped at once
        await _until(lambda: len(stopped) == 2)
        assert await manager.add_runs(board, [twin]) == ()

    _run(tmp_path / "boards", scenario)


def test_restart_keeps_the_url(tmp_path: Path, logs: Callable[..., Path]) -> None:
    async def scenario(manager: BoardManager) -> None:
        board = await manager.open([BoardRun("a", logs("a"))], title="Mine")
        assert board.title == "Mine"
        url, pid = board.url, board.pid
        await manager.restart(board)
        assert board.state is BoardState.READY
        assert board.url == url and board.pid != pid
        assert not procinfo.is_alive(pid or 0)
        # A board for other runs is a second process.
        other = await manager.open([BoardRun("b", logs("b"))])
        assert other is not board and other.pid != board.pid and other.url != board.url
        await manager.stop_all()
        assert manager.boards == []
        assert board.state is BoardState.STOPPED and other.state is BoardState.STOPPED

    _run(tmp_path / "boards", scenario)


def test_what_cannot_start_fails_at_once_with_a_clear_message(
    tmp_path: Path, logs: Callable[..., Path]
) -> None:
    missing = tmp_path / "nowhere"

    async def scenario(manager: BoardManager) -> None:
        with pytest.raises(BoardError, match="Choose at least one run"):
            await manager.open([])
        with pytest.raises(BoardError, match=f"The logs folder of run 'gone' does not exist: {missing}"):
            await manager.open([BoardRun("gone", missing)])
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            failed: list[Board] = []
            manager.subscribe(
                lambda board: failed.append(board) if board.state is BoardState.FAILED else None
            )
            with pytest.raises(BoardError, match=f"Port {port} is already in use"):
                await manager.open([BoardRun("a", logs("a"))], port=port)
            assert len(failed) == 1 and failed[0].error is not None and str(port) in failed[0].error
        assert manager.boards == []
        assert list((tmp_path / "boards").glob("*")) == []

    _run(tmp_path / "boards", scenario)
    assert procinfo.children(os.getpid()) == []


def test_stopping_a_board_while_it_starts(tmp_path: Path, logs: Callable[..., Path]) -> None:
    async def scenario(manager: BoardManager) -> None:
        opening = asyncio.ensure_future(manager.open([BoardRun("a", logs("a"))]))
        await _until(lambda: manager.boards and manager.boards[0].pid is None and manager._starts)
        board = manager.boards[0]
        await manager.stop(board)
        with pytest.raises(BoardError, match="was stopped before it was ready"):
            await opening
        assert board.state is BoardState.STOPPED and manager.boards == []

    _run(tmp_path / "boards", scenario)
    assert procinfo.children(os.getpid()) == []
