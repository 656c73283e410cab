"""`tbdesk demo`: fill the built-in local workspace with two small real experiments to look at.

The experiment "digits-softmax" has one run per learning rate (0.01, 0.1, 1), each with three child
runs (the folds of a cross-validation), all trained with numpy in a few seconds and logged with
TensorBoard's own writer (no TensorFlow): scalars, histograms, images and text. See experiment.py.
The experiment "diabetes-ridge" is the Azure ML how-to's sweep: ridge regression for seven alphas,
one child run each, which log metrics only (no TensorBoard files): what export is for. See sweep.py.
The experiment "digits-keras", only when a Python with TensorFlow is at hand, is the how-to's first
option: a Keras model whose TensorBoard callback's logs are the run's `logs/`. See keras_run.py.

Running it again adds nothing to an experiment that already has a completed run, so `make run` can
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
    created: bool  # False: every demo experiment had runs already and nothing was added
    skipped: tuple[str, ...] = ()  # why an experiment was left out (no TensorFlow, no scikit-learn)


def create_demo(workspace: Path | None = None, *, force: bool = False) -> DemoSummary:
    """Add the demo experiments to the local workspace at `workspace` (None: the default one)."""
    from collections.abc import Callable
    from functools import partial

    from tbdesk.demo import experiment, keras_run, sweep
    from tbdesk.demo.pictures import require_pillow
    from tbdesk.local import Experiment, Run, Workspace

    # Everything every demo experiment needs is checked before anything is written (no half-made
    # demo); one that cannot be made here at all (no scikit-learn, as in the bundle) is left out.
    require_pillow()

    # (experiment, how to fill it, or why it cannot be made here)
    fills: list[tuple[str, Callable[[Workspace], list[Run]] | str]] = [
        (experiment.EXPERIMENT, experiment.fill),
        (sweep.EXPERIMENT, sweep.unavailable_reason() or sweep.fill),
    ]
    python = keras_run.tensorflow_python()
    fills.append(
        (
            keras_run.EXPERIMENT,
            partial(keras_run.fill, python=python) if python else keras_run.unavailable_reason(),
        )
    )
    ws = Workspace(workspace)
    try:
        runs: list[Run] = []
        made: list[str] = []
        skipped: list[str] = []
        created = False
        for name, fill in fills:
            found = Experiment.list(ws, name)  # unlike Experiment(), never creates it
            existing = list(reversed(list(found[0].get_runs()))) if found else []
            # A demo that failed half-way (no completed run) does not count.
            missing = force or not any(run.get_status() == "Completed" for run in existing)
            if missing and isinstance(fill, str):
                skipped.append(fill)
                continue
            runs += fill(ws) if missing and not isinstance(fill, str) else existing
            made.append(name)
            created = created or missing
        return DemoSummary(
            workspace=ws.path,
            experiments=tuple(made),
            run_ids=tuple(run.id for run in runs),
            child_run_ids=tuple(child.id for run in runs for child in run.get_children()),
            created=created,
            skipped=tuple(skipped),
        )
    finally:
        ws.close()
