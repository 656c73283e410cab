"""`Tensorboard`: the seed's class (azureml.tensorboard.Tensorboard), on tbdesk's boards.

    from tbdesk.tensorboard import Tensorboard
    tb = Tensorboard([run])        # or an experiment, or Tensorboard([], local_root="logs")
                                   # or a cloud folder: local_root="s3://bucket/logs" (mirrored live)
    print(tb.start())              # the URL
    tb.stop()

Unlike the seed, it shows child runs, follows running runs live (new steps show within seconds,
new child runs join), picks a free port on request (port=None), fails at once when the port is
taken, serves on loopback behind an unguessable path, cleans up its temporary folder, and never
leaves a TensorBoard behind when Python exits.

The runs are followed by a live sync (tbdesk.sync) from before the board starts until `stop()`,
and shown as the window shows them (tbdesk.boards.prepare): a run still running is on the board
from the start, even before its first logs. An Azure run's `logs/` is synced: one listing per run
per poll, only new bytes fetched. Its files land in the sync's own layout,
`local_root/<run id>-<digest>/files/logs/` (with the sync's ledger in `.sync/` beside `files/`),
not the seed's `local_root/<run id>/logs/`: the ledger makes a later start with the same
local_root fetch only what changed, and the digest keeps runs of different workspaces apart.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import shutil
import tempfile
import webbrowser
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tbdesk import paths
from tbdesk.boards import Board, BoardError, BoardRun, BoardState
from tbdesk.boards.names import safe_part, unique_names
from tbdesk.model import Run, RunKey
from tbdesk.sources.base import Source
from tbdesk.tensorboard import _loop, targets

if TYPE_CHECKING:
    from tbdesk.boards.prepare import LiveRuns

DEFAULT_PORT = 6006  # the seed's (and TensorBoard's) default
log = logging.getLogger(__name__)


class Tensorboard:
    """A TensorBoard showing runs (and their child runs), or an existing folder of logs.

    runs: a run, a list of runs, or an experiment (its runs), of Azure ML (azureml.core objects)
    or of tbdesk's local workspace; an empty list serves local_root as it is. A local run's
    TensorBoard logs are shown where they are; an Azure run's `logs/` (and its child runs') is
    synced into local_root and followed while the board runs (see above); a run without any has
    its metric history exported into local_root (default: a temporary folder in tbdesk's cache,
    removed by stop()). port: 6006 like the seed; None or 0 for a free one.
    use_display_name: name runs by their display names (else by their ids).
    """

    def __init__(
        self,
        runs: object,
        local_root: str | os.PathLike[str] | None = None,
        port: int | None = DEFAULT_PORT,
        use_display_name: bool = True,
    ) -> None:
        # A copy: the caller's list is never changed, and a generator can be started twice.
        self._runs = list(runs) if isinstance(runs, Iterable) and not isinstance(runs, str | bytes) else runs
        # A cloud folder's URL as local_root: its runs are mirrored live into a temporary folder.
        self._cloud = _cloud_url(local_root)
        if self._cloud is not None:
            local_root = None
        self._local_root = Path(local_root).expanduser().absolute() if local_root is not None else None
        if port is not None and not 0 <= port < 65536:
            raise ValueError(f"A port is between 1 and 65535 (or None or 0 for a free one), not {port}.")
        self._port = port or None
        self._use_display_name = use_display_name
        self._board: Board | None = None
        self._feeds: list[LiveRuns] = []  # the live syncs that feed the board, on the engine's loop
        self._scratch: Path | None = None
        if self._serves_folder and self._local_root is None and self._cloud is None:
            raise ValueError("Give runs to show, or local_root: a folder of TensorBoard logs to serve.")

    @property
    def _serves_folder(self) -> bool:
        return isinstance(self._runs, list) and not self._runs

    @property
    def url(self) -> str | None:
        """The URL of the running board, or None."""
        board = self._board
        return board.url if board is not None and board.state is BoardState.READY else None

    @property
    def pid(self) -> int | None:
        """TensorBoard's process id while it runs."""
        board = self._board
        return board.pid if board is not None and board.state is BoardState.READY else None

    def start(self, start_browser: bool = False) -> str:
        """Start TensorBoard (exporting what the runs need first) and return its URL once it
        answers. Raises BoardError with a clear message when it cannot start."""
        if self.url is not None:
            return self.url
        # Resolved here, in the caller's thread: local runs hold that thread's database connection.
        found = [] if self._serves_folder else targets.resolve(self._runs)
        if not self._serves_folder and not found:
            raise BoardError("There are no runs to show: the experiment has none yet.")
        engine = _loop.engine()
        if self._board is not None:  # it crashed: let it go (and what fed it) before starting anew
            self._release(engine)
        board = engine.call(self._open(engine, found))
        assert board.url is not None
        if start_browser:
            webbrowser.open(board.url)
        return board.url

    def stop(self) -> None:
        """Stop syncing, stop TensorBoard, and remove the temporary folder if there is one."""
        if self._board is not None or self._feeds:
            self._release(_loop.engine())
        self._remove_scratch()

    def _release(self, engine: _loop.EngineThread) -> None:
        board, self._board = self._board, None
        feeds, self._feeds = self._feeds, []
        engine.call(engine.release(board, feeds))

    async def _open(self, engine: _loop.EngineThread, found: Sequence[targets.Target]) -> Board:
        if self._port is not None:
            await asyncio.to_thread(_check_port, self._port)
        if self._cloud is not None:
            found = await _cloud_targets(self._cloud)
        elif self._serves_folder:
            assert self._local_root is not None
            if not self._local_root.is_dir():
                raise BoardError(f"There is no folder {self._local_root} to serve.")
            runs = [BoardRun(self._local_root.name or "logs", self._local_root)]
            self._board = await engine.open_board(runs, port=self._port)
            return self._board
        try:
            runs = await self._board_runs(engine, found)
            self._board = await engine.open_board(runs, port=self._port, live=self._running())
        except BaseException:  # failed or given up: nothing goes on syncing
            feeds, self._feeds = self._feeds, []
            await engine.release(None, feeds)
            raise
        for feed in self._feeds:
            # The engine stops a sync once no Tensorboard object uses it, not with a board.
            feed.attach(engine.manager, self._board, stop_with_board=False)
        return self._board

    def _running(self) -> bool:
        """Some run is still active: child runs may join the board."""
        from tbdesk.sync import SyncState

        return any(status.state is SyncState.LIVE for feed in self._feeds for status in feed.sync.statuses)

    async def _board_runs(
        self, engine: _loop.EngineThread, found: Sequence[targets.Target]
    ) -> list[BoardRun]:
        """Follow the runs and their child runs (one live sync per source) and plan how each
        shows, as the window does (tbdesk.boards.prepare); export the runs to export. Raises
        BoardError when a run's logs could not be fetched."""
        from tbdesk.boards.prepare import LiveRuns, PlannedRun
        from tbdesk.export import export_runs
        from tbdesk.sync import DEFAULT_PREFIX, SyncState, remote_for

        names = unique_names(self._name(target.run) for target in found)
        named = {target.run.key: name for target, name in zip(found, names, strict=True)}
        shows: list[tuple[Source, PlannedRun]] = []
        grouped = targets.by_source(found)
        for source, runs in grouped:
            # Only an Azure run's logs are copied (into the local root); a local run's are read in place.
            root = self._export_root(engine) if remote_for(source) is not None else None
            live = await engine.open_sync(source, runs, root, DEFAULT_PREFIX)
            feed = LiveRuns(source, live, name_of=self._name)
            self._feeds.append(feed)
            failed = next((s for s in live.statuses if s.state is SyncState.ERROR), None)
            if failed is not None:
                raise BoardError(f"Could not fetch the TensorBoard logs of {failed.run.name}: {failed.error}")
            planned = await feed.plan([(run, named[run.key]) for run in runs])
            shows += [(source, show) for show in planned]
        exported: dict[RunKey, Path] = {}
        # One export call per source and kind, one after the other: each call chooses its new
        # folders' names in local_root, and calls running side by side could choose the same.
        for source, _ in grouped:
            for recursive in (True, False):
                wanted = [
                    show.run
                    for from_source, show in shows
                    if show.logs is None and show.recursive is recursive and from_source.id == source.id
                ]
                if wanted:
                    root = self._export_root(engine)
                    results = await export_runs(source, wanted, root, recursive=recursive)
                    exported.update((result.run.key, result.folder) for result in results)
        return [BoardRun(show.name, show.logs or exported[show.run.key], show.run.key) for _, show in shows]

    def _name(self, run: Run) -> str:
        return safe_part(run.name if self._use_display_name else run.id)

    def _export_root(self, engine: _loop.EngineThread) -> Path:
        if self._local_root is not None:
            return self._local_root
        if self._scratch is None:
            parent = paths.cache_dir() / "tensorboard"
            paths.make_dirs(parent)
            self._scratch = Path(tempfile.mkdtemp(prefix="export-", dir=parent))
            engine.at_exit(functools.partial(shutil.rmtree, self._scratch, ignore_errors=True))
        return self._scratch

    def _remove_scratch(self) -> None:
        scratch, self._scratch = self._scratch, None
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _cloud_url(local_root: object) -> str | None:
    """The canonical URL when local_root is a cloud folder's (s3://, gs://, az://...)."""
    from tbdesk.sources.cloud_access import is_cloud_url, parse_url

    if isinstance(local_root, str) and is_cloud_url(local_root):
        return parse_url(local_root).text
    return None


async def _cloud_targets(url: str) -> list[targets.Target]:
    from tbdesk.sources.cloud import CloudFolderSource, all_runs

    source = CloudFolderSource(url)
    runs = await all_runs(source)
    if not runs:
        raise BoardError(f"No TensorBoard logs in {url}.")
    return [targets.Target(source, run) for run in runs]


def _check_port(port: int) -> None:
    """Fail at once, before any export, when the port is taken, saying by whom if we can tell."""
    from tbdesk.boards.discovery import discover
    from tbdesk.boards.probe import port_is_free
    from tbdesk.boards.process import HOST

    if port_is_free(port, HOST):
        return
    holder = next((board for board in discover() if board.port == port), None)
    who = f" by a TensorBoard (pid {holder.pid}, serving {holder.logdir})" if holder else ""
    raise BoardError(
        f"Port {port} is already in use{who}. Pass port=None (or 0) to Tensorboard(...) for a free "
        "port, or stop what uses it."
    )
