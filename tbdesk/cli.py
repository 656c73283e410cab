"""Command line: the window (`tbdesk [PATH ...]`) and headless verbs (serve, boards, export, demo,
install-desktop).

Heavy modules (Qt, tensorboard, azureml) are imported inside the verb that needs them, so
`tbdesk boards` answers at once and the window starts as fast as it can.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tbdesk import __version__
from tbdesk.boards._launch import BOARD_VERB
from tbdesk.text import count

if TYPE_CHECKING:
    from tbdesk.boards import BoardRun
    from tbdesk.boards.prepare import LiveRuns
    from tbdesk.export import ExportProgress
    from tbdesk.model import Run

_VERBS = ("serve", "boards", "export", "demo", "install-desktop")
# How a RUN argument of `tbdesk export` names every run of an experiment of the local workspace.
EXPERIMENT_PREFIX = "experiment:"
_USAGE_ERROR = 2


class CommandError(Exception):
    """Bad input or a failed action; shown as one line (plus detail lines), without a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == [BOARD_VERB]:  # internal: how a frozen bundle runs a board (boards/_launch.py)
        from tbdesk.boards._launch import main as run_board

        run_board(args[1:])
        return 0
    try:
        if args and args[0] in _VERBS:
            return _run_verb(args)
        return _run_gui(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if not _is_user_error(error):
            raise
        _print_error(error)
        return _USAGE_ERROR


def _run_gui(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="tbdesk",
        description="Look at experiment runs in TensorBoard. Without a command: open the window, "
        "with a board on each PATH (a folder of TensorBoard logs).",
        epilog="commands: serve, boards, export, demo, install-desktop (tbdesk COMMAND --help). "
        "A folder named like a command: write ./NAME.",
    )
    parser.add_argument("--version", action="version", version=f"tbdesk {__version__}")
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="folders of TensorBoard logs, here or in the cloud (s3://, gs://, az://, abfs://, https://)",
    )
    _add_workspace(parser)
    options = parser.parse_args(args)
    from tbdesk.sources.cloud_access import is_cloud_url, parse_url

    paths: list[Path | str] = []
    for text in options.paths:
        if is_cloud_url(text):
            paths.append(parse_url(text).text)  # a bad URL says why here, before the window opens
            continue
        path = Path(text).expanduser()
        if not path.is_dir():
            raise CommandError(f"Not a folder of TensorBoard logs: {path}")
        paths.append(path)
    from tbdesk.app import run_gui

    return run_gui(paths, options.workspace)


