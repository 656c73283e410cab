"""Hostile run and metric names stay inside the log folder and still load in TensorBoard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from export_helpers import read_folder
from export_samples import run_sync
from tensorboard.plugins.hparams import metadata as hparams_metadata

from tbdesk.export import export_runs
from tbdesk.export.names import MAX_FOLDER_BYTES, safe_folder_name, safe_tag, unique_name
from tbdesk.model import Metric, MetricKind, MetricPoint, Run, RunStatus

HOSTILE = [
    "../../escape",
    "/etc/passwd",
    "..",
    ".",
    "",
    "a/b\\c",
    "C:\\Windows",
    "tab\there\nnewline\x00nul\x1b[31m",
    "x" * 5000,
    "é" * 300,
    "lone \ud800 surrogate",
    "CON",
    "nul.txt",
    ".hidden",
    "_hparams_/experiment",
    "  spaced  ",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_folder_name_is_one_harmless_component(name: str) -> None:
    folder = safe_folder_name(name)
    assert folder and folder not in (".", "..")
    assert "/" not in folder and "\\" not in folder and "\x00" not in folder
    assert not folder.startswith(".")
    assert folder == folder.strip()
    assert len(folder.encode("utf-8")) <= MAX_FOLDER_BYTES
    assert folder.split(".")[0].upper() not in ("CON", "NUL")
    assert all(ch.isprintable() for ch in folder)


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_tag_is_writable_text(name: str) -> None:
    tag = safe_tag(name)
    tag.encode("utf-8")
    assert tag and all(ch.isprintable() for ch in tag)
    assert not tag.startswith("_hparams_/")


def test_unique_name_ignores_case_and_stays_short() -> None:
    assert unique_name("Run", {"run"}) == "Run (2)"
    long = "y" * MAX_FOLDER_BYTES
    assert len(unique_name(long, {long}).encode()) <= MAX_FOLDER_BYTES


class NamesSource:
    """A source whose runs and metrics have hostile names (as any remote service could send)."""

    id = "test:hostile"
    title = "hostile"

    def __init__(self) -> None:
        self.top = Run(self.id, "exp", "top", "../../top", status=RunStatus.COMPLETED)
        self.kids = [
            Run(self.id, "exp", f"kid{i}", name, parent_id="top", status=RunStatus.COMPLETED)
            for i, name in enumerate(HOSTILE)
        ]

    async def children(self, run: Run) -> list[Run]:
        return self.kids if run.id == "top" else []

    async def metrics(self, run: Run) -> list[Metric]:
        from datetime import UTC, datetime

        moment = datetime(2024, 1, 1, tzinfo=UTC)
        metrics = [
            Metric(name, MetricKind.SCALAR, (MetricPoint(1, moment, 1.0),)) for name in HOSTILE if name
        ]
        metrics.append(
            Metric("../../image", MetricKind.IMAGE, (MetricPoint(0, moment, "../../../etc/passwd"),))
        )
        return metrics

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        return []


def test_hostile_names_cannot_escape(tmp_path: Path) -> None:
    logdir = tmp_path / "logdir"
    source = NamesSource()
    (result,) = run_sync(export_runs(source, [source.top], logdir))  # type: ignore[arg-type]
    assert result.folder.parent == logdir
    outside = {p for p in tmp_path.iterdir()} - {logdir}
    assert outside == set()
    folders = [result.folder, *(c.folder for c in result.children)]
    assert len({f.name.casefold() for f in folders[1:]}) == len(HOSTILE)
    for folder in folders:
        assert folder.resolve().is_relative_to(logdir.resolve())
        tags = read_folder(folder)[1]
        scalar_tags = [t for t in tags if not t.startswith("_hparams_/")]
        # a metric named in its child run's name ("../../escape" in "../../escape") is that
        # session's parameter instead of a scalar
        parameters = 0
        if hparams_metadata.SESSION_START_INFO_TAG in tags:
            (start,) = tags[hparams_metadata.SESSION_START_INFO_TAG]
            content = start.value.metadata.plugin_data.content
            parameters = len(hparams_metadata.parse_session_start_info_plugin_data(content).hparams)
        assert len(scalar_tags) + parameters == len([n for n in HOSTILE if n])
    for child in result.children:
        assert any("image" in note for note in child.notes)  # the image path pointing outside was refused
    for current, _, files in os.walk(logdir):
        assert Path(current).resolve().is_relative_to(logdir.resolve())
        assert all(Path(current, f).resolve().is_relative_to(logdir.resolve()) for f in files)
