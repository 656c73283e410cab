"""The program a board runs: TensorBoard of this interpreter, tied to the life of the app, alone in
a private network where the kernel allows it.

Started as `python <this file>` with TBDESK_PARENT_PID set to the app's pid and TBDESK_LISTEN_FD
naming a listening socket the app bound on 127.0.0.1. It loads TensorBoard (most of a board's start
time), then reads two lines on stdin: the path of a 0600 file of TensorBoard's flags (one per
line), and GO once the board's logs are in place. So a board can load, and in a private network
start serving, while the app still lists and fetches its runs (a cloud folder), and its data
server first scans the logs when they are there. The command line, which every local user can
read, holds no flag. (Flags given on the command line are used instead, for running it by hand.)
Run by path rather than with -m so it needs no importable
tbdesk (a source checkout works as well as an installed package); it uses the standard library
only (and TensorBoard). A frozen bundle has no `python` to run a file with: there the app's own
executable runs it through the internal verb BOARD_VERB.

Why a private network: TensorBoard's Rust data server listens on localhost with no authentication
and answers every local user's gRPC calls (ListRuns, ReadScalars). In a network namespace of its
own (made with an unprivileged user namespace, Linux) its loopback is ours alone, while
TensorBoard's web server keeps serving on the socket the app bound outside, behind the secret prefix.
No copy of a request passes through another process: the socket belongs to the app's network.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LAUNCHER = Path(__file__).resolve()
# How a board's command line is recognised, whichever installation of tbdesk started it: the
# launcher's path after a Python, or the internal verb after a bundle's executable.
LAUNCHER_TAIL = "/tbdesk/boards/_launch.py"
BOARD_VERB = "__tensorboard__"
PARENT_PID_ENV = "TBDESK_PARENT_PID"
PRIVATE_DIR_PREFIX = "tbdesk-board-"  # a board's own TMPDIR (made by the app, 0700)
LISTEN_FD_ENV = "TBDESK_LISTEN_FD"
# The launcher's first line of output says whether other users can reach the data server.
NETWORK_PRIVATE = "tbdesk: network: private"
NETWORK_SHARED = "tbdesk: network: shared: "  # followed by the reason
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_CLONE_NEWUSER = 0x10000000  # from <linux/sched.h>
_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913  # from <linux/sockios.h>
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
GO = "go"  # the app's second line to a board: its logs are in place, start reading them
LOADING = "tbdesk: loading the logs"  # a board's answer, once its data server reads them
_DATA_SERVER_START_S = 30.0  # TensorBoard's own start gives it 20 tries 0.5 s apart, about 10 s
_DATA_SERVERS: list[subprocess.Popen[bytes]] = []


def _die_with_parent() -> None:
    """Have the kernel SIGKILL us when the app dies, even by SIGKILL, so no board is orphaned.

    Done here rather than in a preexec_fn, which is unsafe in a process with threads (Qt has
    several). The signal follows the thread that forked us, so the app spawns from its event loop
    thread. If the app died before prctl took effect we were already re-parented: check and exit.
    """
    expected = os.environ.pop(PARENT_PID_ENV, "")
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if expected.isdigit() and os.getppid() != int(expected):
        os._exit(1)


def _unshare_network() -> None:
    """Enter a new user namespace (our own ids mapped to themselves, so files keep their owners)
    and a new network namespace in it, and bring its loopback up. Raises OSError naming the step."""
    import ctypes
    import fcntl
    import socket
    import struct

    uid, gid = os.geteuid(), os.getegid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"unshare(CLONE_NEWUSER | CLONE_NEWNET): {os.strerror(code)}")
    # An unprivileged process may map only its own ids, and gids only once setgroups is denied.
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh22x", b"lo", 0)  # struct ifreq: name, flags, padding
        flags = struct.unpack("16sh22x", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", flags | _IFF_UP))


def _enter_private_network() -> str | None:
    """Move into a private network; None when done, else why not (we then stay where we are).

    Tried first in a throwaway child: a half-done attempt (say, a user namespace whose id maps
    the kernel refuses) cannot be undone, and would leave us unable to read the logs.
    """
    if not sys.platform.startswith("linux"):
        return "private networks for boards need Linux"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the trial; single-threaded here, so fork is safe
        os.close(read_end)
        try:
            _unshare_network()
        except Exception as error:  # any failure only means "not here"
            os.write(write_end, (str(error) or repr(error)).encode(errors="replace")[:500])
            os._exit(1)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        reason = answer.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return reason or f"the trial ended with status {status}"
    try:
        _unshare_network()
    except OSError as error:  # refused now although the trial passed: say so, stay shared
        return str(error)
    return None


def _keep_unneeded_out() -> None:
    """Keep TensorFlow and boto3 out of TensorBoard, even when they are installed.

    `tensorboard.compat.tf` imports TensorFlow unless `tensorboard.compat.notf` can be imported
    (the hook behind TensorBoard's own no-TensorFlow build). With TensorFlow, TensorBoard starts
    about 4x slower and takes 7x the memory (PLATFORM.md), and a board needs none of it: the Rust
    data server reads the logs. An empty module under that name is all the hook looks for.
    TensorBoard's TensorFlow stub imports boto3, when it is there, to read s3:// logdirs itself:
    a board reads local folders only (tbdesk mirrors cloud ones), and boto3 cost 0.14 s of a
    board's start. A None in sys.modules makes its import fail as if it were not installed.
    """
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))
    sys.modules.setdefault("boto3", None)  # type: ignore[arg-type]  # None blocks the import: documented


def _run_tensorboard(listen_fd: int | None, flags: Sequence[str], *, private: bool) -> None:
    """TensorBoard's own `tensorboard.main.run_main`, with a web server on the app's socket; with no
    flags, they come from the flag file named on stdin once TensorBoard is loaded."""
    from absl import app
    from tensorboard import default, main_lib, program
    from tensorboard.plugins import base_plugin

    server_class = None
    if listen_fd is not None:
        from werkzeug import serving

        class _OnInheritedSocket(serving.ThreadedWSGIServer):
            def __init__(self, host: str, port: int, wsgi_app: Any, handler: Any = None) -> None:
                super().__init__(host, port, wsgi_app, handler, fd=listen_fd)
                # What http.server's server_bind() would have set; TensorBoard's URL reads it.
                self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

        # TensorBoard's server (its request handler, logging and URL), over the inherited socket.
        class _Server(program.WerkzeugServer, _OnInheritedSocket):  # type: ignore[misc]
            pass

        server_class = _Server
    main_lib.global_init()
    plugins = default.get_plugins()
    if not flags:
        flagfile = sys.stdin.readline().rstrip("\n")
        if not flagfile:  # the app closed stdin: it needs this board no more
            sys.exit(0)
        flags = [line for line in Path(flagfile).read_text().splitlines() if line]  # one per line
        flags += _data_server_when_told(flags, port_ahead=private)
    sys.argv = ["tensorboard", *flags]  # not our command line, which /proc shows: that stays bare
    tensorboard = program.TensorBoard(plugins=plugins, server_class=server_class)
    try:
        app.run(tensorboard.main, flags_parser=tensorboard.configure)
    except base_plugin.FlagsError as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(1)


def _data_server_when_told(flags: Sequence[str], *, port_ahead: bool) -> list[str]:
    """Have TensorBoard's Rust data server read the flags' logdir once the app says the logs are
    in place (its line GO), and return the flag that points TensorBoard at it
    (`--grpc_data_provider`, a public flag of TensorBoard's).

    port_ahead (a private network, where no other program takes ports): the data server's port is
    chosen now and TensorBoard starts serving at once, asking the data server nothing until a page
    asks; so a board is ready the moment its logs are. Elsewhere a port chosen ahead could be taken
    meanwhile, and TensorBoard waits for GO too. Either way the data server is started here rather
    than by TensorBoard, which looks for its port 10 ms after starting it and then every 0.5 s (on a
    busy machine the server is rarely that quick): here the port file is looked at every 5 ms.
    With no data server, TensorBoard reads the logs itself.
    """
    options = dict(flag[2:].split("=", 1) for flag in flags if flag.startswith("--") and "=" in flag)
    binary = _data_server_binary() if "logdir" in options and "grpc_data_provider" not in options else None
    if binary is None:
        _wait_for_go()
        print(LOADING, file=sys.stderr, flush=True)
        return []
    if port_ahead:
        port = _free_port()
        threading.Thread(target=_start_when_told, args=(binary, options, port), daemon=True).start()
        return [f"--grpc_data_provider=localhost:{port}"]
    _wait_for_go()
    bound = _start_data_server(binary, options, 0)
    print(LOADING, file=sys.stderr, flush=True)
    return [f"--grpc_data_provider=localhost:{bound}"] if bound else []  # else TensorBoard tries


def _start_when_told(binary: str, options: dict[str, str], port: int) -> None:
    _wait_for_go()
    if not _start_data_server(binary, options, port):
        os._exit(1)  # TensorBoard was pointed at it: without it the board cannot show anything
    print(LOADING, file=sys.stderr, flush=True)


def _wait_for_go() -> None:
    if sys.stdin.readline().strip() != GO:  # the app closed stdin: it needs this board no more
        os._exit(0)


def _data_server_binary() -> str | None:
    try:
        from tensorboard.data import server_ingester

        return str(server_ingester.get_server_binary().path)
    except Exception:  # NoDataServerError, or a broken install: TensorBoard's own start tells
        return None


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_data_server(binary: str, options: dict[str, str], port: int) -> int | None:
    """Start the data server on the logdir and this port (0: any); the port it serves on once it
    does, or None after saying on stderr why it did not."""
    reload = float(options.get("reload_interval", "5"))
    folder = Path(tempfile.mkdtemp(prefix="data-server-"))  # in the board's own TMPDIR (0700)
    port_file, error_file = folder / "port", folder / "error"
    server = subprocess.Popen(
        [
            binary,
            f"--logdir={options['logdir']}",
            f"--reload={int(reload)}" if reload > 0 else "--reload=once",
            f"--port={port}",
            f"--port-file={port_file}",
            f"--error-file={error_file}",
            "--die-after-stdin",  # it ends when we do: our end of its stdin closes
        ],
        stdin=subprocess.PIPE,
    )
    _DATA_SERVERS.append(server)  # kept, so its stdin stays open while we run
    deadline = time.monotonic() + _DATA_SERVER_START_S
    while server.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError, ValueError):
            text = port_file.read_text()
            if text.endswith("\n"):  # written whole
                return int(text)
        time.sleep(0.005)
    code = server.poll()
    server.kill()
    why = f"it exited with code {code}" if code is not None else "it gave no port in time"
    with contextlib.suppress(OSError):
        why = error_file.read_text().strip() or why
    print(f"tbdesk: TensorBoard's data server did not start: {why}", file=sys.stderr, flush=True)
    return None


def launcher_prefix() -> list[str]:
    """The command, before TensorBoard's flags, that runs this launcher in a new process."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: sys.executable is the app itself
        return [sys.executable, BOARD_VERB]
    return [sys.executable, str(LAUNCHER)]


def is_board_command(command: Sequence[str]) -> bool:
    """A process's command line is that of a board started by some tbdesk (a venv's or a bundle's)."""
    return len(command) > 1 and (
        command[1].endswith(LAUNCHER_TAIL) or (command[1] == BOARD_VERB and Path(command[0]).name == "tbdesk")
    )


def main(flags: Sequence[str] | None = None) -> None:
    """Run TensorBoard with these flags (default: this program's arguments; none: see above) until
    it ends."""
    # Python put this file's folder first on sys.path: its module names (process, names, ...)
    # must not shadow anything TensorBoard imports.
    if sys.path and Path(sys.path[0]).resolve() == LAUNCHER.parent:
        del sys.path[0]
    listen_fd = os.environ.pop(LISTEN_FD_ENV, "")
    reason = _enter_private_network() if listen_fd.isdigit() else "no socket from tbdesk to serve on"
    print(NETWORK_PRIVATE if reason is None else NETWORK_SHARED + reason, file=sys.stderr, flush=True)
    _die_with_parent()
    _keep_unneeded_out()
    _run_tensorboard(
        int(listen_fd) if listen_fd.isdigit() else None,
        sys.argv[1:] if flags is None else flags,
        private=reason is None,
    )


if __name__ == "__main__":
    main()
