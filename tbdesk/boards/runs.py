"""Which runs a board shows: the runs asked for and their child runs, with readable names."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from tbdesk.boards.board import BoardError, BoardRun
from tbdesk.boards.names import safe_name, unique_names
from tbdesk.model import Run
from tbdesk.sources.base import Source


async def board_runs(source: Source, runs: Sequence[Run], *, children: bool = True) -> list[BoardRun]:
    """Each run, and with children=True its child runs recursively, that has TensorBoard logs on
    this machine; named "<run>" and "<run>/<child>". Parents come before their children.

    Raises BoardError when none of them has TensorBoard logs.
    """
    found = await _collect(source, runs, "", children)
    if not found:
        names = ", ".join(run.name for run in runs[:3]) + (", ..." if len(runs) > 3 else "")
        where = " or their child runs" if children else ""
        raise BoardError(f"No TensorBoard logs in {names or 'the selection'}{where}.")
    unique = unique_names(board_run.name for board_run in found)
    return [
        BoardRun(name, board_run.path, board_run.key) for name, board_run in zip(unique, found, strict=True)
    ]


async def _collect(source: Source, runs: Sequence[Run], prefix: str, children: bool) -> list[BoardRun]:
    # Unique among siblings first, so the children of two runs both named "a" stay apart.
    names = unique_names(prefix + safe_name(run.name or run.id) for run in runs)
    per_run = await asyncio.gather(
        *(_collect_one(source, run, name, children) for run, name in zip(runs, names, strict=True))
    )
    return [board_run for group in per_run for board_run in group]


async def _collect_one(source: Source, run: Run, name: str, children: bool) -> list[BoardRun]:
    logs = await source.tensorboard_dir(run)
    found = [BoardRun(name, logs, run.key)] if logs is not None else []
    if children and run.has_children is not False:
        kids = await source.children(run)
        found += await _collect(source, kids, name + "/", children)
    return found
