"""A plain folder of TensorBoard logs as a source, read with asyncio.run (no Qt)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tbdesk.model import Experiment, Run, RunStatus
from tbdesk.sources import LogFolderSource, Source, SourceError
from tbdesk.sources.logdir import event_file_time, scan

MakeEventFile = Callable[..., Path]


async def _all_runs(source: Source) -> dict[str, list[Run]]:
    found = {}
    for exp in await source.experiments():
        found[exp.name] = [run async for page in source.runs(exp) for run in page]
    return found


def test_runs_are_grouped_by_their_parent_folder_newest_first(
    tmp_path: Path, make_event_file: MakeEventFile
) -> None:
    root = tmp_path / "logs"
    make_event_file(root / "exp1" / "run_a", 1_700_000_100)
    make_event_file(root / "exp1" / "run_b", 1_700_000_300)
    make_event_file(root / "exp1" / "run_b", 1_700_000_200)  # a restarted run: its first file counts
    make_event_file(root / "exp2" / "deep" / "run_c", 1_700_000_050)
    make_event_file(root / "exp1" / "run_a" / "eval", 1_700_000_400)  # a run inside a run
    make_event_file(root / ".hidden" / "run_x", 1_700_000_999)
    (root / "exp1" / "no_events").mkdir()
    (root / "exp1" / "no_events" / "notes.txt").write_text("not a run")
    make_event_file(root, 1_700_000_000)  # the root itself is a run too

    source = LogFolderSource(root)
    assert isinstance(source, Source)
    assert source.id == f"logdir:{root.resolve()}" and source.title == "logs"
    runs = asyncio.run(_all_runs(source))

    assert list(runs) == ["logs", "exp1", "exp1/run_a", "exp2/deep"]
    assert [(r.id, r.name) for r in runs["logs"]] == [(".", "logs")]
    assert [r.id for r in runs["exp1"]] == ["exp1/run_b", "exp1/run_a"]
    assert [r.name for r in runs["exp1/run_a"]] == ["eval"]
    assert [r.id for r in runs["exp2/deep"]] == ["exp2/deep/run_c"]
    run_b = runs["exp1"][0]
    assert run_b.start_time is not None and run_b.start_time.timestamp() == 1_700_000_200
    assert run_b.experiment == "exp1" and run_b.has_children is False
    assert run_b.status is RunStatus.RUNNING and run_b.end_time is None  # just written: live


def test_a_run_not_written_lately_says_when_it_last_was(
    tmp_path: Path, make_event_file: MakeEventFile
) -> None:
    import os
    import time

    root = tmp_path / "logs"
    make_event_file(root / "old", 1_700_000_000)
    an_hour_ago = time.time() - 3600
    for file in (root / "old").rglob("*tfevents*"):
        os.utime(file, (an_hour_ago, an_hour_ago))
    make_event_file(root / "new", 1_700_000_100)
    runs = asyncio.run(_all_runs(LogFolderSource(root)))
    [new, stale] = runs["logs"]
    assert (new.name, new.status, new.end_time) == ("new", RunStatus.RUNNING, None)
    assert stale.name == "old" and stale.status is RunStatus.UNKNOWN
    assert stale.end_time is not None and abs(stale.end_time.timestamp() - an_hour_ago) < 1


def test_event_file_names_give_times_else_the_modification_time(tmp_path: Path) -> None:
    assert event_file_time("events.out.tfevents.1700000000.host.123.0") == 1_700_000_000
    assert event_file_time("events.out.tfevents.1700000000") == 1_700_000_000
    assert event_file_time("events.out.tfevents.1700000000.5host") == 1_700_000_000
    assert event_file_time("my.tfevents.file") is None
    run = tmp_path / "r"
    run.mkdir()
    (run / "my.tfevents.file").write_bytes(b"")
    os.utime(run / "my.tfevents.file", (1_600_000_000, 1_600_000_000))
    assert [(f.rel, f.started) for f in scan(tmp_path).runs] == [("r", 1_600_000_000)]


def test_links_are_followed_once_and_loops_end(tmp_path: Path, make_event_file: MakeEventFile) -> None:
    outside = tmp_path / "elsewhere" / "linked_run"
    make_event_file(outside, 1_700_000_000)
    root = tmp_path / "logs"
    make_event_file(root / "exp" / "run", 1_700_000_001)
    (root / "exp" / "link").symlink_to(outside, target_is_directory=True)
    (root / "exp" / "loop").symlink_to(root, target_is_directory=True)
    (root / "exp" / "dangling").symlink_to(tmp_path / "missing", target_is_directory=True)

    source = LogFolderSource(root)
    runs = asyncio.run(_all_runs(source))
    assert [r.id for r in runs["exp"]] == ["exp/run", "exp/link"]
    linked = runs["exp"][1]
    assert asyncio.run(source.tensorboard_dir(linked)) == root / "exp" / "link"


def test_unreadable_folders_are_passed_over(
    tmp_path: Path, make_event_file: MakeEventFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_event_file(tmp_path / "ok", 1_700_000_000)
    make_event_file(tmp_path / "secret", 1_700_000_000)
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        # We run as root here, where permissions never refuse: refuse this one folder by hand.
        if Path(path).name == "secret":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert [f.rel for f in scan(tmp_path).runs] == ["ok"]


def test_five_hundred_runs(tmp_path: Path, make_event_file: MakeEventFile) -> None:
    template = make_event_file(tmp_path / "template", 1_700_000_000)
    root = tmp_path / "logs"
    for i in range(500):
        folder = root / f"sweep{i % 5}" / f"run{i:03d}"
        folder.mkdir(parents=True)
        shutil.copyfile(template, folder / f"events.out.tfevents.{1_700_000_000 + i}.host.1.0")

    runs = asyncio.run(_all_runs(LogFolderSource(root)))
    assert sorted(runs) == [f"sweep{k}" for k in range(5)]
    assert sum(len(v) for v in runs.values()) == 500
    for k in range(5):
        expected = [f"sweep{k}/run{i:03d}" for i in reversed(range(500)) if i % 5 == k]
        assert [r.id for r in runs[f"sweep{k}"]] == expected


def test_files_fetch_and_tensorboard_dir(tmp_path: Path, make_event_file: MakeEventFile) -> None:
    root = tmp_path / "logs"
    event = make_event_file(root / "exp" / "run", 1_700_000_000)
    (root / "exp" / "run" / "plugins" / "profile").mkdir(parents=True)
    (root / "exp" / "run" / "plugins" / "profile" / "trace.json").write_text("{}")
    (root / "exp" / "run" / ".lock").write_text("")
    source = LogFolderSource(root)
    run = asyncio.run(_all_runs(source))["exp"][0]

    files = asyncio.run(source.files(run))
    assert [f.path for f in files] == [event.name, "plugins/profile/trace.json"]
    assert files[0].size == event.stat().st_size
    assert [f.path for f in asyncio.run(source.files(run, "plugins/"))] == ["plugins/profile/trace.json"]
    copied = asyncio.run(source.fetch_files(run, tmp_path / "copy"))
    assert copied == [tmp_path / "copy" / event.name, tmp_path / "copy" / "plugins/profile/trace.json"]
    assert copied[0].read_bytes() == event.read_bytes()
    assert asyncio.run(source.tensorboard_dir(run)) == root / "exp" / "run"
    assert asyncio.run(source.metrics(run)) == [] and asyncio.run(source.children(run)) == []

    shutil.rmtree(root / "exp" / "run")
    assert asyncio.run(source.tensorboard_dir(run)) is None


def test_hostile_run_ids_and_missing_folders(tmp_path: Path) -> None:
    source = LogFolderSource(tmp_path)
    evil = Run(source.id, "x", "../../etc", "etc")
    with pytest.raises(SourceError, match="not a run"):
        asyncio.run(source.tensorboard_dir(evil))
    foreign = Run("logdir:/somewhere/else", "x", "run", "run")
    with pytest.raises(SourceError, match="does not come from"):
        asyncio.run(source.files(foreign))
    gone = LogFolderSource(tmp_path / "missing")
    with pytest.raises(SourceError, match="does not exist"):
        asyncio.run(gone.experiments())
    assert asyncio.run(_all_runs(source)) == {}
    empty = Experiment(source.id, "nope", "nope")
    assert asyncio.run(_first_page(source, empty)) == []


async def _first_page(source: Source, experiment: Experiment) -> list[Run]:
    return [run async for page in source.runs(experiment) for run in page]
