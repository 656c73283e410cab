"""Runs of a real local workspace with every kind of metric, and a sweep as in the how-to.

A module of its own (not conftest): several test folders have a conftest, and only one of them can
be imported as `conftest` when pytest is given several folders."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from tbdesk.local import Experiment, Workspace
from tbdesk.model import Run
from tbdesk.sources.workspace import WorkspaceSource

T = TypeVar("T")
ALPHAS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Engine tests need no Qt: a plain event loop per call."""
    return asyncio.run(coro)


@dataclass
class Sample:
    source: WorkspaceSource
    workspace: Workspace

    def run(self, run_id: str) -> Run:
        return run_sync(_find(self.source, run_id))


async def _find(source: WorkspaceSource, run_id: str) -> Run:
    for experiment in await source.experiments():
        async for page in source.runs(experiment):
            for run in page:
                if run.id == run_id:
                    return run
                for child in await source.children(run):
                    if child.id == run_id:
                        return child
    raise LookupError(run_id)


def png(color: tuple[int, int, int], size: tuple[int, int] = (6, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def every_kind(workspace: Workspace, name: str = "every kind") -> str:
    """A run logging each kind of metric; returns its id."""
    run = Experiment(workspace, "kinds").start_logging(display_name=name)
    for step in range(5):
        run.log("loss", 1.0 / (step + 1))
    run.log("odd", float("nan"))
    run.log("odd", float("inf"))
    run.log("odd", float("-inf"))
    run.log("late", 3.0, step=100)
    run.log_list("curve", [0.5, 0.25, 0.125])
    run.log_row("epoch", loss=0.9, acc=0.1, phase="warmup")
    run.log_row("epoch", loss=0.5, acc=0.6, phase="main")
    run.log_table("table", {"x": [1, 2, 3], "label": ["a", "b", "c"]})
    run.log("note", "first *note*")
    run.log("note", "second note")
    run.log_image("picture", path=io.BytesIO(png((255, 0, 0))))
    run.log_image("picture", path=io.BytesIO(png((0, 0, 255), (3, 9))))
    run.complete()
    return run.id


def ridge_sweep(workspace: Workspace, *, log_on_parent: bool = False) -> str:
    """The how-to's sweep: ridge regression over alpha, alpha and mse logged per child run (or, as
    the how-to's code does, on the parent inside each child's block). Numpy ridge on synthetic data."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = x @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + rng.normal(scale=0.5, size=200)
    train, test = slice(0, 150), slice(150, 200)
    root = Experiment(workspace, "ridge").start_logging(display_name="ridge sweep")
    for alpha in ALPHAS:
        with root.child_run("alpha" + str(alpha)) as child:
            a = x[train]
            coef = np.linalg.solve(a.T @ a + alpha * 150 * np.eye(5), a.T @ y[train])
            mse = float(np.mean((x[test] @ coef - y[test]) ** 2))
            target = root if log_on_parent else child
            target.log("alpha", alpha)
            target.log("mse", mse)
    root.complete()
    return root.id


def trials_sweep(workspace: Workspace, name: str = "lr sweep") -> str:
    """A sweep whose child runs are named without their parameter ("trial 0", ...): each logs lr and
    acc once, and a loss curve."""
    root = Experiment(workspace, "trials").start_logging(display_name=name)
    for index, lr in enumerate((0.01, 0.1, 1.0)):
        with root.child_run(f"trial {index}") as child:
            child.log("lr", lr)
            for step in range(3):
                child.log("loss", 1.0 / (step + 1 + index))
            child.log("acc", 0.5 + index / 10)
    root.complete()
    return root.id
