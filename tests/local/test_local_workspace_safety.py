"""The local workspace never loses or hides data silently (issue 10, section 4): a deleted
workspace stops a logger, readers never create or change a workspace, a read-only one can be read,
killed uploads leave nothing behind, and runs whose process died stop showing as running."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tbdesk.cli import main
from tbdesk.local import Experiment, Run, Workspace, WorkspaceError, WorkspaceStore
from tbdesk.local.database import DB_NAME, NoWorkspaceError
from tbdesk.local.store import INCOMING_DIR
from tbdesk.local.writer import Writer, is_gone, this_process
from tbdesk.sources.base import SourceError
from tbdesk.sources.workspace import WorkspaceSource


def _python(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_workspace_deleted_while_logging_stops_the_logger(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    run = Experiment(ws, "e").start_logging()
    run.log("loss", 1.0)
    shutil.rmtree(ws.path)
    deleted = f"The workspace {ws.path} was deleted or replaced while this process was writing to it"
    with pytest.raises(WorkspaceError, match=f"{deleted}: the metric 'loss' of run {run.id} was not stored"):
        run.log("loss", 2.0)
    with pytest.raises(WorkspaceError, match=deleted):
        run.complete()
    with pytest.raises(WorkspaceError, match=deleted):
        run.upload_file("notes.txt", __file__)
    assert not ws.path.exists()  # nothing was made again behind the user's back


def test_a_workspace_replaced_while_logging_stops_the_logger(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    run = Experiment(ws, "e").start_logging()
    shutil.rmtree(ws.path)
    Experiment(Workspace(tmp_path / "ws"), "fresh")  # someone starts over at the same place
    with pytest.raises(WorkspaceError, match="was deleted or replaced"):
        run.log("loss", 1.0)


@pytest.fixture
def emptied(tmp_path: Path) -> Path:
    """A workspace whose database became 0 bytes, beside its runs' files."""
    ws = Workspace(tmp_path / "ws")
    run = Experiment(ws, "e").start_logging()
    run.upload_file("outputs/model.txt", __file__)
    run.complete()
    ws.close()
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
        (ws.path / name).unlink(missing_ok=True)
    (ws.path / DB_NAME).write_bytes(b"")
    return ws.path


def test_an_emptied_database_beside_runs_is_an_error_for_everyone(
    emptied: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lost = f"The workspace database {emptied / DB_NAME} is empty, but {emptied / 'files'} holds runs' files"
    with pytest.raises(WorkspaceError, match=lost):
        WorkspaceStore(emptied, read_only=True)
    with pytest.raises(WorkspaceError, match=lost):
        Workspace(emptied)  # a logger does not start a new workspace over the old runs either
    with pytest.raises(SourceError, match=lost):
        asyncio.run(WorkspaceSource(emptied).experiments())
    assert (
        main(["export", "experiment:e", "--logdir", str(tmp_path / "out"), "--workspace", str(emptied)]) == 2
    )
    assert lost in capsys.readouterr().err
    assert (emptied / DB_NAME).stat().st_size == 0
    assert sorted(p.name for p in emptied.iterdir()) == sorted([DB_NAME, "files", INCOMING_DIR])


def test_readers_never_create_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo" / "deeper" / "ws"
    source = WorkspaceSource(missing)
    assert asyncio.run(source.experiments()) == []
    with pytest.raises(NoWorkspaceError, match=f"There is no tbdesk workspace at {missing}: the folder"):
        WorkspaceStore(missing, read_only=True)
    assert main(["serve", "some_run_1", "--workspace", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"tbdesk: error: There is no tbdesk workspace at {missing}: the folder does not exist.\n"
    )
    assert not (tmp_path / "typo").exists()
    # An empty database with no runs' files is no workspace yet, and stays as it is.
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / DB_NAME).write_bytes(b"")
    assert asyncio.run(WorkspaceSource(tmp_path / "empty").experiments()) == []
    assert [p.name for p in (tmp_path / "empty").iterdir()] == [DB_NAME]


def test_export_changes_nothing_in_the_workspace(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    with Experiment(ws, "e").start_logging() as run:
        run.log("loss", 1.0)
    ws.close()
    before = {p.name: p.read_bytes() for p in ws.path.iterdir() if p.is_file()}
    assert main(["export", run.id, "--logdir", str(tmp_path / "out"), "--workspace", str(ws.path)]) == 0
    after = {p.name: p.read_bytes() for p in ws.path.iterdir() if p.is_file()}
    assert after[DB_NAME] == before[DB_NAME]
    # What SQLite keeps beside a database it reads (its shared-memory index) holds no data.
    assert set(after) - set(before) <= {DB_NAME + "-shm", DB_NAME + "-wal"}
    assert not after.get(DB_NAME + "-wal")


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A folder of tmpfs, made read-only after the test's setup wrote into it."""
    folder = tmp_path / "mnt"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root (not available here)")
    if subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(folder)], check=False).returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.mark.parametrize("left_over", [False, True], ids=["closed", "writer-killed"])
