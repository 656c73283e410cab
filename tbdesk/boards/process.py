"""One TensorBoard child process: start it, know when it answers, watch it, end it."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import re
import secrets
import signal
from collections.abc import Sequence
from pathlib import Path

from tbdesk.boards._launch import PARENT_PID_ENV, launcher_prefix
from tbdesk.boards.board import BoardError
from tbdesk.boards.probe import http_status, port_is_free

HOST = "127.0.0.1"
RELOAD_INTERVAL_S = 2  # new points show up this quickly; the data server's rescans are cheap
START_TIMEOUT_S = 60.0
_TAIL_LINES = 40
_ERROR_LINES = 8
_SERVING = re.compile(r"TensorBoard \S+ at (http://\S+?:(\d+)\S*)")
# What TensorBoard always says at start; it would crowd the lines that explain a failure.
_NOISE = (
    "TensorFlow installation not found",
    "NOTE: Using experimental fast data loading logic",
    '"--load_fast=false" and report issues on GitHub',
    "https://github.com/tensorflow/tensorboard/issues/4784",
)


def describe_exit(code: int) -> str:
    """'code 1', or 'killed by SIGKILL' for a process ended by a signal."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"code {code}"


def new_prefix() -> str:
    """A path prefix nobody can guess (>= 128 bits): TensorBoard has no authentication, and any
    local program or web page could otherwise reach it."""
    return "/" + secrets.token_urlsafe(24)


def tensorboard_command(logdir: Path, port: int | None, prefix: str, extra_args: Sequence[str]) -> list[str]:
    """The whole command line of a board: the launcher (by this interpreter, or the bundle's own
    executable) and TensorBoard's flags."""
    return [
        *launcher_prefix(),
        "--logdir", str(logdir),
        "--host", HOST,
        "--port", str(port or 0),
        "--path_prefix", prefix,
        "--reload_interval", str(RELOAD_INTERVAL_S),
        *extra_args,
    ]  # fmt: skip


class TensorBoardProcess:
    """A running TensorBoard. Create with `start()`; it is ready (answers HTTP 200) when that returns."""

    def __init__(self, proc: asyncio.subprocess.Process, prefix: str) -> None:
        self._proc = proc
        self.prefix = prefix
        self.port: int | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        self._serving: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._reader = asyncio.ensure_future(self._read_output())

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.prefix}/"

    @property
    def returncode(self) -> int | None:
        return self._proc.returncode

    @classmethod
    async def start(
        cls,
        logdir: Path,
        *,
        port: int | None = None,
        prefix: str | None = None,
        extra_args: Sequence[str] = (),
        timeout: float = START_TIMEOUT_S,
    ) -> TensorBoardProcess:
        """Start TensorBoard on logdir and return once it answers under its prefix.

        Raises BoardError at once for a taken port, and soon after TensorBoard exits (with its
        last lines) or after timeout.
        """
        if port is not None and not port_is_free(port, HOST):
            raise BoardError(f"Port {port} is already in use: choose another port or let tbdesk pick one.")
        prefix = prefix or new_prefix()
        # Spawned from the event loop's thread: the launcher's PR_SET_PDEATHSIG follows the thread
        # that forked it. A new session keeps a Ctrl+C in our terminal from reaching it directly.
        proc = await asyncio.create_subprocess_exec(
            *tensorboard_command(logdir, port, prefix, extra_args),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, PARENT_PID_ENV: str(os.getpid())},
        )  # fmt: skip
        started = cls(proc, prefix)
        try:
            await asyncio.wait_for(started._until_ready(), timeout)
        except TimeoutError:
            await started.stop()
            raise BoardError(
                f"TensorBoard did not answer within {timeout:.0f} s.\n{started.last_lines()}".rstrip()
            ) from None
        except BaseException:
            await started.stop()
            raise
        return started

    async def _until_ready(self) -> None:
        exited = asyncio.ensure_future(self._proc.wait())
        try:
            await asyncio.wait({self._serving, exited}, return_when=asyncio.FIRST_COMPLETED)
            if not self._serving.done():
                raise await self._failure()
            self.port = self._serving.result()
            delay = 0.01
            while True:
                status = await http_status(HOST, self.port, self.prefix + "/")
                if status == 200:
                    return
                if exited.done():
                    raise await self._failure()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.1)
        finally:
            exited.cancel()

    async def _failure(self) -> BoardError:
        code = await self.wait()
        return BoardError(
            f"TensorBoard exited ({describe_exit(code)}) while starting:\n{self.last_lines()}".rstrip()
        )

    async def _read_output(self) -> None:
        """Keep the last lines (for error messages) and spot the line with the URL; reading all
        the output also keeps TensorBoard from blocking on a full pipe."""
        assert self._proc.stdout is not None
        async for raw in self._proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            if not line or any(noise in line for noise in _NOISE):
                continue
            self._tail.append(line)
            match = _SERVING.search(line)
            if match and not self._serving.done():
                self._serving.set_result(int(match.group(2)))

    def last_lines(self, count: int = _ERROR_LINES) -> str:
        return "\n".join(list(self._tail)[-count:])

    async def wait(self) -> int:
        """Wait until the process exits and its last lines are in; its exit code."""
        code = await self._proc.wait()
        # The output ends soon after the process; don't wait long for a straggling child's copy.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reader), 0.5)
        return code

    async def stop(self, grace: float = 5.0) -> None:
        """SIGTERM (TensorBoard then removes its info file), then SIGKILL after grace seconds.
        Signals go to the whole process group, which also holds the data server (that one also
        ends by itself when TensorBoard's end closes its stdin)."""
        if self._proc.returncode is None:
            self._signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self._proc.wait(), grace)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await self._proc.wait()
        await self.wait()
        self._reader.cancel()

    def _signal(self, signum: int) -> None:
        # Only called before wait() has reaped our child, so its pid (the group id) is still ours.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, signum)
