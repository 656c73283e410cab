"""Live sync of running runs and their child runs against the emulator: polling that speeds up
while data flows and backs off when idle, refresh at once, child runs joining mid-sweep, errors
shown and retried, the end of polling once everything has ended; the local workspace in place."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from sync_helpers import Events, same_files, status_of, until

from tbdesk.model import Run, RunKey, RunStatus
from tbdesk.sources.azure import AzureSource
from tbdesk.sources.workspace import WorkspaceSource
from tbdesk.sync import AzureRemote, LiveSync, PollPolicy, RemoteFile, RunCache, RunSyncStatus, SyncState
from tests.azureml_emulator import Emulator, EmuRun, Fault
from tests.azureml_emulator.seed import seed_lifecycle

EVENTS = "logs/events.out.tfevents.1714550400.host"
QUICK = PollPolicy(
    fast=0.05, idle=0.4, tree_active=0.1, tree_idle=0.2, retry_first=0.1, retry_max=0.2, probe=0.05
)


def _listings(emulator: Emulator, run_id: str) -> list[float]:
    return [r.at for r in emulator.requests("GET", f"/artifacts/ExperimentRun/dcid.{run_id}")]


def test_a_running_run_is_followed_until_it_ends(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 5))

    async def main() -> None:
        the_run = await source.get_run("live", running.id)
        live = LiveSync(source, [the_run], cache=cache, policy=QUICK)
        seen: list[RunSyncStatus] = []
        live.subscribe(seen.append)
        (status,) = await live.start()
        assert status.state is SyncState.LIVE and status.folder is not None
        assert cache.is_pinned(the_run.key)
        same_files(running, status.folder)
        for first in range(5, 50, 5):
            running.append(EVENTS, events.steps(first, first + 5))
            await until(
                lambda: (status.folder / EVENTS[5:]).stat().st_size == len(running.files[EVENTS].data)
            )
        same_files(running, status.folder)
        running.append(EVENTS, events.steps(50, 60))  # the last steps, just before the end
        running.status = "Completed"
        await asyncio.wait_for(live.wait_finished(), 20)
        assert live.finished
        (final,) = live.statuses
        assert final.state is SyncState.UP_TO_DATE and final.run.status is RunStatus.COMPLETED
        assert final.bytes_fetched >= len(running.files[EVENTS].data)
        same_files(running, final.folder)
        assert seen[0].state is SyncState.LIVE
        await live.stop()  # a board closing: unpins, and an ended sync stays up to date
        assert not cache.is_pinned(the_run.key) and live.statuses[0].state is SyncState.UP_TO_DATE

    asyncio.run(main())


def test_a_job_that_stops_answering_for_a_while_is_followed_until_it_completes(
    emulator: Emulator, source: AzureSource, cache: RunCache
) -> None:
    job = seed_lifecycle(emulator.workspace)  # Provisioning, then Running, NotResponding, ...
    events = Events("loss")
    job.upload(EVENTS, events.steps(0, 3))

    async def main() -> None:
        the_run = await source.get_run("lifecycle", job.id)
        live = LiveSync(source, [the_run], cache=cache, policy=QUICK)
        (status,) = await live.start()
        assert status.state is SyncState.LIVE and status.run.status is RunStatus.PROVISIONING
        step = 3
        while job.timeline:
            shown = job.advance()
            job.append(EVENTS, events.steps(step, step + 3))
            step += 3
            if shown != "Completed":
                await until(
                    lambda shown=shown: status_of(live, the_run.key).run.status.value == shown,  # type: ignore[misc]
                    what=f"the status {shown}",
                )
                await until(
                    lambda: (status.folder / EVENTS[5:]).stat().st_size == len(job.files[EVENTS].data),
                    what=f"the bytes appended while {shown}",
                )
                assert not live.finished and status_of(live, the_run.key).state is SyncState.LIVE
        await asyncio.wait_for(live.wait_finished(), 20)
        final = status_of(live, the_run.key)
        assert final.state is SyncState.UP_TO_DATE and final.run.status is RunStatus.COMPLETED
        same_files(job, status.folder)
        await live.stop()

    asyncio.run(main())


def test_a_status_tbdesk_does_not_know_keeps_the_sync_going(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    running.status = "Hibernating"  # a state a newer service may report: not one of the final three

    async def main() -> None:
        the_run = await source.get_run("live", running.id)
        live = LiveSync(source, [the_run], cache=cache, policy=QUICK)
        (status,) = await live.start()
        assert status.run.status is RunStatus.UNKNOWN and status.state is SyncState.LIVE
        polls = len(_listings(emulator, running.id))
        await until(lambda: len(_listings(emulator, running.id)) >= polls + 3, what="more polls")
        assert not live.finished
        running.status = "Completed"
        await asyncio.wait_for(live.wait_finished(), 20)
        assert status_of(live, the_run.key).state is SyncState.UP_TO_DATE
        await live.stop()

    asyncio.run(main())


def test_a_due_probe_does_not_wait_out_a_long_idle_pause(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 5))
    policy = PollPolicy(fast=0.05, idle=60.0, tree_active=120.0, tree_idle=120.0, probe=0.3)

    async def main() -> None:
        the_run = await source.get_run("live", running.id)
        live = LiveSync(source, [the_run], cache=cache, policy=policy)
        (status,) = await live.start()
        # Backing off from 0.05 s, twelve polls would take over three minutes; a probe due every
        # 0.3 s wakes the loop each time instead.
        await until(lambda: len(_listings(emulator, running.id)) >= 12, what="polls woken by probes")
        running.append(EVENTS, events.steps(5, 10))  # whatever its record says of it
        await until(
            lambda: (status.folder / EVENTS[5:]).stat().st_size == len(running.files[EVENTS].data),
            what="the new steps",
        )
        await live.stop()

    asyncio.run(main())


def test_idle_polls_back_off_and_refresh_polls_at_once(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    policy = PollPolicy(fast=0.05, idle=30.0, tree_active=60.0, tree_idle=60.0)

    async def main() -> None:
        the_run = await source.get_run("live", running.id)
        live = LiveSync(source, [the_run], cache=cache, policy=policy)
        await live.start()
        await until(lambda: len(_listings(emulator, running.id)) >= 6, what="six idle polls")
        times = _listings(emulator, running.id)
        gaps = [b - a for a, b in itertools.pairwise(times[1:])]
        assert gaps[-1] > 3 * gaps[0]  # each quiet round waits longer
        emulator.clear_log()
        live.refresh()  # the next idle poll is seconds away: refresh must not wait for it
        await until(lambda: _listings(emulator, running.id), timeout=5.0, what="a poll on refresh")
        assert len(emulator.requests()) == 2  # the status of the run tree, and its one listing
        await live.stop()
        assert live.statuses[0].state is SyncState.STOPPED

    asyncio.run(main())


def test_a_child_run_that_appears_mid_sweep_joins(
    emulator: Emulator, source: AzureSource, cache: RunCache, sweep: tuple[EmuRun, EmuRun]
) -> None:
    ws = emulator.workspace
    parent, first = sweep

    async def main() -> None:
        root = await source.get_run("sweep", parent.id)
        live = LiveSync(source, [root], cache=cache, policy=QUICK)
        joined: list[RunSyncStatus] = []
        live.on_run_added(joined.append)
        started = await live.start()
        assert {s.run.id for s in started} == {"sweep_1", "sweep_1_0"}
        second = ws.add_run("sweep", "sweep_1_1", parent=parent, status="Running", display_name="lr=0.01")
        second.upload(EVENTS, Events("loss").steps(0, 7))
        await until(lambda: joined, what="the new child run")
        (child,) = joined
        assert child.run.id == "sweep_1_1" and child.run.parent_id == "sweep_1"
        await until(lambda: live.status(child.key).files == 1, what="the new child's files")  # type: ignore[union-attr]
        same_files(second, child.folder)
        for emu_run in (first, second, parent):
            emu_run.status = "Completed"
        await asyncio.wait_for(live.wait_finished(), 20)
        assert {s.state for s in live.statuses} == {SyncState.UP_TO_DATE}
        await live.stop()

    asyncio.run(main())


@pytest.mark.parametrize(
    "failure",
    [
        ("/artifacts/ExperimentRun/", "HTTP 500"),  # the listing of its files
        ("runs:query", "Cannot check the status of"),  # its status: in view while its files sync
    ],
)
def test_an_error_is_shown_with_its_retry_and_clears(
    failure: tuple[str, str], emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    failing, message = failure

    async def main() -> None:
        the_run = await source.get_run("live", running.id)
        live = LiveSync(source, [the_run], cache=cache, policy=QUICK)
        await live.start()
        fault = emulator.inject(Fault(match=failing, status=500, times=1000))
        await until(lambda: live.statuses[0].state is SyncState.ERROR, what="the error")
        failed = live.statuses[0]
        assert message in (failed.error or "") and failed.retry_at is not None
        polls = len(_listings(emulator, running.id))
        await until(lambda: len(_listings(emulator, running.id)) >= polls + 2, what="more polls")
        assert live.statuses[0].state is SyncState.ERROR
        fault.times = 0  # the service is back
        await until(lambda: live.statuses[0].state is SyncState.LIVE, what="the recovery")
        assert live.statuses[0].error is None and live.statuses[0].retry_at is None
        await live.stop()

    asyncio.run(main())


def test_local_workspace_runs_are_read_in_place(tmp_path: Path, cache: RunCache) -> None:
    from tbdesk.local import Experiment, Workspace

    workspace = Workspace(tmp_path / "ws")
    local_run = Experiment(workspace, "local").start_logging()
    logs = local_run.files_dir / "logs"
    logs.mkdir(parents=True)
    (logs / EVENTS[5:]).write_bytes(Events("loss").steps(0, 3))
    source = WorkspaceSource(tmp_path / "ws")

    async def main() -> None:
        (the_run,) = [r async for page in source.runs((await source.experiments())[0]) for r in page]
        live = LiveSync(source, [the_run], cache=cache, policy=QUICK)
        (status,) = await live.start()
        assert status.folder == logs.resolve() or status.folder == logs  # no copy
        assert status.state is SyncState.LIVE
        local_run.complete()
        await asyncio.wait_for(live.wait_finished(), 20)
        assert live.statuses[0].state is SyncState.UP_TO_DATE
        await live.stop()

    asyncio.run(main())
    assert cache.entries() == []
    workspace.close()


class _Broken(AzureRemote):
    """Fails in a way nobody foresaw (a bug) while listing the files of the runs in `broken`."""

    def __init__(self, source: AzureSource) -> None:
        super().__init__(source)
        self.broken: set[str] = set()

    async def listing(self, run: Run, prefix: str) -> list[RemoteFile]:
        if run.id in self.broken:
            raise RuntimeError("a bug")
        return await super().listing(run, prefix)


def test_an_unforeseen_error_in_one_run_stops_neither_it_nor_the_others(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    other = emulator.workspace.add_run("live", "live_run_2", status="Running", display_name="live-2")
    events = Events("loss")
    other.upload(EVENTS, events.steps(0, 5))
    remote = _Broken(source)

    async def main() -> None:
        broken, fine = [await source.get_run("live", r.id) for r in (running, other)]
        live = LiveSync(source, [broken, fine], cache=cache, policy=QUICK, remote=remote)
        await live.start()

        def state(run: Run) -> RunSyncStatus:
            return status_of(live, run.key)

        remote.broken.add(broken.id)
        await until(lambda: state(broken).state is SyncState.ERROR, what="the error")
        assert "failed unexpectedly (RuntimeError: a bug)" in (state(broken).error or "")
        other.append(EVENTS, events.steps(5, 10))
        folder = state(fine).folder
        assert folder is not None
        await until(lambda: (folder / EVENTS[5:]).stat().st_size == len(other.files[EVENTS].data))
        remote.broken.clear()
        await until(lambda: state(broken).state is SyncState.LIVE, what="the recovery")
        await live.stop()

    asyncio.run(main())


class _TrimFails(RunCache):
    """A cache whose trim has a bug that shows from its second call on."""

    trims = 0

    def trim(self) -> list[RunKey]:
        self.trims += 1
        if self.trims > 1:
            raise RuntimeError("a bug in trim")
        return super().trim()


def test_stop_cleans_up_after_the_loop_died(
    emulator: Emulator, source: AzureSource, running: EmuRun, tmp_path: Path
) -> None:
    cache = _TrimFails(tmp_path / "runs")
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 5))

    async def main() -> None:
        the_run = await source.get_run("live", running.id)
        live = LiveSync(source, [the_run], cache=cache, policy=replace(QUICK, trim_every=0.0))
        await live.start()
        running.append(EVENTS, events.steps(5, 10))  # bytes arrive: the next round trims
        await until(lambda: live.statuses[0].state is SyncState.ERROR, what="the loop's end shown")
        assert "Syncing stopped: a bug in trim" in (live.statuses[0].error or "")
        assert not live.finished
        await live.stop()  # does not raise what ended the loop
        assert not cache.is_pinned(the_run.key) and live.statuses[0].state is SyncState.STOPPED

    asyncio.run(main())
