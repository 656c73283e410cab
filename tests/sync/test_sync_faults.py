"""Faults the emulator injects while a run's growing logs are synced: throttling with Retry-After,
server errors, connections cut before an answer or in the middle of a file, slow answers, and an
access token that expired under us. Every time the folder ends byte for byte like the run's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sync_helpers import Events, run, same_files

from tbdesk.sources.azure import AzureSource
from tbdesk.sync import AzureRemote, RunCache, RunSync, SyncError
from tests.azureml_emulator import Emulator, EmuRun, Fault, StaticCredential, make_token
from tests.azureml_emulator.clients import emulator_source
from tests.azureml_emulator.tokens import AccessToken

EVENTS = "logs/events.out.tfevents.1714550400.host"

FAULTS = {
    "throttled listing": Fault(match=r"/artifacts/ExperimentRun/", status=429, retry_after=0.05, times=2),
    "server errors on links": Fault(match=r"/prefix/contentinfo/", status=503, times=2),
    "server errors on bytes": Fault(match=r"^/blob/", status=500, times=2),
    "cut before an answer": Fault(match=r"^/blob/", cut=True, times=2),
    "cut in the middle of a file": Fault(match=r"^/blob/", cut_after=1000, times=3),
    "slow answers": Fault(match=r"", delay=0.3, times=3),
}


def _grow_and_sync(source: AzureSource, cache: RunCache, running: EmuRun, arm: Callable[[], object]) -> None:
    """Sync a run's logs, let them grow and gain a file, sync again; the fault is armed before each poll."""
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 50))
    running.upload("logs/eval/events.out.tfevents.2.host", Events("acc").steps(0, 500))
    the_run = run(source.get_run("live", running.id))
    sync = RunSync(AzureRemote(source), the_run, cache.folder(the_run.key), probe_every=0.0)
    arm()
    run(sync.poll())
    same_files(running, sync.folder)
    running.append(EVENTS, events.steps(50, 500))
    running.upload("logs/fold-2/events.out.tfevents.3.host", Events("f2").steps(0, 300))
    arm()
    run(sync.poll(probe=True))  # the growth shows by its record, or else by a probe...
    run(sync.poll(probe=True))  # ... of one file per poll: the other one's comes next
    same_files(running, sync.folder)


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_end_byte_identical(
    name: str, emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    armed: list[Fault] = []

    def arm() -> None:
        armed.append(emulator.inject(replace(FAULTS[name])))

    _grow_and_sync(source, cache, running, arm)
    assert [fault.hits for fault in armed] == [fault.times for fault in armed]  # they really happened


class ExpiresOnce(StaticCredential):
    """Hands out one token that has already expired (as a cached token can be), then fresh ones."""

    def __init__(self) -> None:
        super().__init__()
        self.expire_next = False
        self.expired_given = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        if self.expire_next:
            self.expire_next = False
            self.expired_given += 1
            return AccessToken(make_token(-60), 0)
        return super().get_token(*scopes, **kwargs)


def test_an_expired_token_is_refreshed(emulator: Emulator, cache: RunCache, running: EmuRun) -> None:
    from sync_helpers import FAST

    credential = ExpiresOnce()
    source = emulator_source(emulator, credential, policy=FAST)
    try:
        _grow_and_sync(source, cache, running, lambda: setattr(credential, "expire_next", True))
    finally:
        source.close()
    assert credential.expired_given == 2
    assert sum(r.status == 401 for r in emulator.requests()) == 2  # refused, then asked again


def _two_files(source: AzureSource, cache: RunCache, running: EmuRun) -> RunSync:
    running.upload(EVENTS, Events("loss").steps(0, 50))
    running.upload("logs/eval/events.out.tfevents.2.host", Events("acc").steps(0, 50))
    the_run = run(source.get_run("live", running.id))
    return RunSync(AzureRemote(source), the_run, cache.folder(the_run.key))


def test_a_refused_download_link_is_renewed(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    sync = _two_files(source, cache, running)
    refused = emulator.inject(Fault(match=r"^/blob/.*tfevents\.1714", status=403))  # its SAS expired
    run(sync.poll())
    same_files(running, sync.folder)
    assert refused.hits == 1
    assert len(emulator.requests(contains="/contentinfo/")) == 2  # the links, then new ones once


def test_a_download_refused_for_good_is_an_error_not_a_skip(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    sync = _two_files(source, cache, running)
    refused = emulator.inject(Fault(match=r"^/blob/.*tfevents\.1714", status=403, times=1000))
    with pytest.raises(SyncError, match=r"refused to send logs/events\.out.* even with a new download link"):
        run(sync.poll())
    assert (sync.folder / "eval" / "events.out.tfevents.2.host").is_file()  # the others go on
    assert not (sync.folder / EVENTS[5:]).exists()
    refused.times = 0  # the service sends it again
    result = run(sync.poll())
    assert result.changed == (EVENTS,)
    same_files(running, sync.folder)


def test_a_file_removed_while_its_link_is_refused_is_let_go(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    sync = _two_files(source, cache, running)
    emulator.inject(
        Fault(
            match=r"^/blob/.*tfevents\.1714",
            status=404,
            times=1000,
            then=lambda: running.files.pop(EVENTS, None),
        )
    )
    result = run(sync.poll())  # gone upstream between the listing and the download: no error
    assert result.changed == ("logs/eval/events.out.tfevents.2.host",)
    same_files(running, sync.folder)
