"""Run as a child process on a screen of a given size and scale (the offscreen platform's
configfile, QT_SCALE_FACTOR): open every dialog and message of the window, each with long real
text, and print as JSON what does not fit: a label whose text is cut (shorter than its
heightForWidth, or narrower than its text on one line), a dialog larger than the screen.

For tests/ui/test_dialogs_fit.py; a process of its own because screens are fixed at start."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QWidget

from tbdesk.app import build_window
from tbdesk.auth.credentials import DeviceCode, MethodStatus
from tbdesk.azure.accounts import Account, WorkspaceEntry
from tbdesk.boards import BoardManager
from tbdesk.ui import azure_dialogs, dialogs, export_dialog
from tbdesk.ui.main_window import MainWindow
from tbdesk.ui.settings import Settings

LONG_NAME = "a-rather-long-account-name-for-the-research-group@contoso.onmicrosoft.com"


def openers(window: MainWindow) -> dict[str, Callable[[], QWidget | None]]:
    account = Account("acc-1", LONG_NAME, method="device_code")
    workspaces = [WorkspaceEntry("acc-1", "sub", "rg", f"workspace-{i}") for i in range(3)]
    no_keyring = [
        MethodStatus(
            "browser", "Interactive browser", True, "Tokens are kept in memory only: sign in at each launch."
        ),
        MethodStatus("service_principal", "Service principal", False, "No keyring here to keep its secret."),
    ]
    code = DeviceCode(
        "https://microsoft.com/devicelogin", "ABCD-EFGH", datetime.now(UTC) + timedelta(minutes=15)
    )
    return {
        "about": lambda: dialogs.show_about(window),
        "error": lambda: dialogs.show_error(
            window, "Opening failed", "TensorBoard stopped before it answered: " + "the folder is gone. " * 6
        ),
        "sign in": window.azure.ask_sign_in,
        "sign in, no keyring": lambda: _opened(azure_dialogs.SignInDialog(window, no_keyring)),
        "sign in again": lambda: _opened(azure_dialogs.SignInDialog(window, account=account)),
        "device code": lambda: _opened(azure_dialogs.DeviceCodeDialog(code, window)),
        "add workspace": lambda: _opened(azure_dialogs.AddWorkspaceDialog([account], lambda _: None, window)),
        "remove account": lambda: _opened(azure_dialogs.RemoveAccountDialog(account, workspaces, window)),
        "preferences": window.cache_actions.show_preferences,
        "clear cache": window.cache_actions.ask_clear_cache,
        "export done": lambda: export_dialog.offer_board(
            window, Path("/tmp") / ("exports-" * 8), [], lambda: None
        ),
    }


def _opened(dialog: QDialog) -> QDialog:
    dialog.open()
    return dialog


def misfits(name: str, dialog: QWidget) -> list[str]:
    screen = dialog.screen().availableGeometry()
    found = []
    frame = dialog.frameGeometry()
    if frame.width() > screen.width() or frame.height() > screen.height():
        found.append(
            f"{name}: the dialog ({frame.width()}x{frame.height()}) is larger than the screen"
            f" ({screen.width()}x{screen.height()})"
        )
    for label in dialog.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        text = label.text()[:60]
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if label.height() < needed:
                found.append(f"{name}: label {text!r} is {label.height()} px high, its text needs {needed}")
        elif label.width() < label.minimumSizeHint().width():
            needed = label.minimumSizeHint().width()
            found.append(f"{name}: label {text!r} is {label.width()} px wide, its text needs {needed}")
    return found


def main(scratch: Path) -> None:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = build_window(BoardManager(scratch / "boards"), scratch / "ws", Settings(scratch / "tbdesk.ini"))
    window.show()

    async def probe() -> list[str]:
        found: list[str] = []
        for name, open_dialog in openers(window).items():
            dialog = open_dialog()
            await asyncio.sleep(0.2)  # laid out, and what it loads in a worker shown
            shown = dialog if dialog is not None else QApplication.activeModalWidget()
            if shown is None or not shown.isVisible():
                found.append(f"{name}: no dialog showed")
                continue
            found += misfits(name, shown)
            shown.close()
            if isinstance(shown, QMessageBox | QDialog):
                shown.deleteLater()
        return found

    print(json.dumps(loop.run_until_complete(probe())), flush=True)
    os._exit(0)  # one run of the Qt loop only (PLATFORM.md)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
