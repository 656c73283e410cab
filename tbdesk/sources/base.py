"""The one small protocol every source of runs answers.

It fits the three kinds we have or will have: a plain folder of TensorBoard logs, the built-in
local workspace, and an Azure ML workspace (whose REST API pages runs and child runs, has metric
history with steps and times, and stores files as artifacts). Every method is a coroutine; a
source that calls a blocking client does so in a thread itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from tbdesk.model import Experiment, Metric, Run, RunFile


class SourceError(Exception):
    """A source could not answer; the message is meant for the user."""


@runtime_checkable
class Source(Protocol):
    @property
    def id(self) -> str:
        """Stable across launches (remembered in settings), e.g. 'logdir:/abs/path'."""

    @property
    def title(self) -> str:
        """What the tree shows for this source."""

    async def experiments(self) -> list[Experiment]: ...

    def runs(self, experiment: Experiment) -> AsyncIterator[list[Run]]:
        """Top-level runs of an experiment, newest first, one page at a time."""

    def child_pages(self, run: Run) -> AsyncIterator[list[Run]]:
        """Direct child runs, newest first, one page at a time (the tree shows them so)."""

    async def children(self, run: Run) -> list[Run]:
        """Direct child runs, newest first: all of them."""

    async def metrics(self, run: Run) -> list[Metric]:
        """Full metric history with real steps and times."""

    async def files(self, run: Run, prefix: str = "") -> list[RunFile]:
        """Files stored with the run whose path starts with prefix."""

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        """Copy the run's files under prefix into dest (keeping relative paths); return them."""

    async def tensorboard_dir(self, run: Run) -> Path | None:
        """A local folder holding this run's own TensorBoard event files (maybe in sub-folders),
        ready to be linked into a board, or None when the run has none on this machine."""
