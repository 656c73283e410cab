"""discover(): this user's live TensorBoards, ours (from the registry) marked; junk, stale, foreign
and planted entries ignored."""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
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


def _plant(name: str, pid: int, port: int, logdir: str = "/planted", owner: int | None = None) -> None:
    """An info file in the shared folder, as another user (or a page's owner) could write one."""
    folder = info_dir()
    folder.mkdir(exist_ok=True)
    info = {"version": "2.21.0", "start_time": 1, "pid": pid, "port": port, "path_prefix": "",
            "logdir": logdir, "db": "", "cache_key": ""}  # fmt: skip
    path = folder / f"pid-{name}.info"
    path.write_text(json.dumps(info))
    if owner is not None:
        os.chown(path, owner, owner)


def test_discover_lists_ours_and_this_users_tensorboards_and_nothing_else(
    private_tmp: Path, tmp_path: Path, logs: Callable[..., Path]
) -> None:
    with subprocess.Popen(["true"]) as gone:
        pass
    _write_junk(gone.pid)
    other_logs = logs("other")
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(other_logs), "--host", "127.0.0.1"]
    # A web server of ours that is not TensorBoard, with an info file that names it and us.
    not_tensorboard = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=not_tensorboard.serve_forever, daemon=True).start()
    with subprocess.Popen([*command, "--port", "0"], stderr=subprocess.DEVNULL) as foreign:
        try:

            async def scenario() -> tuple[list[RunningTensorBoard], str | None, int | None]:
                manager = BoardManager(tmp_path / "boards")
                try:
                    board = await manager.open([BoardRun("a", logs("a"))])
                    foreign_info = info_dir() / f"pid-{foreign.pid}.info"
                    await asyncio.to_thread(wait_until, foreign_info.exists)
                    port = json.loads(foreign_info.read_text())["port"]
                    # Planted: pid 1 (alive) or our own pid with the real TensorBoard's port (a pid
                    # that does not hold the port), a server that is not TensorBoard, and (as root)
                    # an entry written by another user naming a live TensorBoard.
                    _plant("pid-1", 1, port)
                    _plant("wrong-pid", os.getpid(), port)
                    _plant("not-tensorboard", os.getpid(), not_tensorboard.server_address[1])
                    if os.geteuid() == 0:
                        _plant("other-user", foreign.pid, port, owner=65534)
                    return await asyncio.to_thread(discover), board.url, board.pid
                finally:
                    await manager.stop_all()

            found, url, pid = asyncio.run(scenario())
        finally:
            foreign.terminate()
            not_tensorboard.shutdown()
            not_tensorboard.server_close()
    assert len(found) == 2, found
    ours = next(board for board in found if board.ours)
    assert (ours.pid, ours.url) == (pid, url)  # from tbdesk's registry: its info file is private
    assert ours.logdir == str(tmp_path / "boards" / ours.logdir.rsplit("/", 1)[-1])
    assert ours.started is not None
    other = next(board for board in found if not board.ours)
    assert other.pid == foreign.pid
    assert other.logdir == str(other_logs)
    assert other.url == f"http://127.0.0.1:{other.port}/"


def test_discover_with_no_info_folder(private_tmp: Path) -> None:
    assert discover() == []
