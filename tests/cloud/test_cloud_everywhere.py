"""Everywhere a logs folder works, a cloud folder works: `tbdesk serve URL` and the Python API's
`Tensorboard([], local_root=URL)`, each against moto's real S3 server and a real TensorBoard, new
steps served while they come."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

from tbdesk.tensorboard import Tensorboard
from tests.cloud.servers import S3Server
from tests.event_files import wait_until
from tests.sync.sync_helpers import Events
from tests.test_cli import _serving

EVENTS = "events.out.tfevents.1714550400.host"


def _steps(board_url: str, run: str, tag: str = "loss") -> list[int]:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    try:
        with urllib.request.urlopen(f"{board_url}data/plugin/scalars/scalars?{query}", timeout=5) as answer:
            points: list[Any] = json.loads(answer.read())
    except OSError:  # not loaded yet
        return []
    return [int(point[1]) for point in points]


def _runs(board_url: str) -> list[str]:
    with urllib.request.urlopen(f"{board_url}data/runs", timeout=5) as answer:
        names: list[str] = json.loads(answer.read())
    return sorted(names)


def test_tbdesk_serve_a_cloud_folder_mirrored_live(bucket: Any, s3: S3Server) -> None:
    events = Events("loss")
    first = events.steps(0, 5)
    bucket.put_object(Key=f"tb/exp/a/{EVENTS}", Body=first)
    bucket.put_object(Key=f"tb/exp/b/{EVENTS}", Body=Events("loss").steps(0, 2))
    with _serving(f"s3://{bucket.name}/tb") as (_, url):
        wait_until(lambda: _steps(url, "a") == [0, 1, 2, 3, 4], 60, "the first steps")
        wait_until(lambda: _runs(url) == ["a", "b"], 60, "both runs")  # mirrored as TensorBoard loads
        bucket.put_object(Key=f"tb/exp/a/{EVENTS}", Body=first + events.steps(5, 8))
        wait_until(lambda: _steps(url, "a")[-1:] == [7], 60, "the new steps")


def test_the_python_api_serves_a_cloud_folder_as_local_root(bucket: Any, s3: S3Server) -> None:
    events = Events("loss")
    first = events.steps(0, 3)
    bucket.put_object(Key=f"tb/run1/{EVENTS}", Body=first)
    board = Tensorboard([], local_root=f"s3://{bucket.name}/tb", port=None)
    try:
        url = board.start()
        wait_until(lambda: _steps(url, "run1") == [0, 1, 2], 60, "the first steps")
        bucket.put_object(Key=f"tb/run1/{EVENTS}", Body=first + events.steps(3, 6))
        wait_until(lambda: _steps(url, "run1")[-1:] == [5], 60, "the new steps")
    finally:
        board.stop()
