"""The dialogs and texts of Export to TensorBoard: the last folder chosen, the progress line, and the
message that offers to open the result in a board.

Every dialog is opened with `open()`, never `exec()` (see tbdesk.ui.dialogs), so tests find it by its
object name and answer it as a person would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from tbdesk.ui.i18n import QT_TRANSLATE_NOOP
from tbdesk.ui.locale_text import counts
from tbdesk.ui.settings import Settings

if TYPE_CHECKING:  # the export engine (and numpy) loads with the first export, not with the window
    from tbdesk.export import ExportProgress, ExportResult

FOLDER_DIALOG_NAME = "export-folder-dialog"
DONE_DIALOG_NAME = "export-done-dialog"
OPEN_BUTTON_TEXT = QT_TRANSLATE_NOOP("Export", "Open in TensorBoard")
_LAST_FOLDER = "export_folder"

# By ExportStage: {0} the run, {1} how many runs are done, {2} how many there are ('5 runs').
_DOING = {
    "reading": QT_TRANSLATE_NOOP("Export", "reading {0} ({1} of {2})"),
    "writing": QT_TRANSLATE_NOOP("Export", "writing {0} ({1} of {2})"),
    "done": QT_TRANSLATE_NOOP("Export", "wrote {0} ({1} of {2})"),
}
translate = QCoreApplication.translate


def last_folder(settings: Settings) -> Path | None:
    """The folder the last export went to, if it is still there."""
    value = settings.state(_LAST_FOLDER)
    if value is None:
        return None
    folder = Path(bytes(value.data()).decode("utf-8", "replace"))
    return folder if folder.is_dir() else None


def remember_folder(settings: Settings, folder: Path) -> None:
    # Settings has no plain-text entries yet; a state blob holds the path as UTF-8 just as well.
    settings.set_state(_LAST_FOLDER, QByteArray(str(folder).encode("utf-8", "surrogateescape")))


def progress_text(update: ExportProgress) -> str:
    """What an export does now: 'writing lr=0.1 (2 of 5 runs)'."""
    total = max(update.runs_total, update.runs_done, 1)
    doing = _DOING.get(update.stage, _DOING["writing"])
    return translate("Export", doing).format(
        update.run.name or update.run.id, update.runs_done, counts().runs(total)
    )


def summary(folder: Path, results: Sequence[ExportResult]) -> str:
    runs = sum(result.total_runs for result in results)
    points = sum(result.total_points for result in results)
    return translate("Export", "Exported {0} ({1}) to {2}").format(
        counts().runs(runs), counts().points(points), folder
    )


def offer_board(
    parent: QWidget | None, folder: Path, results: Sequence[ExportResult], open_board: Callable[[], None]
) -> QMessageBox:
    """Say what was exported and offer to open it in a board; never blocks."""
    box = QMessageBox(parent)
    box.setObjectName(DONE_DIALOG_NAME)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(translate("Export", "Export to TensorBoard"))
    box.setText(summary(folder, results) + ".")
    notes = [note for result in results for note in result.all_notes()]
    if notes:
        box.setInformativeText(translate("Export", "Some values were left out or changed; see the details."))
        box.setDetailedText("\n".join(notes))
    open_button = box.addButton(translate("Export", OPEN_BUTTON_TEXT), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(open_button)
    open_button.clicked.connect(open_board)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
