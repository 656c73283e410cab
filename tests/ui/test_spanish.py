"""The Spanish window: every text a user sees is translated (compared with the English window, text
by text), in the window, its menus, its dialogs and messages, and its context menus; the language
follows the system's locale unless Preferences chose one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QLocale

from tbdesk.ui import i18n
from tests.ui.test_window_layout import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
# Words that are the same in both languages, taken out of a text before it is compared; what is
# left with letters in it must differ between English and Spanish.
SAME_IN_BOTH = [
    "TensorBoard",  # names of products and programs
    "tbdesk",
    "Azure ML",
    "Azure",
    "GNOME Keyring",
    "KDE Wallet",
    "Secret Service",
    "config.json",  # file names and settings people type or look for as they are
    "PYTHON_KEYRING_BACKEND",
    "keyringrc.cfg",
    "logs/",
    "outputs/tb/",
    "English",  # each language's name in its own language (Preferences)
    "Español",
    "Error",  # the same word in Spanish
    "PID",
    "URL",
    "{data}",  # the user's data and the engine's messages (tests/ui/language_probe.py masks them)
]


def own_words(text: str) -> str:
    """The text without the words both languages share and without markup."""
    text = re.sub(r"<[^>]+>|&\w+;", " ", text)
    for word in SAME_IN_BOTH:
        text = text.replace(word, " ")
    return text


def shown(tmp_path: Path, language: str) -> list[tuple[str, str]]:
    env = {**os.environ, "TBDESK_HOME": str(tmp_path / language / "home")}
    ARTIFACTS.mkdir(exist_ok=True)
    picture = ARTIFACTS / f"window-{language}.png"
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.language_probe", str(tmp_path / language), language, str(picture)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [tuple(each) for each in json.loads(done.stdout.strip().splitlines()[-1])]


def test_every_text_of_the_spanish_window_is_translated(tmp_path: Path) -> None:
    english, spanish = shown(tmp_path, "en"), shown(tmp_path, "es")
    assert [kind for kind, _ in english] == [kind for kind, _ in spanish]
    untranslated = [
        (kind, text)
        for (kind, text), (_, translated) in zip(english, spanish, strict=True)
        if own_words(text) == own_words(translated) and re.search(r"[A-Za-z]{2}", own_words(text))
    ]
    assert not untranslated, f"untranslated in the Spanish window: {untranslated}"
    assert ("menu", "&Archivo") in spanish
    # The dialogs, messages and context menus were opened and read too, framing the engine's
    # (English) message in Spanish.
    assert ("a job that failed: title", "Falló: {data}") in spanish
    assert ("context menu of an account", "Cerrar sesión") in spanish
    assert any(kind.startswith("remove account") for kind, _ in spanish)
    if os.environ.get("TBDESK_UPDATE_DOCS") == "1":
        shutil.copy(ARTIFACTS / "window-es.png", ROOT / "docs" / "screenshot-es.png")


def test_the_language_follows_the_system_unless_chosen() -> None:
    assert i18n.language_for("system", QLocale("es_AR")) == "es"
    assert i18n.language_for("system", QLocale("de_DE")) == "en"  # not spoken: English
    assert i18n.language_for("en", QLocale("es_ES")) == "en"
    assert i18n.language_for("es", QLocale("en_US")) == "es"
