"""A full disk: the sync fails with a clear message, leaves every file as it was (or a valid
prefix of what it becomes), gives back the room of partial downloads, and resumes once there is
room. The disk is a real small tmpfs (mounting needs root; elsewhere the test is skipped)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import Events, run, same_files

from tbdesk.sources.azure import AzureSource
from tbdesk.sync import AzureRemote, DiskFullError, RunCache, RunSync
from tbdesk.sync.ledger import Ledger
from tests.azureml_emulator import EmuRun

EVENTS = "logs/events.out.tfevents.1714550400.host"


def _mount(folder: Path, size: str, *, remount: bool = False) -> bool:
    options = f"remount,size={size}" if remount else f"size={size}"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not _mount(folder, "256k"):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_fails_clearly_corrupts_nothing_and_resumes(
    small_disk: Path, source: AzureSource, running: EmuRun
) -> None:
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 500))  # about 20 KB
    cache = RunCache(small_disk / "runs")
    the_run = run(source.get_run("live", running.id))
    sync = RunSync(AzureRemote(source), the_run, cache.folder(the_run.key))
    run(sync.poll())
    local = sync.folder / EVENTS[5:]
    before = local.read_bytes()

    running.upload("logs/projector/tensors.bin", os.urandom(600_000))  # does not fit
    with pytest.raises(DiskFullError, match=r"is full .*KiB free.*clear the cache"):
        run(sync.poll())
    assert local.read_bytes() == before  # untouched
    assert not (sync.folder / "projector" / "tensors.bin").exists()
    assert not any((sync.files_root.parent / ".sync" / "partial").iterdir())  # room given back
    ledger = Ledger.load(sync.files_root.parent / ".sync" / "ledger.json")
    assert ledger.files  # still readable, still says what is here

    running.append(EVENTS, events.steps(500, 10_000))  # an append that cannot fit either
    with pytest.raises(DiskFullError):
        run(sync.poll())
    assert running.files[EVENTS].data.startswith(local.read_bytes())  # a valid prefix at worst

    assert _mount(small_disk, "8m", remount=True)
    run(sync.poll())
    same_files(running, sync.folder)
