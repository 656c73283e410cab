"""Metric history -> TensorBoard event files, without TensorFlow (not even an attempt to import it).

Folder layout of `export_run(source, run, logdir)`:

    logdir/
      <run>/                                 one folder per exported run: its readable name, made safe
        .tbdesk-export.json                  the manifest: which run, which files tbdesk wrote
        events.out.tfevents.<start>.tbdesk   the run's metrics (+ the hparams experiment of a sweep)
        <child run>/                         each child run, recursively, named after it, unique among
          events.out.tfevents.<start>.tbdesk   its siblings (+ the child's hparams session)
          <grandchild run>/...
      .tbdesk-export-<pid>-<random>/         while an export is being written (hidden; swapped in)

What goes in: every metric with its own steps and wall times. Scalars and lists are scalar series
(stored as float32, TensorBoard's scalar type; NaN and +-inf kept); rows and tables one scalar series
per column, tagged `<metric>/<column>` (a column of only text becomes a text series); strings are
text series; images are image summaries. Points of several tags that share step and wall time go
into one Event (smaller, faster to load); every other point keeps its own wall time in its own Event.
For a run with child runs, the hparams plugin's data (see tbdesk.export.hparams) makes TensorBoard's
HPARAMS tab show the sweep.

Safety: a run is exported into a hidden temporary folder beside its target and swapped in at the end
in one step, so re-exporting replaces the previous export (never duplicating points), and an export
that fails, is cancelled or is killed leaves the previous one as it was. A run's folder is found again
by its manifest; folders and files tbdesk did not write are never changed (files someone added to an
exported folder are carried over into the new export by hard links). Run and metric names cannot
escape the log folder (tbdesk.export.names). Failures raise ExportError with a message for the user.
"""

from tbdesk.export.engine import (
    ExportProgress,
    ExportResult,
    ExportStage,
    ProgressCallback,
    export_run,
    export_runs,
)
from tbdesk.export.errors import ExportError
from tbdesk.export.events import ScalarSeries
from tbdesk.export.writer import Written, write_metrics

__all__ = [
    "ExportError",
    "ExportProgress",
    "ExportResult",
    "ExportStage",
    "ProgressCallback",
    "ScalarSeries",
    "Written",
    "export_run",
    "export_runs",
    "write_metrics",
]
