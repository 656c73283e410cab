"""Desktop integration: the icon set, the desktop entry and metainfo (checked by the freedesktop.org
validators when installed: Debian packages desktop-file-utils and appstream), install and uninstall."""

from __future__ import annotations

import importlib.util
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tbdesk import APP_ID, desktop

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "tbdesk" / "resources"


def _png_header(path: Path) -> tuple[int, int, int]:
    """Width, height and colour type from a PNG's IHDR chunk."""
    data = path.read_bytes()[:26]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


def _validator(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install desktop-file-utils appstream)")
    return found


def _desktop_file_validate(path: Path) -> None:
    result = subprocess.run(
        [_validator("desktop-file-validate"), str(path)], capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error:" not in output, output


def _appstream_validate(path: Path) -> None:
    result = subprocess.run(
        [_validator("appstreamcli"), "validate", "--no-net", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _entry(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.mark.parametrize("size", desktop.ICON_SIZES)
def test_png_icon_has_its_size_and_transparency(size: int) -> None:
    path = desktop.icon_path(size)
    assert path == RESOURCES / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    width, height, colour_type = _png_header(path)
    assert (width, height) == (size, size)
    assert colour_type == 6, "the icon needs an alpha channel for its rounded corners"


def test_svg_icon_and_unknown_size() -> None:
    svg = desktop.icon_path()
    assert svg.name == f"{APP_ID}.svg"
    assert svg.parent == RESOURCES / "icons" / "hicolor" / "scalable" / "apps"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"no 20x20 icon; the sizes are 16, 24, 32"):
        desktop.icon_path(20)


@pytest.mark.parametrize(
    ("source", "copy"),
    [
        (
            ROOT / "icons" / f"{APP_ID}.svg",
            RESOURCES / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        ),
        (PACKAGING / f"{APP_ID}.desktop", RESOURCES / f"{APP_ID}.desktop"),
        (PACKAGING / f"{APP_ID}.metainfo.xml", RESOURCES / f"{APP_ID}.metainfo.xml"),
    ],
    ids=["svg", "desktop", "metainfo"],
)
def test_packaged_copy_matches_its_source(source: Path, copy: Path) -> None:
    assert copy.read_bytes() == source.read_bytes(), "run: .venv/bin/python packaging/render_icons.py"


def test_desktop_entry_is_valid_and_uses_the_app_id() -> None:
    path = PACKAGING / f"{APP_ID}.desktop"
    _desktop_file_validate(path)
    entry = _entry(path.read_text(encoding="utf-8"))
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] == "tbdesk %F"
    assert entry["Type"] == "Application"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Development;Science;"


def test_metainfo_is_valid_and_uses_the_app_id() -> None:
    import xml.etree.ElementTree as ET

    path = PACKAGING / f"{APP_ID}.metainfo.xml"
    _appstream_validate(path)
    component = ET.parse(path).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert component.findtext("project_license") == "MIT"
    release = component.find("releases/release")
    assert release is not None
    assert (release.get("version"), release.get("date")) == ("0.1.0", "2026-11-27")


def test_install_then_uninstall(data_home: Path) -> None:
    written = desktop.install()
    hicolor = data_home / "icons" / "hicolor"
    expected = {
        data_home / "applications" / f"{APP_ID}.desktop",
        data_home / "metainfo" / f"{APP_ID}.metainfo.xml",
        hicolor / "scalable" / "apps" / f"{APP_ID}.svg",
        *(hicolor / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in desktop.ICON_SIZES),
    }
    assert set(written) == expected
    for size in desktop.ICON_SIZES:
        installed = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert installed.read_bytes() == desktop.icon_path(size).read_bytes()

    entry_path = data_home / "applications" / f"{APP_ID}.desktop"
    _desktop_file_validate(entry_path)
    _appstream_validate(data_home / "metainfo" / f"{APP_ID}.metainfo.xml")
    entry = _entry(entry_path.read_text(encoding="utf-8"))
    program = entry["Exec"].split(" ")[0]
    assert os.path.isabs(program)
    assert os.access(program, os.X_OK)
    assert entry["Exec"].endswith(" %F")
    assert entry["TryExec"] == program
    assert entry["Icon"] == APP_ID
    assert oct(entry_path.stat().st_mode & 0o777) == oct(0o644)

    # Again: it refreshes in place.
    assert set(desktop.install()) == expected

    assert set(desktop.uninstall()) == expected
    assert not any(path.exists() for path in expected)
    assert desktop.uninstall() == []


def test_the_launcher_beside_the_interpreter_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a virtual environment the tbdesk script sits next to python: use it even if PATH lacks it."""
    bin_dir = tmp_path / "my venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.symlink_to(sys.executable)
    launcher = bin_dir / "tbdesk"
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(python))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert desktop.launcher_command() == [str(launcher)]

    launcher.chmod(0o644)  # not executable: fall back to the interpreter
    command = desktop.launcher_command()
    assert command[1:] == ["-m", "tbdesk"]
    assert os.path.isabs(command[0])


def test_exec_line_quotes_paths_with_spaces_and_specials(data_home: Path) -> None:
    text = desktop.desktop_entry(['/opt/my tools/$HOME"s/tbdesk'])
    entry = _entry(text)
    # Quoted for Exec ('"', '$' escaped by a backslash), then each backslash doubled as a string value.
    assert entry["Exec"] == '"/opt/my tools/\\\\$HOME\\\\"s/tbdesk" %F'
    path = data_home / f"{APP_ID}.desktop"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    _desktop_file_validate(path)


def test_data_home_ignores_a_relative_xdg_data_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    assert desktop.data_home() == Path.home() / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/share")
    assert desktop.data_home() == Path("/srv/share")


def test_committed_pngs_are_renders_of_the_svg(qapp: Any, tmp_path: Path) -> None:
    """Guards against editing icons/ without running packaging/render_icons.py."""
    import numpy as np
    from PIL import Image, ImageChops

    spec = importlib.util.spec_from_file_location("render_icons", PACKAGING / "render_icons.py")
    assert spec is not None and spec.loader is not None
    render_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_icons)
    for size in (16, 48, 256):
        fresh = tmp_path / f"{size}.png"
        render_icons.render_png(ROOT / "icons" / f"{APP_ID}.svg", size, fresh)
        with Image.open(fresh) as new, Image.open(desktop.icon_path(size)) as committed:
            difference = ImageChops.difference(new.convert("RGBA"), committed.convert("RGBA"))
            # Other Qt versions may antialias edges a little differently: count only clear changes.
            changed = int((np.asarray(difference).max(axis=2) > 32).sum())
            assert changed / (size * size) < 0.005, f"{size}x{size} is stale: {changed} pixels differ"
