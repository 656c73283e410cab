"""The run details pane over a real local workspace (the Azure side is in test_azure_ui.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tbdesk.boards import BoardManager
from tbdesk.local import Experiment as LocalExperiment
from tbdesk.local import Workspace
from tbdesk.model import Metric, MetricKind, MetricPoint, Run, RunStatus
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.run_details import (
    FILES,
    METRICS,
    PROPERTIES,
    RUN,
    TAGS,
    RunDetails,
    format_duration,
    metric_summary,
    run_fields,
)
from tbdesk.ui.tree_nodes import NAME, Kind
from tests.ui.ui_helpers import show_window


def fill(path: Path, scratch: Path) -> None:
    ws = Workspace(path)
    try:
        exp = LocalExperiment(ws, "trials")
        run = exp.start_logging(display_name="cnn lr=0.1")
        run.tag("lr", "0.1")
        run.add_properties({"framework": "numpy"})
        for step in range(3):
            run.log("loss", 1.0 / (step + 1), step=step)
        run.log("note", "first try with dropout")
        run.log_row("per_class", cls="cat", precision=0.9)
        scratch.mkdir(parents=True, exist_ok=True)
        (scratch / "model.bin").write_bytes(b"x" * 2048)
        run.upload_file("outputs/model.bin", str(scratch / "model.bin"))
        run.complete()
        other = exp.start_logging(display_name="bare")
        other.complete()
    finally:
        ws.close()


def test_fields_and_summaries(qapp: Any) -> None:  # qapp: English plural forms are its translator
    start = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    run = Run(
        "src", "exp", "run-1", "name", RunStatus.COMPLETED, start, start + timedelta(minutes=61, seconds=5),
        parent_id="parent-0", number=4, run_type="hyperdrive", job_type="Sweep",
    )  # fmt: skip
    fields = dict(run_fields(run))
    assert (fields["Job type"], fields["Run type"]) == ("Sweep", "hyperdrive")
    assert fields["Status"] == "Completed" and fields["Run number"] == "4"
    assert fields["Parent run"] == "parent-0" and fields["Duration"] == "1h 1m 5s"
    running = Run("src", "exp", "run-2", "name", RunStatus.RUNNING, start)
    assert dict(run_fields(running, now=start + timedelta(seconds=42)))["Duration"] == "42s so far"
    assert "Ended" not in dict(run_fields(running))
    assert format_duration(3 * 86400 + 7200) == "3d 2h 0m"

    at = start
    scalar = Metric("loss", MetricKind.SCALAR, (MetricPoint(0, at, 0.5), MetricPoint(1, at, 0.123456789)))
    assert metric_summary(scalar) == "scalar, 2 points, last 0.123457"
    row = Metric("per_class", MetricKind.ROW, (MetricPoint(0, at, {"cls": "cat", "precision": 0.9}),))
    assert metric_summary(row) == "row, 1 point, last cls=cat, precision=0.9"
    assert metric_summary(Metric("empty", MetricKind.TABLE, ())) == "table, 0 points"


def test_metrics_azure_ml_keeps_as_artifacts_say_they_are_not_exported() -> None:
    """A confusion matrix or accuracy table (tbdesk.azure.convert) has no points to summarise."""
    described = "confusion matrix kept by Azure ML as the file confusion_matrix"
    matrix = Metric("confusion_matrix", MetricKind.ARTIFACT, (), described)
    assert metric_summary(matrix) == f"{described}: not exported to TensorBoard"
    unnamed = Metric("scores", MetricKind.ARTIFACT, ())
    assert metric_summary(unnamed) == "kept by Azure ML as a file: not exported to TensorBoard"


def test_details_of_a_local_run(
    qtbot: Any, qloop: asyncio.AbstractEventLoop, run_async: Any, tmp_path: Path
) -> None:
    fill(tmp_path / "ws", tmp_path / "scratch")
    source = WorkspaceSource(tmp_path / "ws")
    [experiment] = run_async(source.experiments())
    pages = run_async(_all(source.runs(experiment)))
    run = next(r for r in pages if r.name == "cnn lr=0.1")
    details = RunDetails()
    qtbot.addWidget(details)
    details.show()

    details.show_run(source, run)
    assert dict(details.values(METRICS)) == {"Loading…": ""}  # shown at once, filled when loaded
    qtbot.waitUntil(lambda: not details.busy, timeout=10_000)
    fields = dict(details.values(RUN))
    assert fields["Status"] == "Completed" and fields["Run id"] == run.id and fields["Experiment"] == "trials"
    assert fields["Display name"] == "cnn lr=0.1" and "Started" in fields and "Duration" in fields
    assert details.values(TAGS) == [("lr", "0.1")]
    assert ("framework", "numpy") in details.values(PROPERTIES)
    metrics = dict(details.values(METRICS))
    assert metrics["loss"] == "scalar, 3 points, last 0.333333"
    assert metrics["note"] == "string, 1 point, last first try with dropout"
    assert metrics["per_class"].startswith("row, 1 point, last ")
    assert dict(details.values(FILES))["outputs/model.bin"] == "2.0 kB"

    bare = next(r for r in pages if r.name == "bare")
    details.show_run(source, bare)
    qtbot.waitUntil(lambda: not details.busy, timeout=10_000)
    assert details.values(METRICS) == [("No metrics", "")] and details.values(TAGS) == [("No tags", "")]


def test_errors_show_in_their_section(qtbot: Any, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    fill(tmp_path / "ws", tmp_path / "scratch")
    source = WorkspaceSource(tmp_path / "ws")
    stranger = Run("logdir:/elsewhere", "trials", "not-here", "stranger")  # a run of another source
    details = RunDetails()
    qtbot.addWidget(details)
    details.show_run(source, stranger)
    qtbot.waitUntil(lambda: not details.busy, timeout=10_000)
    [(label, message)] = details.values(METRICS)
    assert label == "Could not load" and "stranger" in message


@pytest.fixture
def window(qtbot: Any, manager: BoardManager, tmp_path: Path) -> MainWindow:
    fill(tmp_path / "ws", tmp_path / "scratch")
    return show_window(qtbot, manager, tmp_path / "tbdesk.ini", tmp_path / "ws")


def test_window_shows_the_selected_run(qtbot: Any, window: MainWindow) -> None:
    model, tree = window.tree_model, window.tree
    source = model.index(0, NAME)
    tree.expand(source)
    qtbot.waitUntil(lambda: model.rowCount(source) == 1 and not model.busy, timeout=10_000)
    tree.expand(model.index(0, NAME, source))
    qtbot.waitUntil(
        lambda: not model.busy and model.rowCount(model.index(0, NAME, source)) == 2, timeout=10_000
    )
    runs = [node for node in model.nodes() if node.kind is Kind.RUN]
    flags = tree.selectionModel().SelectionFlag.Select | tree.selectionModel().SelectionFlag.Rows

    tree.selectionModel().select(model.index_of(runs[1]), flags)
    assert window.details.run == runs[1].run
    qtbot.waitUntil(lambda: not window.details.busy, timeout=10_000)
    assert "loss" in dict(window.details.values(METRICS))

    tree.selectionModel().select(model.index_of(runs[0]), flags)
    assert window.details.run is None and window.details.title.text() == "2 runs selected."
    tree.clearSelection()
    assert window.details.title.text() == "Select a run to see its details."


async def _all(pages: Any) -> list[Run]:
    return [run async for page in pages for run in page]


def test_ctrl_f_focuses_the_search_box(qtbot: Any, window: MainWindow) -> None:
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.find_action in window.menuBar().actions()[1].menu().actions()  # View menu
    window.tree.setFocus()
    window.search.setText("lr")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search, timeout=5000)
    assert window.search.selectedText() == "lr"  # typing replaces the old query


def test_numbers_sizes_and_times_follow_the_locale(qapp: Any) -> None:
    from datetime import UTC, datetime

    from PySide6.QtCore import QLocale

    from tbdesk.ui import locale_text

    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    previous = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        assert locale_text.counts().points(1234567) == "1.234.567 points"
        assert locale_text.counts().files(1) == "1 file"  # its English plural forms: tbdesk_en.qm
        assert locale_text.size(1536) == "1,5 kB"
        assert locale_text.date_time(when).startswith(when.astimezone().strftime("%d.%m.%y"))
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        assert locale_text.counts().points(1234567) == "1,234,567 points"
        assert locale_text.size(1536) == "1.5 kB"
        assert locale_text.date_time(when).startswith(when.astimezone().strftime("%-m/%-d/%y"))
    finally:
        QLocale.setDefault(previous)
