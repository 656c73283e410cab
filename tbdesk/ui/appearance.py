"""Light or dark: the window follows the system's color scheme (Qt's style hints), or the one
chosen in Preferences; the embedded TensorBoard follows too, through its page's
prefers-color-scheme, which TensorBoard's own dark theme reads.

Where the platform reports no scheme (no desktop theme, the offscreen platform), "system" means
light. Chromium reads its scheme once, when QtWebEngine starts: a change shows in dashboards at
the next launch, in the window at once.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"
# Blink's preferredColorScheme: 0 dark, 1 light (what prefers-color-scheme answers in pages).
_BLINK = "--blink-settings=preferredColorScheme={0}"
_OWN_PALETTE = "tbdesk-own-palette"  # an app property: the platform did not follow the scheme asked


class Scheme(enum.StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"

    @classmethod
    def parse(cls, text: str) -> Scheme:
        try:
            return cls(text)
        except ValueError:
            return cls.SYSTEM


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() is Qt.ColorScheme.Dark


def is_dark(choice: Scheme) -> bool:
    return choice is Scheme.DARK or (choice is Scheme.SYSTEM and system_is_dark())


def apply(app: QApplication, choice: Scheme) -> bool:
    """Give the window the chosen scheme (asking the platform first, then with a palette of our
    own where it cannot); tell Chromium, if it has not started yet. Returns whether it is dark."""
    dark = is_dark(choice)
    hints = QGuiApplication.styleHints()
    wanted = {Scheme.SYSTEM: Qt.ColorScheme.Unknown, Scheme.LIGHT: Qt.ColorScheme.Light}
    hints.setColorScheme(wanted.get(choice, Qt.ColorScheme.Dark))
    if dark != system_is_dark():
        # The platform did not follow (no desktop theme): Fusion with a palette of our own.
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
        app.setProperty(_OWN_PALETTE, True)
    elif app.property(_OWN_PALETTE):  # back to what the platform gives
        app.setPalette(app.style().standardPalette())
        app.setProperty(_OWN_PALETTE, False)
    _tell_chromium(dark)
    return dark


def follow_system(app: QApplication, choice: Callable[[], Scheme]) -> None:
    """Apply the scheme again when the system's changes (for "system", the default)."""
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply(app, choice()))


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    colors = {
        roles.Window: "#202124",
        roles.WindowText: "#e8eaed",
        roles.Base: "#171717",
        roles.AlternateBase: "#262626",
        roles.ToolTipBase: "#2d2e31",
        roles.ToolTipText: "#e8eaed",
        roles.PlaceholderText: "#9aa0a6",
        roles.Text: "#e8eaed",
        roles.Button: "#2d2e31",
        roles.ButtonText: "#e8eaed",
        roles.BrightText: "#ff8a80",
        roles.Highlight: "#8ab4f8",
        roles.HighlightedText: "#202124",
        roles.Link: "#8ab4f8",
        roles.Light: "#3c4043",
        roles.Midlight: "#313235",
        roles.Mid: "#2a2b2e",
        roles.Dark: "#111214",
        roles.Shadow: "#000000",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
    return palette


def _tell_chromium(dark: bool) -> None:
    """Chromium's prefers-color-scheme, for every dashboard; read when QtWebEngine starts."""
    flags = os.environ.get(CHROMIUM_FLAGS, "").split()
    flags = [flag for flag in flags if "preferredColorScheme" not in flag]
    flags.append(_BLINK.format(0 if dark else 1))
    os.environ[CHROMIUM_FLAGS] = " ".join(flags)
