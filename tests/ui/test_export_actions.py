"""Export to TensorBoard… from the tree's context menu, and Open in TensorBoard on runs that only
log metrics: a real local workspace, real exports, real TensorBoard boards."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from tbdesk import paths
from tbdesk.boards import Board, BoardManager, BoardState
from tbdesk.export import ExportProgress, ExportStage
from tbdesk.local import Experiment, Workspace
from tbdesk.ui import export_dialog
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.tree_nodes import NAME, Kind
from tests.ui.ui_helpers import error_dialogs, show_window, wait_idle

LOSS_STEPS = (0, 5, 10, 100)
ALPHAS = (0.1, 0.2, 0.3)


def loss(step: int) -> float:
    return 1.0 / (step + 1)


def alpha_name(alpha: float) -> str:
    return f"alpha{alpha:g}"


def fill_workspace(path: Path, scratch: Path) -> None:
    """'training': a run logging metrics at chosen steps, and a run with TensorBoard logs of its own.
    'sweep': the how-to's sweep, a parent run with a child run per alpha, logging alpha and mse."""
    ws = Workspace(path)
    try:
        training = Experiment(ws, "training")
        native = training.start_logging(display_name="native")
        writer = EventFileWriter(str(scratch / "native"))
        for step in range(3):
            value = summary_pb2.Summary.Value(tag="native_loss", simple_value=float(step))
            event = event_pb2.Event(
                wall_time=time.time(), step=step, summary=summary_pb2.Summary(value=[value])
            )
            writer.add_event(event)
        writer.close()
        native.upload_folder("logs", str(scratch / "native"))
        native.complete()
        metrics = training.start_logging(display_name="metrics")
        for step in LOSS_STEPS:
            metrics.log("loss", loss(step), step=step)
        for value in (0.5, 0.75):
            metrics.log("accuracy", value)
        metrics.complete()

        root = Experiment(ws, "sweep").start_logging(display_name="alpha sweep")
        for alpha in ALPHAS:
            with root.child_run(alpha_name(alpha)) as child:
                mse = 3000.0 + 100 * alpha
                child.log("alpha", alpha)
                child.log("mse", mse)
                root.log("alpha", alpha)
                root.log("mse", mse)
        root.complete()
    finally:
        ws.close()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    fill_workspace(path, tmp_path / "scratch")
    return path


@pytest.fixture
def window(qtbot: Any, workspace: Path, manager: BoardManager, tmp_path: Path) -> MainWindow:
    return show_window(qtbot, manager, tmp_path / "config" / "tbdesk.ini", workspace)


def expand_all(qtbot: Any, window: MainWindow) -> None:
    """Expand the workspace and its experiments, so their runs can be selected."""
    model = window.tree_model
    source = model.index(0, NAME)
    window.tree.expand(source)
    wait_idle(qtbot, window)
    for row in range(model.rowCount(source)):
        window.tree.expand(model.index(row, NAME, source))
    wait_idle(qtbot, window)


def select(window: MainWindow, *names: str, kind: Kind = Kind.RUN) -> None:
    model = window.tree_model
    selection = window.tree.selectionModel()
    window.tree.clearSelection()
    for node in model.nodes():
        name = node.run.name if node.run else node.experiment.name if node.experiment else None
        if node.kind is kind and name in names:
            selection.select(
                model.index_of(node), selection.SelectionFlag.Select | selection.SelectionFlag.Rows
            )


def visible(window: MainWindow, kind: type[Any], name: str) -> list[Any]:
    return [w for w in window.findChildren(kind) if w.objectName() == name and w.isVisible()]


def pick_folder(window: MainWindow, folder: Path | None) -> Path:
    """Choose Export to TensorBoard… and answer its folder picker as a person would (None: cancel);
    returns the folder the picker started in."""
    window.run_actions.export_action.trigger()
    [dialog] = visible(window, QFileDialog, export_dialog.FOLDER_DIALOG_NAME)
    start = Path(dialog.directory().absolutePath())
    if folder is not None:
        dialog.fileSelected.emit(str(folder))  # what the dialog sends when the user picks the folder
    dialog.close()
    return start


