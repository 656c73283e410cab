"""No TensorBoard outlives the Python process that started it through the Python API: not after a
normal exit without stop(), not after SIGKILL. Real interpreters, real boards."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import tbdesk
from tbdesk.boards import procinfo, reap_orphans, registry
from tbdesk.paths import cache_dir
from tests.event_files import wait_until

REPO = Path(tbdesk.__file__).resolve().parent.parent

# Started from inside a running event loop, as in a notebook, and never stopped.
SCRIPT = textwrap.dedent(
    """
    import asyncio, sys, time
    from tbdesk.boards import procinfo
    from tbdesk.local import Experiment, Workspace
    from tbdesk.tensorboard import Tensorboard

    ws = Workspace(sys.argv[1])
    with Experiment(ws, "exp").start_logging() as run:
        run.log("loss", 0.5)

    async def notebook_cell():
        tb = Tensorboard([run], port=None)
        tb.start()
        print(tb.pid, *procinfo.children(tb.pid), flush=True)

    asyncio.run(notebook_cell())
    if sys.argv[2] == "hang":
        time.sleep(3600)
    """
)


@contextlib.contextmanager
def _script(tmp_path: Path, mode: str) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    """Run SCRIPT; yield it and the pids of its TensorBoard (and data server); kill it at the end."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", SCRIPT, str(tmp_path / "ws"), mode]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as script:
        try:
            assert script.stdout is not None
            pids = [int(word) for word in script.stdout.readline().split()]
            assert pids, "the script printed no TensorBoard pid"
            yield script, pids
        finally:
            script.kill()


def test_a_board_never_stopped_ends_when_python_exits(tmp_path: Path) -> None:
    with _script(tmp_path, "exit") as (script, pids):
        assert script.wait(timeout=60) == 0
    # Stopped by the exit hook before the interpreter finished, not left for PDEATHSIG to kill.
    assert not any(map(procinfo.is_alive, pids))
    assert registry.records() == []
    assert list((cache_dir() / "tensorboard").iterdir()) == []  # the export's temporary folder


def test_a_board_dies_with_its_python_even_on_sigkill(tmp_path: Path) -> None:
    with _script(tmp_path, "hang") as (script, pids):
        assert all(map(procinfo.is_alive, pids))
        script.send_signal(signal.SIGKILL)
        script.wait()
    try:
        wait_until(lambda: not any(map(procinfo.is_alive, pids)), what="TensorBoard to die with Python")
    finally:
        assert reap_orphans() == []  # nothing was left to reap; this only drops its record
