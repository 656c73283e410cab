"""Small dialogs: About, an error message, and the excepthook that shows one for unexpected errors.

Every dialog here is opened with `open()`, never `exec()`: a nested event loop would stall the
asyncio tasks that share the Qt loop, and tests can find and close an open dialog.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

import tbdesk

log = logging.getLogger(__name__)

translate = QCoreApplication.translate

ERROR_DIALOG_NAME = "tbdesk-error-dialog"
ABOUT_DIALOG_NAME = "tbdesk-about-dialog"


# Wide enough that wrapped notes read as sentences, not as a column of words.
MIN_DIALOG_WIDTH = 480


def fit(dialog: QWidget) -> None:
    """Size a dialog to its contents after its text changed, wrapped labels included (their height
    depends on their width, which a shown dialog does not reconsider by itself), within the screen."""
    layout = dialog.layout()
    if layout is None:
        return
    screen = dialog.screen().availableGeometry()
    dialog.setMinimumWidth(min(MIN_DIALOG_WIDTH, screen.width()))
    layout.activate()
    dialog.adjustSize()
    width, height = min(dialog.width(), screen.width()), min(dialog.height(), screen.height())
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)


def show_error(parent: QWidget | None, title: str, text: str, details: str | None = None) -> QMessageBox:
    """Show an error without blocking; the box deletes itself when closed."""
    box = QMessageBox(parent)
    box.setObjectName(ERROR_DIALOG_NAME)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_about(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName(ABOUT_DIALOG_NAME)
    box.setWindowTitle(translate("Dialogs", "About {0}").format(tbdesk.APP_NAME))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<h3>{tbdesk.APP_NAME} {tbdesk.__version__}</h3><p>"
        + translate(
            "Dialogs",
            "Look at experiment runs in TensorBoard: from Azure ML workspaces, from the built-in "
            "local workspace and from folders of TensorBoard logs.",
        )
        + "</p>"
    )
    icon = parent.windowIcon() if parent is not None else None
    if icon is not None and not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def install_excepthook(parent: Callable[[], QWidget | None]) -> ExceptHook:
    """Show every uncaught exception (in Qt slots and virtuals too) in a dialog, and log it.

    Returns the previous hook. KeyboardInterrupt keeps its usual meaning.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, tb)
            return
        details = "".join(traceback.format_exception(kind, error, tb))
        log.error("Unexpected error:\n%s", details)
        try:
            show_error(
                parent(),
                translate("Dialogs", "Unexpected error"),
                translate("Dialogs", "Something went wrong: {0}").format(f"{kind.__name__}: {error}"),
                details,
            )
        except Exception:  # the dialog itself failed: the log above still holds the error
            previous(kind, error, tb)

    sys.excepthook = hook
    return previous
