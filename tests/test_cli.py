"""The command line: real subprocesses and real TensorBoards; errors are one line, never a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import tbdesk
from tbdesk.boards import procinfo
from tbdesk.cli import main
from tests.event_files import write_events

REPO = Path(tbdesk.__file__).resolve().parent.parent


def _local_run(workspace: Path) -> str:
    """A run of a local workspace with TensorBoard logs and a child run; its id."""
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(workspace)
    run = Experiment(ws, "exp").start_logging()
    write_events(run.files_dir / "logs")
    with run.child_run("fold-1") as child:
        write_events(child.files_dir / "logs")
    run.complete()
    ws.close()
    return run.id


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@contextlib.contextmanager
def _serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`tbdesk serve ARGS` in a subprocess, and the URL it printed; stopped by SIGTERM at the end,
    after which it must exit cleanly."""
    command = [sys.executable, "-m", "tbdesk", "serve", *args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as serve:
        try:
            assert serve.stdout is not None and serve.stderr is not None
            url = serve.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), serve.stderr.read()
            yield serve, url
        finally:
            serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"tbdesk {tbdesk.__version__}"


def test_help_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(verb in out for verb in ("serve", "boards", "export", "demo", "install-desktop"))


def test_the_window_is_not_opened_on_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing")]) == 2
    assert (
        capsys.readouterr().err
        == f"tbdesk: error: Not a folder of TensorBoard logs: {tmp_path / 'missing'}\n"
    )
    # In a fresh interpreter: the failed check happens before Qt is even imported.
    code = (
        "import sys; from tbdesk.cli import main; "
        f"rc = main([{str(tmp_path / 'missing')!r}]); "
        "print(rc, 'PySide6' in sys.modules, 'tbdesk.app' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2", "False", "False"]


