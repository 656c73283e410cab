"""Wrap the one-folder bundle (`make bundle`: dist/tbdesk/) for people without Python.

    python packaging/package.py deb       -> dist/tbdesk_VERSION_amd64.deb
    python packaging/package.py tarball   -> dist/tbdesk-VERSION-linux-x86_64.tar.gz

The .deb installs the bundle in /opt/tbdesk, `tbdesk` in /usr/bin, and the desktop entry, icons and
AppStream metainfo under /usr/share (Debian's desktop-file-utils and hicolor-icon-theme refresh
their caches by dpkg triggers, so it needs no maintainer scripts). The tarball holds the bundle and
install.sh, which installs it for one user under ~/.local without root.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tbdesk import APP_ID, APP_NAME, __version__  # noqa: E402
from tbdesk.desktop import desktop_entry, resources_dir  # noqa: E402

BUNDLE = REPO / "dist" / APP_NAME
# What QtWebEngine and Qt's X11 and Wayland platforms load from the system (README, PLATFORM.md),
# by their Debian 12 names; what the bundle carries itself is not listed.
DEPENDS = (
    "libglib2.0-0, libegl1, libgl1, libx11-6, libx11-xcb1, libdbus-1-3, libfontconfig1, libfreetype6, "
    "libxkbcommon0, libxkbcommon-x11-0, libbrotli1, libxcomposite1, libxdamage1, libxext6, libxfixes3, "
    "libxrandr2, libxtst6, libasound2, libgbm1, libnss3, libxcb1, libxcb-dri3-0, libxkbfile1, "
    "libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, "
    "libxcb-render0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1"
)
DESCRIPTION = """\
Look at experiment runs in TensorBoard, on the desktop
 tbdesk lists the experiments, runs and child runs of Azure Machine Learning
 workspaces, of a built-in local workspace and of folders of TensorBoard logs,
 starts a local TensorBoard on the runs you pick and shows it in its window.
 This package carries its own Python, Qt and TensorBoard."""


def build_deb(out_dir: Path, level: int = 6) -> Path:
    with tempfile.TemporaryDirectory(prefix="tbdesk-deb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(BUNDLE, root / "opt" / APP_NAME, symlinks=True)
        # QtWebEngine makes this (empty) folder on its first start when it may write there, as
        # root can: the package owns it, so that `dpkg -r` leaves nothing in /opt/tbdesk.
        (root / "opt" / APP_NAME / "_internal" / "PySide6" / "Qt" / "resources" / "locales").mkdir()
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / APP_NAME).symlink_to(f"/opt/{APP_NAME}/{APP_NAME}")
        share = root / "usr" / "share"
        _write(share / "applications" / f"{APP_ID}.desktop", desktop_entry([APP_NAME]).encode())
        shutil.copytree(resources_dir() / "icons", share / "icons")
        shutil.copy(resources_dir() / f"{APP_ID}.metainfo.xml", _parent(share / "metainfo"))
        installed_kib = (
            sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink()) // 1024
        )
        control = {
            "Package": APP_NAME,
            "Version": __version__,
            "Architecture": "amd64",
            "Maintainer": "tbdesk developers <tbdesk@users.noreply.github.com>",
            "Installed-Size": str(installed_kib),
            "Depends": DEPENDS,
            "Section": "science",
            "Priority": "optional",
            "Homepage": "https://github.com/tbdesk/tbdesk",
            "Description": DESCRIPTION,
        }
        text = "".join(f"{key}: {value}\n" for key, value in control.items())
        _write(root / "DEBIAN" / "control", text.encode())
        for path in root.rglob("*"):  # whatever this checkout's umask was
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
        deb = out_dir / f"{APP_NAME}_{__version__}_amd64.deb"
        command = ["dpkg-deb", "--root-owner-group", "-Zxz", f"-z{level}", "--build", str(root), str(deb)]
        subprocess.run(command, check=True)
    return deb


def build_tarball(out_dir: Path) -> Path:
    name = f"{APP_NAME}-{__version__}-linux-x86_64"
    tarball = out_dir / f"{name}.tar.gz"
    partial = tarball.with_name(tarball.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(BUNDLE, f"{name}/{APP_NAME}")
        archive.add(REPO / "packaging" / "install.sh", f"{name}/install.sh")
    partial.replace(tarball)
    return tarball


def _parent(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(path: Path, data: bytes) -> None:
    _parent(path.parent)
    path.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("deb", "tarball"))
    parser.add_argument("--out", type=Path, default=REPO / "dist")
    parser.add_argument(
        "--level", type=int, default=6, choices=range(10), help="xz level of the .deb: 0 builds fast, 6 small"
    )
    options = parser.parse_args()
    if not (BUNDLE / APP_NAME).is_file():
        parser.error(f"no bundle at {BUNDLE}: run `make bundle` first")
    built = build_deb(options.out, options.level) if options.kind == "deb" else build_tarball(options.out)
    print(built)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
