"""The runs of a board for runs that may have no TensorBoard logs of their own.

Many runs only log metrics (`run.log("mse", v)`, the child runs of a sweep). To show them, their
metric history is exported into tbdesk's cache first, without asking, and the board shows those
exports together with the native logs of the runs that have them:

- a run with logs of its own is linked where its logs are (as `board_runs` does);
- a run whose logs are stored remotely (an Azure ML run's `logs/` holding event files) has them
  downloaded into `<cache>/azure/<source>/<run id>` first, and linked there; files already there
  with the same size are not fetched again;
- a run whose whole family (it and its child runs, recursively) has no logs is exported in one
  piece, so a sweep's parent and child runs land together and TensorBoard's HPARAMS tab shows it;
- a run without logs whose family has some is exported alone, and its child runs are planned the
  same way, each under "<run>/<child>".

Each run is exported into a log folder of its own, `<cache>/exports/<source>/<run id>`. Exporting
again replaces the previous export atomically at the same path, so a board that shows it keeps
its links (and opening the same runs again reuses that board).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tbdesk import paths
from tbdesk.boards.board import BoardError, BoardRun
from tbdesk.boards.names import safe_name, unique_names
from tbdesk.export import ExportProgress, ExportResult, ExportStage, ProgressCallback, export_run
from tbdesk.export.names import safe_folder_name
from tbdesk.model import Run, RunFile, RunKey
from tbdesk.sources.base import Source

PARALLEL_EXPORTS = 4  # top-level exports at once; each exports its child runs in parallel too
PARALLEL_LOOKUPS = 8  # runs whose remote files are listed at once
REMOTE_LOGS = "logs/"  # where Azure ML runs keep TensorBoard logs (azureml-tensorboard's convention)

LogdirFor = Callable[[Source, Run], Path]


def cache_logdir(source: Source, run: Run) -> Path:
    """Where a run is exported to be shown: a log folder of its own in tbdesk's cache."""
    return paths.cache_dir() / "exports" / _cache_part(source, run)


def download_dir(source: Source, run: Run) -> Path:
    """Where a run's remote files are downloaded to be shown (its `logs/` lands in `logs` inside)."""
    return paths.cache_dir() / "azure" / _cache_part(source, run)


