"""discover(): live TensorBoards from their info files, ours marked, junk and stale entries ignored."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tbdesk.boards import BoardManager, BoardRun, RunningTensorBoard, discover
from tbdesk.boards.discovery import info_dir
from tests.event_files import wait_until


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp folder of our own, for us and the TensorBoards we start, so that other
    TensorBoards on this machine stay out of the test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _write_junk(dead_pid: int) -> None:
    folder = info_dir()
    folder.mkdir(exist_ok=True)
    good = {"version": "2.21.0", "start_time": 1, "pid": os.getpid(), "port": 1, "path_prefix": "",
            "logdir": "/x", "db": "", "cache_key": ""}  # fmt: skip
    junk = {
        "not-json": "{",
        "list": "[1, 2]",
        "pid-as-text": json.dumps({**good, "pid": str(os.getpid())}),
        "pid-as-bool": json.dumps({**good, "pid": True}),
        "port-out-of-range": json.dumps({**good, "port": 70000}),
        "prefix-with-query": json.dumps({**good, "path_prefix": "/a?b"}),
        "dead-pid": json.dumps({**good, "pid": dead_pid, "port": 6006}),
        "nobody-answers": json.dumps(good),  # a live pid (ours), a port where nothing listens
        "huge": json.dumps({**good, "logdir": "x" * 100_000}),
    }
    for name, text in junk.items():
        (folder / f"pid-{name}.info").write_text(text)


def test_discover_lists_ours_and_others_and_nothing_else(
    private_tmp: Path, tmp_path: Path, logs: Callable[..., Path]
) -> None:
    with subprocess.Popen(["true"]) as gone:
        pass
    _write_junk(gone.pid)
    other_logs = logs("other")
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(other_logs), "--host", "127.0.0.1"]
    with subprocess.Popen([*command, "--port", "0"], stderr=subprocess.DEVNULL) as foreign:
        try:

            async def scenario() -> tuple[list[RunningTensorBoard], str | None, int | None]:
                manager = BoardManager(tmp_path / "boards")
                try:
                    board = await manager.open([BoardRun("a", logs("a"))])
                    foreign_info = info_dir() / f"pid-{foreign.pid}.info"
                    await asyncio.to_thread(wait_until, foreign_info.exists)
                    return await asyncio.to_thread(discover), board.url, board.pid
                finally:
                    await manager.stop_all()

            found, url, pid = asyncio.run(scenario())
        finally:
            foreign.terminate()
    assert len(found) == 2, found
    ours = next(board for board in found if board.ours)
    assert (ours.pid, ours.url) == (pid, url)
    assert ours.logdir == str(tmp_path / "boards" / ours.logdir.rsplit("/", 1)[-1])
    assert ours.started is not None
    other = next(board for board in found if not board.ours)
    assert other.pid == foreign.pid
    assert other.logdir == str(other_logs)
    assert other.url == f"http://127.0.0.1:{other.port}/"


def test_discover_with_no_info_folder(private_tmp: Path) -> None:
    assert discover() == []
