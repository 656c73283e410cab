"""The build step that compiles the window's translations (tbdesk/resources/i18n/*.ts, made with
pyside6-lupdate: `make ts`) to the .qm files the app loads, with PySide6's lrelease: a wheel, and so
`pip install .` or pipx, ships them; an editable install gets them beside the .ts.
Hooked into setuptools by pyproject.toml ([tool.setuptools.cmdclass]); PySide6-Essentials, which
holds lrelease, is a build requirement there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from setuptools.command.build_py import build_py

FOLDER = Path("tbdesk") / "resources" / "i18n"


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        import PySide6

        tool = Path(PySide6.__file__).parent / ("lrelease.exe" if sys.platform == "win32" else "lrelease")
        target = FOLDER if self.editable_mode else Path(self.build_lib) / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(FOLDER.glob("*.ts")):
            compiled = target / source.with_suffix(".qm").name
            subprocess.run([str(tool), "-silent", str(source), "-qm", str(compiled)], check=True)
