"""`tbdesk --workspace DIR` with a DIR that does not exist: ask before making a workspace there
(a typo must not become a new, empty workspace silently)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from tbdesk.local import WorkspaceError, WorkspaceStore

PROMPT_NAME = "tbdesk-missing-workspace"


def ask_for_missing_workspace(
    parent: QWidget, path: Path, quit_app: Callable[[], object]
) -> QMessageBox | None:
    """When nothing is at path, ask whether to create a workspace there or quit (opened, not
    exec'd: see dialogs.py). Returns the question, or None when there is nothing to ask."""
    path = path.expanduser().absolute()
    if path.exists():  # a folder, or something else the tree will say is no workspace
        return None
    box = QMessageBox(parent)
    box.setObjectName(PROMPT_NAME)
    box.setIcon(QMessageBox.Icon.Question)
    translate = QCoreApplication.translate
    box.setWindowTitle(translate("WorkspacePrompt", "Workspace not found"))
    box.setText(translate("WorkspacePrompt", "The workspace folder {0} does not exist.").format(path))
    box.setInformativeText(
        translate("WorkspacePrompt", "Create a new, empty workspace there, or quit tbdesk?")
    )
    create = box.addButton(
        translate("WorkspacePrompt", "Create workspace"), QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton(translate("WorkspacePrompt", "Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(create)

    def answered() -> None:
        if box.clickedButton() is not create:
            quit_app()
            return
        try:
            WorkspaceStore(path).close()
        except WorkspaceError as error:
            title = translate("WorkspacePrompt", "Workspace not created")
            failed = QMessageBox(QMessageBox.Icon.Critical, title, str(error), parent=parent)
            failed.finished.connect(quit_app)
            failed.open()

    # Both boxes stay children of parent: deleting one on close while its finished signal runs a
    # Python slot crashed PySide 6.11 at the end of the test.
    box.finished.connect(answered)
    box.open()
    return box
