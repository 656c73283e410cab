"""The run cache in the window: Preferences (its size limit) and Clear cache (every run that no
open board shows). Dialogs open without blocking the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QWidget,
)
from shiboken6 import Shiboken

from tbdesk.sync import CacheEntry, RunCache
from tbdesk.ui.i18n import LANGUAGES
from tbdesk.ui.locale_text import counts
from tbdesk.ui.locale_text import size as byte_size
from tbdesk.ui.settings import GB, MIN_CACHE_LIMIT

if TYPE_CHECKING:
    from tbdesk.model import RunKey
    from tbdesk.ui.main_window import MainWindow

PREFERENCES_DIALOG_NAME = "preferences-dialog"
CLEAR_CACHE_DIALOG_NAME = "clear-cache-dialog"


class PreferencesDialog(QDialog):
    def __init__(
        self,
        limit: int,
        where: str,
        parent: QWidget | None = None,
        *,
        scheme: str = "system",
        language: str = "system",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(PREFERENCES_DIALOG_NAME)
        self.setWindowTitle(self.tr("Preferences"))
        self.cache_limit = QDoubleSpinBox(self)
        self.cache_limit.setObjectName("cache-limit")
        self.cache_limit.setDecimals(2)
        self.cache_limit.setRange(MIN_CACHE_LIMIT / GB, 100_000)
        self.cache_limit.setSuffix(" GB")
        self.cache_limit.setValue(limit / GB)
        self.cache_limit.setToolTip(
            self.tr("Runs that no open board shows are removed, least recently used first, past this size")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Cache size limit:"), self.cache_limit)
        self.usage = QLabel(where, self)
        self.usage.setObjectName("cache-usage")
        self.usage.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", self.usage)
        self.scheme = QComboBox(self)
        self.scheme.setObjectName("appearance")
        for value, text in (
            ("system", self.tr("As the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.scheme.addItem(text, value)
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(scheme)))
        self.scheme.setToolTip(self.tr("The window at once; the dashboards from the next launch"))
        form.addRow(self.tr("Appearance:"), self.scheme)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        self.language.addItem(self.tr("As the system"), "system")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.language.setToolTip(self.tr("From the next launch"))
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(buttons)

    @property
    def limit(self) -> int:
        return int(self.cache_limit.value() * GB)


class CacheActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.preferences_action = window.new_action(self.tr("Preferences…"), self.show_preferences)
        self.clear_cache_action = window.new_action(self.tr("Clear cache…"), self.ask_clear_cache)
        self.clear_cache_action.setStatusTip(self.tr("Remove the logs of runs that no open board shows"))

    @property
    def cache(self) -> RunCache:
        return self._window.run_cache

    def show_preferences(self) -> PreferencesDialog:
        """The dialog opens at once; how much the cache holds shows once measured (in a thread:
        a big cache is many files to stat)."""
        cache = self.cache
        where = self.tr("The cache is in {0}").format(cache.root)
        settings = self._window.settings
        dialog = PreferencesDialog(
            cache.limit,
            where + self.tr(" (measuring…)"),
            self._window,
            scheme=settings.appearance(),
            language=settings.language(),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_limit(dialog.limit))
        dialog.accepted.connect(lambda: self.set_appearance(str(dialog.scheme.currentData())))
        dialog.accepted.connect(lambda: settings.set_language(str(dialog.language.currentData())))

        def show(used: int) -> None:
            if Shiboken.isValid(dialog):  # it may have been closed meanwhile
                dialog.usage.setText(
                    self.tr("The cache is in {0} and holds {1}").format(cache.root, byte_size(used))
                )

        async def measure() -> int:
            return await asyncio.to_thread(cache.usage)

        self._window.tasks.run(measure(), self.tr("Measuring the cache"), user_action=False, on_success=show)
        dialog.open()
        return dialog

    def set_appearance(self, scheme: str) -> None:
        from tbdesk.ui import appearance

        self._window.settings.set_appearance(scheme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            appearance.apply(app, appearance.Scheme.parse(scheme))

    def set_limit(self, limit: int) -> asyncio.Task[list[RunKey]]:
        """Keep the limit, apply it to the cache, and trim the cache to it now."""
        self._window.settings.set_cache_limit(limit)
        self.cache.limit = self._window.settings.cache_limit()
        cache = self.cache

        async def trim() -> list[RunKey]:
            return await asyncio.to_thread(cache.trim)

        return self._window.tasks.run(
            trim(),
            self.tr("Applying the cache size limit"),
            done_text=lambda evicted: (
                self.tr("Cache size limit {0}: removed {1} no board shows").format(
                    byte_size(cache.limit), counts().runs(len(evicted))
                )
                if evicted
                else self.tr("Cache size limit {0}").format(byte_size(cache.limit))
            ),
        )

    def ask_clear_cache(self) -> QMessageBox:
        box = QMessageBox(self._window)
        box.setObjectName(CLEAR_CACHE_DIALOG_NAME)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Clear cache"))
        box.setText(
            self.tr(
                "Remove the logs of every run in the cache?\n"
                "Runs that open boards show are kept; others are fetched again when opened."
            )
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.clear_cache() if button is yes else None)
        box.open()
        return box

    def clear_cache(self) -> asyncio.Task[tuple[int, int, int]]:
        cache = self.cache

        def clear() -> tuple[int, int, int]:
            before: dict[RunKey, CacheEntry] = {entry.key: entry for entry in cache.entries()}
            removed = cache.clear()
            freed = sum(before[key].size for key in removed if key in before)
            return len(removed), freed, len(before) - len(removed)

        async def run() -> tuple[int, int, int]:
            return await asyncio.to_thread(clear)

        return self._window.tasks.run(run(), self.tr("Clearing the cache"), done_text=_cleared)


async def pin_runs(cache: RunCache, keys: Sequence[RunKey]) -> Callable[[], Awaitable[None]]:
    """Keep these runs' logs in the cache (a board shows them); returns what lets them go."""

    def pin() -> None:
        for key in keys:
            cache.pin(key)

    def unpin() -> None:
        for key in keys:
            cache.unpin(key)

    await asyncio.to_thread(pin)

    async def release() -> None:
        await asyncio.to_thread(unpin)

    return release


def _cleared(result: tuple[int, int, int]) -> str:
    removed, freed, kept = result
    translate = QCoreApplication.translate
    text = translate("CacheActions", "Cleared the cache: freed {0} ({1})").format(
        byte_size(freed), counts().runs(removed)
    )
    if kept:
        text += translate("CacheActions", "; kept {0} that open boards show").format(counts().runs(kept))
    return text
