"""A board's folder: one symbolic link per run, given to TensorBoard as its single --logdir.

One --logdir, rather than --logdir_spec, keeps TensorBoard's Rust data server on (PLATFORM.md);
the data server follows links to folders and to files.

Layout. A run named "a" whose logs are in /x becomes the link `folder/a -> /x`, shown as "a".
A run with child runs in the same board ("a" and "a/b") cannot be a link, since "a/b" has to live
inside it: it becomes a real folder `folder/a/` that holds a link to every entry of /x (so its
event files still show as run "a") next to the link `folder/a/b -> /y` of the child. A live run
may add entries to /x later (a new event file, a "validation" folder): `lay_out` is idempotent and
the manager calls it again while the board runs, which links what is new.

A live board (its runs may gain child runs while it runs) lays out every run entry by entry from
the start: a child that joins is then one more link in a folder that exists, whereas turning the
parent's link into a folder would make the run vanish from TensorBoard for a moment.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from tbdesk.boards.names import unique_names
from tbdesk.paths import make_dirs


def lay_out(folder: Path, runs: Sequence[tuple[str, Path]], *, entry_by_entry: bool = False) -> None:
    """Create or complete the links for (safe unique name, logs folder) pairs under folder;
    entry_by_entry: every run as a folder of links (a live board, see above)."""
    make_dirs(folder)
    names = [name for name, _ in runs]
    for name, target in runs:
        inner = [other[len(name) + 1 :] for other in names if other.startswith(name + "/")]
        if inner or entry_by_entry:
            _link_entries(folder / name, target, reserved={part.split("/")[0] for part in inner})
        else:
            _link(folder / name, target)


def has_merged_runs(runs: Sequence[tuple[str, Path]]) -> bool:
    """True if some run is laid out entry by entry (and so needs `lay_out` again later)."""
    names = [name for name, _ in runs]
    return any(other.startswith(name + "/") for name in names for other in names)


def remove_folder(folder: Path) -> None:
    """Delete a board's folder: its links and the folders we made, never what a link points to.
    Anything else found there (a file someone put in) is left alone."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for root, dirs, files in os.walk(folder, topdown=False):
        for entry in (*files, *dirs):
            path = Path(root, entry)
            if path.is_symlink():
                path.unlink(missing_ok=True)
            elif path.is_dir():
                _rmdir_quietly(path)
    _rmdir_quietly(folder)


def link_targets(folder: Path) -> list[Path]:
    """The folders a board's links point to (for listing a board's folders)."""
    targets: set[Path] = set()
    for root, dirs, files in os.walk(folder):
        for entry in (*dirs, *files):
            path = Path(root, entry)
            if path.is_symlink():
                target = Path(os.readlink(path))
                targets.add(target if path.is_dir() else target.parent)
    return sorted(targets)


def _link_entries(directory: Path, target: Path, reserved: set[str]) -> None:
    if directory.is_symlink():  # it was shown as one link and has gained a child run since
        directory.unlink()
    make_dirs(directory)
    try:
        entries = sorted(os.listdir(target))
    except OSError:
        return  # the run's logs are not there (yet): its children still show
    # An entry named like a child run gets a suffix rather than hiding the child.
    safe = unique_names([*sorted(reserved), *entries])[len(reserved) :]
    for entry, link_name in zip(entries, safe, strict=True):
        _link(directory / link_name, target / entry)


def _link(link: Path, target: Path) -> None:
    make_dirs(link.parent)
    absolute = target.absolute()
    if link.is_symlink():
        if Path(os.readlink(link)) == absolute:
            return
        link.unlink()
    link.symlink_to(absolute, target_is_directory=absolute.is_dir())


def _rmdir_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir()
