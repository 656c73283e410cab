"""The command line: real subprocesses and real TensorBoards; errors are one line, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import tbdesk
from tbdesk.boards import procinfo
from tbdesk.cli import main

REPO = Path(tbdesk.__file__).resolve().parent.parent


def _write_events(folder: Path) -> Path:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    folder.mkdir(parents=True, exist_ok=True)
    writer = EventFileWriter(str(folder))
    value = summary_pb2.Summary.Value(tag="loss", simple_value=0.5)
    writer.add_event(event_pb2.Event(wall_time=1.0, step=1, summary=summary_pb2.Summary(value=[value])))
    writer.close()
    return folder


def _local_run(workspace: Path) -> str:
    """A run of a local workspace with TensorBoard logs and a child run; its id."""
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(workspace)
    run = Experiment(ws, "exp").start_logging()
    _write_events(run.files_dir / "logs")
    with run.child_run("fold-1") as child:
        _write_events(child.files_dir / "logs")
    run.complete()
    ws.close()
    return run.id


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"tbdesk {tbdesk.__version__}"


def test_help_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(verb in out for verb in ("serve", "boards", "demo", "install-desktop"))


def test_the_window_is_not_opened_on_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing")]) == 2
    assert (
        capsys.readouterr().err
        == f"tbdesk: error: Not a folder of TensorBoard logs: {tmp_path / 'missing'}\n"
    )
    assert "PySide6" not in sys.modules or "tbdesk.app" not in sys.modules


def test_serve_a_folder_and_a_local_run_until_sigterm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _write_events(tmp_path / "my logs")
    run_id = _local_run(tmp_path / "ws")
    command = [
        sys.executable,
        "-m",
        "tbdesk",
        "serve",
        str(folder),
        run_id,
        "--workspace",
        str(tmp_path / "ws"),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as serve:
        try:
            assert serve.stdout is not None and serve.stderr is not None
            url = serve.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), serve.stderr.read()
            status, body = _get(url + "data/runs")
            assert status == 200
            names = sorted(json.loads(body))
            assert len(names) == 3 and names[-1] == "my logs", names
            assert names[1] == names[0] + "/fold-1", names  # the local run and its child run
            pid = int(serve.stderr.readline().split("(pid ")[1].split(")")[0])
            assert procinfo.is_alive(pid)

            # `tbdesk boards` lists it as ours, with its folders.
            assert main(["boards"]) == 0
            table = capsys.readouterr().out
            line = next(line for line in table.splitlines() if line.startswith(f"{pid} "))
            assert url in line and " yes " in line and str(folder) in line
        finally:
            serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
    assert not procinfo.is_alive(pid)


def test_serve_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("not logs")
    assert main(["serve", str(a_file)]) == 2
    assert capsys.readouterr().err == f"tbdesk: error: Not a folder of TensorBoard logs: {a_file}\n"

    _local_run(tmp_path / "ws")
    assert main(["serve", "no-such-run", "--workspace", str(tmp_path / "ws")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tbdesk: error: ") and "no-such-run" in err and len(err.splitlines()) == 1

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(_write_events(tmp_path / "logs")), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tbdesk: error: Port {port} is already in use") and "Traceback" not in err

    with pytest.raises(SystemExit) as done:
        main(["serve", str(tmp_path), "--port", "70000"])
    assert done.value.code == 2
    assert "a port is between 1 and 65535" in capsys.readouterr().err


def test_demo_fills_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--workspace", str(tmp_path / "ws")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Made the demo experiment ") and str(tmp_path / "ws") in out
    assert main(["demo", "--workspace", str(tmp_path / "ws")]) == 0
    assert "is already in" in capsys.readouterr().out


def test_install_desktop_and_uninstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert main(["install-desktop"]) == 0
    installed = [Path(line.removeprefix("Installed ")) for line in capsys.readouterr().out.splitlines()]
    assert installed and all(path.is_file() and tmp_path in path.parents for path in installed)
    assert main(["install-desktop", "--uninstall"]) == 0
    assert capsys.readouterr().out.count("Removed ") == len(installed)
    assert not any(path.exists() for path in installed)