def test_a_read_only_workspace_is_browsed_and_exported(
    read_only_mount: Path, tmp_path: Path, left_over: bool
) -> None:
    path = read_only_mount / "ws"
    with _python(
        f"""
        import os
        from tbdesk.local import Experiment, Workspace
        ws = Workspace({str(path)!r})
        with Experiment(ws, "e").start_logging(display_name="first") as run:
            run.log("loss", 0.5)
        run = Experiment(ws, "e").start_logging(display_name="second")
        run.log("loss", 0.25)
        run.complete()
        if {left_over}:
            os._exit(0)  # as if killed: the -wal file keeps the last commits
        ws.close()
        """
    ) as logger:
        assert logger.wait() == 0
    assert (path / (DB_NAME + "-wal")).exists() == left_over
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_mount)], check=True)

    source = WorkspaceSource(path)
    assert source.read_only and source.title == "Local workspace (ws, read-only)"
    (experiment,) = asyncio.run(source.experiments())

    async def runs() -> list[str]:
        return [run.name async for page in source.runs(experiment) for run in page]

    assert asyncio.run(runs()) == ["second", "first"]
    ws = Workspace(path)
    assert ws.read_only
    (second, _) = Experiment(ws, "e").get_runs()
    assert second.get_metrics() == {"loss": 0.25}
    with pytest.raises(WorkspaceError, match=f"The workspace {path} is read-only .* the metric 'x' of run"):
        second.log("x", 1.0)
    out = tmp_path / "out"
    assert main(["export", "experiment:e", "--logdir", str(out), "--workspace", str(path)]) == 0
    assert len([p for p in out.iterdir() if p.is_dir()]) == 2


UPLOADER = """
    import sys
    from tbdesk.local import Experiment, Workspace

    class Slow:  # hands out 1 MiB, then never finishes
        sent = False
        def read(self, size=-1):
            if self.sent:
                print("uploading", flush=True)
                sys.stdin.read()  # until killed
            self.sent = True
            return b"x" * (1 << 20)

    run = Experiment(Workspace(sys.argv[1]), "e").start_logging()
    run.upload_file("outputs/big.bin", Slow())
"""


