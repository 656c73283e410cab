"""`tbdesk demo`: fill the built-in local workspace with a small real experiment to look at.

The experiment "digits-softmax" has one run per learning rate (0.01, 0.1, 1), each with three child
runs (the folds of a cross-validation), all trained with numpy in a few seconds and logged with
TensorBoard's own writer (no TensorFlow): scalars, histograms, images and text. See experiment.py.

Running it again does nothing when the experiment already has a completed run, so `make run` can
call it every time; `force=True` adds another set of runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DemoSummary:
    workspace: Path
    experiments: tuple[str, ...]
    # The runs this call added (or, when it added none, the runs already there), oldest first,
    # without their child runs.
    run_ids: tuple[str, ...]
    child_run_ids: tuple[str, ...]  # the child runs of those runs
    created: bool  # False: the demo experiment had runs already and nothing was added


def create_demo(workspace: Path | None = None, *, force: bool = False) -> DemoSummary:
    """Add the demo experiment to the local workspace at `workspace` (None: the default one)."""
    from tbdesk.demo.experiment import EXPERIMENT, fill
    from tbdesk.local import Experiment, Workspace

    ws = Workspace(workspace)
    try:
        found = Experiment.list(ws, EXPERIMENT)  # unlike Experiment(), never creates it
        existing = list(reversed(list(found[0].get_runs()))) if found else []
        # A demo that failed half-way (no completed run) does not count.
        created = force or not any(run.get_status() == "Completed" for run in existing)
        runs = fill(ws) if created else existing
        return DemoSummary(
            workspace=ws.path,
            experiments=(EXPERIMENT,),
            run_ids=tuple(run.id for run in runs),
            child_run_ids=tuple(child.id for run in runs for child in run.get_children()),
            created=created,
        )
    finally:
        ws.close()
