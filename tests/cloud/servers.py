"""Real storage servers for the cloud-folder tests and the bench, on 127.0.0.1, started as child
processes: moto's S3 server (through tests/cloud/s3_app.py, which counts requests and injects
faults), Azurite, Microsoft's Azure Storage emulator (npm package, pinned), and a Google Cloud
Storage emulator (tests/cloud/gcs_app.py)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.ports import free_port

AZURITE_VERSION = "3.35.0"
AZURITE_ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (published by Microsoft; not a secret).
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
ROOT = Path(__file__).resolve().parents[2]


def _wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port}")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _start_app(module: str, port_file: Path, what: str, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    """Start a test server module that writes the port it took into port_file; its process and port."""
    port_file.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", module, str(port_file), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not port_file.is_file() or not port_file.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.05)
    port = int(port_file.read_text())
    _wait_port(port, process)
    return process, port


class S3Server:
    """moto's S3 server; `endpoint` is what AWS_ENDPOINT_URL takes. Its data lives in memory:
    a restart starts empty."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> S3Server:
        keep = [str(self.port)] if self.port else []  # a restart keeps its address
        self._process, self.port = _start_app(
            "tests.cloud.s3_app", self._workdir / "s3-port", "moto's S3 server", *keep
        )
        return self

    def stop(self) -> None:
        _stop(self._process)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _control(self, what: str) -> dict[str, int]:
        request = urllib.request.Request(f"{self.endpoint}/_tbdesk/{what}", method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            counts: dict[str, int] = json.loads(answer.read())
            return counts

    def counts(self) -> dict[str, int]:
        """Requests served since the last reset, by kind: list, get, head, other."""
        return self._control("count")

    def reset(self) -> None:
        self._control("reset")

    def fault(self, status: int, code: str, times: int = 1, method: str = "*") -> None:
        self._control(f"fault?status={status}&code={code}&times={times}&method={method}")


class GcsServer:
    """gcp-storage-emulator's GCS JSON API; `endpoint` is what STORAGE_EMULATOR_HOST takes. Its
    data lives in memory."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> GcsServer:
        self._process, self.port = _start_app(
            "tests.cloud.gcs_app", self._workdir / "gcs-port", "the GCS emulator"
        )
        return self

    def stop(self) -> None:
        _stop(self._process)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def azurite_command() -> Path:
    """azurite-blob, installed (pinned) into a cache folder with npm when it is not there yet."""
    home = Path(os.environ.get("TBDESK_AZURITE_DIR", Path.home() / ".cache" / "tbdesk-tests" / "azurite"))
    binary = home / "node_modules" / ".bin" / "azurite-blob"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("Azurite needs Node's npm (apt-get install npm)")
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(home), f"azurite@{AZURITE_VERSION}"],
            check=True,
            capture_output=True,
        )
    return binary


class Azurite:
    """Azurite's Blob service; its data lives in `location`, so a restart keeps it. With
    `oauth_tls` (a certificate and its key, PEM) it speaks https and accepts Entra ID bearer
    tokens as well as its key (`--oauth basic`: it checks a token's issuer, audience and
    lifetime, not its signature); bearer tokens are only ever sent over https."""

    def __init__(self, location: Path, oauth_tls: tuple[Path, Path] | None = None) -> None:
        self._location = location
        self._oauth_tls = oauth_tls
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> Azurite:
        self.port = self.port or free_port()
        self._location.mkdir(parents=True, exist_ok=True)
        # --disableTelemetry always: without it Azurite tries to send telemetry off the machine.
        command = [
            str(azurite_command()),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(self.port),
            "--location",
            str(self._location),
            "--silent",
            "--disableTelemetry",
            "--skipApiVersionCheck",
        ]
        if self._oauth_tls is not None:
            cert, key = self._oauth_tls
            command += ["--oauth", "basic", "--cert", str(cert), "--key", str(key)]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        _wait_port(self.port, self._process)
        return self

    def stop(self) -> None:
        _stop(self._process)

    @property
    def endpoint(self) -> str:
        """The account's blob endpoint (path-style, as Azurite serves it)."""
        scheme = "http" if self._oauth_tls is None else "https"
        return f"{scheme}://127.0.0.1:{self.port}/{AZURITE_ACCOUNT}"

    @property
    def connection_string(self) -> str:
        scheme = "http" if self._oauth_tls is None else "https"
        return (
            f"DefaultEndpointsProtocol={scheme};AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
            f"BlobEndpoint={self.endpoint};"
        )
