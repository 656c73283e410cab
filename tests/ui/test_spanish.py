"""The Spanish window: every text a new user sees is translated (compared with the English
window, text by text); the language follows the system's locale unless Preferences chose one."""

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
# Texts that are the same in both languages: names, shortcuts, numbers.
SAME_IN_BOTH = {"tbdesk", "TensorBoard", "Azure ML"}


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
        if text == translated and re.search(r"[A-Za-z]{2}", text) and text.strip("&") not in SAME_IN_BOTH
    ]
    assert not untranslated, f"untranslated in the Spanish window: {untranslated}"
    assert ("menu", "&Archivo") in spanish
    if os.environ.get("TBDESK_UPDATE_DOCS") == "1":
        shutil.copy(ARTIFACTS / "window-es.png", ROOT / "docs" / "screenshot-es.png")


def test_the_language_follows_the_system_unless_chosen() -> None:
    assert i18n.language_for("system", QLocale("es_AR")) == "es"
    assert i18n.language_for("system", QLocale("de_DE")) == "en"  # not spoken: English
    assert i18n.language_for("en", QLocale("es_ES")) == "en"
    assert i18n.language_for("es", QLocale("en_US")) == "es"