def test_a_killed_upload_leaves_nothing_once_its_writer_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "ws"
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(UPLOADER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as uploader:
        assert uploader.stdout is not None and uploader.stdout.readline() == "uploading\n"
        incoming = path / INCOMING_DIR
        (partial,) = incoming.iterdir()
        assert partial.stat().st_size == 1 << 20
        # Opening the workspace while the upload runs leaves its file alone.
        Workspace(path).close()
        assert partial.exists()
        uploader.kill()
    mine = incoming / f"{this_process().text()}_0123456789ab"  # a live writer's upload
    mine.write_bytes(b"in progress")
    Workspace(path).close()
    assert sorted(incoming.iterdir()) == [mine]
    assert not list((path / "files").rglob("big.bin"))


def test_a_run_whose_process_died_shows_as_failed(tmp_path: Path) -> None:
    path = tmp_path / "ws"
    with _python(
        f"""
        import sys
        from tbdesk.local import Experiment, Workspace
        run = Experiment(Workspace({str(path)!r}), "e").start_logging(display_name="crashed")
        run.log("loss", 1.0)
        print(run.id, flush=True)
        sys.stdin.read()
        """
    ) as logger:
        assert logger.stdout is not None
        run_id = logger.stdout.readline().strip()
        ws = Workspace(path)
        crashed = Run(Experiment(ws, "e"), run_id)
        alive = Experiment(ws, "e").start_logging(display_name="alive")
        assert crashed.get_status() == "Running"  # its process still runs
        logger.send_signal(signal.SIGKILL)
        logger.wait()
    assert crashed.get_status() == "Failed" and alive.get_status() == "Running"
    message = crashed.get_details()["error"]["error"]["message"]
    assert message == (
        f"Stopped: the process that logged this run (pid {logger.pid}) ended without completing it."
    )
    (shown,) = [r for r in asyncio.run(_runs(WorkspaceSource(path))) if r.id == run_id]
    assert shown.status == "Failed"
    # Another process taking the run over makes it live again: it is that process's to end.
    crashed.log("loss", 2.0)
    assert crashed.get_status() == "Running"
    crashed.complete()
    assert crashed.get_status() == "Completed" and "error" not in crashed.get_details()


async def _runs(source: WorkspaceSource) -> list:  # type: ignore[type-arg]
    (experiment,) = await source.experiments()
    return [run async for page in source.runs(experiment) for run in page]


def test_writers_are_told_apart_from_reused_pids_and_reboots() -> None:
    me = this_process()
    assert Writer.parse(me.text()) == me and not is_gone(me)
    if not me.boot_id:
        pytest.skip("no /proc here: only the pid is known")
    assert is_gone(Writer("another-boot", me.namespace, me.pid, me.started))
    assert is_gone(Writer(me.boot_id, me.namespace, me.pid, me.started + 1))  # the pid was reused
    assert not is_gone(Writer(me.boot_id, "other-container", 999_999_999, 1))
    with subprocess.Popen([sys.executable, "-c", "pass"]) as dead:
        dead.wait()
    assert is_gone(Writer(me.boot_id, me.namespace, dead.pid, 0))
    assert Writer.parse("not a writer") is None


READER = """
    import asyncio, json, sys
    from pathlib import Path
    from tbdesk.local import Experiment, Workspace, WorkspaceError
    from tbdesk.sources.workspace import WorkspaceSource

    path = Path(sys.argv[1])
    source = WorkspaceSource(path)
    (experiment,) = asyncio.run(source.experiments())

    async def names():
        return [run.name async for page in source.runs(experiment) for run in page]

    ws = Workspace(path)
    (run,) = Experiment(ws, "e").get_runs()
    try:
        run.log("x", 1.0)
        refused = ""
    except WorkspaceError as error:
        refused = str(error)
    print(json.dumps({"title": source.title, "runs": asyncio.run(names()), "metrics": run.get_metrics(),
                      "read_only": ws.read_only, "refused": refused}))
"""


@pytest.mark.parametrize("left_over", [False, True], ids=["closed", "writer-killed"])
def test_another_users_workspace_is_read_only_and_readable(tmp_path: Path, left_over: bool) -> None:
    from tests.unprivileged import unprivileged

    path = tmp_path / "ws"
    with _python(
        f"""
        import os
        from tbdesk.local import Experiment, Workspace
        ws = Workspace({str(path)!r})
        with Experiment(ws, "e").start_logging(display_name="theirs") as run:
            run.log("loss", 0.5)
        if {left_over}:
            os._exit(0)
        ws.close()
        """
    ) as logger:
        assert logger.wait() == 0
    for item in [path, *path.rglob("*")]:
        item.chmod(0o555 if item.is_dir() else 0o444)
    try:
        done = subprocess.run(
            unprivileged([sys.executable, "-c", textwrap.dedent(READER), str(path)]),
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        for item in [path, *path.rglob("*")]:
            item.chmod(0o755 if item.is_dir() else 0o644)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["title"] == "Local workspace (ws, read-only)" and seen["read_only"]
    assert seen["runs"] == ["theirs"] and seen["metrics"] == {"loss": 0.5}
    assert seen["refused"].startswith(f"The workspace {path} is read-only")
