"""A cloud folder of logs as a source, against moto's real S3 server: runs found by one listing
(never a read of an event file), URLs in every spelling, and a clear error for each way in which
the store can refuse."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tbdesk.model import Run
from tbdesk.sources import SourceError, open_source
from tbdesk.sources.cloud import CloudFolderSource
from tbdesk.sources.cloud_access import CloudURL, parse_url
from tests.cloud.servers import S3Server
from tests.sync.sync_helpers import Events

EVENTS = "events.out.tfevents.1714550400.host"


def _runs(source: CloudFolderSource) -> list[Run]:
    async def main() -> list[Run]:
        found: list[Run] = []
        for experiment in await source.experiments():
            async for page in source.runs(experiment):
                found += page
        return found

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("text", "url", "canonical"),
    [
        ("s3://logs/tb/", CloudURL("s3", "logs/tb"), "s3://logs/tb"),
        ("s3a://logs", CloudURL("s3", "logs"), "s3://logs"),
        ("gs://b/x//y", CloudURL("gcs", "b/x/y"), "gs://b/x/y"),
        ("gcs://b", CloudURL("gcs", "b"), "gs://b"),
        ("az://c/runs", CloudURL("az", "c/runs"), "az://c/runs"),
        ("abfs://c/runs", CloudURL("az", "c/runs"), "az://c/runs"),
        (
            "abfss://c@acct.dfs.core.windows.net/runs",
            CloudURL("az", "c/runs", "acct"),
            "https://acct.blob.core.windows.net/c/runs",
        ),
        (
            "https://acct.blob.core.windows.net/c/runs/",
            CloudURL("az", "c/runs", "acct"),
            "https://acct.blob.core.windows.net/c/runs",
        ),
    ],
)
def test_cloud_urls_in_every_spelling(text: str, url: CloudURL, canonical: str) -> None:
    assert parse_url(text) == url
    assert url.text == canonical
    assert parse_url(canonical) == url


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ftp://x/y", "not a cloud folder"),
        ("https://example.com/c/x", "Azure Blob"),
        ("s3://", "names no bucket"),
        ("s3://b/../c", "'..'"),
        ("https://acct.blob.core.windows.net/c?sv=2020&sig=x", "keyring"),
        ("abfs://c@evil.example.com/x", "does not know"),
    ],
)
def test_bad_cloud_urls_are_refused_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(SourceError, match=why):
        parse_url(text)


def test_runs_are_the_folders_that_hold_event_files_found_by_one_listing(bucket: Any, s3: S3Server) -> None:
    data = Events("loss").steps(0, 3)
    for key in (
        f"tb/{EVENTS}",  # the root is a run too
        f"tb/exp1/a/{EVENTS}",
        "tb/exp1/a/plugins/profile/trace.json",  # not a run: no event file of its own
        f"tb/exp1/b/{EVENTS}",
        f"tb/exp2/c/{EVENTS}",
        f"tb/exp2/c/{EVENTS}.2",
        f"tb/.hidden/d/{EVENTS}",
        "tb/notes.txt",
        f"other/e/{EVENTS}",  # outside the folder
    ):
        bucket.put_object(Key=key, Body=data)
    s3.reset()
    source = CloudFolderSource(f"s3://{bucket.name}/tb")
    runs = _runs(source)
    assert sorted(run.id for run in runs) == [".", "exp1/a", "exp1/b", "exp2/c"]
    assert {run.id: run.experiment for run in runs}["exp1/a"] == "exp1"
    assert all(run.start_time is not None and run.start_time.year == 2024 for run in runs)
    assert s3.counts() == {"list": 1}  # one listing, no event file read, no HEAD

    (a,) = (run for run in runs if run.id == "exp1/a")
    files = asyncio.run(source.files(a))
    assert sorted(file.path for file in files) == [EVENTS, "plugins/profile/trace.json"]


def test_a_source_comes_back_from_its_id(bucket: Any, s3: S3Server) -> None:
    bucket.put_object(Key=f"tb/r/{EVENTS}", Body=Events("loss").steps(0, 1))
    source = open_source(f"cloud:s3://{bucket.name}/tb")
    assert isinstance(source, CloudFolderSource)
    assert [run.id for run in _runs(source)] == ["r"]


def test_a_missing_bucket_says_so(s3: S3Server) -> None:
    with pytest.raises(SourceError, match="S3 bucket no-such-bucket does not exist"):
        _runs(CloudFolderSource("s3://no-such-bucket/tb"))


def test_no_access_says_403_and_how_to_get_in(bucket: Any, s3: S3Server) -> None:
    s3.fault(403, "AccessDenied", times=20)
    with pytest.raises(SourceError, match=r"access denied \(403\).*AWS_PROFILE"):
        _runs(CloudFolderSource(f"s3://{bucket.name}/tb"))


def test_an_expired_token_says_so(bucket: Any, s3: S3Server) -> None:
    s3.fault(400, "ExpiredToken", times=20)
    with pytest.raises(SourceError, match="expired"):
        _runs(CloudFolderSource(f"s3://{bucket.name}/tb"))


def test_an_unreachable_store_says_offline(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(SourceError, match="cannot be reached"):
        _runs(CloudFolderSource("s3://logs/tb"))
