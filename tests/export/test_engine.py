"""export_run / export_runs on a real local workspace: what is written, and how it is replaced."""

from __future__ import annotations

import asyncio
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from export_helpers import event_files, read_folder
from export_samples import Sample, every_kind, run_sync
from PIL import Image

from tbdesk.export import ExportError, ExportProgress, ExportStage, export_run, export_runs, write_metrics
from tbdesk.export.convert import seconds
from tbdesk.local import Experiment
from tbdesk.model import Metric, MetricKind, Run, ScalarPoints


def test_every_kind_round_trips(sample: Sample, tmp_path: Path) -> None:
    run = sample.run(every_kind(sample.workspace))
    result = run_sync(export_run(sample.source, run, tmp_path / "out"))
    assert result.folder == tmp_path / "out" / "every kind"
    _, tags = read_folder(result.folder)
    metrics = {m.name: m for m in run_sync(sample.source.metrics(run))}

    def scalars(tag: str) -> list[tuple[int, float, float]]:
        return [(r.step, r.wall_time, r.value.simple_value) for r in tags[tag]]

    for name in ("loss", "curve", "late"):
        points = metrics[name].points
        # the workspace gives scalars as arrays: wall times exactly as stored, finer than datetimes
        assert isinstance(points, ScalarPoints)
        expected = zip(points.steps.tolist(), points.times.tolist(), points.values.tolist(), strict=True)
        assert scalars(name) == [(step, moment, pytest.approx(value)) for step, moment, value in expected]
    assert [r.step for r in tags["late"]] == [100]
    odd = [v for _, _, v in scalars("odd")]
    assert math.isnan(odd[0]) and odd[1:] == [math.inf, -math.inf]
    # rows and tables: a scalar series per numeric column, text for a column of text
    assert [v for _, _, v in scalars("epoch/loss")] == pytest.approx([0.9, 0.5])
    assert [v for _, _, v in scalars("epoch/acc")] == pytest.approx([0.1, 0.6])
    assert [r.value.tensor.string_val[0] for r in tags["epoch/phase"]] == [b"warmup", b"main"]
    assert [v for _, _, v in scalars("table/x")] == [1.0, 2.0, 3.0]
    assert [r.step for r in tags["table/x"]] == [p.step for p in metrics["table"].points]
    assert [r.value.tensor.string_val[0] for r in tags["table/label"]] == [b"a", b"b", b"c"]
    # strings
    notes = tags["note"]
    assert [r.value.tensor.string_val[0].decode() for r in notes] == ["first *note*", "second note"]
    assert notes[0].value.metadata.plugin_data.plugin_name == "text"
    assert [(r.step, r.wall_time) for r in notes] == [
        (p.step, seconds(p.time)) for p in metrics["note"].points
    ]
    # images: width, height and the image itself
    pictures = tags["picture"]
    assert pictures[0].value.metadata.plugin_data.plugin_name == "images"
    sizes = []
    for read in pictures:
        width, height, data = read.value.tensor.string_val
        image = Image.open(io.BytesIO(data))
        assert image.size == (int(width), int(height))
        sizes.append(image.size)
    assert sizes == [(6, 4), (3, 9)]
    assert result.points == sum(len(r) for r in tags.values())


def test_child_runs_get_their_own_folders(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "nested").start_logging(display_name="parent")
    root.log("p", 1.0)
    for name in ("same", "same", "a/b", ".."):
        with root.child_run(name) as child:
            child.log("c", 2.0)
            with child.child_run("grandchild") as grand:
                grand.log("g", 3.0)
    root.complete()
    progress: list[ExportProgress] = []
    result = run_sync(export_run(sample.source, sample.run(root.id), tmp_path, progress=progress.append))
    names = sorted(c.folder.name for c in result.children)
    dots = next(c for c in result.children if c.run.name == "..")
    assert names == sorted(["a_b", "same", "same (2)", dots.run.id])
    for child in result.children:
        assert child.folder.parent == result.folder
        assert "c" in read_folder(child.folder)[1]
        (grand,) = child.children
        assert grand.folder == child.folder / "grandchild"
        assert "g" in read_folder(grand.folder)[1]
    assert result.total_runs == 9
    assert result.total_points == 1 + 4 * 2
    done = [p for p in progress if p.stage is ExportStage.DONE]
    assert len(done) == 9 and {p.run.id for p in done} == {r.id for r in _all_runs(result)}
    assert progress[-1].runs_done == progress[-1].runs_total == 9
    assert not recursive_export_left_temp(tmp_path)


def _all_runs(result: Any) -> list[Run]:
    return [result.run, *(r for child in result.children for r in _all_runs(child))]


def recursive_export_left_temp(logdir: Path) -> list[Path]:
    return [p for p in logdir.iterdir() if p.name.startswith(".tbdesk-export-")]


def test_not_recursive_writes_the_run_alone(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "flat").start_logging(display_name="flat")
    root.log("p", 1.0)
    with root.child_run("kid") as child:
        child.log("c", 1.0)
    result = run_sync(export_run(sample.source, sample.run(root.id), tmp_path, recursive=False))
    assert result.children == ()
    assert [p.name for p in result.folder.iterdir() if p.is_dir()] == []


