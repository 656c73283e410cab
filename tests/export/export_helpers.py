"""Reading exported folders back with TensorBoard's own readers, and serving them with a real
TensorBoard (Rust data server) to ask its HTTP API."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tensorboard.backend.event_processing import event_file_loader
from tensorboard.compat.proto import event_pb2


@dataclass(frozen=True)
class Read:
    step: int
    wall_time: float
    value: Any  # the Summary.Value proto


def event_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if "tfevents" in p.name)


def read_folder(folder: Path) -> tuple[list[event_pb2.Event], dict[str, list[Read]]]:
    """Every event of the folder's own event files (not of sub-folders), and the values by tag."""
    events = []
    for path in event_files(folder):
        events += [
            event_pb2.Event.FromString(raw) for raw in event_file_loader.RawEventFileLoader(str(path)).Load()
        ]
    by_tag: dict[str, list[Read]] = {}
    for event in events:
        for value in event.summary.value:
            by_tag.setdefault(value.tag, []).append(Read(event.step, event.wall_time, value))
    return events, by_tag


def inferred_experiment(logdir: Path) -> Any:
    """The experiment TensorBoard's hparams plugin shows for logdir (an api_pb2.Experiment), worked
    out in this process by the plugin's own code over TensorBoard's Python loaders."""
    from tensorboard import context
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.hparams import backend_context

    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(str(logdir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, str(logdir))
    plugin = backend_context.Context(
        base_plugin.TBContext(logdir=str(logdir), data_provider=provider, multiplexer=multiplexer)
    )
    request = context.RequestContext()
    return plugin.experiment_from_metadata(
        request,
        "",
        True,
        plugin.hparams_metadata(request, ""),
        plugin.hparams_from_data_provider(request, "", None),
    )


class TensorBoard:
    """A TensorBoard process on 127.0.0.1 behind a random path prefix, with the Rust data server."""

    def __init__(self, logdir: Path) -> None:
        self.prefix = "/" + secrets.token_hex(8)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tensorboard.main",
                "--logdir",
                str(logdir),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--path_prefix",
                self.prefix,
                "--load_fast",
                "true",
                "--reload_interval",
                "1",
                "--samples_per_plugin",
                "scalars=1000000,images=1000,text=1000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.port: int | None = None
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        if not self._ready.wait(60) or self.port is None:
            self.stop()
            raise RuntimeError("TensorBoard did not start:\n" + "".join(self.lines[-20:]))

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if match and self.port is None:
                self.port = int(match.group(1))
                self._ready.set()
        self._ready.set()

    def url(self, path: str, **query: str) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}/{path}?" + urllib.parse.urlencode(query)

    def get(self, path: str, **query: str) -> Any:
        with urllib.request.urlopen(self.url(path, **query), timeout=30) as response:
            return json.loads(response.read())

    def post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.url(path),
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def wait_for(self, probe: Callable[[], Any], timeout: float = 40.0) -> Any:
        """Poll probe until it returns something truthy (TensorBoard loads event files lazily)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = probe()
            except (OSError, ValueError, KeyError) as exc:
                last = exc
            else:
                if last:
                    return last
            time.sleep(0.2)
        raise AssertionError(
            f"TensorBoard never answered as expected; last: {last!r}\n{''.join(self.lines[-20:])}"
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(10)
        assert self.process.stderr is not None
        self.process.stderr.close()


@contextmanager
def tensorboard(logdir: Path) -> Iterator[TensorBoard]:
    board = TensorBoard(logdir)
    try:
        yield board
    finally:
        board.stop()
