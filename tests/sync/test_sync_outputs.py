"""TensorBoard logs that an Azure ML v2 job keeps under `outputs/` rather than `logs/`: the sync
looks there while `logs/` has no event file, mirrors the folder it finds into the run's usual local
folder, and then costs one listing per poll again (the emulator's request log)."""

from __future__ import annotations

import pytest
from sync_helpers import Events, run, same_files

from tbdesk.model import Run
from tbdesk.sources.azure import AzureSource
from tbdesk.sync import AzureRemote, RunCache, RunSync
from tbdesk.sync.engine import FALLBACK_PREFIX
from tests.azureml_emulator import Emulator, EmuRun

TB = "outputs/tensorboard"


def _sync(source: AzureSource, cache: RunCache, emu_run: EmuRun, *, fallback: str | None) -> RunSync:
    async def get() -> Run:
        return await source.get_run(emu_run.experiment.name, emu_run.id)

    the_run = run(get())
    return RunSync(AzureRemote(source), the_run, cache.folder(the_run.key), fallback=fallback)


def _listings(emulator: Emulator) -> list[str | None]:
    return [r.query.get("path") for r in emulator.requests() if "/artifacts/ExperimentRun/" in r.path]


@pytest.fixture
def finished(emulator: Emulator) -> EmuRun:
    """A finished job: system logs under logs/, TensorBoard logs and a model under outputs/."""
    job = emulator.workspace.add_run("v2", "quiet_fox_1", status="Completed", display_name="outputs-job")
    job.upload("logs/azureml/executionlogs.txt", b"started\n")
    job.upload(f"{TB}/train/events.out.tfevents.1714550400.host", Events("loss").steps(0, 5))
    job.upload(f"{TB}/validation/events.out.tfevents.1714550400.host", Events("loss").steps(0, 5))
    job.upload("outputs/model/model.pt", b"weights" * 100)
    return job


def test_logs_under_outputs_are_found_and_mirrored_into_the_runs_folder(
    emulator: Emulator, source: AzureSource, cache: RunCache, finished: EmuRun
) -> None:
    sync = _sync(source, cache, finished, fallback=FALLBACK_PREFIX)
    emulator.clear_log()
    first = run(sync.poll())
    assert _listings(emulator) == ["logs/", "outputs/"]
    assert sync.source_prefix == f"{TB}/"
    assert sorted(p.relative_to(sync.folder).as_posix() for p in sync.folder.rglob("*") if p.is_file()) == [
        "train/events.out.tfevents.1714550400.host",
        "validation/events.out.tfevents.1714550400.host",
    ]
    same_files(finished, sync.folder, prefix=f"{TB}/")
    assert first.files == 2
    assert not any("model.pt" in r.path for r in emulator.requests())  # the model is not fetched

    emulator.clear_log()
    idle = run(sync.poll())
    assert (idle.fetched, _listings(emulator)) == (0, [f"{TB}/"])  # one listing, as for logs/


def test_without_a_fallback_only_logs_is_looked_at(
    emulator: Emulator, source: AzureSource, cache: RunCache, finished: EmuRun
) -> None:
    sync = _sync(source, cache, finished, fallback=None)
    emulator.clear_log()
    run(sync.poll())
    assert _listings(emulator) == ["logs/"]
    assert sync.source_prefix == "logs/"


def test_a_run_with_logs_under_logs_never_looks_elsewhere(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    sync = _sync(source, cache, running, fallback=FALLBACK_PREFIX)
    emulator.clear_log()
    run(sync.poll())
    run(sync.poll(final=True))
    assert _listings(emulator) == ["logs/", "logs/"]


def test_a_running_job_is_looked_through_again_only_when_due_and_at_its_end(
    emulator: Emulator, source: AzureSource, cache: RunCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = emulator.workspace.add_run("v2", "busy_owl_1", status="Running", display_name="no-logs-yet")
    job.upload("outputs/notes.txt", b"nothing for TensorBoard")
    sync = _sync(source, cache, job, fallback=FALLBACK_PREFIX)
    emulator.clear_log()
    run(sync.poll())
    run(sync.poll())  # within PROBE_EVERY: logs/ alone
    assert _listings(emulator) == ["logs/", "outputs/", "logs/"]
    # The job ends; the service uploads its outputs, TensorBoard logs among them.
    job.upload(f"{TB}/events.out.tfevents.1714550400.host", Events("loss").steps(0, 3))
    emulator.clear_log()
    last = run(sync.poll(final=True))
    assert _listings(emulator) == ["logs/", "outputs/"]
    assert last.changed == (f"{TB}/events.out.tfevents.1714550400.host",)
    assert (sync.folder / "events.out.tfevents.1714550400.host").read_bytes() == job.files[
        f"{TB}/events.out.tfevents.1714550400.host"
    ].data
