"""One real TensorBoard process: readiness, prefix, loopback only, failures, TensorFlow kept out."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tbdesk.boards import BoardError, procinfo
from tbdesk.boards.probe import http_status
from tbdesk.boards.process import TensorBoardProcess

FAKE_PACKAGE = """
import os
with open(os.environ["FAKE_TF_MARKER"], "a") as marker:
    marker.write(__name__ + "\\n")
raise ImportError("this fake package only records that someone imported it")
"""


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp shows them) of listening sockets on port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


@pytest.fixture
def fake_tensorflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """'tensorflow' and 'boto3' packages on PYTHONPATH that leave a marker file when imported
    (one file, a line with the name of each); the marker's path."""
    site = tmp_path / "site"
    for name in ("tensorflow", "boto3"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(FAKE_PACKAGE)
    marker = tmp_path / "tensorflow-was-imported"
    monkeypatch.setenv("PYTHONPATH", str(site))
    monkeypatch.setenv("FAKE_TF_MARKER", str(marker))
    return marker


def test_serves_on_loopback_behind_a_secret_prefix_without_tensorflow(
    logs: Callable[..., Path], fake_tensorflow: Path
) -> None:
    folder = logs("a").parent

    async def scenario() -> None:
        process = await TensorBoardProcess.start(folder)
        try:
            assert process.port is not None
            prefix = process.prefix
            assert len(prefix) >= 1 + 22  # 128 bits in URL-safe base64 take 22 characters
            assert process.url == f"http://127.0.0.1:{process.port}{prefix}/"
            assert await http_status("127.0.0.1", process.port, prefix + "/") == 200
            assert await http_status("127.0.0.1", process.port, prefix + "/data/runs") == 200
            for outside in ("/", "/data/runs", "/index.html", prefix[:-1] + "/", "/x" + prefix + "/"):
                assert await http_status("127.0.0.1", process.port, outside) == 404, outside
            assert _listening_addresses(process.port) == {"0100007F"}  # 127.0.0.1 only
            assert procinfo.cmdline(process.pid)[1].endswith("/tbdesk/boards/_launch.py")
        finally:
            await process.stop()
        assert process.returncode is not None
        assert not procinfo.is_alive(process.pid)

    asyncio.run(scenario())
    # TensorBoard would have imported the (fake) TensorFlow and boto3: see the control test below.
    assert not fake_tensorflow.exists()


def test_plain_tensorboard_would_import_tensorflow(tmp_path: Path, fake_tensorflow: Path) -> None:
    """The control for the test above: without our launcher, TensorBoard imports TensorFlow, and
    boto3 (its TensorFlow stub reads s3:// with it)."""
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path), "--host", "127.0.0.1"]
    with subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if " at http://" in line:
                    break
        finally:
            proc.kill()
    assert set(fake_tensorflow.read_text().split()) == {"tensorflow", "boto3"}


def test_a_bad_flag_fails_with_tensorboards_own_words(tmp_path: Path) -> None:
    async def scenario() -> None:
        with pytest.raises(BoardError) as failure:
            await TensorBoardProcess.start(tmp_path, extra_args=["--no_such_flag"])
        message = str(failure.value)
        assert message.startswith("TensorBoard exited (code 2) while starting:")
        assert "unrecognized arguments: --no_such_flag" in message
        assert len(message.splitlines()) <= 9

    asyncio.run(scenario())
    assert procinfo.children(os.getpid()) == []


def test_a_taken_port_fails_at_once_without_starting_anything(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def scenario() -> None:
            with pytest.raises(BoardError, match=f"Port {port} is already in use"):
                await TensorBoardProcess.start(tmp_path, port=port)

        asyncio.run(scenario())
    assert procinfo.children(os.getpid()) == []


def test_flags_stay_off_the_command_line_and_the_data_server_in_a_private_network(
    logs: Callable[..., Path],
) -> None:
    """Issue 10: the prefix was public in /proc/PID/cmdline and /tmp/.tensorboard-info, and the
    data server answered every local user on 127.0.0.1."""
    folder = logs("secret-run").parent

    async def scenario() -> None:
        process = await TensorBoardProcess.start(folder)
        try:
            [data_server] = procinfo.children(process.pid)
            for pid in (process.pid, data_server):
                command = " ".join(procinfo.cmdline(pid) or [])
                assert process.prefix not in command
                assert str(folder) not in command or pid == data_server  # the data server's own flag
            assert not (
                Path(tempfile.gettempdir()) / ".tensorboard-info" / f"pid-{process.pid}.info"
            ).exists()
            info = process.private_dir / ".tensorboard-info" / f"pid-{process.pid}.info"
            assert process.prefix in info.read_text()
            assert stat.S_IMODE(process.private_dir.stat().st_mode) == 0o700
            assert not (process.private_dir / "flags").exists()  # read, then removed
            if process.network_exposure:
                pytest.skip(f"the kernel refuses a private network here: {process.network_exposure}")
            assert process.network_exposure == ""
            assert os.readlink(f"/proc/{data_server}/ns/net") != os.readlink("/proc/self/ns/net")
            assert os.readlink(f"/proc/{process.pid}/ns/net") != os.readlink("/proc/self/ns/net")
            assert await http_status("127.0.0.1", process.port, process.prefix + "/data/runs") == 200
            # Files keep their owner: our ids map to themselves in the board's user namespace.
            assert (Path(f"/proc/{process.pid}/uid_map").read_text().split()) == [str(os.getuid())] * 2 + [
                "1"
            ]
        finally:
            await process.stop()
        assert not process.private_dir.exists()

    asyncio.run(scenario())


REFUSING_KERNEL = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_where_the_kernel_refuses_user_namespaces_a_board_still_serves_and_says_so(
    logs: Callable[..., Path], tmp_path: Path
) -> None:
    """Inside a user namespace whose limit of nested namespaces is 0 (a real refusal, ENOSPC, that
    touches nothing outside it), `tbdesk serve` runs its board in the shared network and says why."""
    import tbdesk

    folder = logs("a")
    repo = str(Path(tbdesk.__file__).resolve().parent.parent)
    command = ["unshare", "--user", "--map-root-user", "sh", "-c", REFUSING_KERNEL, "sh",
               sys.executable, "-m", "tbdesk", "serve", str(folder)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": repo}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as serve:
        try:
            assert serve.stdout is not None
            url = serve.stdout.readline().strip()
            if not url:
                pytest.skip(f"unshare --user is not allowed here: {serve.communicate(timeout=30)[1]}")
            with urllib.request.urlopen(url + "data/runs", timeout=10) as response:
                assert json.loads(response.read()) == ["a"]
        finally:
            serve.send_signal(signal.SIGTERM)
        _, errors = serve.communicate(timeout=30)
    assert "Other users of this machine can read this board's runs through its data server" in errors
    assert "No space left on device" in errors
