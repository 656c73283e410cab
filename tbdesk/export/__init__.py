"""Metric history -> TensorBoard event files, without TensorFlow (not even an attempt to import it).

Folder layout of `export_run(source, run, logdir)`:

    logdir/
      <run>/                                 one folder per exported run: its readable name, made safe
        .tbdesk-export.json                  the manifest: which run, which files tbdesk wrote, which
                                             child run each sub-folder holds
        events.out.tfevents.<start>.tbdesk   the run's metrics
        <child run>/                         each child run, recursively, named after it, unique among
          events.out.tfevents.<start>.tbdesk   its siblings (+ the child's hparams session in a sweep)
          <grandchild run>/...
      .tbdesk-export-<pid>-<random>/         while an export is being written (hidden; swapped in)

What goes in: every metric with its own steps and wall times. Scalars and lists are scalar series;
rows and tables one scalar series per column, tagged `<metric>/<column>` (a column of only text
becomes a text series); strings are text series; images are image summaries. Points of several tags
that share step and wall time go into one Event (smaller, faster to load); every other point keeps
its own wall time in its own Event. A source may give a scalar metric's points as arrays
(tbdesk.model.ScalarPoints, as the local workspace does): they are encoded without a Python object
per point.

What changes on the way, each counted in the run's ExportResult.notes (with what was left out):
- Scalars are stored as float32: TensorBoard's Rust data server reads no other scalar precision.
  Values keep float32's precision (about 7 digits); a finite value beyond its range is written as
  +-3.4e38 (not as an infinity), one too close to zero as 0. NaN and +-inf stay what they are.
- TensorBoard keeps one value per tag and step, so of a step logged more than once only the last
  value is written.

Sweeps: for a run with child runs, each child that has parameters gets the hparams plugin's session,
so TensorBoard's HPARAMS tab shows the sweep. No experiment summary is written (TensorBoard would use
one per board and drop the parameters of every other sweep shown with it): the plugin infers the
parameters from the sessions and takes every scalar in a session's folder as a metric, so a number
a child logged once that is one of its parameters is written as the parameter only (not also as a
one-point scalar: it would show twice in every row of the HPARAMS tab). A child's
parameters are, in this order (details in tbdesk.export.hparams): its tags, properties and params
(MLflow's), and the values a sweep sampled for it (kept in its parent's tags by HyperDrive); a text
it logged once; a number it logged once whose name appears in its name ("alpha" in "alpha0.1");
values the parent logged while only that child ran; and, only when no child has a parameter by
those rules, the numbers every child logged once that differ between children (children "trial 0",
"trial 1" logging lr and acc once each: both become parameters). Children without parameters are
no sweep.

Safety: a run is exported into a hidden temporary folder beside its target and swapped in at the end
in one step, so re-exporting replaces the previous export (never duplicating points), and an export
that fails, is cancelled or is killed leaves the previous one as it was. A run's folder is found again
by its manifest; folders and files tbdesk did not write are never changed (files someone added to an
exported folder are carried over into the new export by hard links, and each child run keeps the
folder it had, by its run id). Run and metric names cannot escape the log folder
(tbdesk.export.names). Failures raise ExportError with a message for the user; ExportResult.all_notes()
lists what was left out or changed for a run and its child runs.
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
