"""The AzureSource calls live sync builds on: a folder's files with etags in one request (sizes
unknown: the listing has none), every download link under a prefix in one request, the bytes of a
link from an offset, and a run tree with fresh status in one query."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from azure_helpers import run

from tbdesk.azure.rest import CancelledError
from tbdesk.sources.azure import AzureSource
from tests.azureml_emulator import Emulator

SWEEP = "HD_lr-sweep_parent"
MakeSource = Callable[..., AzureSource]


def test_files_of_a_folder_come_in_one_listing_with_etags_and_no_sizes(
    demo: Emulator, make_source: MakeSource
) -> None:
    source: AzureSource = make_source()
    top = run(source.get_run("metric-kinds", "kinds_run"))
    emu = demo.workspace.runs["kinds_run"]
    emu.upload("logs/a/events.out.tfevents.1", b"a" * 10)
    emu.upload("logs/b/events.out.tfevents.2", b"b" * 20)
    demo.clear_log()

    found = run(source.files(top, "logs/"))

    assert [(f.path, f.etag, f.size) for f in found] == [
        ("logs/a/events.out.tfevents.1", emu.files["logs/a/events.out.tfevents.1"].etag, None),
        ("logs/b/events.out.tfevents.2", emu.files["logs/b/events.out.tfevents.2"].etag, None),
    ]
    (listing,) = demo.requests()  # azureml-mlflow's list_in_container: ?path= on the container
    assert listing.path.endswith("/artifacts/ExperimentRun/dcid.kinds_run")
    assert listing.query == {"path": "logs/"}


def test_download_links_then_bytes_from_an_offset(demo: Emulator, make_source: MakeSource) -> None:
    source: AzureSource = make_source()
    top = run(source.get_run("metric-kinds", "kinds_run"))
    emu = demo.workspace.runs["kinds_run"]
    emu.upload("logs/events.out.tfevents.1", bytes(range(200)))
    demo.clear_log()

    links = run(source.download_links(top, "logs/"))

    assert list(links) == ["logs/events.out.tfevents.1"]
    assert len(demo.requests()) == 1
    ranged = source.open_download(links["logs/events.out.tfevents.1"], "the events", offset=150)
    try:
        assert ranged.status_code == 206
        assert ranged.headers["Content-Range"] == "bytes 150-199/200"
        assert ranged.content == bytes(range(150, 200))
    finally:
        ranged.close()
    past = source.open_download(links["logs/events.out.tfevents.1"], "the events", offset=200)
    past.close()
    assert past.status_code == 416

    source.close()
    with pytest.raises(CancelledError, match="was closed"):
        source.open_download(links["logs/events.out.tfevents.1"], "the events")


def test_run_tree_is_one_query_for_a_sweep_and_walks_below_a_child(
    demo: Emulator, make_source: MakeSource
) -> None:
    source: AzureSource = make_source()
    parent = run(source.get_run("lr-sweep", SWEEP))
    demo.workspace.runs[f"{SWEEP}_3"].status = "Running"
    demo.clear_log()

    tree = run(source.run_tree(parent))

    assert sorted(r.id for r in tree) == sorted([SWEEP] + [f"{SWEEP}_{i}" for i in range(12)])
    assert {r.id: r.status.value for r in tree}[f"{SWEEP}_3"] == "Running"
    assert [r.path for r in demo.requests()] == [demo.requests()[0].path]
    assert demo.requests()[0].path.endswith("/experiments/lr-sweep/runs:query")

    child = next(r for r in tree if r.id == f"{SWEEP}_3")
    assert [r.id for r in run(source.run_tree(child))] == [f"{SWEEP}_3"]
