"""The azureml-core-shaped logging API against a real workspace in tmp_path."""

from __future__ import annotations

import io
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tbdesk.local import Experiment, Run, Workspace, WorkspaceError
from tbdesk.model import MetricKind
from tbdesk.paths import default_workspace_dir


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace(tmp_path / "ws") as workspace:
        yield workspace


def test_the_azure_ml_how_to_runs_unchanged(ws: Workspace) -> None:
    # The azureml-tensorboard how-to, with only the imports and the workspace line changed.
    exp = Experiment(workspace=ws, name="ridge-regression")
    root_run = exp.start_logging(snapshot_directory=None)
    alphas = [0.1, 0.2, 0.3]
    for alpha in alphas:
        with root_run.child_run("alpha" + str(alpha)) as run:
            mse = 1.0 - alpha
            run.log("alpha", alpha)
            run.log("mse", mse)
    root_run.complete()

    assert root_run.get_status() == "Completed"
    children = list(root_run.get_children())
    assert [c.display_name for c in children] == ["alpha0.3", "alpha0.2", "alpha0.1"]  # newest first
    assert all(c.get_status() == "Completed" for c in children)
    assert all(c.parent == root_run for c in children)
    assert children[-1].get_metrics() == {"alpha": 0.1, "mse": 0.9}
    by_id = root_run.get_metrics(recursive=True)
    assert by_id[root_run.id] == {}
    assert by_id[children[0].id] == {"alpha": 0.3, "mse": 0.7}
    assert [r.id for r in exp.get_runs()] == [root_run.id]


def test_run_ids_look_like_azure_ml_ones_and_numbers_count_up(ws: Workspace) -> None:
    exp = Experiment(ws, "exp-1")
    first, second = exp.start_logging(), exp.start_logging(display_name="second")
    prefix, stamp, suffix = first.id.rsplit("_", 2)
    assert prefix == "exp-1" and stamp.isdigit() and len(suffix) == 8 and int(suffix, 16) >= 0
    assert (first.number, second.number) == (1, 2)
    assert first.name == first.id and second.name == "second"
    assert [r.id for r in exp.get_runs()] == [second.id, first.id]


def test_steps_count_per_metric_name(ws: Workspace) -> None:
    run = Experiment(ws, "e").start_logging()
    run.log("a", 1)
    run.log("a", 2)
    run.log("b", 5)
    run.log("a", 3, step=10)
    run.log("a", 4)  # continues after the highest step given
    run.log_list("l", [1, 2, 3])
    run.log_list("l", [4])
    steps = {m.name: [p.step for p in m.points] for m in ws._store.metrics(run.id)}
    assert steps == {"a": [0, 1, 10, 11], "b": [0], "l": [0, 1, 2, 3]}
    assert run.get_metrics("l") == {"l": [1.0, 2.0, 3.0, 4.0]}


def test_every_kind_of_metric_round_trips(ws: Workspace, tmp_path: Path) -> None:
    run = Experiment(ws, "e").start_logging()
    run.log("loss", 0.5, description="training loss")
    run.log("loss", float("nan"))
    run.log("loss", float("inf"))
    run.log("note", "hello")
    run.log_row("citrus", fruit="orange", size=10)
    run.log_row("citrus", fruit="lime", size=3)
    run.log_row("single", x=1)
    run.log_table("table", {"a": [1, 2], "b": ["x", "y"]})
    image = tmp_path / "picture.PNG"
    image.write_bytes(b"\x89PNG\r\n\x1a\n fake")
    run.log_image("pic", path=str(image))

    class Figure:  # matplotlib is not installed: anything with savefig(file, format=) works
        def savefig(self, file: Any, format: str) -> None:
            file.write(b"\x89PNG\r\n\x1a\nplot as " + format.encode())

    run.log_image("plot", plot=Figure(), description="a plot")

    metrics = run.get_metrics()
    assert metrics["loss"][0] == 0.5 and math.isnan(metrics["loss"][1]) and metrics["loss"][2] == math.inf
    assert metrics["note"] == "hello"
    assert metrics["citrus"] == {"fruit": ["orange", "lime"], "size": [10, 3]}
    assert metrics["single"] == {"x": 1}
    assert metrics["table"] == {"a": [1, 2], "b": ["x", "y"]}
    assert metrics["pic"].startswith("images/pic/") and metrics["pic"].endswith(".png")
    assert (run.files_dir / metrics["pic"]).read_bytes() == image.read_bytes()
    assert (run.files_dir / metrics["plot"]).read_bytes() == b"\x89PNG\r\n\x1a\nplot as png"
    assert set(run.get_file_names()) == {metrics["pic"], metrics["plot"]}

    kinds = {m.name: (m.kind, m.description, len(m.points)) for m in ws._store.metrics(run.id)}
    assert kinds["loss"] == (MetricKind.SCALAR, "training loss", 3)
    assert kinds["table"] == (MetricKind.TABLE, "", 2)
    assert kinds["plot"] == (MetricKind.IMAGE, "a plot", 1)
    assert kinds["note"][0] is MetricKind.STRING and kinds["citrus"][0] is MetricKind.ROW


