"""A full disk: the sync fails with a clear message, leaves every file as it was (or a valid
prefix of what it becomes), gives back the room of partial downloads, and resumes once there is
room; a child run that cannot be given a folder then is an error of its sweep that clears once
there is room. The disk is a real small tmpfs (mounting needs root; elsewhere the test is skipped)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import Events, run, same_files, status_of, until

from tbdesk.sources.azure import AzureSource
from tbdesk.sync import (
    AzureRemote,
    DiskFullError,
    LiveSync,
    PollPolicy,
    RunCache,
    RunSync,
    RunSyncStatus,
    SyncState,
)
from tbdesk.sync.ledger import Ledger
from tests.azureml_emulator import Emulator, EmuRun

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
    sync = RunSync(AzureRemote(source), the_run, cache.folder(the_run.key), probe_every=0.0)
    run(sync.poll())
    local = sync.folder / EVENTS[5:]
    before = local.read_bytes()

    running.upload("logs/projector/tensors.bin", os.urandom(600_000))  # does not fit
    with pytest.raises(DiskFullError, match=r"is full .*KiB free.*clear the cache"):
        run(sync.poll(probe=True))
    assert local.read_bytes() == before  # untouched
    assert not (sync.folder / "projector" / "tensors.bin").exists()
    assert not any((sync.files_root.parent / ".sync" / "partial").iterdir())  # room given back
    ledger = Ledger.load(sync.files_root.parent / ".sync" / "ledger.json")
    assert ledger.records and ledger.blobs  # still readable, still says what is here

    running.append(EVENTS, events.steps(500, 10_000))  # an append that cannot fit either
    with pytest.raises(DiskFullError):
        run(sync.poll(probe=True))
    assert running.files[EVENTS].data.startswith(local.read_bytes())  # a valid prefix at worst

    assert _mount(small_disk, "8m", remount=True)
    run(sync.poll(probe=True))
    same_files(running, sync.folder)


def _fill(folder: Path) -> Path:
    """Take every byte left on the small disk."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while out.write(b"\0" * size):
                    pass
    return filler


def test_a_child_run_that_cannot_be_given_a_folder_is_an_error_that_clears(
    small_disk: Path, emulator: Emulator, source: AzureSource, sweep: tuple[EmuRun, EmuRun]
) -> None:
    ws = emulator.workspace
    parent, _ = sweep
    cache = RunCache(small_disk / "runs")
    policy = PollPolicy(fast=0.05, idle=0.2, tree_active=0.1, tree_idle=0.1, retry_first=0.1, retry_max=0.2)

    async def main() -> None:
        root = await source.get_run("sweep", parent.id)
        live = LiveSync(source, [root], cache=cache, policy=policy)
        joined: list[RunSyncStatus] = []
        live.on_run_added(joined.append)
        await live.start()
        filler = _fill(small_disk)
        late = ws.add_run("sweep", "sweep_1_1", parent=parent, status="Running", display_name="lr=0.01")
        late.upload(EVENTS, Events("loss").steps(0, 3))

        def shown() -> RunSyncStatus:
            return status_of(live, root.key)

        await until(lambda: shown().state is SyncState.ERROR, what="the error on the sweep")
        assert "Cannot follow the run lr=0.01" in (shown().error or "") and "is full" in (shown().error or "")
        assert shown().retry_at is not None and not joined
        filler.unlink()  # room again: the child joins, the error clears
        await until(lambda: joined, what="the child run")
        await until(lambda: shown().state is SyncState.LIVE, what="the recovery")
        (child,) = joined
        await until(lambda: status_of(live, child.key).files == 1, what="the child's files")
        assert child.folder is not None
        same_files(late, child.folder)
        assert child.key in {entry.key for entry in cache.entries()}  # its record is whole
        await live.stop()

    run(main())
