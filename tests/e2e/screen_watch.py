"""Run as a child process on an X display: grab the whole screen every INTERVAL ms until the file
STOP exists, and print as JSON, for each grab, its time and the share of its pixels that are black
(all channels under 16). The grab with the most black is saved as a PNG for people to look at.

A process of its own, so that a busy or blocked app cannot delay the grabs: what it sees is what
the X server shows."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QImage

DARK = 16


def black_share(image: QImage) -> float:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = pixels[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[:, :, :3]
    return float(np.mean(np.all(rgb < DARK, axis=2)))


def main(stop: Path, interval_ms: int, worst_png: Path) -> None:
    app = QGuiApplication(sys.argv[:1])
    screen = app.primaryScreen()
    start = time.monotonic()
    grabs: list[tuple[float, float]] = []
    worst: tuple[float, QImage | None] = (-1.0, None)

    def grab() -> None:
        nonlocal worst
        if stop.exists():  # before the grab: the app's window may be closing already
            timer.stop()
            if worst[1] is not None:
                worst[1].save(str(worst_png))
            print(json.dumps(grabs), flush=True)
            app.quit()
            return
        image = screen.grabWindow(0).toImage()
        share = black_share(image)
        grabs.append((round(time.monotonic() - start, 3), share))
        if share > worst[0] and any(earlier < 0.5 for _, earlier in grabs):
            worst = (share, image)

    timer = QTimer()
    timer.timeout.connect(grab)
    timer.start(interval_ms)
    app.exec()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