def test_serve_a_folder_and_a_local_run_until_sigterm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_events(tmp_path / "my logs")
    run_id = _local_run(tmp_path / "ws")
    with _serving(str(folder), run_id, "--workspace", str(tmp_path / "ws")) as (serve, url):
        status, body = _get(url + "data/runs")
        assert status == 200
        names = sorted(json.loads(body))
        assert len(names) == 3 and names[-1] == "my logs", names
        assert names[1] == names[0] + "/fold-1", names  # the local run and its child run
        assert serve.stderr is not None
        pid = int(serve.stderr.readline().split("(pid ")[1].split(")")[0])
        assert procinfo.is_alive(pid)

        # `tbdesk boards` lists it as ours, with its folders.
        assert main(["boards"]) == 0
        table = capsys.readouterr().out
        line = next(line for line in table.splitlines() if line.startswith(f"{pid} "))
        assert url in line and " yes " in line and str(folder) in line
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
        assert main(["serve", str(write_events(tmp_path / "logs")), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tbdesk: error: Port {port} is already in use") and "Traceback" not in err

    with pytest.raises(SystemExit) as done:
        main(["serve", str(tmp_path), "--port", "70000"])
    assert done.value.code == 2
    assert "a port is between 1 and 65535" in capsys.readouterr().err


def test_demo_fills_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--workspace", str(tmp_path / "ws")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Made the demo experiments digits-softmax, diabetes-ridge in ")
    assert str(tmp_path / "ws") in out and "4 runs with 16 child runs" in out
    assert main(["demo", "--workspace", str(tmp_path / "ws")]) == 0
    assert "are already in" in capsys.readouterr().out


def test_serve_a_run_that_only_logged_metrics(tmp_path: Path) -> None:
    first, _ = _metrics_runs(tmp_path / "ws")
    with _serving(first, "--workspace", str(tmp_path / "ws")) as (_, url):
        status, body = _get(url + "data/runs")
        assert status == 200
        # exported into tbdesk's cache first: the run and its child runs, as one sweep
        assert sorted(json.loads(body)) == ["first", "first/alpha0.1", "first/alpha0.2"]


def _metrics_runs(workspace: Path) -> tuple[str, str]:
    """Two runs of the experiment "sweep" that log metrics only, the first with two child runs."""
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(workspace)
    experiment = Experiment(ws, "sweep")
    with experiment.start_logging(display_name="first") as first:
        for alpha in (0.1, 0.2):
            with first.child_run(f"alpha{alpha}") as child:
                child.log("alpha", alpha)
                child.log("mse", 1 - alpha)
    with experiment.start_logging(display_name="second") as second:
        second.log("loss", 0.5)
    ws.close()
    return first.id, second.id


def test_export_a_run_and_an_experiment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _metrics_runs(tmp_path / "ws")
    out_dir = tmp_path / "out"
    workspace = ["--workspace", str(tmp_path / "ws")]

    assert main(["export", first, "--logdir", str(out_dir), *workspace]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{out_dir / 'first'}\n"
    assert sorted(path.name for path in (out_dir / "first").iterdir() if path.is_dir()) == [
        "alpha0.1",
        "alpha0.2",
    ]
    progress = captured.err.splitlines()
    # child runs are found as the export goes: the count says so instead of pretending a total
    # (alpha is each child run's parameter: in the HPARAMS tab, not a point of its own)
    assert len(progress) == 4 and "alpha0.1: 1 point (run " in captured.err
    assert progress[-2].endswith("(run 3 done, 3 found so far)")
    assert progress[-1] == "Exported 3 runs (2 points)."

    # Every run of the experiment, oldest first; the first run's export is replaced, not repeated.
    assert main(["export", "experiment:sweep", "--logdir", str(out_dir), "--no-children", *workspace]) == 0
    assert capsys.readouterr().out.splitlines() == [str(out_dir / "first"), str(out_dir / "second")]
    assert not any(path.is_dir() for path in (out_dir / "first").iterdir())
    assert list((out_dir / "second").glob("events.out.tfevents.*"))
    assert second in (out_dir / "second" / ".tbdesk-export.json").read_text()


def test_export_prints_the_notes_of_child_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(tmp_path / "ws")
    with Experiment(ws, "notes").start_logging(display_name="parent") as parent:
        parent.log("fine", 1.0)
        with parent.child_run("kid") as child:
            child.log("huge", 1e300)
            child.log_row("row", value=1.0, label="text in a column of numbers")
            child.log_row("row", value=2.0, label=3.0)
    ws.close()
    out_dir = tmp_path / "out"
    assert main(["export", parent.id, "--logdir", str(out_dir), "--workspace", str(tmp_path / "ws")]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("tbdesk: note: ")]
    assert notes == [
        "tbdesk: note: kid: row/label: left out 1 text cell in a column of numbers",
        "tbdesk: note: kid: huge: 1 value beyond the float32 range written as +-3.402823e+38 "
        "(TensorBoard stores scalars as float32)",
    ]


def test_export_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = _metrics_runs(tmp_path / "ws")
    workspace = ["--workspace", str(tmp_path / "ws")]
    out_dir = str(tmp_path / "out")

    assert main(["export", "no-such-run", "--logdir", out_dir, *workspace]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tbdesk: error: There is no run 'no-such-run'") and len(err.splitlines()) == 1

    assert main(["export", "experiment:nope", "--logdir", out_dir, *workspace]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"tbdesk: error: There is no experiment 'nope' in the local workspace at {tmp_path / 'ws'} "
        "(its experiments: sweep).\n"
    )

    assert main(["export", first, "--logdir", out_dir, "--workspace", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err.startswith("tbdesk: error: There is no tbdesk workspace at ")
    assert not (tmp_path / "none").exists()

    a_file = tmp_path / "file.txt"
    a_file.write_text("not a folder")
    assert main(["export", first, "--logdir", str(a_file), *workspace]) == 2
    assert capsys.readouterr().err == f"tbdesk: error: Not a folder: {a_file}\n"

    with pytest.raises(SystemExit) as done:
        main(["export", first])
    assert done.value.code == 2
    assert "--logdir" in capsys.readouterr().err


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


def test_a_damaged_workspace_is_a_clear_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "workspace.sqlite").write_text("this is not a database\n" * 100)
    folder = tmp_path / "folder"
    (folder / "workspace.sqlite").mkdir(parents=True)
    for workspace in (garbage, folder):
        assert main(["demo", "--workspace", str(workspace)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("tbdesk: error: ") and "Traceback" not in err
        assert str(workspace / "workspace.sqlite") in err


def test_serve_names_a_missing_folder_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no" / "such"
    assert main(["serve", str(missing), "--workspace", str(tmp_path / "ws")]) == 2
    assert capsys.readouterr().err == f"tbdesk: error: No such folder: {missing}\n"


def test_serve_names_what_it_cannot_read(tmp_path: Path) -> None:
    """A chmod 000 folder is refused, an unreadable event file named (issue 10, section 5)."""
    from tests.unprivileged import unprivileged

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    closed = write_events(tmp_path / "closed")
    closed.chmod(0)
    try:
        done = subprocess.run(
            unprivileged([sys.executable, "-m", "tbdesk", "serve", str(closed)]),
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    finally:
        closed.chmod(0o755)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"tbdesk: warning: cannot read {closed} (Permission denied); TensorBoard will not show it.\n"
        f"tbdesk: error: Cannot read {closed}: there is nothing to serve.\n"
    )

    logs = tmp_path / "logs"
    write_events(logs / "ok")
    (locked,) = write_events(logs / "locked").iterdir()
    locked.chmod(0)
    with subprocess.Popen(
        unprivileged([sys.executable, "-m", "tbdesk", "serve", str(logs)]),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as serve:
        assert serve.stdout is not None and serve.stderr is not None
        assert serve.stderr.readline() == (
            f"tbdesk: warning: cannot read {locked} (Permission denied); TensorBoard will not show it.\n"
        )
        assert serve.stdout.readline().startswith("http://127.0.0.1:")
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0


def test_serve_warns_about_a_folder_without_event_files_and_serves_it(tmp_path: Path) -> None:
    empty = tmp_path / "not yet"
    empty.mkdir()
    with _serving(str(empty)) as (serve, url):
        assert _get(url)[0] == 200
        assert serve.stderr is not None
        warning = serve.stderr.readline()
        assert "no TensorBoard event files" in warning and str(empty) in warning
