"""The local workspace as an asynchronous source, read with asyncio.run (no Qt)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from tbdesk.local import Experiment, Workspace
from tbdesk.model import MetricKind, Run, RunStatus
from tbdesk.paths import default_workspace_dir
from tbdesk.sources import Source, SourceError, WorkspaceSource, open_source, resolve_run
from tbdesk.sources import workspace as workspace_module

MakeEventFile = Callable[..., Path]


async def _pages(source: Source, experiment_name: str) -> list[list[Run]]:
    (exp,) = [e for e in await source.experiments() if e.name == experiment_name]
    return [page async for page in source.runs(exp)]


def test_experiments_runs_and_children(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    exp = Experiment(ws, "sweep")
    Experiment(ws, "empty")
    old = exp.start_logging(display_name="old")
    old.complete()
    new = exp.start_logging(display_name="new")
    new.tag("lr", 0.1)
    with new.child_run("fold-1") as fold, fold.child_run("epoch-1"):
        pass

    source = WorkspaceSource(tmp_path / "ws")
    assert isinstance(source, Source)
    assert source.id == f"workspace:{(tmp_path / 'ws').resolve()}"
    assert source.title == "Local workspace (ws)"
    experiments = asyncio.run(source.experiments())
    assert [(e.id, e.name, e.source_id) for e in experiments] == [
        ("empty", "empty", source.id),
        ("sweep", "sweep", source.id),
    ]
    assert experiments[0].created is not None

    (page,) = asyncio.run(_pages(source, "sweep"))
    assert [(r.name, r.status, r.has_children, r.number) for r in page] == [
        ("new", RunStatus.RUNNING, True, 2),
        ("old", RunStatus.COMPLETED, False, 1),
    ]
    assert page[0].tags == {"lr": "0.1"} and page[0].start_time is not None and page[0].end_time is None
    assert page[1].end_time is not None and page[1].end_time >= page[1].start_time  # type: ignore[operator]
    assert asyncio.run(_pages(source, "empty")) == []

    (child,) = asyncio.run(source.children(page[0]))
    assert (child.name, child.parent_id, child.has_children, child.status) == (
        "fold-1",
        new.id,
        True,
        RunStatus.COMPLETED,
    )
    (grandchild,) = asyncio.run(source.children(child))
    assert grandchild.name == "epoch-1" and grandchild.has_children is False


def test_runs_come_in_pages_newest_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workspace_module, "PAGE_SIZE", 3)
    exp = Experiment(Workspace(tmp_path), "many")
    ids = [exp.start_logging().id for _ in range(7)]
    pages = asyncio.run(_pages(WorkspaceSource(tmp_path), "many"))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [r.id for p in pages for r in p] == ids[::-1]


def test_metric_history_keeps_steps_and_times(tmp_path: Path) -> None:
    run = Experiment(Workspace(tmp_path), "e").start_logging()
    for step in (0, 5, 10):
        run.log("loss", 1.0 / (step + 1), step=step)
    run.log_row("row", a=1, b="x")
    source = WorkspaceSource(tmp_path)
    (page,) = asyncio.run(_pages(source, "e"))
    loss, row = asyncio.run(source.metrics(page[0]))
    assert (loss.name, loss.kind) == ("loss", MetricKind.SCALAR)
    assert [(p.step, p.value) for p in loss.points] == [(0, 1.0), (5, 1 / 6), (10, 1 / 11)]
    assert all(p.time.tzinfo is not None for p in loss.points)
    assert loss.points[0].time <= loss.points[2].time
    assert (row.kind, row.points[0].value) == (MetricKind.ROW, {"a": 1, "b": "x"})


def test_files_fetch_and_tensorboard_dir(tmp_path: Path, make_event_file: MakeEventFile) -> None:
    exp = Experiment(Workspace(tmp_path / "ws"), "e")
    with_logs, elsewhere, without = exp.start_logging(), exp.start_logging(), exp.start_logging()
    event = make_event_file(tmp_path / "tb" / "train", 1_700_000_000)
    with_logs.upload_folder("logs", tmp_path / "tb")
    with_logs.upload_file("outputs/model.txt", io.BytesIO(b"weights"))
    make_event_file(elsewhere.files_dir / "outputs" / "tb", 1_700_000_000)
    without.upload_file("logs/readme.txt", io.BytesIO(b"no events here"))

    source = WorkspaceSource(tmp_path / "ws")
    runs = {r.id: r for page in asyncio.run(_pages(source, "e")) for r in page}
    run = runs[with_logs.id]
    assert [f.path for f in asyncio.run(source.files(run))] == [
        f"logs/train/{event.name}",
        "outputs/model.txt",
    ]
    assert [f.path for f in asyncio.run(source.files(run, "outputs/"))] == ["outputs/model.txt"]
    copied = asyncio.run(source.fetch_files(run, tmp_path / "dest", "logs/"))
    assert copied == [tmp_path / "dest" / "logs" / "train" / event.name]
    assert copied[0].read_bytes() == event.read_bytes()

    assert asyncio.run(source.tensorboard_dir(run)) == with_logs.files_dir / "logs"
    assert asyncio.run(source.tensorboard_dir(runs[elsewhere.id])) == elsewhere.files_dir
    assert asyncio.run(source.tensorboard_dir(runs[without.id])) is None


def test_resolve_run(tmp_path: Path) -> None:
    run = Experiment(Workspace(tmp_path / "ws"), "e").start_logging(display_name="nice")
    found = resolve_run(tmp_path / "ws", f" {run.id} ")
    assert (found.id, found.name, found.source_id) == (
        run.id,
        "nice",
        f"workspace:{(tmp_path / 'ws').resolve()}",
    )
    with pytest.raises(SourceError, match="no run 'e_0_00000000'"):
        resolve_run(tmp_path / "ws", "e_0_00000000")
    with pytest.raises(SourceError, match="no tbdesk workspace"):
        resolve_run(tmp_path / "nowhere", run.id)
    assert not (tmp_path / "nowhere").exists()


def test_default_workspace_and_its_id(tmp_path: Path) -> None:
    source = WorkspaceSource()
    assert source.path == default_workspace_dir().resolve() and source.title == "Local workspace"
    assert asyncio.run(source.experiments()) == []
    reopened = open_source(source.id)
    assert isinstance(reopened, WorkspaceSource) and reopened.id == source.id
    Experiment(Workspace(tmp_path / "other"), "x")
    other = open_source(WorkspaceSource(tmp_path / "other").id)
    assert [e.name for e in asyncio.run(other.experiments())] == ["x"]


def test_corrupt_workspace_gives_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "workspace.sqlite").write_bytes(b"garbage" * 1000)
    with pytest.raises(SourceError, match="not a usable tbdesk workspace"):
        asyncio.run(WorkspaceSource(tmp_path).experiments())
    foreign = Run("logdir:/x", "e", "r", "r")
    with pytest.raises(SourceError, match="does not come from"):
        asyncio.run(WorkspaceSource(tmp_path).metrics(foreign))
