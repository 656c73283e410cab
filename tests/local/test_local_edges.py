"""The logging API's edge cases: each is refused with an error that names the run and what was
refused, and nothing of it is stored (issue 10, section 4)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tbdesk.local import Experiment, InvalidNameError, Run, Workspace, WorkspaceError
from tbdesk.local.store import INCOMING_DIR

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return Experiment(Workspace(tmp_path / "ws"), "e").start_logging()


def test_steps_beyond_64_bits_are_refused_by_name(run: Run) -> None:
    for step in (2**63 - 1, 2**63, 2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match=f"The step {step} of the metric 'loss' of run {run.id} is out"):
            run.log("loss", 1.0, step=step)
    run.log("loss", 1.0, step=2**63 - 2)  # the last step there is
    with pytest.raises(ValueError, match=f"The step {2**63 - 1} of the metric 'loss' of run {run.id}"):
        run.log("loss", 2.0)  # its counter would go past the end
    run.log("loss", 3.0, step=-(2**63))
    assert run.get_metrics() == {"loss": [3.0, 1.0]}


def test_a_finished_run_keeps_its_status_and_takes_no_more_metrics(run: Run, tmp_path: Path) -> None:
    run.log("loss", 1.0)
    run.complete()
    ended = run.get_details()["endTimeUtc"]
    with pytest.raises(
        WorkspaceError, match=f"The run {run.id} is already Completed: it cannot become Failed"
    ):
        run.fail("too late")
    with pytest.raises(
        WorkspaceError, match=f"The run {run.id} is already Completed: it cannot become Canceled"
    ):
        run.cancel()
    run.complete()
    assert run.get_status() == "Completed" and run.get_details()["endTimeUtc"] == ended
    assert "error" not in run.get_details()

    refused = f"The run {run.id} is Completed: it takes no more metrics, so the metric 'loss' was not logged"
    with pytest.raises(WorkspaceError, match=refused):
        run.log("loss", 2.0)
    with pytest.raises(WorkspaceError, match="the metric 'rows' was not logged"):
        run.log_row("rows", a=1)
    image = tmp_path / "image.png"
    image.write_bytes(PNG)
    with pytest.raises(WorkspaceError, match="the image 'pic' was not logged"):
        run.log_image("pic", path=image)
    assert run.get_metrics() == {"loss": 1.0}
    assert run.get_file_names() == []
    run.tag("reviewed", "yes")  # tags stay editable, as in Azure ML
    assert run.tags == {"reviewed": "yes"}


@pytest.mark.parametrize(
    ("key", "why"),
    [("a\x00b", "control characters"), ("k" * 10_000, "10000 characters long"), ("", "empty")],
)
def test_tag_and_property_keys_follow_the_metric_name_rules(run: Run, key: str, why: str) -> None:
    with pytest.raises(InvalidNameError, match=why) as caught:
        run.set_tags({"fine": "1", key: "v"})
    assert f"The run {run.id} got none of these tag entries." in str(caught.value)
    with pytest.raises(InvalidNameError, match=why):
        run.add_properties({key: "v"})
    with pytest.raises(InvalidNameError, match=why):
        run.log(key, 1.0)  # the sibling rule
    assert run.tags == {} and run.properties == {}


def test_log_image_takes_only_images(run: Run, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=f"/etc/passwd is not an image .* the image 'x' of run {run.id}"):
        run.log_image("x", path="/etc/passwd")
    with pytest.raises(ValueError, match=f"the stream given is not an image .* run {run.id}"):
        run.log_image("x", path=io.BytesIO(b"#!/bin/sh\n"))
    assert run.get_metrics() == {} and run.get_file_names() == []
    for header in (PNG, b"\xff\xd8\xff\xe0", b"GIF89a", b"BM", b"RIFF\x00\x00\x00\x00WEBPVP8 "):
        run.log_image("ok", path=io.BytesIO(header + b"\x00" * 8))
    assert len(run.get_metrics()["ok"]) == 5


def test_long_upload_names_are_refused_without_temporary_paths(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "model.bin"
    source.write_bytes(b"weights")
    with pytest.raises(InvalidNameError, match="longer than 255 bytes") as caught:
        run.upload_file("outputs/" + "m" * 300, source)
    assert f"The run {run.id} did not store it." in str(caught.value)
    deep = "/".join(["d" * 250] * 20)  # every part is fine, the whole is longer than PATH_MAX
    with pytest.raises(WorkspaceError) as caught:
        run.upload_file(deep, source)
    message = str(caught.value)
    assert "too long" in message and run.id in message and INCOMING_DIR not in message
    assert run.get_file_names() == []
    assert os.listdir(run.experiment.workspace.path / INCOMING_DIR) == []


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = os.geteuid() == 0 and shutil.which("mount") is not None
    if mounted:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True, check=False
        )
        mounted = done.returncode == 0
    if not mounted:
        pytest.skip("mounting a 1 MiB tmpfs needs root and mount permission (not available here)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_is_named_with_the_run_and_file(tiny_disk: Path, tmp_path: Path) -> None:
    ws = Workspace(tiny_disk / "ws")
    run = Experiment(ws, "e").start_logging()
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(2 * 1024 * 1024))
    with pytest.raises(WorkspaceError) as caught:
        run.upload_file("outputs/big.bin", big)
    assert str(caught.value) == (
        f"The disk holding the workspace {ws.path} is full: the file 'outputs/big.bin' of run {run.id} "
        "was not stored."
    )
    assert run.get_file_names() == [] and os.listdir(ws.path / INCOMING_DIR) == []
    filler = tiny_disk / "filler"
    with pytest.raises(OSError), filler.open("wb") as out:  # take the last free bytes
        while True:
            out.write(os.urandom(64 * 1024))
            out.flush()
    with pytest.raises(WorkspaceError, match=f"is full: the metric 'loss' of run {run.id} was not stored"):
        run.log_list("loss", [float(i) for i in range(50_000)])
    filler.unlink()
    ws.close()
