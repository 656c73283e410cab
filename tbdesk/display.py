"""Before Qt starts the window: is there a display to show it on, and can Qt's X11 plugin load?

Without either, Qt aborts with a hint about xcb-cursor0 that is often wrong (PLATFORM.md); this
says in one line what is missing and what to do instead. No Qt is imported here: the checks run
before any QApplication exists."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

HEADLESS_HINT = (
    "to run without one, `tbdesk serve PATH` prints a board's URL for a browser, and"
    " QT_QPA_PLATFORM=offscreen runs the window off screen"
)
DEBIAN_PACKAGES = "the README lists the Debian packages a desktop needs (libxcb-cursor0 and friends)"


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why the window cannot show on this system, in one line; None when it can (or we cannot tell)."""
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: Qt needs no display server for those
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return f"tbdesk: no display found (DISPLAY and WAYLAND_DISPLAY are not set); {HEADLESS_HINT}."
    if environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY") and not chosen.startswith("wayland"):
        missing = missing_xcb_libraries()
        if missing:
            names = ", ".join(missing)
            return (
                f"tbdesk: Qt's X11 plugin cannot load, these system libraries are missing: {names};"
                f" {DEBIAN_PACKAGES}, or {HEADLESS_HINT}."
            )
    return None


def xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    for folder in spec.submodule_search_locations or [] if spec else []:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def missing_xcb_libraries(plugin: Path | None = None) -> list[str]:
    """The shared libraries Qt's xcb plugin needs and this system lacks (none when it loads)."""
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return []
    try:
        ctypes.CDLL(str(plugin))
        return []
    except OSError as error:
        first = str(error)
    # ldd names every missing library (dlopen only the first); it can be absent, so keep dlopen's.
    ldd, listing = shutil.which("ldd"), ""
    if ldd is not None:
        try:
            run = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, check=False, timeout=10)
            listing = run.stdout
        except (OSError, subprocess.TimeoutExpired):
            pass
    missing = re.findall(r"^\s*(\S+) => not found", listing, re.MULTILINE)
    if missing:
        return sorted(set(missing))
    found = re.match(r"(\S+\.so[.\d]*): cannot open shared object file", first)
    return [found.group(1)] if found else [first]


def check_display() -> str | None:
    return display_problem(os.environ)