def test_reexport_replaces_without_duplicates_and_keeps_other_files(sample: Sample, tmp_path: Path) -> None:
    run_id = every_kind(sample.workspace)
    run = sample.run(run_id)
    logdir = tmp_path / "out"
    logdir.mkdir()
    (logdir / "mine.txt").write_text("not tbdesk's")
    first = run_sync(export_run(sample.source, run, logdir))
    added = first.folder / "notes" / "added by hand.md"
    added.parent.mkdir()
    added.write_text("keep me")
    inode = added.stat().st_ino
    before = read_folder(first.folder)[1]
    second = run_sync(export_run(sample.source, run, logdir))
    assert second.folder == first.folder
    after = read_folder(second.folder)[1]
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert len(event_files(second.folder)) == 1
    assert added.read_text() == "keep me" and added.stat().st_ino == inode
    assert (logdir / "mine.txt").read_text() == "not tbdesk's"
    manifest = json.loads((second.folder / ".tbdesk-export.json").read_text())
    assert manifest["run"] == run_id and "notes/added by hand.md" not in manifest["files"]
    assert not recursive_export_left_temp(logdir)


def test_a_folder_tbdesk_did_not_write_is_never_replaced(sample: Sample, tmp_path: Path) -> None:
    run = sample.run(every_kind(sample.workspace, name="taken"))
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "data.csv").write_text("1,2")
    result = run_sync(export_run(sample.source, run, tmp_path))
    assert result.folder == tmp_path / "taken (2)"
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["data.csv"]


class FailingSource:
    """The workspace source, except that reading the metrics of one run fails (or never ends)."""

    def __init__(self, inner: Any, bad_run_name: str, error: BaseException | None = None) -> None:
        self.inner = inner
        self.bad = bad_run_name
        self.error = error
        self.reached = asyncio.Event() if error is None else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def metrics(self, run: Run) -> list[Metric]:
        if run.name == self.bad:
            if self.reached is not None:
                self.reached.set()
                await asyncio.sleep(3600)
            assert self.error is not None
            raise self.error
        result: list[Metric] = await self.inner.metrics(run)
        return result


def sweep_with_children(sample: Sample) -> Run:
    root = Experiment(sample.workspace, "sweep").start_logging(display_name="sweep")
    for index in range(4):
        with root.child_run(f"child{index}") as child:
            child.log("x", float(index))
    root.complete()
    return sample.run(root.id)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failing_source_leaves_previous_export_intact(sample: Sample, tmp_path: Path) -> None:
    run = sweep_with_children(sample)
    good = run_sync(export_run(sample.source, run, tmp_path))
    before = snapshot(tmp_path)
    broken = FailingSource(sample.source, "child2", RuntimeError("the service said no"))
    with pytest.raises(ExportError, match=r"child2.*the service said no"):
        run_sync(export_run(broken, run, tmp_path))  # type: ignore[arg-type]
    assert snapshot(tmp_path) == before
    assert good.folder.is_dir()
    assert not recursive_export_left_temp(tmp_path)


def test_cancelled_export_leaves_previous_export_intact(sample: Sample, tmp_path: Path) -> None:
    run = sweep_with_children(sample)
    run_sync(export_run(sample.source, run, tmp_path))
    before = snapshot(tmp_path)
    stuck = FailingSource(sample.source, "child3")

    async def cancel_midway() -> None:
        task = asyncio.ensure_future(export_run(stuck, run, tmp_path))  # type: ignore[arg-type]
        assert stuck.reached is not None
        await stuck.reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_sync(cancel_midway())
    assert snapshot(tmp_path) == before
    assert not recursive_export_left_temp(tmp_path)


def test_export_runs_names_runs_apart_and_returns_in_order(sample: Sample, tmp_path: Path) -> None:
    ids = [every_kind(sample.workspace, name="twin") for _ in range(3)]
    runs = [sample.run(i) for i in ids]
    results = run_sync(export_runs(sample.source, [runs[0], runs[1], runs[2], runs[0]], tmp_path))
    assert [r.run.id for r in results] == [ids[0], ids[1], ids[2], ids[0]]
    assert sorted(r.folder.name for r in results[:3]) == ["twin", "twin (2)", "twin (3)"]
    again = run_sync(export_runs(sample.source, runs, tmp_path))
    assert [r.folder for r in again] == [r.folder for r in results[:3]]


