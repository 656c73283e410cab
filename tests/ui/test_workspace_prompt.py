"""`tbdesk --workspace /typo/deeper/ws`: the window asks before making a workspace there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from tbdesk.local.database import DB_NAME
from tbdesk.ui.workspace_prompt import ask_for_missing_workspace


def _answer(qtbot: Any, box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    qtbot.waitUntil(box.isVisible)
    button.click()


def test_a_missing_workspace_is_made_only_when_the_user_says_so(qtbot: Any, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    quits: list[bool] = []
    missing = tmp_path / "typo" / "deeper" / "ws"

    box = ask_for_missing_workspace(parent, missing, lambda: quits.append(True))
    assert box is not None and box.text() == f"The workspace folder {missing} does not exist."
    _answer(qtbot, box, "Quit")
    assert quits == [True] and not (tmp_path / "typo").exists()

    box = ask_for_missing_workspace(parent, missing, lambda: quits.append(True))
    assert box is not None
    _answer(qtbot, box, "Create workspace")
    assert (missing / DB_NAME).is_file() and quits == [True]
    assert ask_for_missing_workspace(parent, missing, lambda: quits.append(True)) is None


def test_a_workspace_that_cannot_be_made_says_why_then_quits(qtbot: Any, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    (tmp_path / "file").write_text("not a folder")
    quits: list[bool] = []
    box = ask_for_missing_workspace(parent, tmp_path / "file" / "ws", lambda: quits.append(True))
    assert box is not None
    _answer(qtbot, box, "Create workspace")
    qtbot.waitUntil(lambda: any(b.isVisible() for b in parent.findChildren(QMessageBox)))
    (failed,) = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
    assert failed.windowTitle() == "Workspace not created" and str(tmp_path / "file") in failed.text()
    failed.done(0)
    assert quits == [True]


def test_the_new_texts_are_translated(
    qtbot: Any, qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTranslator

    from tbdesk.local import Experiment, Workspace
    from tbdesk.sources.logdir import Unreadable
    from tbdesk.sources.workspace import WorkspaceSource
    from tbdesk.ui import i18n
    from tbdesk.ui.tree_nodes import source_title, unreadable_text

    compiled = i18n.compiled_path("es")
    translator = QTranslator()
    assert compiled is not None and translator.load(str(compiled))
    qapp.installTranslator(translator)
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        box = ask_for_missing_workspace(parent, tmp_path / "nowhere", lambda: None)
        assert (
            box is not None
            and box.text() == f"La carpeta del área de trabajo {tmp_path / 'nowhere'} no existe."
        )
        assert sorted(b.text() for b in box.buttons()) == ["Crear área de trabajo", "Salir"]
        box.done(0)
        items = [Unreadable(Path(f"/logs/{n}"), "Permission denied") for n in "abcd"]
        assert unreadable_text(items[:1]) == (
            "No se puede leer 1 elemento, que TensorBoard no mostrará: /logs/a (Permission denied)"
        )
        assert unreadable_text(items).endswith("/logs/c (Permission denied); y 1 más")
        Experiment(Workspace(tmp_path / "ws"), "e")
        source = WorkspaceSource(tmp_path / "ws")
        assert source_title(source) == "Área de trabajo local (ws)"
        # Root may write anywhere: tests/local covers when a workspace is read-only; here, its title.
        monkeypatch.setattr(WorkspaceSource, "read_only", property(lambda self: True))
        assert source_title(source) == "Área de trabajo local (ws, solo lectura)"
    finally:
        qapp.removeTranslator(translator)