def test_bad_values_are_refused_clearly(ws: Workspace) -> None:
    run = Experiment(ws, "e").start_logging()
    run.log("x", 1)
    with pytest.raises(ValueError, match="holds scalar values"):
        run.log("x", "text")
    with pytest.raises(TypeError, match="log_list"):
        run.log("x", [1, 2])
    with pytest.raises(TypeError, match="number or a string"):
        run.log("y", {"a": 1})
    with pytest.raises(TypeError, match="step must be an integer"):
        run.log("x", 1, step=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="differ in length"):
        run.log_table("t", {"a": [1], "b": [1, 2]})
    with pytest.raises(ValueError, match="either path or plot"):
        run.log_image("i")
    with pytest.raises(ValueError, match="control characters"):
        run.log("bad\nname", 1)
    assert run.get_metrics() == {"x": 1.0}


def test_context_managers_complete_fail_and_respect_explicit_status(ws: Workspace) -> None:
    with Experiment(ws, "e").start_logging() as root:
        with pytest.raises(ZeroDivisionError), root.child_run("broken") as broken:
            _ = 1 / 0
        with root.child_run("canceled") as canceled:
            canceled.cancel()
        with root.child_run() as fine, fine.child_run("grandchild") as grandchild:
            grandchild.log("depth", 2)
    assert root.get_status() == "Completed"
    assert broken.get_status() == "Failed"
    assert "ZeroDivisionError" in broken.get_details()["error"]["error"]["message"]
    assert canceled.get_status() == "Canceled"
    assert grandchild.get_status() == "Completed" and grandchild.parent == fine
    assert [r.id for r in root.get_children(recursive=True)] == [
        fine.id,
        grandchild.id,
        canceled.id,
        broken.id,
    ]
    assert root.get_metrics(recursive=True)[grandchild.id] == {"depth": 2.0}
    details = root.get_details()
    assert details["runId"] == root.id and details["endTimeUtc"].endswith("Z")
    with pytest.raises(
        WorkspaceError, match=f"The run {root.id} is already Completed: it cannot become Failed"
    ):
        root.fail("late failure")
    root.complete()  # the same status again changes nothing
    assert root.get_status() == "Completed" and root.get_details() == details


def test_tags_and_properties(ws: Workspace) -> None:
    run = Experiment(ws, "e").start_logging()
    run.tag("DeploymentCandidate")
    run.tag("modifiedBy", "ci")
    run.set_tags({"modifiedBy": "release", "lr": 0.1})
    run.add_properties({"BuildId": 7})
    run.add_properties({"BuildId": "7"})  # the same value again is fine
    with pytest.raises(ValueError, match="properties cannot change"):
        run.add_properties({"BuildId": 8})
    assert run.get_tags() == {"DeploymentCandidate": "", "lr": "0.1", "modifiedBy": "release"}
    assert run.get_properties() == {"BuildId": "7"}


def test_files_upload_download_and_write_once(ws: Workspace, tmp_path: Path) -> None:
    run = Experiment(ws, "e").start_logging()
    folder = tmp_path / "out"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "sub" / "b.txt").write_text("b")
    assert run.upload_folder("outputs", folder) == ["outputs/a.txt", "outputs/sub/b.txt"]
    assert run.upload_file("./notes\\readme.md", io.BytesIO(b"readme")) == "notes/readme.md"
    with pytest.raises(WorkspaceError, match=r"already has a file 'outputs/a\.txt'"):
        run.upload_file("outputs/a.txt", io.BytesIO(b"other"))
    assert run.get_file_names() == ["notes/readme.md", "outputs/a.txt", "outputs/sub/b.txt"]
    assert (run.files_dir / "outputs/a.txt").read_text() == "a"
    got = run.download_file("outputs/sub/b.txt", tmp_path / "down")
    assert got == tmp_path / "down" and got.read_text() == "b"
    with pytest.raises(FileNotFoundError):
        run.download_file("missing.txt", tmp_path / "x")
    with pytest.raises(FileNotFoundError):
        run.upload_file("x", tmp_path / "does-not-exist")


