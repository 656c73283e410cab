"""Another user of the machine cannot read a board (issue 10): run as root (CI), this starts
`tbdesk serve` on a logs folder and a local run, then drops to uid 65534 with setpriv and tries
every path that leaked before: the command lines, the info files, the HTTP port with and without
the prefix, the data server's port, and tbdesk's own folders. None may yield a run name or a value.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import tbdesk
from tbdesk.boards import procinfo
from tbdesk.local import Experiment, Workspace
from tests.event_files import wait_until, write_events

REPO = Path(tbdesk.__file__).resolve().parent.parent
SYSTEM_PYTHON = Path("/usr/bin/python3")  # the attacker's: it cannot enter root's venv
NOBODY = "65534"
VALUE = 0.7654321
SECRETS = ("secretrun", "secret_tag", "secret-experiment", "secret_metric")

# Runs as uid 65534 with the system Python and the standard library only. Prints what it got, as
# {what it tried: what came back (text) or the error}.
ATTACKER = r"""
import glob, http.client, json, os, re, socket, sys
tb_pid, ds_pid, port, ds_port, home = sys.argv[1:]
got = {}
def read(path):
    try:
        with open(path, "rb") as f:
            got[path] = f.read(1_000_000).decode("latin-1")
    except OSError as error:
        got[path] = "error: " + error.__class__.__name__
for pid in (tb_pid, ds_pid):
    for name in ("cmdline", "environ"):
        read(f"/proc/{pid}/{name}")
tmp = os.environ.get("TMPDIR", "/tmp")
tried = glob.glob(os.path.join(tmp, ".tensorboard-info", "*"))
tried += glob.glob("/tmp/tbdesk-board-*/**", recursive=True)
for path in tried:
    read(path) if os.path.isfile(path) else got.setdefault(path, "folder")
def refused(error):
    got.setdefault(error.filename, "error: " + error.__class__.__name__)
for root, folders, files in os.walk(home, onerror=refused):
    for name in files:
        read(os.path.join(root, name))
prefixes = set(re.findall(r"/[A-Za-z0-9_-]{32}", " ".join(got.values())))
paths = ["/", "/data/runs", "/data/environment", "/data/plugin/scalars/tags"]
paths += [p + "/data/runs" for p in prefixes] + [p + "/data/plugin/scalars/tags" for p in prefixes]
for path in paths:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        got["http " + path] = f"{response.status} " + response.read().decode("latin-1")
    except OSError as error:
        got["http " + path] = "error: " + error.__class__.__name__
try:
    socket.create_connection(("127.0.0.1", int(ds_port)), timeout=5).close()
    got["data server"] = "connected"
except OSError as error:
    got["data server"] = "error: " + error.__class__.__name__
print(json.dumps(got))
"""

# The same user, given the paths of tbdesk's files (as if leaked) in folders opened to everyone:
# only the files' own modes stand in the way. Prints {path: what came back, or the error}.
READ_LEAKED = r"""
import json, sys
got = {}
for path in sys.stdin.read().splitlines():
    try:
        with open(path, "rb") as f:
            got[path] = f.read(1_000_000).decode("latin-1")
    except OSError as error:
        got[path] = "error: " + error.__class__.__name__
