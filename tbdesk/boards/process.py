"""One TensorBoard child process: start it, know when it answers, watch it, end it."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import errno
import os
import re
import secrets
import shutil
import signal
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tbdesk.boards import procinfo
from tbdesk.boards._launch import (
    GO,
    LISTEN_FD_ENV,
    LOADING,
    NETWORK_PRIVATE,
    NETWORK_SHARED,
    PARENT_PID_ENV,
    PRIVATE_DIR_PREFIX,
    launcher_prefix,
)
from tbdesk.boards.board import BoardError
from tbdesk.boards.probe import http_status

HOST = "127.0.0.1"
RELOAD_INTERVAL_S = 2  # new points show up this quickly; the data server's rescans are cheap
START_TIMEOUT_S = 60.0
CHECK_TIMEOUT_S = 5.0  # a board that takes longer to list its runs is "not responding"
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


def tensorboard_command() -> list[str]:
    """The command line of a board's TensorBoard: the launcher, by this interpreter or the bundle's
    own executable. Nothing else goes on it: /proc/PID/cmdline is world-readable, so the flags (path
    prefix, logs folder) go in a 0600 file whose path the launcher reads on stdin."""
    return launcher_prefix()


def new_prefix() -> str:
    """A path prefix nobody can guess (>= 128 bits): TensorBoard has no authentication, and any
    local program or web page could otherwise reach it."""
    return "/" + secrets.token_urlsafe(24)


class TensorBoardProcess:
    """A TensorBoard child process. `spawn()` starts one, which loads TensorBoard and waits for its
    flags; `serve()` gives them and returns once it answers; `start()` does both."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int, private_dir: Path) -> None:
        self._proc = proc
        self.prefix = ""  # its secret path prefix, chosen by serve()
        self.port = port
        self.private_dir = private_dir  # its TMPDIR (info files, data server's port file), 0700
        # None while unknown; "" when its data server is in a private network; else why it is not.
        self.network_exposure: str | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        self._serving: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._loading: asyncio.Future[None] = asyncio.get_running_loop().create_future()
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
        """Start TensorBoard on logdir and return once it serves it: spawn, configure, serve."""
        process = await cls.spawn(port)
        await process.configure(logdir, prefix=prefix, extra_args=extra_args)
        await process.serve(timeout)
        return process

    @classmethod
    async def spawn(cls, port: int | None = None) -> TensorBoardProcess:
        """A new TensorBoard process on its own port, loading TensorBoard until it is configured.
        Raises BoardError at once for a taken port."""
        listener = _listen(port)
        bound_port: int = listener.getsockname()[1]
        private_dir = Path(tempfile.mkdtemp(prefix=PRIVATE_DIR_PREFIX))  # 0700, a name nobody guesses
        try:
            # Spawned from the event loop's thread: the launcher's PR_SET_PDEATHSIG follows the
            # thread that forked it. A new session keeps a Ctrl+C in our terminal from reaching it.
            # Its TMPDIR is private: TensorBoard writes its port and prefix to an info file there.
            proc = await asyncio.create_subprocess_exec(
                *tensorboard_command(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(listener.fileno(),),
                env={
                    **os.environ,
                    PARENT_PID_ENV: str(os.getpid()),
                    LISTEN_FD_ENV: str(listener.fileno()),
                    "TMPDIR": str(private_dir),
                },
            )  # fmt: skip
        except BaseException:
            shutil.rmtree(private_dir, ignore_errors=True)
            raise
        finally:
            # TensorBoard holds it now; our copy would keep the port open after TensorBoard dies.
            listener.close()
        return cls(proc, bound_port, private_dir)

    async def configure(
        self, logdir: Path, *, prefix: str | None = None, extra_args: Sequence[str] = ()
    ) -> None:
        """Give the spawned TensorBoard its flags: logdir (which need not hold the logs yet) and a
        new secret prefix unless one is given. It may start serving (see _launch.py); it reads
        the logs once `serve()` is called. On failure the process is stopped."""
        try:
            self.prefix = prefix or new_prefix()
            flags = [
                f"--logdir={logdir}",
                f"--host={HOST}",
                "--port=0",  # the server takes the socket we bound; 0 skips TensorBoard's port check
                f"--path_prefix={self.prefix}",
                f"--reload_interval={RELOAD_INTERVAL_S}",
                *extra_args,
            ]
            if any("\n" in flag or "\r" in flag for flag in flags):
                raise BoardError("TensorBoard's flags cannot hold line breaks.")
            fd = os.open(self._flagfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write("\n".join(flags) + "\n")
            await self._send(f"{self._flagfile}\n")
        except BaseException:
            await self.stop()
            raise

    async def serve(self, timeout: float = START_TIMEOUT_S) -> None:
        """Tell the configured TensorBoard that its logs are in place, and return once it serves
        them. Raises BoardError soon after TensorBoard exits (with its last lines) or after
        timeout; the process is stopped then."""
        try:
            await self._send(f"{GO}\n")
            await asyncio.wait_for(self._until_ready(), timeout)
        except TimeoutError:
            await self.stop()
            raise BoardError(
                f"TensorBoard did not answer within {timeout:.0f} s.\n{self.last_lines()}".rstrip()
            ) from None
        except BaseException:
            await self.stop()
            raise
        self._flagfile.unlink(missing_ok=True)  # read at its start; the prefix need not stay on disk

    @property
    def _flagfile(self) -> Path:
        return self.private_dir / "flags"

    async def _send(self, line: str) -> None:
        """A line to the launcher's stdin. A launcher that has exited already is found by
        `_until_ready`, with its last lines."""
        stdin = self._proc.stdin
        assert stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            stdin.write(line.encode())
            await stdin.drain()
        if line == f"{GO}\n":
            stdin.close()  # nothing more to say; a launcher that reads on finds the end

    async def _until_ready(self) -> None:
        """Until TensorBoard serves (its URL line), its data server reads the logs (LOADING) and
        the runs answer through both."""
        exited = asyncio.ensure_future(self._proc.wait())
        started = asyncio.ensure_future(self._started())
        try:
            await asyncio.wait({started, exited}, return_when=asyncio.FIRST_COMPLETED)
            if not started.done():
                raise await self._failure()
            delay = 0.01
            while True:
                status = await http_status(HOST, self.port, self.prefix + "/data/runs")
                if status == 200:
                    return
                if exited.done():
                    raise await self._failure()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.1)
        finally:
            exited.cancel()
            started.cancel()

    async def _started(self) -> None:
        # Shielded: giving up on the start must not cancel what the output reader reports into.
        await asyncio.shield(self._serving)
        await asyncio.shield(self._loading)

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
            if line == LOADING:
                if not self._loading.done():
                    self._loading.set_result(None)
                continue
            if self.network_exposure is None and line.startswith((NETWORK_PRIVATE, NETWORK_SHARED)):
                self.network_exposure = line.removeprefix(NETWORK_SHARED) if line != NETWORK_PRIVATE else ""
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
        if self._proc.stdin is not None:
            self._proc.stdin.close()  # a launcher still waiting for its flags ends by itself
        if self._proc.returncode is None:
            self._signal(signal.SIGTERM)
            self._signal(signal.SIGCONT)  # a suspended TensorBoard must run to end gracefully
            try:
                await asyncio.wait_for(self._proc.wait(), grace)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await self._proc.wait()
        await self.wait()
        self._reader.cancel()
        await asyncio.to_thread(shutil.rmtree, self.private_dir, True)

    def _signal(self, signum: int) -> None:
        # Only called before wait() has reaped our child, so its pid (the group id) is still ours.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, signum)


def _listen(port: int | None) -> socket.socket:
    """The board's listening socket on 127.0.0.1, bound here so that it belongs to our network
    (the launcher may move TensorBoard into a private one) and a taken port fails at once."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # As TensorBoard's server does; so a port with only TIME_WAIT connections counts as free.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, port or 0))
        listener.listen(128)
    except OSError as error:
        listener.close()
        if port and error.errno == errno.EADDRINUSE:
            raise BoardError(
                f"Port {port} is already in use: choose another port or let tbdesk pick one."
            ) from None
        raise BoardError(f"Could not listen on {HOST}:{port or 0}: {error}") from error
    return listener


async def check_process(process: TensorBoardProcess, timeout: float = CHECK_TIMEOUT_S) -> str | None:
    """None when the board answers for its runs in time; else what is wrong, for the user.

    `data/runs` goes through TensorBoard to its data server, so a data server that died (TensorBoard
    then answers 500) is found as well as a TensorBoard that hangs or was suspended.
    """
    status = await http_status(HOST, process.port, process.prefix + "/data/runs", timeout)
    if status == 200:
        return None
    if procinfo.state(process.pid) == "T":
        return "TensorBoard is suspended (stopped by a signal) and does not answer."
    if status is None:
        return f"TensorBoard did not answer within {timeout:.0f} s."
    if not any(procinfo.cmdline(child) for child in procinfo.children(process.pid)):
        return f"TensorBoard answers with errors (HTTP {status}): its data server is gone."
    return f"TensorBoard answers with errors (HTTP {status})."
