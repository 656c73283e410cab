"""The engine never imports Qt: only tbdesk/ui/ and tbdesk/app.py may (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tbdesk"
QT_ALLOWED = {PACKAGE / "app.py"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _is_qt(module: str) -> bool:
    return module.partition(".")[0] in {"PySide6", "PyQt5", "PyQt6", "PySide2", "qasync", "shiboken6"}


def test_only_ui_and_app_import_qt() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in QT_ALLOWED or (PACKAGE / "ui") in path.parents:
            continue
        qt = sorted(m for m in _imported_modules(path) if _is_qt(m))
        if qt:
            offenders.append(f"{path.relative_to(PACKAGE.parent)}: {', '.join(qt)}")
    assert offenders == []


def test_the_check_sees_qt_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom PySide6.QtCore import QObject\ndef f():\n    import qasync\n")
    assert {m for m in _imported_modules(sample) if _is_qt(m)} == {"PySide6.QtCore", "qasync"}


def test_engine_imports_without_qt() -> None:
    """Importing the engine in a fresh interpreter loads no Qt module at all."""
    import subprocess
    import sys

    engine = [
        path.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".")
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in QT_ALLOWED and (PACKAGE / "ui") not in path.parents and path.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {engine!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
