"""Cloud folders in Google Cloud Storage, against a GCS emulator (gcp-storage-emulator, reached
through STORAGE_EMULATOR_HOST as Google's own tools do) read through gcsfs: runs found by listing,
a board serving the new steps of an object rewritten longer (as GCS writers do: objects are
immutable) with each byte fetched once, and a missing bucket said as such."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import BoardManager, BoardRun
from tbdesk.sources import SourceError
from tbdesk.sources.cloud import CloudFolderSource, all_runs
from tbdesk.sync import LiveSync, PollPolicy, RunCache
from tests.cloud.servers import GcsServer
from tests.sync.sync_helpers import Events, until

EVENTS = "events.out.tfevents.1714550400.host"
POLICY = PollPolicy(fast=0.2, idle=0.5, tree_active=0.5, tree_idle=1.0, retry_first=0.2, retry_max=1.0)


def _steps(url: str) -> list[int]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            points: list[Any] = json.loads(response.read())
    except OSError:  # not loaded yet
        return []
    return [int(point[1]) for point in points]


def test_runs_are_found_by_listing(gcs_bucket: Any) -> None:
    for key in (f"tb/exp1/a/{EVENTS}", f"tb/exp1/b/{EVENTS}", f"tb/{EVENTS}", f"tb/.hidden/{EVENTS}"):
        gcs_bucket.blob(key).upload_from_string(Events("loss").steps(0, 1))
    gcs_bucket.blob("tb/exp1/a/plugins/profile/trace.json").upload_from_string(b"{}")
    gcs_bucket.blob("tb/notes.txt").upload_from_string(b"not a run")
    source = CloudFolderSource(f"gs://{gcs_bucket.name}/tb")
    runs = asyncio.run(all_runs(source))
    assert [run.id for run in runs] == [".", "exp1/a", "exp1/b"]
    assert {run.id: run.experiment for run in runs}["exp1/a"] == "exp1"
    assert all(run.start_time is not None and run.start_time.year == 2024 for run in runs)
    (a,) = (run for run in runs if run.id == "exp1/a")
    files = asyncio.run(source.files(a))
    assert sorted(file.path for file in files) == [EVENTS, "plugins/profile/trace.json"]


def test_a_board_serves_the_new_steps_of_a_growing_object(
    gcs_bucket: Any, cache: RunCache, tmp_path: Path
) -> None:
    events = Events("loss")
    blob = gcs_bucket.blob(f"tb/train/{EVENTS}")
    data = events.steps(0, 5)
    blob.upload_from_string(data)
    gcs_bucket.blob(f"tb/eval/{EVENTS}").upload_from_string(Events("acc").steps(0, 3))

    async def main() -> None:
        nonlocal data
        source = CloudFolderSource(f"gs://{gcs_bucket.name}/tb")
        runs = await all_runs(source)
        assert [run.id for run in runs] == ["eval", "train"]
        live = LiveSync(source, runs, cache=cache, policy=POLICY)
        manager = BoardManager(tmp_path / "boards")
        try:
            # As a board of a cloud folder starts: on the empty folders, the first sync under way.
            statuses = await live.start(wait=False)
            board = await manager.open([BoardRun(s.run.name, s.folder, s.key) for s in statuses if s.folder])
            assert board.url is not None
            query = urllib.parse.urlencode({"run": "train", "tag": "loss"})
            url = f"{board.url}data/plugin/scalars/scalars?{query}"
            await until(lambda: _steps(url) == [0, 1, 2, 3, 4], 30, "the first steps")
            for first in (5, 10):
                data += events.steps(first, first + 5)
                blob.upload_from_string(data)  # a new generation, longer
                await until(lambda last=first + 4: _steps(url)[-1:] == [last], 30, f"step {first + 4}")
            assert _steps(url) == list(range(15))
            (train,) = (s for s in live.statuses if s.run.id == "train")
            assert train.folder is not None
            assert (train.folder / EVENTS).read_bytes() == data
            assert train.bytes_fetched == len(data)  # each byte once: the new ones by ranged reads
        finally:
            await live.stop()
            await manager.stop_all()

    asyncio.run(main())


def test_a_missing_bucket_says_so(gcs_server: GcsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_server.endpoint)
    with pytest.raises(SourceError, match="Google Cloud Storage bucket no-such-bucket does not exist"):
        asyncio.run(all_runs(CloudFolderSource("gs://no-such-bucket/tb")))