def _run_verb(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tbdesk")
    parser.add_argument("--version", action="version", version=f"tbdesk {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)

    serve = verbs.add_parser(
        "serve",
        help="serve runs in TensorBoard until Ctrl+C",
        description="Start a TensorBoard on folders of logs (cloud ones mirrored live into tbdesk's "
        "cache) or runs of the local workspace, print its URL, and serve until Ctrl+C or SIGTERM.",
    )
    serve.add_argument(
        "specs",
        nargs="+",
        metavar="PATH_OR_RUN_ID",
        help="a logs folder, a cloud folder of logs (s3://, gs://, az://, abfs://, https://), "
        "or a local run id",
    )
    serve.add_argument("--port", type=_port, help="port to serve on (default: a free one)")
    serve.add_argument(
        "--azure-account",
        metavar="NAME",
        help="the tbdesk Azure account (its name or id) that reads az:// and https:// cloud folders "
        "(default: the only one signed in, when Azure's environment variables give no way in)",
    )
    _add_workspace(serve)

    verbs.add_parser(
        "boards",
        help="list the TensorBoards running on this machine",
        description="List every TensorBoard running on this machine, tbdesk's own boards and "
        "others (started by hand, by a notebook's %%tensorboard), with pid, port, URL and folders.",
    )

    export = verbs.add_parser(
        "export",
        help="export runs' metric history to TensorBoard event files",
        description="Write the metric history of runs of the local workspace (and of their child "
        "runs) as TensorBoard event files: one folder per run in DIR, child runs in sub-folders. "
        "Exporting a run again replaces its previous export; nothing else in DIR is touched.",
        epilog=f"RUN is a run id of the local workspace (as `tbdesk serve` takes it), or "
        f"{EXPERIMENT_PREFIX}NAME for every run of the experiment NAME, e.g. "
        f"`tbdesk export {EXPERIMENT_PREFIX}diabetes-ridge --logdir exported`. "
        "Then: tbdesk serve DIR.",
    )
    export.add_argument("specs", nargs="+", metavar="RUN", help=f"a run id, or {EXPERIMENT_PREFIX}NAME")
    export.add_argument(
        "--logdir",
        type=Path,
        required=True,
        metavar="DIR",
        help="the folder to export into (made if missing)",
    )
    export.add_argument("--no-children", action="store_true", help="leave child runs out")
    _add_workspace(export)

    demo = verbs.add_parser(
        "demo",
        help="fill the local workspace with the demo experiments",
        description="Fill the local workspace with the demo experiments: digits-softmax (three "
        "learning rates, cross-validation folds as child runs, TensorBoard logs) and diabetes-ridge "
        "(the Azure ML how-to's sweep), plus digits-keras when TensorFlow is available. Experiments "
        "already there are left as they are.",
    )
    _add_workspace(demo)

    desktop = verbs.add_parser("install-desktop", help="add tbdesk to the desktop's application menu")
    desktop.add_argument("--uninstall", action="store_true", help="remove it again")

    options = parser.parse_args(args)
    if options.verb == "serve":
        return asyncio.run(_serve(options.specs, options.port, options.workspace, options.azure_account))
    if options.verb == "boards":
        return _boards()
    if options.verb == "export":
        return asyncio.run(_export(options.specs, options.logdir, options.workspace, not options.no_children))
    if options.verb == "demo":
        return _demo(options.workspace)
    return _install_desktop(uninstall=options.uninstall)


def _add_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace", type=Path, metavar="DIR", help="the local workspace's folder (default: the user's own)"
    )


def _account_id(wanted: str) -> str:
    """The id of the tbdesk Azure account with this name (or id)."""
    from tbdesk.azure.accounts import AccountStore

    accounts = AccountStore().accounts
    for account in accounts:
        if wanted in (account.id, account.name) or wanted.casefold() == account.name.casefold():
            return account.id
    known = ", ".join(account.name for account in accounts) or "none: sign in from the window first"
    raise CommandError(f"No Azure account {wanted!r} in tbdesk (accounts: {known}).")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {port}")
    return port