def offer(qtbot: Any, window: MainWindow) -> QMessageBox:
    qtbot.waitUntil(
        lambda: bool(visible(window, QMessageBox, export_dialog.DONE_DIALOG_NAME)), timeout=30_000
    )
    [box] = visible(window, QMessageBox, export_dialog.DONE_DIALOG_NAME)
    return box


def button(box: QMessageBox, text: str) -> Any:
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def scalar_tags(board: Board) -> dict[str, set[str]]:
    """What the board's TensorBoard serves: run -> scalar tags."""
    assert board.url is not None
    with urllib.request.urlopen(board.url + "data/plugin/scalars/tags", timeout=10) as response:
        return {run: set(tags) for run, tags in json.loads(response.read()).items()}


def test_export_selected_runs_to_a_folder(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    expand_all(qtbot, window)
    select(window, "metrics")
    menu = window.run_actions.context_menu()
    assert window.run_actions.export_action in menu.actions() and window.run_actions.export_action.isEnabled()
    dest = tmp_path / "exported"

    pick_folder(window, dest)
    box = offer(qtbot, window)
    assert box.text() == f"Exported 1 run (6 points) to {dest}."
    assert window.statusBar().currentMessage() == f"Exported 1 run (6 points) to {dest}"
    button(box, "Close").click()

    run_folder = dest / "metrics"
    [events] = [p for p in run_folder.iterdir() if "tfevents" in p.name]
    accumulator = EventAccumulator(str(run_folder))
    accumulator.Reload()
    assert set(accumulator.Tags()["scalars"]) == {"loss", "accuracy"}
    assert [e.step for e in accumulator.Scalars("loss")] == list(LOSS_STEPS)
    assert [e.value for e in accumulator.Scalars("loss")] == pytest.approx([loss(s) for s in LOSS_STEPS])
    assert [e.step for e in accumulator.Scalars("accuracy")] == [0, 1]  # the order of logging
    assert not error_dialogs(window) and events.stat().st_size > 0

    # The next export starts where the last one went.
    assert pick_folder(window, None) == dest


def test_export_an_experiment_then_open_the_offered_board(
    qtbot: Any, window: MainWindow, manager: BoardManager, tmp_path: Path
) -> None:
    expand_all(qtbot, window)
    select(window, "sweep", kind=Kind.EXPERIMENT)
    # An experiment's menu: open it whole, or export it.
    actions = window.run_actions.context_menu().actions()
    assert actions[:2] == [window.run_actions.open_whole_action, window.run_actions.export_action]
    assert window.run_actions.export_action.isEnabled()
    dest = tmp_path / "sweep-export"

    pick_folder(window, dest)
    box = offer(qtbot, window)
    # The parent and its three child runs; each child logs alpha (its parameter, written as hparams
    # only) and mse, the parent both 3 times.
    assert box.text() == f"Exported 4 runs (9 points) to {dest}."
    assert sorted(p.name for p in (dest / "alpha sweep").iterdir() if p.is_dir()) == [
        alpha_name(a) for a in ALPHAS
    ]
    child = EventAccumulator(str(dest / "alpha sweep" / alpha_name(ALPHAS[1])))
    child.Reload()
    assert len(child.Scalars("mse")) == 1

    button(box, export_dialog.OPEN_BUTTON_TEXT).click()
    qtbot.waitUntil(lambda: bool(manager.boards) and not window.tasks.busy, timeout=30_000)
    [board] = manager.boards
    assert board.state is BoardState.READY and not error_dialogs(window)
    assert [(run.name, run.path) for run in board.runs] == [("alpha sweep", dest / "alpha sweep")]
    assert window.tabs.currentWidget() is window.view_of(board)


def test_cancel_midway_leaves_no_half_written_export(
    qtbot: Any, window: MainWindow, workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expand_all(qtbot, window)
    select(window, "alpha sweep")
    dest = tmp_path / "sweep-export"
    pick_folder(window, dest)
    button(offer(qtbot, window), "Close").click()
    before = snapshot(dest)
    assert "alpha sweep/.tbdesk-export.json" in before

    ws = Workspace(workspace)  # changed since (a completed run takes tags): a new export would differ
    try:
        [root] = Experiment(ws, "sweep").get_runs()
        root.tag("batch", 2)
    finally:
        ws.close()

    seen: list[ExportProgress] = []
    labels: list[str] = []
    show = window.run_actions.show_export_progress

    def cancel_after_first_child(update: ExportProgress, job: Any) -> None:
        show(update, job)
        seen.append(update)
        labels.append(window.tasks.label.text())
        # A child run is written, its parent and siblings are not yet swapped in: cancel now.
        if update.stage is ExportStage.DONE and update.run.parent_id is not None:
            window.tasks.cancel_button.click()

    monkeypatch.setattr(window.run_actions, "show_export_progress", cancel_after_first_child)
    fresh = tmp_path / "fresh"
    for folder in (dest, fresh):
        seen.clear()
        with qtbot.waitSignal(window.tasks.cancelled, timeout=30_000):
            pick_folder(window, folder)
        wait_idle(qtbot, window)
        assert any(u.stage is ExportStage.DONE and u.run.parent_id for u in seen)
        # Progress run by run in the status bar.
        assert "Exporting alpha sweep to TensorBoard… reading alpha sweep (0 of 1 run)" in labels
        assert any(re.fullmatch(r".*… wrote alpha0\.\d \(\d of 4 runs\)", label) for label in labels)
        assert window.statusBar().currentMessage().startswith("Cancelled: Exporting alpha sweep")
    assert snapshot(dest) == before  # the previous export, untouched
    assert list(fresh.iterdir()) == []  # nothing half-written, no temporary folders left
    assert not visible(window, QMessageBox, export_dialog.DONE_DIALOG_NAME) and not error_dialogs(window)


def test_open_in_tensorboard_exports_metrics_only_runs(
    qtbot: Any, window: MainWindow, manager: BoardManager
) -> None:
    expand_all(qtbot, window)
    select(window, "alpha sweep")
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    assert not visible(window, QFileDialog, export_dialog.FOLDER_DIALOG_NAME)  # nothing asked
    assert not error_dialogs(window)
    [board] = manager.boards
    assert board.state is BoardState.READY
    [shown] = board.runs
    exports = paths.cache_dir() / "exports"
    assert shown.name == "alpha sweep" and exports in shown.path.parents
    children = {f"alpha sweep/{alpha_name(a)}" for a in ALPHAS}
    qtbot.waitUntil(lambda: children <= set(scalar_tags(board)), timeout=30_000)
    served = scalar_tags(board)
    assert all(served[run] == {"mse"} for run in children)
    manifest = json.loads((shown.path / ".tbdesk-export.json").read_text())

    # Again: exported anew into the same place, shown by the same board.
    window.run_actions.open_action.trigger()
    wait_idle(qtbot, window)
    assert manager.boards == [board] and board.state is BoardState.READY
    assert json.loads((shown.path / ".tbdesk-export.json").read_text())["exported"] > manifest["exported"]
    assert children <= set(scalar_tags(board))

    # Compare a run with TensorBoard logs of its own and a metrics-only run: logs linked, metrics exported.
    select(window, "native", "metrics")
    window.run_actions.compare_action.trigger()
    wait_idle(qtbot, window)
    [compared] = [b for b in manager.boards if b is not board]
    by_name = {run.name: run.path for run in compared.runs}
    assert set(by_name) == {"native", "metrics"}
    assert exports in by_name["metrics"].parents and exports not in by_name["native"].parents
    qtbot.waitUntil(lambda: {"native", "metrics"} <= set(scalar_tags(compared)), timeout=30_000)
    served = scalar_tags(compared)
    assert served["native"] == {"native_loss"} and served["metrics"] == {"loss", "accuracy"}
