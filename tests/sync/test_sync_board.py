"""End to end without a window: a running Azure ML run's growing event file (the emulator appends
to it), live sync into the cache, and a real TensorBoard serving the new steps; a child run that
appears mid-sweep is synced too and served once added to the board."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from sync_helpers import Events, until

from tbdesk.boards import BoardManager, BoardRun
from tbdesk.sources.azure import AzureSource
from tbdesk.sync import LiveSync, PollPolicy, RunCache, RunSyncStatus
from tests.azureml_emulator import Emulator

EVENTS = "logs/events.out.tfevents.1714550400.host"
POLICY = PollPolicy(fast=0.2, idle=1.0, tree_active=0.5, tree_idle=1.0)


def _steps(url: str) -> list[int]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            points: list[Any] = json.loads(response.read())
    except OSError:  # not there yet (TensorBoard answers 400 for a run it has not loaded)
        return []
    return [int(point[1]) for point in points]


def _scalars(board_url: str, run: str, tag: str) -> str:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return f"{board_url}data/plugin/scalars/scalars?{query}"


def test_new_steps_of_a_running_run_are_served_by_tensorboard(
    emulator: Emulator, source: AzureSource, cache: RunCache, tmp_path: Path
) -> None:
    ws = emulator.workspace
    parent = ws.add_run("sweep", "sweep_1", status="Running", display_name="sweep")
    child = ws.add_run("sweep", "sweep_1_0", parent=parent, status="Running", display_name="lr=0.1")
    events = Events("loss")
    child.upload(EVENTS, events.steps(0, 5))

    async def main() -> None:
        manager = BoardManager(tmp_path / "boards")
        root = await source.get_run("sweep", parent.id)
        live = LiveSync(source, [root], cache=cache, policy=POLICY)
        joined: list[RunSyncStatus] = []
        live.on_run_added(joined.append)
        try:
            statuses = await live.start()
            runs = [BoardRun(s.run.name, s.folder, s.key) for s in statuses if s.folder is not None]
            board = await manager.open(runs)
            assert board.url is not None
            url = _scalars(board.url, "lr=0.1", "loss")
            await until(lambda: _steps(url) == [0, 1, 2, 3, 4], 30, "the first steps")
            for first in (5, 10, 15):
                child.append(EVENTS, events.steps(first, first + 5))
                await until(lambda last=first + 4: _steps(url)[-1:] == [last], 30, f"step {first + 4}")
            assert _steps(url) == list(range(20))

            late = ws.add_run("sweep", "sweep_1_1", parent=parent, status="Running", display_name="lr=0.01")
            late.upload(EVENTS, Events("loss").steps(0, 3))
            await until(lambda: joined, 30, "the new child run")
            (added,) = joined
            assert added.folder is not None
            board = await manager.open([*runs, BoardRun(added.run.name, added.folder, added.key)])
            assert board.url is not None
            await until(
                lambda: _steps(_scalars(board.url or "", "lr=0.01", "loss")) == [0, 1, 2], 30, "the new child"
            )
        finally:
            await live.stop()
            await manager.stop_all()

    asyncio.run(main())