async def _serve(specs: list[str], port: int | None, workspace: Path | None, account: str | None) -> int:
    from tbdesk.boards import Board, BoardManager, BoardState, exposure_warning

    lives: list[LiveRuns] = []
    manager = BoardManager()
    manager.warm(port=port)  # TensorBoard loads while the runs are found (and cloud ones fetched)
    try:
        runs = await _serve_runs(specs, workspace, lives, account)
        await _say_what_is_unreadable(runs)
    except BaseException:
        await asyncio.gather(*(live.stop() for live in lives), manager.stop_all())
        raise
    done = asyncio.Event()
    crashed: list[str] = []

    def on_change(board: Board) -> None:
        if board.state is BoardState.CRASHED:
            crashed.append(board.error or "TensorBoard exited unexpectedly.")
            done.set()

    manager.subscribe(on_change)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, done.set)
    try:
        opening = asyncio.ensure_future(manager.open(runs, port=port))
        stopping = asyncio.ensure_future(done.wait())
        await asyncio.wait({opening, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not opening.done():
            opening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await opening
            return 0
        board = opening.result()
        for live in lives:  # cloud folders: mirrored while the board runs
            live.attach(manager, board)
        print(board.url, flush=True)
        names = ", ".join(run.name for run in board.runs)
        print(f"Serving {names} (pid {board.pid}); Ctrl+C to stop.", file=sys.stderr, flush=True)
        if board.network_exposure:
            print(exposure_warning(board.network_exposure), file=sys.stderr, flush=True)
        await stopping
    finally:
        await asyncio.gather(*(live.stop() for live in lives))
        await manager.stop_all()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    if crashed:
        raise CommandError(crashed[0])
    return 0


async def _say_what_is_unreadable(runs: list[BoardRun]) -> None:
    """Name on stderr what TensorBoard will not be able to read, and folders with no event files
    yet (served anyway: a training run may be about to write there); refuse when nothing is readable.
    A cloud folder's run is served from its mirror in the run cache, which the live sync fills:
    not looked at."""
    from tbdesk.sources.logdir import scan
    from tbdesk.sync import RunCache

    mirrors = RunCache().root
    local = [run for run in runs if not run.path.is_relative_to(mirrors)]
    scans = await asyncio.to_thread(lambda: [scan(run.path) for run in local]) if local else []
    unreadable = [item for scanned in scans for item in scanned.unreadable]
    for item in unreadable:
        print(f"tbdesk: warning: cannot read {item}; TensorBoard will not show it.", file=sys.stderr)
    if len(local) == len(runs) and {item.path for item in unreadable} >= {run.path for run in runs}:
        names = ", ".join(str(run.path) for run in runs)
        raise CommandError(f"Cannot read {names}: there is nothing to serve.")
    for run, scanned in zip(local, scans, strict=True):
        if not scanned.runs and not scanned.unreadable:
            print(
                f"tbdesk: warning: no TensorBoard event files in {run.path} yet; serving it anyway.",
                file=sys.stderr,
                flush=True,
            )


async def _serve_runs(
    specs: list[str], workspace: Path | None, lives: list[LiveRuns], account: str | None = None
) -> list[BoardRun]:
    """A logs folder for each spec that names one, the runs of a cloud folder (their live syncs
    added to lives), else the local workspace's run (and children); a run without TensorBoard
    logs of its own is exported into tbdesk's cache first."""
    from tbdesk.boards import BoardRun
    from tbdesk.boards.prepare import prepare_board_runs, prepare_live_runs
    from tbdesk.sources.cloud import CloudFolderSource, all_runs
    from tbdesk.sources.cloud_access import is_cloud_url

    runs: list[BoardRun] = []
    for spec in specs:
        if is_cloud_url(spec):
            source = CloudFolderSource(spec, account=_account_id(account) if account else None)
            found = await all_runs(source)
            if not found:
                raise CommandError(f"No TensorBoard logs in {source.url.text}")
            lives.append(await prepare_live_runs(source, found, taken=[shown.name for shown in runs]))
            runs += lives[-1].runs
            continue
        path = Path(spec).expanduser()
        if path.exists():
            if not path.is_dir():
                raise CommandError(f"Not a folder of TensorBoard logs: {path}")
            resolved = path.resolve()
            runs.append(BoardRun(resolved.name or str(resolved), resolved))
            continue
        from tbdesk.sources.workspace import WorkspaceSource, resolve_run

        if os.sep in spec or (os.altsep and os.altsep in spec):  # run ids never hold a slash
            raise CommandError(f"No such folder: {path}")
        run = await asyncio.to_thread(resolve_run, workspace, spec)
        taken = [shown.name for shown in runs]
        runs += await prepare_board_runs(WorkspaceSource(workspace), [run], taken=taken)
    return runs


async def _export(specs: list[str], logdir: Path, workspace: Path | None, children: bool) -> int:
    from tbdesk.export import ExportStage, export_runs
    from tbdesk.sources.workspace import WorkspaceSource

    runs = await asyncio.to_thread(_export_runs, specs, workspace)
    if not runs:
        raise CommandError("There are no runs to export: the experiments named have none yet.")
    logdir = logdir.expanduser().absolute()
    if logdir.exists() and not logdir.is_dir():
        raise CommandError(f"Not a folder: {logdir}")

    def show(progress: ExportProgress) -> None:
        if progress.stage is ExportStage.DONE:
            # Child runs are found as the export goes: the total is what is known so far.
            print(
                f"{progress.run.name}: {count(progress.points, 'point')} "
                f"(run {progress.runs_done} done, {progress.runs_total} found so far)",
                file=sys.stderr,
                flush=True,
            )

    results = await export_runs(WorkspaceSource(workspace), runs, logdir, recursive=children, progress=show)
    runs_done = sum(result.total_runs for result in results)
    points = sum(result.total_points for result in results)
    print(f"Exported {count(runs_done, 'run')} ({count(points, 'point')}).", file=sys.stderr)
    for result in results:
        print(result.folder, flush=True)
        for note in result.all_notes():
            print(f"tbdesk: note: {note}", file=sys.stderr)
    return 0


def _export_runs(specs: list[str], workspace: Path | None) -> list[Run]:
    """The runs that RUN arguments name, in order, each once (blocking: reads the workspace)."""
    from tbdesk.sources.workspace import resolve_run

    runs: dict[str, Run] = {}
    for spec in specs:
        if spec.startswith(EXPERIMENT_PREFIX):
            found = _experiment_runs(workspace, spec.removeprefix(EXPERIMENT_PREFIX))
        else:
            found = [resolve_run(workspace, spec)]
        runs.update((run.id, run) for run in found if run.id not in runs)
    return list(runs.values())


def _experiment_runs(workspace: Path | None, name: str) -> list[Run]:
    """Every top-level run of a local experiment, oldest first."""
    from tbdesk.local.database import WorkspaceError
    from tbdesk.local.store import WorkspaceStore
    from tbdesk.sources.workspace import WorkspaceSource

    source = WorkspaceSource(workspace)
    try:
        with WorkspaceStore(source.path, read_only=True) as store:
            if store.get_experiment(name) is None:
                known = ", ".join(sorted(e.name for e in store.list_experiments())) or "none"
                raise CommandError(
                    f"There is no experiment {name!r} in the local workspace at {source.path} "
                    f"(its experiments: {known})."
                )
            records = [record for _, record in store.list_runs(name)]
    except WorkspaceError as error:
        raise CommandError(str(error)) from error
    return [source.to_run(record) for record in reversed(records)]


def _boards() -> int:
    from tbdesk.boards import discover
    from tbdesk.boards.links import link_targets

    found = discover()
    if not found:
        print("No TensorBoard is running on this machine.")
        return 0
    rows = [("PID", "PORT", "OURS", "URL", "FOLDERS")]
    for board in found:
        folders = [str(path) for path in link_targets(Path(board.logdir))] if board.ours else []
        rows.append(
            (
                str(board.pid),
                str(board.port),
                "yes" if board.ours else "no",
                board.url,
                ", ".join(folders) or board.logdir,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


def _demo(workspace: Path | None) -> int:
    from tbdesk.demo import create_demo
    from tbdesk.demo.pictures import DemoUnavailable

    try:
        summary = create_demo(workspace)
    except DemoUnavailable as error:
        print(f"tbdesk demo: {error}", file=sys.stderr)
        return 1
    experiments = ", ".join(summary.experiments)
    if summary.created:
        print(f"Made the demo experiments {experiments} in {summary.workspace}:")
    else:
        print(f"The demo experiments {experiments} are already in {summary.workspace}:")
    print(f"{len(summary.run_ids)} runs with {len(summary.child_run_ids)} child runs")
    for run_id in summary.run_ids:
        print(f"  {run_id}")
    for reason in summary.skipped:
        print(reason)
    return 0


def _install_desktop(*, uninstall: bool) -> int:
    from tbdesk import desktop

    changed = desktop.uninstall() if uninstall else desktop.install()
    verb = "Removed" if uninstall else "Installed"
    for path in changed:
        print(f"{verb} {path}")
    if not changed:
        print("Nothing to remove." if uninstall else "Nothing to install.")
    return 0


def _is_user_error(error: Exception) -> bool:
    from tbdesk.boards.board import BoardError
    from tbdesk.export.errors import ExportError
    from tbdesk.local.database import WorkspaceError
    from tbdesk.sources.base import SourceError

    return isinstance(error, CommandError | BoardError | SourceError | ExportError | WorkspaceError | OSError)


def _print_error(error: Exception) -> None:
    first, *detail = (str(error).strip() or type(error).__name__).splitlines()
    print(f"tbdesk: error: {first}", file=sys.stderr)
    for line in detail:
        print(f"  {line}", file=sys.stderr)
