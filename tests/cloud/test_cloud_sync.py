"""Live mirror of a cloud folder's runs into the run cache, against moto's real S3 server: one
listing per round for every run, bytes fetched = bytes appended, replaced files fetched whole, and
faults (throttling, 403, a file recreated smaller, the server stopped and restarted, hostile object
names) ending in the right files or a clear error, never a corrupt mirror."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tbdesk.sources.cloud import CloudFolderSource, all_runs
from tbdesk.sync import LiveSync, PollPolicy, RunCache, RunSync, SyncState, poller
from tbdesk.sync.cloud import CloudRemote
from tests.cloud.servers import S3Server
from tests.sync.sync_helpers import Events, until

EVENTS = "events.out.tfevents.1714550400.host"
POLICY = PollPolicy(fast=0.1, idle=0.3, tree_active=0.3, tree_idle=0.5, retry_first=0.2, retry_max=0.5)


def _mirror(sync: RunSync) -> dict[str, bytes]:
    return {
        str(path.relative_to(sync.folder)): path.read_bytes()
        for path in sync.folder.rglob("*")
        if path.is_file()
    }


def test_one_listing_per_round_and_bytes_fetched_are_bytes_appended(
    bucket: Any, s3: S3Server, cache: RunCache
) -> None:
    files = {name: Events("loss") for name in ("a", "b", "c")}
    data = {name: events.steps(0, 50) for name, events in files.items()}
    for name, body in data.items():
        bucket.put_object(Key=f"tb/{name}/{EVENTS}", Body=body)

    async def main() -> None:
        source = CloudFolderSource(f"s3://{bucket.name}/tb")
        remote = CloudRemote(source)
        runs = await all_runs(source)
        for run in runs:
            await remote.tree(run)  # as the live sync does first: every run's folder is known
        syncs = [RunSync(remote, run, cache.folder(run.key), prefix="") for run in runs]
        s3.reset()
        await asyncio.gather(*(sync.poll() for sync in syncs))
        assert s3.counts() == {"get": 3}  # the listing that found the runs serves the first round
        assert [_mirror(sync) for sync in syncs] == [{EVENTS: data[name]} for name in "abc"]

        s3.reset()  # nothing changed: one listing, nothing else
        results = await asyncio.gather(*(sync.poll() for sync in syncs))
        assert s3.counts() == {"list": 1}
        assert [result.fetched for result in results] == [0, 0, 0]

        more = files["b"].steps(50, 60)
        bucket.put_object(Key=f"tb/b/{EVENTS}", Body=data["b"] + more)
        s3.reset()
        results = await asyncio.gather(*(sync.poll() for sync in syncs))
        assert s3.counts() == {"list": 1, "get": 1}
        assert [result.fetched for result in results] == [0, len(more), 0]
        assert _mirror(syncs[1]) == {EVENTS: data["b"] + more}

    asyncio.run(main())


def test_a_file_deleted_and_recreated_smaller_is_fetched_whole(
    bucket: Any, s3: S3Server, cache: RunCache
) -> None:
    key = f"tb/r/{EVENTS}"
    bucket.put_object(Key=key, Body=Events("loss").steps(0, 100))
    bucket.put_object(Key="tb/r/notes.txt", Body=b"first notes, long ones")

    async def main() -> None:
        source = CloudFolderSource(f"s3://{bucket.name}/tb")
        (run,) = await all_runs(source)
        sync = RunSync(CloudRemote(source), run, cache.folder(run.key), prefix="")
        await sync.poll()
        smaller = Events("acc", wall=1_714_560_000.0).steps(0, 10)
        bucket.Object(key).delete()
        bucket.Object("tb/r/notes.txt").delete()
        bucket.put_object(Key=key, Body=smaller)
        bucket.put_object(Key="tb/r/notes.txt", Body=b"short")
        result = await sync.poll()
        assert sorted(result.changed) == [EVENTS, "notes.txt"]
        assert _mirror(sync) == {EVENTS: smaller, "notes.txt": b"short"}

    asyncio.run(main())


def test_throttling_is_retried_and_ends_in_the_right_files(
    bucket: Any, s3: S3Server, cache: RunCache
) -> None:
    events = Events("loss")
    first = events.steps(0, 20)
    bucket.put_object(Key=f"tb/r/{EVENTS}", Body=first)

    async def main() -> None:
        source = CloudFolderSource(f"s3://{bucket.name}/tb")
        (run,) = await all_runs(source)
        sync = RunSync(CloudRemote(source), run, cache.folder(run.key), prefix="")
        s3.fault(503, "SlowDown", times=2, method="GET")  # the listing, then the read
        await sync.poll()
        more = events.steps(20, 30)
        bucket.put_object(Key=f"tb/r/{EVENTS}", Body=first + more)
        s3.fault(503, "SlowDown", times=2, method="GET")
        result = await sync.poll()
        assert result.changed == (EVENTS,)
        assert _mirror(sync) == {EVENTS: first + more}

    asyncio.run(main())


def test_a_refusal_shows_a_clear_error_and_leaves_the_mirror_as_it_was(
    bucket: Any, s3: S3Server, cache: RunCache
) -> None:
    events = Events("loss")
    first = events.steps(0, 20)
    bucket.put_object(Key=f"tb/r/{EVENTS}", Body=first)

    async def main() -> None:
        source = CloudFolderSource(f"s3://{bucket.name}/tb")
        runs = await all_runs(source)
        live = LiveSync(source, runs, cache=cache, policy=POLICY)
        try:
            (status,) = await live.start()
            assert status.state is SyncState.LIVE
            assert status.folder is not None
            folder = status.folder
            more = events.steps(20, 30)
            bucket.put_object(Key=f"tb/r/{EVENTS}", Body=first + more)
            s3.fault(403, "AccessDenied", times=1000)
            await until(lambda: live.statuses[0].state is SyncState.ERROR, 30, "the error")
            assert "access denied (403)" in (live.statuses[0].error or "")
            assert (folder / EVENTS).read_bytes() == first
            s3.reset()  # access given back: it goes on by itself
            await until(lambda: (folder / EVENTS).read_bytes() == first + more, 30, "the new steps")
            await until(lambda: live.statuses[0].state is SyncState.LIVE, 30, "live again")
        finally:
            await live.stop()

    asyncio.run(main())


def test_the_server_stopped_and_restarted_mid_sync(tmp_path: Path, s3: S3Server, cache: RunCache) -> None:
    import boto3

    events = Events("loss")
    first = events.steps(0, 30)
    boto3.resource("s3").Bucket("restarted").create()
    boto3.resource("s3").Bucket("restarted").put_object(Key=f"tb/r/{EVENTS}", Body=first)

    async def main() -> None:
        source = CloudFolderSource("s3://restarted/tb")
        runs = await all_runs(source)
        live = LiveSync(source, runs, cache=cache, policy=POLICY)
        try:
            (status,) = await live.start()
            assert status.folder is not None
            folder = status.folder
            s3.stop()
            await until(lambda: live.statuses[0].state is SyncState.ERROR, 60, "the error")
            assert "cannot be reached" in (live.statuses[0].error or "")
            assert (folder / EVENTS).read_bytes() == first
            s3.start()  # moto keeps nothing: the writer uploads its file again, grown
            more = events.steps(30, 40)
            bucket = boto3.resource("s3").Bucket("restarted")
            bucket.create()
            bucket.put_object(Key=f"tb/r/{EVENTS}", Body=first + more)
            await until(lambda: (folder / EVENTS).read_bytes() == first + more, 60, "the new steps")
        finally:
            await live.stop()

    asyncio.run(main())


def test_hostile_object_names_never_leave_the_cache(bucket: Any, s3: S3Server, tmp_path: Path) -> None:
    data = Events("loss").steps(0, 3)
    bucket.put_object(Key=f"tb/r/{EVENTS}", Body=data)
    hostile = [
        "tb/r/../../escape.txt",
        "tb/r/a\\..\\..\\escape.txt",
        "tb/r/%2e%2e%2fescape.txt",
        "tb/r/" + "n" * 300,
        "tb/r/nul\x01name",
        "tb/r/CON",
        "tb/r/sub/../../../escape.txt",
    ]
    for key in hostile:
        bucket.put_object(Key=key, Body=b"evil")
    cache = RunCache(tmp_path / "deep" / "cache")

    async def main() -> None:
        source = CloudFolderSource(f"s3://{bucket.name}/tb")
        runs = await all_runs(source)
        assert [run.id for run in runs] == ["r"]
        sync = RunSync(CloudRemote(source), runs[0], cache.folder(runs[0].key), prefix="")
        await CloudRemote(source).tree(runs[0])
        result = await sync.poll()
        assert len(result.refused) == len(hostile)
        assert _mirror(sync) == {EVENTS: data}

    asyncio.run(main())
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and cache.root not in p.parents]
    assert outside == []


def test_the_newest_run_is_mirrored_first_and_a_board_can_wait_for_it(
    bucket: Any, s3: S3Server, cache: RunCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """start(wait=False) returns at once; first_run_synced() returns when the run the listing puts
    first (the newest, which a board on the folder waits for) is mirrored whole; the others keep
    off the store until let_others_go() (the board is up)."""
    monkeypatch.setattr(poller, "OTHERS_WAIT_S", 120.0)
    stamps = {"old": 1714550400, "newest": 1714559999, "older": 1714540000}
    data = {name: Events("loss").steps(0, 200) for name in stamps}
    for name, stamp in stamps.items():
        bucket.put_object(Key=f"tb/{name}/events.out.tfevents.{stamp}.host", Body=data[name])

    async def main() -> None:
        source = CloudFolderSource(f"s3://{bucket.name}/tb")
        runs = await all_runs(source)
        assert [run.id for run in runs] == ["newest", "old", "older"]
        live = LiveSync(source, runs, cache=cache, policy=POLICY)
        try:
            s3.reset()
            await live.start(wait=False)
            await asyncio.wait_for(live.first_run_synced(), 30)
            status = live.status(runs[0].key)
            assert status is not None and status.folder is not None
            name = f"events.out.tfevents.{stamps['newest']}.host"
            assert (status.folder / name).read_bytes() == data["newest"]
            assert s3.counts().get("get") == 1  # the newest run's file alone
            others = [live.status(run.key) for run in runs[1:]]
            assert [other.state if other else None for other in others] == [SyncState.SYNCING] * 2
            live.let_others_go()
            await until(lambda: all(s.state is SyncState.LIVE for s in live.statuses), 30, "the others")
        finally:
            await live.stop()

    asyncio.run(main())
