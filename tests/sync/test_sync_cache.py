"""The cache of synced runs: where it lives, its size limit with least-recently-used eviction of
runs no board shows, and Clear cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tbdesk import paths
from tbdesk.model import RunKey
from tbdesk.sync import RunCache


def _fill(cache: RunCache, key: RunKey, size: int, used: float) -> Path:
    folder = cache.folder(key)
    (folder / "files" / "logs").mkdir(parents=True, exist_ok=True)
    (folder / "files" / "logs" / "events.out.tfevents.1.x").write_bytes(b"x" * size)
    os.utime(folder / ".sync" / "entry.json", (used, used))
    return folder


def test_the_cache_lives_in_the_user_cache_folder() -> None:
    assert RunCache().root == paths.cache_dir() / "runs"


def test_entries_are_named_by_run_and_kept_apart_by_source(tmp_path: Path) -> None:
    cache = RunCache(tmp_path)
    a = cache.folder(RunKey("azureml:/ws/a", "run/../1"))
    b = cache.folder(RunKey("azureml:/ws/b", "run/../1"))
    assert a != b and a.parent == b.parent == tmp_path
    assert a.name.startswith("run_.._1-")
    assert cache.folder(RunKey("azureml:/ws/a", "run/../1")) == a


def test_over_its_limit_the_least_recently_used_runs_no_board_shows_go_first(tmp_path: Path) -> None:
    cache = RunCache(tmp_path, limit=2500)
    now = time.time()
    old, pinned, recent, newest = (RunKey("s", f"r{i}") for i in range(4))
    _fill(cache, old, 1000, now - 400)
    _fill(cache, pinned, 1000, now - 300)
    _fill(cache, recent, 1000, now - 200)
    _fill(cache, newest, 1000, now - 100)
    cache.pin(pinned)
    os.utime(cache.folder(pinned) / ".sync" / "entry.json", (now - 300, now - 300))
    assert [e.key for e in cache.entries()] == [old, pinned, recent, newest]
    assert 4000 <= cache.usage() < 4400  # the files, and a little for each entry's record

    assert cache.trim() == [old, recent]  # the pinned one is skipped, not evicted
    assert [e.key for e in cache.entries()] == [pinned, newest]
    assert 2000 <= cache.usage() < 2200
    assert not any(p.name.startswith(".trash-") for p in tmp_path.iterdir())


def test_pinned_runs_stay_even_when_they_alone_are_over_the_limit(tmp_path: Path) -> None:
    cache = RunCache(tmp_path, limit=10)
    key = RunKey("s", "big")
    _fill(cache, key, 1000, time.time())
    cache.pin(key)
    cache.pin(key)  # two boards
    cache.unpin(key)
    assert cache.trim() == []
    cache.unpin(key)
    assert cache.trim() == [key]


def test_using_a_run_makes_it_recent(tmp_path: Path) -> None:
    cache = RunCache(tmp_path, limit=1500)
    now = time.time()
    a, b = RunKey("s", "a"), RunKey("s", "b")
    _fill(cache, a, 1000, now - 200)
    _fill(cache, b, 1000, now - 100)
    cache.touch(a)
    assert cache.trim() == [b]


def test_clear_removes_every_run_no_board_shows(tmp_path: Path) -> None:
    cache = RunCache(tmp_path)
    shown, other = RunKey("s", "shown"), RunKey("s", "other")
    _fill(cache, shown, 10, time.time())
    _fill(cache, other, 10, time.time())
    (tmp_path / ".trash-leftover").mkdir()  # a removal a crash interrupted
    (tmp_path / "not-ours").mkdir()
    cache.pin(shown)
    assert cache.clear() == [other]
    assert [e.key for e in cache.entries()] == [shown]
    cache.unpin(shown)
    assert not (tmp_path / ".trash-leftover").exists()
    assert (tmp_path / "not-ours").exists()  # a folder that is not an entry is left alone
    assert cache.clear() == [shown]
    assert cache.entries() == []
