"""tbdesk's own folders are closed to other users (issue 10): made 0700, and narrowed when wider."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tbdesk import paths


def test_the_app_folders_are_made_0700_and_wider_ones_are_narrowed(tbdesk_home: Path) -> None:
    (tbdesk_home / "cache").mkdir(mode=0o755)  # as an earlier tbdesk (or umask 022) left it
    (tbdesk_home / "cache").chmod(0o755)
    for folder in (paths.data_dir(), paths.cache_dir(), paths.state_dir(), paths.config_dir()):
        assert folder.parent == tbdesk_home
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_and_folders_grant_others_what_their_folder_grants(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a common umask, which alone would make files 0644
    try:
        for around, file_mode, folder_mode in (
            (0o700, 0o600, 0o700),
            (0o750, 0o640, 0o750),
            (0o777, 0o644, 0o755),
        ):
            parent = tmp_path / oct(around)
            parent.mkdir()
            parent.chmod(around)
            deep = paths.make_dirs(parent / "a" / "b")
            assert [_mode(deep.parent), _mode(deep)] == [folder_mode] * 2, oct(around)
            with paths.create_file(deep / "new") as out:
                out.write(b"x")
            with paths.create_file(deep / "new", "ab") as out:
                out.write(b"y")
            assert (deep / "new").read_bytes() == b"xy"
            assert _mode(deep / "new") == file_mode, oct(around)  # the umask still applies
    finally:
        os.umask(previous)


def test_an_existing_file_is_narrowed_only_in_a_folder_closed_to_others(tmp_path: Path) -> None:
    closed, open_ = paths.make_dirs(tmp_path / "closed"), tmp_path / "open"
    closed.chmod(0o700)
    open_.mkdir(mode=0o755)
    open_.chmod(0o755)
    for folder in (closed, open_):
        (folder / "old").write_bytes(b"kept")
        (folder / "old").chmod(0o664)  # as an earlier tbdesk, or the user, left it
        paths.create_file(folder / "old", "ab").close()
        assert (folder / "old").read_bytes() == b"kept"
    assert _mode(closed / "old") == 0o600
    assert _mode(open_ / "old") == 0o664  # a choice made in an open folder is the user's