@pytest.mark.parametrize(
    "name", ["../escape.txt", "/etc/passwd", "a/../../b", "C:\\evil", "..", "a\x00b", ""]
)
def test_hostile_file_names_stay_inside(ws: Workspace, tmp_path: Path, name: str) -> None:
    run = Experiment(ws, "e").start_logging()
    with pytest.raises(ValueError, match="file name"):
        run.upload_file(name, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="file name"):
        run.download_file(name, tmp_path / "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]
    assert run.get_file_names() == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("a/b", "must not contain '/'"),
        ("..\\up", "must not contain '/'"),
        ("tab\there", "control characters"),
        ("nul\x00", "control characters"),
        ("x" * 251, "at most 250"),
        ("..", "must not be '..'"),
        (42, "must be a string"),
    ],
)
def test_hostile_experiment_names_are_refused(ws: Workspace, name: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Experiment(ws, name)
    assert Experiment.list(ws) == []


def test_long_unicode_names_give_usable_run_ids(ws: Workspace) -> None:
    name = "é" * 250
    run = Experiment(ws, name).start_logging()
    assert len(run.id.encode()) <= 200 and run.id.startswith("é")
    run.upload_file("f.txt", io.BytesIO(b"ok"))  # the run id works as a folder name
    assert run.get_file_names() == ["f.txt"]
    with pytest.raises(ValueError, match="run id"):
        run.child_run(run_id="../../evil")
    child = run.child_run(run_id="my-own-id")
    assert child.id == "my-own-id" and child.parent == run
    with pytest.raises(WorkspaceError, match="already exists"):
        run.child_run(run_id="my-own-id")


def test_experiments_list_opens_and_never_creates(ws: Workspace) -> None:
    assert Experiment.list(ws) == []
    exp = Experiment(ws, "b")
    Experiment(ws, "a")
    assert [e.name for e in Experiment.list(ws)] == ["a", "b"]
    assert Experiment.list(ws, experiment_name="b") == [exp]
    assert set(ws.experiments) == {"a", "b"}
    run = exp.start_logging()
    other_view = Workspace(ws.path)  # as another script would see it
    assert Run(Experiment(other_view, "b"), run.id).number == run.number
    with pytest.raises(WorkspaceError, match="no run"):
        Run(Experiment(other_view, "a"), run.id)


def test_default_workspace_location() -> None:
    ws = Workspace()
    assert ws.path == default_workspace_dir()
    assert (default_workspace_dir() / "workspace.sqlite").is_file()


def test_database_is_wal_with_a_schema_version(ws: Workspace) -> None:
    Experiment(ws, "e").start_logging().log("x", 1)
    conn = sqlite3.connect(ws.path / "workspace.sqlite")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    finally:
        conn.close()


def test_corrupt_or_foreign_databases_give_clear_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "workspace.sqlite").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(WorkspaceError, match="not a usable tbdesk workspace database"):
        Workspace(garbage)

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    conn = sqlite3.connect(foreign / "workspace.sqlite")
    conn.execute("CREATE TABLE something (x)")
    conn.commit()
    conn.close()
    with pytest.raises(WorkspaceError, match="not a tbdesk workspace"):
        Workspace(foreign)

    newer = tmp_path / "newer"
    Workspace(newer).close()
    conn = sqlite3.connect(newer / "workspace.sqlite")
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(WorkspaceError, match="newer tbdesk"):
        Workspace(newer)

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(WorkspaceError, match="is a file"):
        Workspace(a_file)


def test_a_workspace_closes_its_database_when_done_or_collected(tmp_path: Path) -> None:
    """Python 3.13 reports a connection left open (ResourceWarning, an error in this suite)."""
    import gc
    import weakref

    with Workspace(tmp_path / "ws") as ws:
        Experiment(ws, "e").start_logging().complete()
        store = ws._store
        assert store._conn is not None
    assert store._conn is None

    # Code written for azureml-core never closes its Workspace: collecting it closes the database.
    forgotten = Workspace(tmp_path / "ws")
    store = forgotten._store
    gone = weakref.ref(forgotten)
    del forgotten
    gc.collect()
    assert gone() is None and store._conn is None
