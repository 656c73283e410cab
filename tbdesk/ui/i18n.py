"""The window's language: the system's (its locale) or the one chosen in Preferences; English and
Spanish. Translations are Qt's: tbdesk/resources/i18n/tbdesk_LANG.ts in the repository (made and
updated with pyside6-lupdate: `make ts`), compiled to .qm by lrelease in tbdesk's build (qm_build.py),
so every install (pip, pipx, editable) has them. English's holds only its plural forms. Qt's own
strings (standard buttons, file dialogs) come from the qtbase translations PySide6 ships.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "es": "Español"}  # the source strings are English
SYSTEM = "system"
FOLDER = Path(__file__).resolve().parents[1] / "resources" / "i18n"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks text for translation in context where it is defined, to be translated where shown
    (PySide6's own returns an untyped object)."""
    del context
    return text


def language_for(choice: str, system: QLocale | None = None) -> str:
    """The language to show: the choice, or for "system" the system's when tbdesk speaks it."""
    if choice in LANGUAGES:
        return choice
    name = (system or QLocale.system()).name().split("_")[0]
    return name if name in LANGUAGES else "en"


def install(app: QCoreApplication, choice: str) -> str:
    """Load the translations of the language to show, before any window exists. Returns it."""
    language = language_for(choice)
    QLocale.setDefault(QLocale(language) if choice in LANGUAGES else QLocale.system())
    if not install_ours(app, language):
        log.warning("No %s translation of tbdesk: showing its English source texts", language)
    if language == "en":
        return language
    qt = QTranslator(app)
    if qt.load(
        QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt)
    return language


def install_ours(app: QCoreApplication, language: str) -> bool:
    """tbdesk's own translation (English's holds only plural forms: "1 run", "2 runs")."""
    ours = QTranslator(app)
    compiled = compiled_path(language)
    if compiled is None or not ours.load(str(compiled)):
        return False
    return app.installTranslator(ours)


def compiled_path(language: str) -> Path | None:
    """The .qm of a language, compiled at install beside its .ts (qm_build.py)."""
    compiled = FOLDER / f"tbdesk_{language}.qm"
    return compiled if compiled.is_file() else None