def test_write_metrics_low_level(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tbdesk.model import MetricPoint

    moment = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    metric = Metric("m", MetricKind.SCALAR, (MetricPoint(7, moment, 2.5),))
    written = write_metrics([metric], tmp_path / "folder")
    assert written.points == 1
    (read,) = read_folder(tmp_path / "folder")[1]["m"]
    assert (read.step, read.wall_time, read.value.simple_value) == (7, moment.timestamp(), 2.5)


class SlowAndFailingSource(FailingSource):
    """One child's metrics never come; another's fail: the slow read must be cancelled and awaited."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner, "child2", RuntimeError("broken"))
        self.slow_cancelled = False

    async def metrics(self, run: Run) -> list[Metric]:
        if run.name == "child0":
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.slow_cancelled = True
                raise
        return await super().metrics(run)


def test_a_failure_stops_the_other_child_runs_before_cleaning_up(sample: Sample, tmp_path: Path) -> None:
    run = sweep_with_children(sample)
    source = SlowAndFailingSource(sample.source)

    async def export_then_check() -> None:
        with pytest.raises(ExportError, match="broken"):
            await export_run(source, run, tmp_path)  # type: ignore[arg-type]
        # Nothing of the failed export runs on afterwards: no task left besides this one.
        assert source.slow_cancelled
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []

    run_sync(export_then_check())
    assert list(tmp_path.iterdir()) == [tmp_path / "workspace"]


def test_reexport_keeps_each_child_run_in_its_folder(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "kept").start_logging(display_name="root")
    kids = {}
    for name in ("child_one", "child_two"):
        with root.child_run(name) as child:
            child.log_list("c", [1.0, 0.5])
            kids[name] = child
    first = run_sync(export_run(sample.source, sample.run(root.id), tmp_path))
    assert sorted(c.folder.name for c in first.children) == ["child_one", "child_two"]
    manifest = json.loads((first.folder / ".tbdesk-export.json").read_text())
    assert manifest["children"] == {name: kid.id for name, kid in kids.items()}
    # Someone adds a file to a child run's folder, and a folder named like a child run to come;
    # a child run is renamed and a new one appears.
    added = first.folder / "child_one" / "notes.txt"
    added.write_text("keep me")
    inode = added.stat().st_ino
    (first.folder / "newcomer").mkdir()
    (first.folder / "newcomer" / "own.txt").write_text("mine")
    kids["child_two"].display_name = "renamed"
    with root.child_run("newcomer") as newcomer:
        newcomer.log_list("c", [2.0, 1.0])
    root.complete()

    second = run_sync(export_run(sample.source, sample.run(root.id), tmp_path))
    folders = {c.run.id: c.folder.name for c in second.children}
    assert folders == {
        kids["child_one"].id: "child_one",
        kids["child_two"].id: "child_two",
        newcomer.id: "newcomer (2)",
    }
    assert sorted(p.name for p in second.folder.iterdir() if p.is_dir()) == [
        "child_one",
        "child_two",
        "newcomer",
        "newcomer (2)",
    ]
    assert added.read_text() == "keep me" and added.stat().st_ino == inode
    assert (second.folder / "newcomer" / "own.txt").read_text() == "mine"
    assert len(event_files(second.folder / "child_one")) == 1
    assert "c" in read_folder(second.folder / "child_one")[1]


def test_changed_values_are_counted_in_the_notes(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "changed").start_logging(display_name="root")
    root.log_list("huge", [1e300, -1e300, 1.0])
    root.log_list("tiny", [1e-50, 0.0])
    with root.child_run("kid") as child:
        child.log("twice", 1.0, step=3)
        child.log("twice", 2.0, step=3)
        child.log("said", "first", step=0)
        child.log("said", "again", step=0)
    root.complete()
    result = run_sync(export_run(sample.source, sample.run(root.id), tmp_path))
    assert sorted(result.notes) == [
        "huge: 2 values beyond the float32 range written as +-3.402823e+38 "
        "(TensorBoard stores scalars as float32)",
        "tiny: 1 value too close to zero for float32 written as 0 (TensorBoard stores scalars as float32)",
    ]
    (kid,) = result.children
    repeated = (
        "left out 1 value whose step was logged again later (TensorBoard keeps one value per step: the last)"
    )
    assert sorted(kid.notes) == [f"said: {repeated}", f"twice: {repeated}"]
    assert result.all_notes() == [f"root: {note}" for note in result.notes] + [
        f"kid: {note}" for note in kid.notes
    ]
    assert [r.value.simple_value for r in read_folder(kid.folder)[1]["twice"]] == [2.0]


def test_a_tampered_manifest_cannot_move_child_runs_outside(sample: Sample, tmp_path: Path) -> None:
    root = Experiment(sample.workspace, "tampered").start_logging(display_name="root")
    with root.child_run("kid") as kid:
        kid.log_list("c", [1.0, 2.0])
    root.complete()
    logdir = tmp_path / "out"
    first = run_sync(export_run(sample.source, sample.run(root.id), logdir))
    manifest_path = first.folder / ".tbdesk-export.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["children"] = {"../../escaped": kid.id, "kid": "someone else"}
    manifest_path.write_text(json.dumps(manifest))
    second = run_sync(export_run(sample.source, sample.run(root.id), logdir))
    (child,) = second.children
    assert child.folder == second.folder / "kid"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "workspace"]
    assert json.loads(manifest_path.read_text())["children"] == {"kid": kid.id}
