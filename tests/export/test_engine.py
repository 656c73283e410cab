"""export_run / export_runs on a real local workspace: what is written, and how it is replaced."""

from __future__ import annotations

import asyncio
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from conftest import Sample, every_kind, run_sync
from export_helpers import event_files, read_folder
from PIL import Image

from tbdesk.export import ExportError, ExportProgress, ExportStage, export_run, export_runs, write_metrics
from tbdesk.export.convert import seconds
from tbdesk.local import Experiment
from tbdesk.model import Metric, MetricKind, Run


def test_every_kind_round_trips(sample: Sample, tmp_path: Path) -> None:
    run = sample.run(every_kind(sample.workspace))
    result = run_sync(export_run(sample.source, run, tmp_path / "out"))
    assert result.folder == tmp_path / "out" / "every kind"
    _, tags = read_folder(result.folder)
    metrics = {m.name: m for m in run_sync(sample.source.metrics(run))}

    def scalars(tag: str) -> list[tuple[int, float, float]]:
        return [(r.step, r.wall_time, r.value.simple_value) for r in tags[tag]]

    for name in ("loss", "curve", "late"):
        expected = [(p.step, seconds(p.time), pytest.approx(p.value)) for p in metrics[name].points]
        assert scalars(name) == expected
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
