"""Everything tbdesk writes in its own folders is the user's alone (issue 10): after a realistic
session with the default folders (a local workspace logging with uploads, a run synced from Azure
ML, both shown on a board started and stopped, which exports the metrics-only run into the cache,
an account and settings saved), no file or folder under TBDESK_HOME grants group or others
anything, under the common umask 022. A folder the user picked keeps that umask."""

from __future__ import annotations

import asyncio
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tbdesk import paths
from tbdesk.azure.accounts import Account, AccountStore
from tbdesk.boards import BoardManager
from tbdesk.boards.prepare import prepare_live_runs
from tbdesk.export import export_run
from tbdesk.local import Experiment, Workspace
from tbdesk.model import Run
from tbdesk.sources.azure import AzureSource
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.sync import RunCache
from tests.azureml_emulator import Emulator, EmuWorkspace
from tests.azureml_emulator.clients import emulator_source
from tests.sync.sync_helpers import FAST, Events


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The umask of most desktops: without a wide one a test could not tell a private writer."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _open_to_others(root: Path) -> list[str]:
    """Every file or folder under root (root included) with a permission bit for group or others."""
    found = []
    for folder, folders, files in os.walk(root):
        for path in [Path(folder), *(Path(folder) / name for name in folders + files)]:
            info = path.lstat()
            if not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o077:
                found.append(f"{oct(stat.S_IMODE(info.st_mode))} {path.relative_to(root)}")
    return sorted(set(found))


def _local_run(tmp_path: Path) -> str:
    picture = tmp_path / "notes.txt"
    picture.write_text("a file the user uploads")
    run = Experiment(Workspace(), "private").start_logging(display_name="metrics")
    for step in range(3):
        run.log("loss", 1.0 / (step + 1), step=step)
    run.upload_file("outputs/notes.txt", picture)
    run.upload_file("outputs/stream.bin", io.BytesIO(b"streamed"))
    run.complete()
    return run.id


async def _session(azure: AzureSource, local: WorkspaceSource, local_id: str, picked: Path) -> list[str]:
    """Run the session; return what was open to others while the board ran (its record, the
    workspace's -wal and -shm files exist only then)."""
    [experiment] = await local.experiments()
    [local_run] = [run async for page in local.runs(experiment) for run in page if run.id == local_id]
    azure_run = await azure.get_run("live", "live_run_1")
    runs: list[Run] = [local_run, azure_run]
    # As opening both runs on a board does: the Azure run synced into the run cache, the
    # metrics-only local run exported into tbdesk's cache.
    live = await prepare_live_runs(azure, [azure_run], cache=RunCache())
    exported = await prepare_live_runs(local, [local_run])
    manager = BoardManager()
    try:
        board = await manager.open([*live.runs, *exported.runs])
        assert board.url is not None and len(runs) == 2
        assert list(paths.state_dir().glob("boards/*")), "the board left no record"
        meanwhile = [
            found
            for folder in (paths.data_dir(), paths.cache_dir(), paths.state_dir())
            for found in _open_to_others(folder)
        ]
        # An export into a folder the user picked, for the other half of the rule.
        await export_run(local, local_run, picked)
    finally:
        await manager.stop_all()
        await live.stop()
        await exported.stop()
    return meanwhile


def test_a_session_leaves_nothing_in_tbdesks_folders_for_group_or_others(
    tbdesk_home: Path, tmp_path: Path, azureml_env: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None
) -> None:
    tbdesk_home.chmod(0o755)  # like a home folder: only tbdesk's own modes protect what it writes
    picked = tmp_path / "exports"
    picked.mkdir(mode=0o755)
    local_id = _local_run(tmp_path)
    with Emulator(EmuWorkspace()) as emulator:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emulator.discovery_url)
        running = emulator.workspace.add_run("live", "live_run_1", status="Completed")
        running.upload("logs/events.out.tfevents.1714550400.host", Events("loss").steps(0, 5))
        azure = emulator_source(emulator, policy=FAST)
        try:
            meanwhile = asyncio.run(
                _session(azure, WorkspaceSource(paths.default_workspace_dir()), local_id, picked)
            )
        finally:
            azure.close()
    AccountStore().save_account(Account.new("me"))
    from tbdesk.ui.settings import Settings

    settings = Settings()
    settings.set_state("geometry", b"window")  # type: ignore[arg-type]
    settings.sync()

    written = {p.relative_to(tbdesk_home).parts[0] for p in tbdesk_home.rglob("*") if p.is_file()}
    assert written >= {"data", "cache", "config"}, written  # the session reached every folder
    assert meanwhile == [], "\n".join(meanwhile)
    assert list((tbdesk_home / "cache" / "runs").rglob("events.out.tfevents.*")), "nothing was synced"
    assert list((tbdesk_home / "cache" / "exports").rglob("events.out.tfevents.*")), "nothing was exported"
    for name in ("data", "cache", "state", "config"):
        assert _open_to_others(tbdesk_home / name) == [], name
    # A folder the user picked follows their umask, as any program's files there do.
    exported = [p for p in picked.rglob("*") if p.is_file()]
    assert exported and all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in exported)


def test_a_workspace_elsewhere_grants_what_its_folder_grants(tmp_path: Path, umask_022: None) -> None:
    for mode, expected in ((0o755, 0o644), (0o700, 0o600)):
        around = tmp_path / oct(mode)
        around.mkdir()
        around.chmod(mode)
        run = Experiment(Workspace(around / "ws"), "elsewhere").start_logging()
        run.log("loss", 1.0)
        run.upload_file("notes.bin", io.BytesIO(b"notes"))
        run.complete()
        written = [p for p in (around / "ws").rglob("*") if p.is_file()]
        assert len(written) >= 2  # the database (its -wal, -shm while open) and the upload
        assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {expected}, around
        folders = [around / "ws", *(p for p in (around / "ws").rglob("*") if p.is_dir())]
        assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {mode}, around
