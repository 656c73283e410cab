"""Where the main window goes and how its room is shared: sized from the screen on first launch,
a remembered place kept only while some screen still shows it, and the dashboard given most of it.

Pure functions over QRect, so they are tested for any screen without one.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize

# The window on first launch takes this share of a large screen's free area, and all of a screen
# smaller than ROOMY (a laptop's 1366x768 leaves no room to spare); never more than the screen.
SCREEN_SHARE = 0.9
ROOMY = QSize(1600, 1000)
MIN_SIZE = QSize(960, 600)
# The tree and run details beside the dashboard: under a fifth of the window, within these bounds.
LEFT_SHARE = 0.19
LEFT_MIN, LEFT_MAX = 240, 380
DETAILS_SHARE = 0.35  # of the left column's height
# How much of a remembered window must lie on a screen for it to be put back there.
MIN_VISIBLE = QSize(120, 60)


def first_geometry(available: QRect) -> QRect:
    """The window's place on first launch: centred in the screen's free area, never larger."""
    roomy = available.width() >= ROOMY.width() and available.height() >= ROOMY.height()
    share = SCREEN_SHARE if roomy else 1.0
    width = _clamp(round(available.width() * share), MIN_SIZE.width(), available.width())
    height = _clamp(round(available.height() * share), MIN_SIZE.height(), available.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def visible_on(frame: QRect, screens: Sequence[QRect]) -> bool:
    """True when enough of the window (its title bar's corner at least) is on one of screens."""
    for screen in screens:
        shared = frame.intersected(screen)
        if shared.width() >= MIN_VISIBLE.width() and shared.height() >= MIN_VISIBLE.height():
            return True
    return False


def left_width(window_width: int) -> int:
    """The default width of the tree column in a window this wide."""
    return _clamp(round(window_width * LEFT_SHARE), LEFT_MIN, LEFT_MAX)


def details_height(column_height: int) -> int:
    return round(column_height * DETAILS_SHARE)


def _clamp(value: int, low: int, high: int) -> int:
    return max(min(value, high), min(low, high))
