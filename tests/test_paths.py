"""tbdesk's own folders are closed to other users (issue 10): made 0700, and narrowed when wider."""

from __future__ import annotations

import stat
from pathlib import Path

from tbdesk import paths


def test_the_app_folders_are_made_0700_and_wider_ones_are_narrowed(tbdesk_home: Path) -> None:
    (tbdesk_home / "cache").mkdir(mode=0o755)  # as an earlier tbdesk (or umask 022) left it
    (tbdesk_home / "cache").chmod(0o755)
    for folder in (paths.data_dir(), paths.cache_dir(), paths.state_dir(), paths.config_dir()):
        assert folder.parent == tbdesk_home
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
