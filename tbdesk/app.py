"""The GUI: QApplication, the one qasync event loop, the main window, and an orderly shutdown.

The Qt loop runs exactly once per process (PLATFORM.md: re-entering it after a QWebEngineView
existed crashes), so every bit of shutdown work - stopping the boards - happens while it still
runs, and only then is the loop stopped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tbdesk

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from tbdesk.boards import BoardManager
    from tbdesk.ui.main_window import MainWindow
    from tbdesk.ui.settings import Settings
    from tbdesk.ui.single_instance import InstanceServer

log = logging.getLogger(__name__)

# Stopping boards is graceful then forceful and quick; this only bounds a wedged shutdown.
SHUTDOWN_TIMEOUT_S = 20.0
WARM_UP_POLL_S = 0.05


def run_gui(paths: Sequence[Path | str], workspace: Path | None) -> int:
    """Open the window (with a board on each of paths: folders, or cloud folders' URLs) and run
    until the user quits."""
    import qasync

    from tbdesk.display import check_display

    problem = check_display()
    if problem is not None:  # Qt would abort with a misleading hint
        print(problem, file=sys.stderr)
        return 2
    app = _make_app()
    server = _one_instance(app, paths)
    if server is None:
        return 0  # the running window took the folders
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    from PySide6.QtCore import QCoreApplication

    from tbdesk.boards import BoardManager
    from tbdesk.heap import freeze_imported
    from tbdesk.ui import appearance
    from tbdesk.ui.dialogs import install_excepthook
    from tbdesk.ui.settings import Settings

    settings = Settings()
    from tbdesk.ui import i18n

    i18n.install(app, settings.language())  # before any window: every text is made translated
    appearance.apply(app, appearance.Scheme.parse(settings.appearance()))  # before Chromium starts
    appearance.follow_system(app, lambda: appearance.Scheme.parse(settings.appearance()))
    manager = BoardManager()
    window = build_window(manager, workspace, settings)
    server.pathsReceived.connect(window.open_handed_over)
    freeze_imported()  # what the window needed is loaded: out of the collector's way (tbdesk.heap)
    install_excepthook(lambda: window)
    loop.set_exception_handler(_exception_handler)
    quitting = _Shutdown(loop, manager)
    window.quitRequested.connect(quitting.start)
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, window.close)  # saves settings, then quitRequested
    window.show()
    if workspace is not None:
        from tbdesk.ui.workspace_prompt import ask_for_missing_workspace

        ask_for_missing_workspace(window, workspace, window.close)
    window.tasks.run(start(window, paths), QCoreApplication.translate("App", "Starting"), user_action=False)
    try:
        loop.run_forever()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        _delete(window)  # its web pages go before the web profile the application owns
        loop.close()
    return quitting.exit_code


def _one_instance(app: QApplication, paths: Sequence[Path | str]) -> InstanceServer | None:
    """The server a later `tbdesk` hands its folders to; None when a window already runs, which
    has then been given paths."""
    from tbdesk.paths import instance_socket
    from tbdesk.ui.single_instance import InstanceServer, hand_over

    try:
        name = instance_socket()
    except OSError as error:
        log.warning("Running without the one-window check: %s", error)
        name = ""
    if name and hand_over(name, paths):
        shown = ", ".join(str(path) for path in paths)
        done = f"opened {shown} in its window" if paths else "brought its window to the front"
        print(f"tbdesk is already running: {done}")
        return None
    return InstanceServer(name, app)


def build_window(
    manager: BoardManager, workspace: Path | None, settings: Settings | None = None
) -> MainWindow:
    """The main window as the app shows it (tests build it the same way)."""
    from tbdesk.ui.main_window import MainWindow

    window = MainWindow(manager, workspace=workspace, settings=settings)
    icon = _icon()
    if icon is not None:
        window.setWindowIcon(icon)
    return window


async def start(window: MainWindow, paths: Sequence[Path | str]) -> None:
    """Work after the window shows: end boards a crashed tbdesk left behind, reopen the boards of
    the last session, and open a board on each path given on the command line."""
    from PySide6.QtCore import QCoreApplication

    from tbdesk.boards import reap_orphans
    from tbdesk.ui.locale_text import counts

    # Chromium starts once the window is on screen, not at the first Open (a few tenths of a
    # second of the UI thread, while the user has not yet found a run to open).
    handle = window.windowHandle()
    while handle is not None and not handle.isExposed() and window.isVisible():
        await asyncio.sleep(WARM_UP_POLL_S)
    await asyncio.sleep(WARM_UP_POLL_S)  # its first frame painted
    window.warm_up_web()
    try:
        reaped = await asyncio.to_thread(reap_orphans)
    except Exception as error:  # never keep the window from working; say what went wrong
        log.exception("Cleaning up after an earlier tbdesk failed")
        window.statusBar().showMessage(
            QCoreApplication.translate("App", "Could not clean up after an earlier tbdesk: {0}").format(error)
        )
    else:
        if reaped:
            window.statusBar().showMessage(
                QCoreApplication.translate("App", "Stopped {0} an earlier tbdesk left running").format(
                    counts().tensorboard_processes(len(reaped))
                ),
                10_000,
            )
    window.restore_boards()
    for path in paths:
        if isinstance(path, str):
            window.open_cloud_board(path)
        else:
            window.open_folder_board(path)


class _Shutdown:
    def __init__(self, loop: asyncio.AbstractEventLoop, manager: BoardManager) -> None:
        self._loop = loop
        self._manager = manager
        self._task: asyncio.Task[None] | None = None
        self.exit_code = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            await asyncio.wait_for(self._manager.stop_all(), SHUTDOWN_TIMEOUT_S)
        except Exception:
            log.exception("Stopping the boards failed")
            self.exit_code = 1
        finally:
            self._loop.stop()


def _allow_chromium_as_root() -> None:
    """Chromium refuses to start as root without its sandbox flag, and the whole app would exit
    with code 1 on the first board (PLATFORM.md). Only for root: normal users keep the sandbox."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "QTWEBENGINE_DISABLE_SANDBOX" not in os.environ:
        log.warning("Running as root: the embedded web view runs without Chromium's sandbox")
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"


def _make_app() -> QApplication:
    from PySide6.QtWidgets import QApplication

    _allow_chromium_as_root()

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(tbdesk.APP_NAME)
    app.setOrganizationName(tbdesk.APP_NAME)
    app.setApplicationVersion(tbdesk.__version__)
    app.setDesktopFileName(tbdesk.APP_ID)
    # The window closing starts the shutdown; the loop stops once the boards are stopped.
    app.setQuitOnLastWindowClosed(False)
    icon = _icon()
    if icon is not None:
        app.setWindowIcon(icon)
    return app


def _icon() -> Any:
    from PySide6.QtGui import QIcon

    try:
        from tbdesk.desktop import icon_path

        path = icon_path()
    except (ImportError, OSError):
        return None
    return QIcon(str(path)) if path.is_file() else None


def _exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """An error nobody awaited: log it, and show it like any uncaught exception."""
    error = context.get("exception")
    if isinstance(error, BaseException):
        sys.excepthook(type(error), error, error.__traceback__)
    else:
        loop.default_exception_handler(context)


def _delete(window: MainWindow) -> None:
    from shiboken6 import Shiboken

    if Shiboken.isValid(window):
        Shiboken.delete(window)
