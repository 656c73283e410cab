import os
from collections.abc import Callable
from pathlib import Path

from tbdesk.boards.links import has_merged_runs, lay_out, link_targets, remove_folder


def test_a_run_without_children_is_one_link(tmp_path: Path, logs: Callable[..., Path]) -> None:
    a, b = logs("a"), logs("b")
    board = tmp_path / "board"
    lay_out(board, [("first", a), ("group/second", b)])
    assert (board / "first").is_symlink()
    assert Path(os.readlink(board / "first")) == a
    assert not (board / "group").is_symlink()
    assert Path(os.readlink(board / "group" / "second")) == b
    assert link_targets(board) == sorted([a, b])


def test_a_parent_and_its_child_both_show(tmp_path: Path, logs: Callable[..., Path]) -> None:
    parent, child = logs("parent"), logs("child")
    (parent / "validation").mkdir()
    board = tmp_path / "board"
    runs = [("p", parent), ("p/child", child)]
    assert has_merged_runs(runs)
    lay_out(board, runs)
    assert (board / "p").is_dir() and not (board / "p").is_symlink()
    events = [name for name in os.listdir(parent) if name.startswith("events")]
    assert all((board / "p" / name).resolve() == (parent / name).resolve() for name in events)
    assert Path(os.readlink(board / "p" / "validation")) == parent / "validation"
    assert Path(os.readlink(board / "p" / "child")) == child

    # Entries the parent's logs gain later are linked when the layout is made again.
    (parent / "test").mkdir()
    lay_out(board, runs)
    assert Path(os.readlink(board / "p" / "test")) == parent / "test"


def test_a_parent_entry_named_like_a_child_stays_visible(tmp_path: Path, logs: Callable[..., Path]) -> None:
    parent, child = logs("parent"), logs("child")
    (parent / "fold-1").mkdir()
    board = tmp_path / "board"
    lay_out(board, [("p", parent), ("p/fold-1", child)])
    assert Path(os.readlink(board / "p" / "fold-1")) == child
    assert Path(os.readlink(board / "p" / "fold-1 (2)")) == parent / "fold-1"


def test_remove_folder_never_touches_what_links_point_to(tmp_path: Path, logs: Callable[..., Path]) -> None:
    parent, child = logs("parent"), logs("child")
    before = sorted(p.name for p in parent.iterdir()) + sorted(p.name for p in child.iterdir())
    board = tmp_path / "board"
    lay_out(board, [("p", parent), ("p/c", child), ("x/y", child)])
    remove_folder(board)
    assert not board.exists()
    assert sorted(p.name for p in parent.iterdir()) + sorted(p.name for p in child.iterdir()) == before


def test_remove_folder_leaves_foreign_files(tmp_path: Path, logs: Callable[..., Path]) -> None:
    board = tmp_path / "board"
    lay_out(board, [("a", logs("a"))])
    (board / "notes.txt").write_text("mine")
    remove_folder(board)
    assert (board / "notes.txt").read_text() == "mine"
    assert not (board / "a").exists()
