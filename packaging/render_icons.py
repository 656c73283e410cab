"""Refresh the app's packaged desktop resources from their sources; the results are committed.

    .venv/bin/python packaging/render_icons.py

- renders icons/<APP_ID>.svg to the hicolor PNG sizes in tbdesk/resources/icons/hicolor/ (QtSvg, offscreen)
- copies that SVG to tbdesk/resources/icons/hicolor/scalable/apps/
- copies packaging/<APP_ID>.desktop and .metainfo.xml to tbdesk/resources/ (install-desktop needs them
  inside the installed package; packaging/ holds the copies that distribution packagers read)

tests/test_desktop.py fails when the copies drift from their sources.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tbdesk import APP_ID  # noqa: E402
from tbdesk.desktop import ICON_SIZES  # noqa: E402

SOURCE_SVG = ROOT / "icons" / f"{APP_ID}.svg"
RESOURCES = ROOT / "tbdesk" / "resources"
HICOLOR = RESOURCES / "icons" / "hicolor"


def render_png(svg: Path, size: int, target: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG for QtSvg")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):  # the format follows the .png suffix
        raise SystemExit(f"could not write {target}")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for size in ICON_SIZES:
        target = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        render_png(SOURCE_SVG, size, target)
        print(target.relative_to(ROOT))
    copies = {
        SOURCE_SVG: HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg",
        ROOT / "packaging" / f"{APP_ID}.desktop": RESOURCES / f"{APP_ID}.desktop",
        ROOT / "packaging" / f"{APP_ID}.metainfo.xml": RESOURCES / f"{APP_ID}.metainfo.xml",
    }
    for source, target in copies.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        print(target.relative_to(ROOT))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
