"""An artifact listing's record etag and the bytes' HTTP ETag are two things (issue 9): the sync
keeps them apart, follows growth whether or not a record's etag changes with it (every test here
runs under both of the emulator's modes), and keeps to its budget of requests: one listing per
poll, at most one probe of an event file that grew lately per `probe_every`, none once quiet."""

from __future__ import annotations

import json

import requests
from sync_helpers import Events, run, same_files

from tbdesk.sources.azure import AzureSource
from tbdesk.sync import AzureRemote, RunCache, RunSync
from tests.azureml_emulator import Emulator, EmuRun, Fault

EVENTS = "logs/events.out.tfevents.1714550400.host"
EVAL = "logs/eval/events.out.tfevents.1714550401.host"
HOUR = 3600.0


def _sync(source: AzureSource, cache: RunCache, emu_run: EmuRun, **options: float) -> RunSync:
    the_run = run(source.get_run(emu_run.experiment.name, emu_run.id))
    return RunSync(AzureRemote(source), the_run, cache.folder(the_run.key), **options)


def test_a_listing_carries_the_records_etag_never_the_blobs(
    emulator: Emulator, source: AzureSource, running: EmuRun
) -> None:
    the_run = run(source.get_run("live", running.id))
    (listed,) = run(source.files(the_run, "logs/"))
    links = run(source.download_links(the_run, "logs/"))
    blob = requests.get(links[listed.path], timeout=10)
    assert listed.etag == running.files[listed.path].etag and listed.modified is not None
    assert blob.headers["ETag"] != listed.etag  # another thing altogether


def test_an_idle_poll_is_one_listing_and_probes_stay_within_their_budget(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    running.upload(EVAL, Events("acc").steps(0, 3))
    sync = _sync(source, cache, running, probe_every=HOUR, quiet=HOUR)
    run(sync.poll(probe=True))  # the first sync
    emulator.clear_log()
    probing = run(sync.poll(probe=True))  # both event files grew lately (they are new here)
    assert len(probing.probed) == 1 and probing.fetched == 0
    (probe,) = emulator.requests(contains="/blob/")
    assert probe.status == 304 and probe.range is not None  # If-None-Match: the bytes read last
    assert len(emulator.requests()) == 2
    emulator.clear_log()
    for _ in range(3):  # the next probe is an hour away: the listing alone
        assert run(sync.poll(probe=True)).probed == ()
    assert len(emulator.requests()) == 3 and not emulator.requests(contains="/blob/")

    quiet = _sync(source, cache, running, probe_every=0.0, quiet=0.0)  # nothing grew lately
    run(quiet.poll(probe=True))
    emulator.clear_log()
    for _ in range(3):
        assert run(quiet.poll(probe=True)).probed == ()
    assert len(emulator.requests()) == 3


def test_probes_take_turns_and_growth_costs_exactly_its_bytes(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    train, evaluation = Events("loss"), Events("acc")
    running.upload(EVENTS, train.steps(0, 5))
    running.upload(EVAL, evaluation.steps(0, 5))
    sync = _sync(source, cache, running, probe_every=0.0)
    run(sync.poll(probe=True))
    appended = fetched = 0
    for first in range(5, 40, 5):
        more = train.steps(first, first + 5) + evaluation.steps(first, first + 5)
        running.append(EVENTS, train.steps(first, first + 5))
        running.append(EVAL, evaluation.steps(first, first + 5))
        appended += len(more)
        for _ in range(2):  # two polls: one probe each when the records do not tell
            fetched += run(sync.poll(probe=True)).fetched
        same_files(running, sync.folder)
    assert fetched == appended  # no byte twice, none re-read to check
    probed = [r for r in emulator.requests(contains="/blob/") if r.range]
    assert {r.path.rsplit("/", 1)[-1] for r in probed} == {EVENTS.rsplit("/", 1)[-1], EVAL.rsplit("/", 1)[-1]}


def test_the_last_poll_after_the_end_looks_at_each_event_file_once(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 5))
    running.upload(EVAL, Events("acc").steps(0, 3))
    sync = _sync(source, cache, running, probe_every=HOUR)
    run(sync.poll(probe=True))
    more = events.steps(5, 9)
    running.append(EVENTS, more)  # the last steps, as the job ends
    running.status = "Completed"
    emulator.clear_log()
    last = run(sync.poll(final=True))
    same_files(running, sync.folder)
    assert last.fetched == len(more)
    assert len(emulator.requests(contains="/blob/")) == 2  # each event file once, whatever told
    later = _sync(source, cache, running)  # the next launch, on the ledger that knows it ended
    emulator.clear_log()
    assert run(later.poll(final=True)).probed == ()
    assert len(emulator.requests()) == 1


def test_bytes_already_here_are_not_fetched_again_when_the_record_catches_up(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    events = Events("loss")
    running.upload(EVENTS, events.steps(0, 5))
    sync = _sync(source, cache, running, probe_every=0.0)
    run(sync.poll(probe=True))
    running.append(EVENTS, events.steps(5, 10))
    # The job appends again between the listing and the read: the read gets both appends.
    emulator.inject(Fault(match="^/blob/", then=lambda: running.append(EVENTS, events.steps(10, 15))))
    run(sync.poll(probe=True))
    same_files(running, sync.folder)
    emulator.clear_log()
    after = run(sync.poll(probe=True))  # a changed record, or a due probe: 304 either way
    assert after.fetched == 0 and after.changed == ()
    assert [r.status for r in emulator.requests(contains="/blob/")] == [304]


def test_a_ledger_of_the_first_version_costs_no_bytes(
    emulator: Emulator, source: AzureSource, cache: RunCache, running: EmuRun
) -> None:
    running.upload(EVAL, Events("acc").steps(0, 3))
    sync = _sync(source, cache, running)
    run(sync.poll())
    ledger = sync.files_root.parent / ".sync" / "ledger.json"
    kept = json.loads(ledger.read_text())
    # What version 1 wrote: one etag per file, the bytes' ETag from the download.
    ledger.write_text(json.dumps({"version": 1, "files": kept["blobs"], "partials": {}, "frames": {}}))
    emulator.clear_log()
    again = run(_sync(source, cache, running).poll())
    assert again.fetched == 0 and again.changed == ()
    assert sorted(r.status for r in emulator.requests(contains="/blob/")) == [304, 304]
    same_files(running, sync.folder)
