"""The one task runner of the window: a coroutine becomes status-bar progress, a cancel button and
an error message, so widgets never block and never swallow errors."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMenu, QProgressBar, QStatusBar, QStyle, QToolButton, QWidget
from shiboken6 import Shiboken

from tbdesk.ui import dialogs

log = logging.getLogger(__name__)

T = TypeVar("T")

# Errors whose message is written for the user; anything else is a bug and gets a traceback.
_USER_ERRORS: tuple[type[BaseException], ...] = (OSError,)
ERROR_TIMEOUT_MS = 0  # errors stay until the next message
DONE_TIMEOUT_MS = 5000


def _user_error_types() -> tuple[type[BaseException], ...]:
    from tbdesk.sources.base import SourceError

    kinds: list[type[BaseException]] = [SourceError, *_USER_ERRORS]
    try:
        from tbdesk.boards import BoardError
        from tbdesk.export import ExportError
    except ImportError:  # engine not importable: its errors still show, with a traceback
        pass
    else:
        kinds += [BoardError, ExportError]
    return tuple(kinds)


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """The message for the user, and a traceback when the error is not one meant for users."""
    if isinstance(error, _user_error_types()):
        return str(error) or type(error).__name__, None
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return f"{type(error).__name__}: {error}", details


@dataclass
class _Job:
    task: asyncio.Task[Any]
    text: str
    user_action: bool
    done: int = 0
    total: int = 0
    detail: str = ""  # what it does right now, shown after text


class TaskRunner(QObject):
    """Runs coroutines on the asyncio loop and shows them in a status bar.

    At most one job is shown at a time (the newest); the cancel button cancels that one, and its
    menu any one of those running, or all of them.
    """

    started = Signal(str)
    succeeded = Signal(str)
    failed = Signal(str, str)  # what was being done, the error message
    cancelled = Signal(str)

    def __init__(self, status_bar: QStatusBar, dialog_parent: QWidget | None = None) -> None:
        super().__init__(status_bar)
        self._status = status_bar
        self._dialog_parent = dialog_parent
        self._jobs: list[_Job] = []

        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setIcon(
            status_bar.style().standardIcon(QStyle.StandardPixmap.SP_DialogCancelButton)
        )
        self.cancel_button.setToolTip(self.tr("Cancel"))
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self.cancel_current)
        self.cancel_menu = QMenu(self.cancel_button)
        self.cancel_menu.aboutToShow.connect(self._fill_cancel_menu)
        self.cancel_button.setMenu(self.cancel_menu)
        self.cancel_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        for widget in (self.label, self.progress, self.cancel_button):
            status_bar.addPermanentWidget(widget)
        self._refresh()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    @property
    def current_text(self) -> str | None:
        return self._jobs[-1].text if self._jobs else None

    def run(
        self,
        coro: Coroutine[Any, Any, T],
        text: str,
        *,
        user_action: bool = True,
        on_success: Callable[[T], None] | None = None,
        done_text: str | Callable[[T], str] | None = None,
    ) -> asyncio.Task[T]:
        """Start coro; text says what it does ("Opening lr=0.01 in TensorBoard").

        A failure goes to the status bar, and also to an error dialog when the user asked for
        the action (user_action). on_success runs with the result on the loop.
        """
        task = asyncio.ensure_future(coro)
        job = _Job(task, text, user_action)
        self._jobs.append(job)
        self.started.emit(text)
        self._refresh()
        task.add_done_callback(lambda t: self._finished(job, t, on_success, done_text))
        return task

    def report(
        self,
        done: int,
        total: int,
        text: str | None = None,
        *,
        detail: str | None = None,
        task: asyncio.Task[Any] | None = None,
    ) -> None:
        """Called from inside a running job: how far it is, and optionally what it does now, as its
        new text or as a detail shown after its text (which messages about the job keep using).

        task: the job's task, for callers in tasks the job started (an export's runs run side by
        side in tasks of their own); by default the current one.
        """
        job = self._job_of(task or asyncio.current_task())
        if job is None:
            return
        job.done, job.total = done, total
        if text:
            job.text = text
        if detail is not None:
            job.detail = detail
        self._refresh()

    def cancel_current(self) -> None:
        if self._jobs:
            self._jobs[-1].task.cancel()

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.task.cancel()

    def _fill_cancel_menu(self) -> None:
        """A Cancel entry per running job, newest first, and Cancel all."""
        self.cancel_menu.clear()
        for job in reversed(self._jobs):
            action = self.cancel_menu.addAction(self.tr("Cancel {0}").format(job.text))
            action.triggered.connect(lambda _=False, task=job.task: task.cancel())
        if len(self._jobs) > 1:
            self.cancel_menu.addSeparator()
            self.cancel_menu.addAction(self.tr("Cancel all")).triggered.connect(self.cancel_all)

    def _job_of(self, task: asyncio.Task[Any] | None) -> _Job | None:
        return next((job for job in self._jobs if job.task is task), None)

    def _finished(
        self,
        job: _Job,
        task: asyncio.Task[T],
        on_success: Callable[[T], None] | None,
        done_text: str | Callable[[T], str] | None,
    ) -> None:
        self._jobs.remove(job)
        if not Shiboken.isValid(self._status):
            # The window is gone (closed while this ran): nothing left to show it in.
            if not task.cancelled() and task.exception() is not None:
                log.error("%s failed after its window closed: %s", job.text, task.exception())
            return
        self._refresh()
        if task.cancelled():
            self._status.showMessage(self.tr("Cancelled: {0}").format(job.text), DONE_TIMEOUT_MS)
            self.cancelled.emit(job.text)
            return
        error = task.exception()
        if error is None:
            result = task.result()
            try:
                if on_success is not None:
                    on_success(result)
                message = done_text(result) if callable(done_text) else done_text
            except Exception as exc:  # a failing follow-up is the job's failure, not a silent one
                error = exc
            else:
                if message:
                    self._status.showMessage(message, DONE_TIMEOUT_MS)
                self.succeeded.emit(job.text)
                return
        self._report_error(job, error)

    def _report_error(self, job: _Job, error: BaseException) -> None:
        message, details = describe_error(error)
        if details:
            log.error("%s failed:\n%s", job.text, details)
        else:
            log.warning("%s failed: %s", job.text, message)
        self._status.showMessage(self.tr("{0} failed: {1}").format(job.text, message), ERROR_TIMEOUT_MS)
        if job.user_action:
            dialogs.show_error(self._dialog_parent, self.tr("{0} failed").format(job.text), message, details)
        self.failed.emit(job.text, message)

    def _refresh(self) -> None:
        shown = bool(self._jobs)
        for widget in (self.label, self.progress, self.cancel_button):
            widget.setVisible(shown)
        if not shown:
            return
        job = self._jobs[-1]
        more = len(self._jobs) - 1
        detail = f" {job.detail}" if job.detail else ""
        self.label.setText(f"{job.text}…{detail}" + (self.tr(" (+%n more)", "", more) if more else ""))
        if job.total > 0:
            self.progress.setRange(0, job.total)
            self.progress.setValue(job.done)
        else:
            self.progress.setRange(0, 0)  # busy indicator
