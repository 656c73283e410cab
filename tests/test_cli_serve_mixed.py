"""`tbdesk serve` on mixed specs, one board: a cloud folder on moto's real S3 server (mirrored
live), a plain logs folder and a run of the local workspace with a child run, in a real
TensorBoard. The CLI names no Azure ML run (the window compares those: tests/ui/
test_compare_mixed_sources.py)."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tbdesk.boards import BoardRun, procinfo
from tbdesk.cli import _say_what_is_unreadable
from tbdesk.sync import RunCache
from tests.cloud.fixtures import bucket, s3, s3_server
from tests.cloud.servers import S3Server
from tests.event_files import wait_until, write_events
from tests.sync.sync_helpers import Events
from tests.test_cli import _serving

__all__ = ["bucket", "s3", "s3_server"]  # fixtures

EVENTS = "events.out.tfevents.1714550400.host"


def _get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())
    except OSError:  # TensorBoard answers 400 for a run it has not loaded yet
        return []


def _steps(board_url: str, run: str) -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": "loss"})
    return [int(point[1]) for point in _get(f"{board_url}data/plugin/scalars/scalars?{query}")]


def _local_run(workspace: Path, name: str) -> str:
    """A run of the local workspace named `name`, with logs, and a child run "fold-1" with logs."""
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(workspace)
    run = Experiment(ws, "exp").start_logging(display_name=name)
    write_events(run.files_dir / "logs", steps=3)
    with run.child_run("fold-1") as child:
        write_events(child.files_dir / "logs", steps=2)
    run.complete()
    ws.close()
    return run.id


def test_serve_a_cloud_folder_a_logs_folder_and_a_local_run_in_one_board(
    bucket: Any, s3: S3Server, tmp_path: Path
) -> None:
    events = Events("loss")
    first = events.steps(0, 4)
    bucket.put_object(Key=f"tb/exp/cloudrun/{EVENTS}", Body=first)
    folder = write_events(tmp_path / "train", steps=5)
    # Named like the logs folder: renamed with its child run, which stays out of the folder's run.
    run_id = _local_run(tmp_path / "ws", "train")
    specs = (f"s3://{bucket.name}/tb", str(folder), run_id, "--workspace", str(tmp_path / "ws"))
    with _serving(*specs) as (serve, url):
        assert serve.stderr is not None
        said = serve.stderr.readline()
        assert said.startswith("Serving cloudrun, train, train (2), train (2)/fold-1 (pid "), said
        pid = int(said.split("(pid ")[1].split(")")[0])
        wait_until(lambda: _steps(url, "cloudrun") == [0, 1, 2, 3], 60, "the cloud run's steps")
        wait_until(lambda: len(_get(f"{url}data/runs")) == 4, 60, "every run")
        assert sorted(_get(f"{url}data/runs")) == ["cloudrun", "train", "train (2)", "train (2)/fold-1"]
        assert _steps(url, "train") == [0, 1, 2, 3, 4]
        assert _steps(url, "train (2)") == [0, 1, 2]
        assert _steps(url, "train (2)/fold-1") == [0, 1]

        # The cloud part stays live on the same board.
        bucket.put_object(Key=f"tb/exp/cloudrun/{EVENTS}", Body=first + events.steps(4, 7))
        wait_until(lambda: _steps(url, "cloudrun")[-1:] == [6], 60, "the new steps")
        assert procinfo.is_alive(pid)
    # `tbdesk serve` stopped cleanly (_serving checks its exit code), its TensorBoard with it.
    assert not procinfo.is_alive(pid)


def test_serve_warns_of_an_empty_logs_folder_not_of_a_cloud_run_mirror_still_filling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cloud folder's runs are served from their mirrors while the live sync fills them (their
    first bytes may come after TensorBoard starts): an empty mirror is no news to the user."""
    mirror = RunCache().root / "exp_cloudrun-0123" / "files"
    mirror.mkdir(parents=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    asyncio.run(_say_what_is_unreadable([BoardRun("cloudrun", mirror), BoardRun("empty", empty)]))
    assert capsys.readouterr().err == (
        f"tbdesk: warning: no TensorBoard event files in {empty} yet; serving it anyway.\n"
    )
