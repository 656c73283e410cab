"""A full disk and a folder tbdesk may not write to: a clear ExportError, nothing half-written, the
previous export intact. Uses small real file systems (tmpfs) when this process may mount them."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_samples import Sample, run_sync
from test_engine import recursive_export_left_temp, snapshot

from tbdesk.export import ExportError, export_run
from tbdesk.local import Experiment
from tbdesk.model import Run


def _mount(folder: Path, options: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tiny"
    folder.mkdir()
    if not _mount(folder, "size=1m"):
        pytest.skip("mounting a 1 MiB tmpfs needs root and mount permission (not available here)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def big_run(sample: Sample, points: int) -> Run:
    run = Experiment(sample.workspace, "big").start_logging(display_name="big")
    run.log_list("series", [float(i) for i in range(points)])
    run.complete()
    return sample.run(run.id)


def test_full_disk_gives_clear_error_and_keeps_previous_export(sample: Sample, tiny_disk: Path) -> None:
    small = Experiment(sample.workspace, "big").start_logging(display_name="big")
    small.log("series", 1.0)
    run = sample.run(small.id)
    run_sync(export_run(sample.source, run, tiny_disk))
    before = snapshot(tiny_disk)
    # 60,000 more points need ~1.6 MB in a 1 MiB file system.
    small.log_list("more", [float(i) for i in range(60_000)])
    small.complete()
    with pytest.raises(ExportError, match="full"):
        run_sync(export_run(sample.source, run, tiny_disk))
    assert snapshot(tiny_disk) == before
    assert not recursive_export_left_temp(tiny_disk)


def test_read_only_folder_gives_clear_error(sample: Sample, tmp_path: Path) -> None:
    run = big_run(sample, 10)
    folder = tmp_path / "readonly"
    folder.mkdir()
    if not _mount(folder, "size=1m,ro"):
        pytest.skip("mounting a read-only tmpfs needs root and mount permission (not available here)")
    try:
        with pytest.raises(ExportError, match="may not write"):
            run_sync(export_run(sample.source, run, folder / "out"))
        assert list(folder.iterdir()) == []
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_permission_denied_midway_gives_clear_error(
    sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores file modes, so the refusal is injected where the writer replaces its file.
    run = big_run(sample, 10)
    run_sync(export_run(sample.source, run, tmp_path))
    before = snapshot(tmp_path)

    def refuse(source: object, target: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    monkeypatch.setattr("tbdesk.export.writer.os.replace", refuse)
    with pytest.raises(ExportError, match="may not write"):
        run_sync(export_run(sample.source, run, tmp_path))
    assert snapshot(tmp_path) == before
    assert not recursive_export_left_temp(tmp_path)


def test_disk_full_while_writing_is_reported(
    sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as on a real full disk, where mounting one is not allowed."""
    run = big_run(sample, 10)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tbdesk.export.writer.os.fsync", no_space)
    with pytest.raises(ExportError, match="full"):
        run_sync(export_run(sample.source, run, tmp_path))
    assert [p.name for p in tmp_path.iterdir() if p.name != "workspace"] == []


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (errno.ENOSPC, "The disk holding {logdir} is full: nothing was exported, nothing was changed."),
        (errno.EACCES, "tbdesk may not write to {logdir} (Permission denied): nothing was exported."),
        (errno.EIO, "Cannot write in {logdir} (Input/output error): nothing was exported."),
    ],
)
def test_a_folder_that_cannot_be_made_says_what_was_not_written_and_where(
    sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: int, says: str
) -> None:
    run = big_run(sample, 1)
    logdir = tmp_path / "out"

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr("tbdesk.export.engine.Path.mkdir", refuse)
    with pytest.raises(ExportError) as caught:
        run_sync(export_run(sample.source, run, logdir))
    assert str(caught.value) == says.format(logdir=logdir)


def test_a_run_that_cannot_be_written_is_named(
    sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = big_run(sample, 1)

    def broken(logdir: Path) -> Path:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr("tbdesk.export.engine.folders.make_temp_folder", broken)
    with pytest.raises(ExportError) as caught:
        run_sync(export_run(sample.source, run, tmp_path / "out"))
    assert str(caught.value) == (
        f"Cannot write in {tmp_path / 'out'} (Input/output error): the run 'big' was not exported."
    )
