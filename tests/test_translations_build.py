"""tbdesk's build compiles the window's translations (qm_build.py): the wheel that `pip install .`
and pipx install holds the .qm files, and they translate, without any step of the Makefile."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_ships_compiled_translations(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy without any .qm: the build alone must make them
    shutil.copytree(ROOT / "tbdesk", source / "tbdesk", ignore=shutil.ignore_patterns("__pycache__", "*.qm"))
    for name in ("pyproject.toml", "README.md", "qm_build.py"):
        shutil.copy(ROOT / name, source / name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [wheel] = (tmp_path / "dist").glob("tbdesk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "qm_build.py" not in names  # a build tool, not part of the app
        for language in ("en", "es"):
            member = f"tbdesk/resources/i18n/tbdesk_{language}.qm"
            assert member in names
            (tmp_path / f"{language}.qm").write_bytes(archive.read(member))
    spanish, english = QTranslator(), QTranslator()
    assert spanish.load(str(tmp_path / "es.qm")) and english.load(str(tmp_path / "en.qm"))
    assert spanish.translate("MainWindow", "&File") == "&Archivo"
    assert spanish.translate("_Counts", "%Ln runs", "", 2) == "%Ln ejecuciones"
    assert english.translate("_Counts", "%Ln runs", "", 1) == "%Ln run"  # English's plural forms