def _cache_part(source: Source, run: Run) -> Path:
    source_part = hashlib.sha256(source.id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    run_part = safe_folder_name(run.id, fallback="run")
    if run_part != run.id:  # two ids that differ only in unsafe characters stay apart
        run_part += "~" + hashlib.sha256(run.id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return Path(source_part) / run_part


async def prepare_board_runs(
    source: Source,
    runs: Sequence[Run],
    *,
    children: bool = True,
    progress: ProgressCallback | None = None,
    logdir_for: LogdirFor = cache_logdir,
) -> list[BoardRun]:
    """Like `board_runs`, but runs without TensorBoard logs are exported first (see above) and
    shown when they have metrics. Names are "<run>" and "<run>/<child>", unique, parents first.

    Raises BoardError when no run has logs or metrics, ExportError when an export fails.
    """
    lookups = asyncio.Semaphore(PARALLEL_LOOKUPS)
    trees = await asyncio.gather(*(_family(source, run, children, lookups) for run in runs))
    names = unique_names(safe_name(run.name or run.id) for run in runs)
    shows = [show for tree, name in zip(trees, names, strict=True) for show in _plan(tree, name, children)]
    downloaded = await _download(source, [show for show in shows if show.remote], progress)
    shows = [
        _Show(show.name, show.run, downloaded[show.run.key], show.recursive) if show.remote else show
        for show in shows
    ]
    exported = await _export(source, [show for show in shows if show.logs is None], progress, logdir_for)
    found = []
    for show in shows:
        folder = show.logs or exported.get(show.run.key)
        if folder is not None:
            found.append(BoardRun(show.name, folder, show.run.key))
    if not found:
        shown = ", ".join(run.name for run in runs[:3]) + (", ..." if len(runs) > 3 else "")
        where = " or their child runs" if children else ""
        raise BoardError(f"No TensorBoard logs or metrics in {shown or 'the selection'}{where}.")
    unique = unique_names(run.name for run in found)
    return [BoardRun(name, run.path, run.key) for name, run in zip(unique, found, strict=True)]


@dataclass(frozen=True)
class _Family:
    """A run, where its own logs are, and its child runs."""

    run: Run
    logs: Path | None
    children: tuple[_Family, ...]
    remote: tuple[RunFile, ...] = ()  # its event files (and their folders' other files) to download

    @property
    def has_logs(self) -> bool:
        return self.logs is not None or bool(self.remote) or any(child.has_logs for child in self.children)


@dataclass(frozen=True)
class _Show:
    """One run on the board: its own logs, or (logs None) an export of it, with its child runs
    when recursive."""

    name: str
    run: Run
    logs: Path | None
    recursive: bool = False
    remote: tuple[RunFile, ...] = ()  # download these first; logs is then where they land


async def _family(source: Source, run: Run, children: bool, lookups: asyncio.Semaphore) -> _Family:
    wanted = children and run.has_children is not False
    logs, kids = await asyncio.gather(
        source.tensorboard_dir(run), source.children(run) if wanted else _no_runs()
    )
    remote: tuple[RunFile, ...] = ()
    if logs is None:
        async with lookups:
            remote = _event_logs(await source.files(run, REMOTE_LOGS))
    families = await asyncio.gather(*(_family(source, kid, True, lookups) for kid in kids))
    return _Family(run, logs, tuple(families), remote)


def _event_logs(files: Sequence[RunFile]) -> tuple[RunFile, ...]:
    """The files under logs/ worth downloading: all of them, when any is an event file."""
    if any("tfevents" in PurePosixPath(file.path).name for file in files):
        return tuple(files)
    return ()


async def _no_runs() -> list[Run]:
    return []


def _plan(family: _Family, name: str, children: bool) -> list[_Show]:
    if not family.has_logs:
        return [_Show(name, family.run, None, recursive=children)]
    shows = [_Show(name, family.run, family.logs, remote=family.remote)]
    # Unique among siblings first, so the children of two runs both named "a" stay apart.
    names = unique_names(f"{name}/{safe_name(kid.run.name or kid.run.id)}" for kid in family.children)
    for kid, kid_name in zip(family.children, names, strict=True):
        shows += _plan(kid, kid_name, True)
    return shows


async def _download(
    source: Source, shows: Sequence[_Show], progress: ProgressCallback | None
) -> dict[RunKey, Path]:
    """Download the remote logs of each run into the cache; returns where each run's logs are.
    Files already downloaded (same etag, or same size when the source has no etags) are kept."""
    found: dict[RunKey, Path] = {}
    total = len(shows)
    for done, show in enumerate(shows):
        dest = download_dir(source, show.run)
        if progress is not None:
            progress(ExportProgress(show.run, ExportStage.READING, done, total, 0))
        wanted = _versions(show.remote)
        if None in wanted.values() or await asyncio.to_thread(_downloaded, dest) != wanted:
            await source.fetch_files(show.run, dest, REMOTE_LOGS)
            await asyncio.to_thread(_remember, dest, wanted)
        found[show.run.key] = dest / REMOTE_LOGS.rstrip("/")
    if progress is not None and shows:
        progress(ExportProgress(shows[-1].run, ExportStage.DONE, total, total, 0))
    return found


_MANIFEST = "downloaded.json"  # beside the downloaded logs/: which versions of the files are there


def _versions(files: Sequence[RunFile]) -> dict[str, str | None]:
    return {
        file.path: file.etag or (f"size:{file.size}" if file.size is not None else None) for file in files
    }


def _downloaded(dest: Path) -> dict[str, str | None] | None:
    try:
        recorded = json.loads((dest / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict):
        return None
    present = all(dest.joinpath(*PurePosixPath(path).parts).is_file() for path in recorded)
    return recorded if present else None


def _remember(dest: Path, versions: dict[str, str | None]) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / _MANIFEST).write_text(json.dumps(versions), encoding="utf-8")


async def _export(
    source: Source, shows: Sequence[_Show], progress: ProgressCallback | None, logdir_for: LogdirFor
) -> dict[RunKey, Path]:
    """Export each run into its own log folder; returns the folders of the exports that hold data."""
    if not shows:
        return {}
    combined = _CombinedProgress(progress)
    limit = asyncio.Semaphore(PARALLEL_EXPORTS)

    async def one(show: _Show) -> ExportResult:
        async with limit:
            return await export_run(
                source,
                show.run,
                logdir_for(source, show.run),
                recursive=show.recursive,
                progress=combined.callback(show.run.key),
            )

    tasks = [asyncio.ensure_future(one(show)) for show in shows]
    try:
        results = await asyncio.gather(*tasks)
    except BaseException:
        # Nothing may go on exporting after a failure or a cancellation has been reported.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return {result.run.key: result.folder for result in results if result.total_points > 0}


class _CombinedProgress:
    """The progress of several exports as one: runs done and found, summed over all of them."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self._progress = progress
        self._counts: dict[RunKey, tuple[int, int]] = {}

    def callback(self, key: RunKey) -> ProgressCallback:
        def report(update: ExportProgress) -> None:
            self._counts[key] = (update.runs_done, update.runs_total)
            if self._progress is not None:
                done = sum(done for done, _ in self._counts.values())
                total = sum(total for _, total in self._counts.values())
                self._progress(ExportProgress(update.run, update.stage, done, total, update.points))

        return report