print(json.dumps(got))
"""


def _read_leaked_files(home: Path) -> dict[str, str]:
    """Open every folder under home to everyone (a user's chmod, a parent folder that leaks
    paths), then have uid 65534 read every file there by its path."""
    files = []
    for folder, _, names in os.walk(home):
        Path(folder).chmod(0o755)
        files += [
            os.path.join(folder, name) for name in names if not os.path.islink(os.path.join(folder, name))
        ]
    assert files
    leaked = subprocess.run(
        ["setpriv", "--reuid", NOBODY, "--regid", NOBODY, "--clear-groups",
         str(SYSTEM_PYTHON), "-I", "-c", READ_LEAKED],
        input="\n".join(files), capture_output=True, text=True, cwd="/", timeout=120, check=True,
    )  # fmt: skip
    got: dict[str, str] = json.loads(leaked.stdout)
    return got


def _data_server_port(pid: int) -> int:
    """The port the data server listens on, in its own network (read as root from /proc)."""
    inodes = {
        os.readlink(entry)[len("socket:[") : -1]
        for entry in Path(f"/proc/{pid}/fd").iterdir()
        if os.readlink(entry).startswith("socket:[")
    }
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                return int(fields[1].rsplit(":", 1)[1], 16)
    raise AssertionError("the data server listens nowhere")


@pytest.fixture
def open_home() -> Iterator[Path]:
    """A TBDESK_HOME that other users may enter (like a home folder with mode 0755), so that only
    tbdesk's own folder modes stand between them and what tbdesk writes."""
    home = Path(tempfile.mkdtemp(prefix="tbdesk-other-users-"))
    home.chmod(0o755)
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.skipif(
    os.geteuid() != 0, reason="needs root, to drop to uid 65534 with setpriv (CI runs as root)"
)
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux)")
@pytest.mark.skipif(not SYSTEM_PYTHON.exists(), reason="needs /usr/bin/python3 for the other user")
def test_another_user_reads_no_run_name_and_no_value(
    open_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TBDESK_HOME", str(open_home))
    logs = tmp_path / "logs"  # the user's own logs, private as they should be
    write_events(logs / "secretrun", "secret_tag", 5)
    run = Experiment(Workspace(), "secret-experiment").start_logging()
    for step in range(3):
        run.log("secret_metric", VALUE, step=step)
    run.complete()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TBDESK_HOME": str(open_home)}
    command = [sys.executable, "-m", "tbdesk", "serve", str(logs), run.id]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as serve:
        try:
            assert serve.stdout is not None and serve.stderr is not None
            url = serve.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), serve.stderr.read()
            port, prefix = re.match(r"http://127\.0\.0\.1:(\d+)(/[^/]+)/", url).groups()  # type: ignore[union-attr]
            [record] = [
                json.loads(path.read_text()) for path in (open_home / "state" / "boards").glob("*.json")
            ]
            tb_pid = record["pid"]
            wait_until(lambda: procinfo.children(tb_pid), what="the data server")
            [ds_pid] = procinfo.children(tb_pid)
            ds_port = _data_server_port(ds_pid)
            attack = subprocess.run(
                ["setpriv", "--reuid", NOBODY, "--regid", NOBODY, "--clear-groups",
                 str(SYSTEM_PYTHON), "-I", "-c", ATTACKER,
                 str(tb_pid), str(ds_pid), port, str(ds_port), str(open_home)],
                capture_output=True, text=True, cwd="/", timeout=120, check=True,
            )  # fmt: skip
            leaked = _read_leaked_files(open_home)
        finally:
            serve.send_signal(signal.SIGTERM)
        _, warnings = serve.communicate(timeout=30)
    got: dict[str, str] = json.loads(attack.stdout)
    text = "\n".join(f"{what}: {answer}" for what, answer in got.items())
    (Path(__file__).parent / "artifacts").mkdir(exist_ok=True)
    (Path(__file__).parent / "artifacts" / "other-user-attack.txt").write_text(text)
    values = [struct.pack("<f", VALUE).decode("latin-1"), struct.pack("<d", VALUE).decode("latin-1"), "0.765"]
    for secret in (*SECRETS, *values, prefix):
        assert secret not in text, f"{secret!r} leaked to another user:\n{text[:3000]}"
    assert got["http /data/runs"].startswith("404")
    # Each file of tbdesk's is closed by its own mode too (0600), not only by its folder's.
    assert any(path.endswith("workspace.sqlite") for path in leaked), sorted(leaked)
    readable = [path for path, answer in leaked.items() if answer != "error: PermissionError"]
    assert readable == [], f"another user read these by their paths: {readable}"
    assert any(path.startswith(str(open_home)) for path in got), "the attacker never tried tbdesk's folders"
    if "private network" in warnings:
        pytest.skip(f"the kernel refuses boards a private network here: {warnings.strip()}")
    assert got["data server"] == "error: ConnectionRefusedError"
