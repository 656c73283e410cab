"""`export_to_tensorboard`: the seed's function (azureml.tensorboard.export), on tbdesk's export.

    from tbdesk.tensorboard.export import export_to_tensorboard
    export_to_tensorboard(root_run, "exported")   # a run, a list of runs, or an experiment

Unlike the seed, it needs no TensorFlow, keeps real steps and wall times, exports text, images and
tables, takes experiments, writes the hparams of sweeps, replaces earlier exports of the same runs
atomically, and leaves the caller's list alone.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tbdesk.tensorboard import _loop, targets
from tbdesk.text import count

if TYPE_CHECKING:
    from tbdesk.export import ExportProgress, ExportResult


def export_to_tensorboard(
    run_data: object,
    logdir: str | os.PathLike[str],
    logger: logging.Logger | None = None,
    recursive: bool = True,
) -> list[Path]:
    """Export the metric history of run_data (a run, a list of runs, or an experiment: its runs)
    into TensorBoard event files in logdir, one folder per run, with child runs in sub-folders
    when recursive. Progress goes to logger (info) if given. Returns the runs' folders.

    Raises ExportError (from tbdesk.export) when a run cannot be exported: nothing is left
    half-written, and the runs exported before it are kept.
    """
    found = targets.resolve(run_data)  # here: local runs hold this thread's database connection
    folder = Path(logdir).expanduser().absolute()
    if not found:
        if logger is not None:
            logger.info("No runs to export to %s", folder)
        return []
    results = _loop.engine().call(_export(found, folder, logger, recursive))
    return [result.folder for result in results]


async def _export(
    found: Sequence[targets.Target], logdir: Path, logger: logging.Logger | None, recursive: bool
) -> list[ExportResult]:
    from tbdesk.export import ExportStage, export_runs

    def report(progress: ExportProgress) -> None:
        if logger is not None and progress.stage is ExportStage.DONE:
            logger.info(
                "Exported %s (%s); %d of %d runs done",
                progress.run.name,
                count(progress.points, "point"),
                progress.runs_done,
                progress.runs_total,
            )

    if logger is not None:
        logger.info("Exporting %s to %s", count(len(found), "run"), logdir)
    results: dict[tuple[str, str], ExportResult] = {}
    # One call per source, one after another: a call chooses the names of new folders in logdir.
    for source, runs in targets.by_source(found):
        for result in await export_runs(source, runs, logdir, recursive=recursive, progress=report):
            results[(source.id, result.run.id)] = result
    ordered = [results[(target.source.id, target.run.id)] for target in found]
    if logger is not None:
        for result in ordered:
            for note in result.all_notes():
                logger.warning("%s", note)
    return ordered
