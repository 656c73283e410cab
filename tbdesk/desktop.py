"""Desktop integration for the current user: the launcher entry, the icons and the AppStream metainfo,
installed under $XDG_DATA_HOME (freedesktop.org base directory, desktop entry and icon theme specs).

`tbdesk install-desktop` calls install(); `--uninstall` calls uninstall(). The files come from the
package's resources/, which packaging/render_icons.py refreshes from icons/ and packaging/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

from tbdesk import APP_ID, APP_NAME

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

# Characters that force quoting of an Exec argument (desktop entry spec, "The Exec key").
_EXEC_RESERVED = re.compile(r"""[\s"'\\><~|&;$*?#()`]""")


def resources_dir() -> Path:
    """The package's resources folder (a real folder: tbdesk is never run from a zip)."""
    return Path(str(resources.files("tbdesk") / "resources"))


def icon_path(size: int | None = None) -> Path:
    """The app icon: the scalable SVG when size is None, else the PNG of that size (one of ICON_SIZES)."""
    hicolor = resources_dir() / "icons" / "hicolor"
    if size is None:
        return hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    if size not in ICON_SIZES:
        sizes = ", ".join(str(s) for s in ICON_SIZES)
        raise ValueError(f"no {size}x{size} icon; the sizes are {sizes}")
    return hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """The command that starts this installation of tbdesk, with absolute paths, so that the menu
    entry works even when tbdesk lives in a virtual environment that is not on PATH."""
    beside_python = Path(sys.executable).parent / APP_NAME
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return [str(beside_python)]
    found = shutil.which(APP_NAME)
    if found:
        return [str(Path(found).resolve())]
    return [str(Path(sys.executable).resolve()), "-m", "tbdesk"]


def _exec_argument(arg: str) -> str:
    """Quote one Exec argument by the desktop entry spec, then escape it as a string value."""
    if _EXEC_RESERVED.search(arg):
        arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return arg.replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The packaged desktop entry with Exec and TryExec pointing at `command`."""
    template = (resources_dir() / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    exec_line = " ".join(_exec_argument(a) for a in command) + " %F"
    # TryExec takes a bare path, unquoted; it is only escaped as a string value.
    try_exec = command[0].replace("\\", "\\\\")
    replacements = {"Exec": exec_line, "TryExec": try_exec}
    lines = []
    for line in template.splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}={replacements[key]}" if key in replacements else line)
    return "\n".join(lines) + "\n"


def _targets(home: Path) -> dict[Path, Path | None]:
    """Installed path -> packaged source (None: the desktop entry, which is generated)."""
    targets: dict[Path, Path | None] = {home / "applications" / f"{APP_ID}.desktop": None}
    hicolor = home / "icons" / "hicolor"
    targets[hicolor / "scalable" / "apps" / f"{APP_ID}.svg"] = icon_path()
    for size in ICON_SIZES:
        targets[hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = icon_path(size)
    targets[home / "metainfo" / f"{APP_ID}.metainfo.xml"] = resources_dir() / f"{APP_ID}.metainfo.xml"
    return targets


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.chmod(0o644)
    partial.replace(target)


def install() -> list[Path]:
    """Install the menu entry, icons and metainfo for the current user; returns the files written.
    Running it again refreshes them (for example after moving the virtual environment)."""
    home = data_home()
    written = []
    for target, source in _targets(home).items():
        data = desktop_entry(launcher_command()).encode("utf-8") if source is None else source.read_bytes()
        _write_atomically(target, data)
        written.append(target)
    _refresh_caches(home)
    return written


def uninstall() -> list[Path]:
    """Remove what install() wrote; returns the files removed (none when it was not installed)."""
    home = data_home()
    removed = []
    for target in _targets(home):
        if target.is_file():
            target.unlink()
            removed.append(target)
    _refresh_caches(home)
    return removed


def _refresh_caches(home: Path) -> None:
    """Tell the desktop about the change. Best effort: the files are in place either way, and desktops
    without these tools rescan the folders on their own."""
    applications = home / "applications"
    hicolor = home / "icons" / "hicolor"
    if hicolor.is_dir():
        # The icon theme spec has caches compare the theme folder's mtime.
        os.utime(hicolor)
    commands = []
    if applications.is_dir() and shutil.which("update-desktop-database"):
        commands.append(["update-desktop-database", "--quiet", str(applications)])
    if (hicolor / "icon-theme.cache").is_file() and shutil.which("gtk-update-icon-cache"):
        # A stale user-level cache would hide the new icon; only refresh one that exists already.
        commands.append(["gtk-update-icon-cache", "--quiet", "--force", "--ignore-theme-index", str(hicolor)])
    for command in commands:
        subprocess.run(command, check=False, capture_output=True, timeout=30)
