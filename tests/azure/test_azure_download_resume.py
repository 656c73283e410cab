"""Downloads whose connection is cut in the middle of the bytes: a ranged append resumes after the
bytes it already appended (none sent twice), a file that changed between the attempts is fetched
again whole, and a whole download ends with the file and no leftovers. Each ends byte for byte
like the file upstream."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path

from azure_helpers import FAST, run

from tbdesk.model import Run
from tbdesk.sources.azure import AzureSource
from tests.azureml_emulator import Emulator, EmuRun, Fault

PATH = "logs/events.out.tfevents.1"


def _setup(
    demo: Emulator, make_source: Callable[..., AzureSource], first: bytes
) -> tuple[AzureSource, Run, EmuRun]:
    source: AzureSource = make_source()
    target = run(source.get_run("metric-kinds", "kinds_run"))
    emu = demo.workspace.runs["kinds_run"]
    emu.upload(PATH, first)
    return source, target, emu


def test_a_cut_append_resumes_after_the_bytes_it_appended(
    demo: Emulator, make_source: Callable[..., AzureSource], tmp_path: Path
) -> None:
    first, more = os.urandom(5_000), os.urandom(300_000)
    source, target, emu = _setup(demo, make_source, first)
    dest = tmp_path / "events"
    run(source.download(target, PATH, dest))
    emu.append(PATH, more)
    cuts = demo.inject(Fault(match="^/blob/", cut_after=70_000, times=2))
    demo.clear_log()

    grown = run(source.download(target, PATH, dest, offset=len(first)))

    assert cuts.hits == 2
    assert dest.read_bytes() == first + more
    assert (grown.size, grown.appended) == (len(first) + len(more), len(more))
    # Each retry asks from where the bytes appended so far end (at most what was sent before the cut).
    asked = [int(str(r.range)[6:-1]) for r in demo.requests("GET", contains="/blob/")]
    assert len(asked) == 3 and asked[0] == len(first)
    assert all(a < b <= a + 70_000 for a, b in itertools.pairwise(asked))


def test_a_cut_append_of_a_file_replaced_meanwhile_is_fetched_again_whole(
    demo: Emulator, make_source: Callable[..., AzureSource], tmp_path: Path
) -> None:
    first = os.urandom(5_000)
    source, target, emu = _setup(demo, make_source, first)
    dest = tmp_path / "events"
    run(source.download(target, PATH, dest))
    emu.append(PATH, os.urandom(200_000))
    replaced = os.urandom(400_000)
    # The connection breaks after some bytes were appended; before the retry is answered, the file
    # is replaced.
    demo.inject(Fault(match="^/blob/", cut_after=150_000))
    demo.inject(Fault(match="^/blob/", then=lambda: emu.upload(PATH, replaced)))

    result = run(source.download(target, PATH, dest, offset=len(first)))

    assert dest.read_bytes() == replaced
    assert demo.requests("GET", contains="/blob/")[-1].range is None  # the last one: whole
    assert (
        result.size == len(replaced) and result.etag == emu.files[PATH].blob_etag
    )  # the bytes' ETag, not the record's
    assert not list(tmp_path.glob(".part-*"))


def test_a_cut_whole_download_ends_complete_without_leftovers(
    demo: Emulator, make_source: Callable[..., AzureSource], tmp_path: Path
) -> None:
    data = os.urandom(500_000)
    source, target, _ = _setup(demo, make_source, data)
    demo.inject(Fault(match="^/blob/", cut_after=100_000, times=FAST.retries))
    dest = tmp_path / "events"

    result = run(source.download(target, PATH, dest))

    assert dest.read_bytes() == data and result.size == len(data)
    assert not list(tmp_path.glob(".part-*"))
