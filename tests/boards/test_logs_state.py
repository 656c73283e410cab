"""logs_state on real folders: whatever changes a board's files changes the state; links are
followed, each folder read once, and what is gone is left out."""

from __future__ import annotations

import os
from pathlib import Path

from tbdesk.boards.logs_state import logs_state


def test_writes_appends_replacements_and_removals_change_the_state(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "train").mkdir(parents=True)
    events = run / "train" / "events.out.tfevents.1.host"
    events.write_bytes(b"a" * 10)
    first = logs_state([run])
    assert first == logs_state([run])  # nothing changed: the same state
    assert {(path, size) for path, size, _ in first} == {(str(events), 10)}

    with events.open("ab") as file:
        file.write(b"b")
    appended = logs_state([run])
    assert appended != first

    os.utime(events, ns=(0, 0))  # rewritten to the same size, with another time
    assert logs_state([run]) != appended

    (run / "validation").mkdir()
    (run / "validation" / "events.out.tfevents.2.host").write_bytes(b"")
    grown = logs_state([run])
    assert len(grown) == 2

    events.unlink()
    assert len(logs_state([run])) == 1


def test_links_are_followed_once_and_a_loop_ends(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "events.out.tfevents.1.host").write_bytes(b"x")
    run = tmp_path / "run"
    run.mkdir()
    (run / "linked").symlink_to(elsewhere)
    (run / "loop").symlink_to(run)  # a link back up
    (elsewhere / "twice").symlink_to(elsewhere)
    state = logs_state([run, run])
    assert [os.path.basename(path) for path, _, _ in state] == ["events.out.tfevents.1.host"]


def test_missing_folders_and_dangling_links_hold_nothing(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "dangling").symlink_to(tmp_path / "gone")
    assert logs_state([tmp_path / "nowhere", run]) == frozenset()
