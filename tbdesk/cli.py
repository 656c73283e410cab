"""Command line: the window (`tbdesk [PATH ...]`) and headless verbs (serve, boards, demo, install-desktop).

Heavy modules (Qt, tensorboard, azureml) are imported inside the verb that needs them, so
`tbdesk boards` answers at once and the window starts as fast as it can.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tbdesk import __version__

if TYPE_CHECKING:
    from tbdesk.boards import BoardRun

_VERBS = ("serve", "boards", "demo", "install-desktop")
_USAGE_ERROR = 2


class CommandError(Exception):
    """Bad input or a failed action; shown as one line (plus detail lines), without a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
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
        epilog="commands: serve, boards, demo, install-desktop (tbdesk COMMAND --help). "
        "A folder named like a command: write ./NAME.",
    )
    parser.add_argument("--version", action="version", version=f"tbdesk {__version__}")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="folders of TensorBoard logs")
    _add_workspace(parser)
    options = parser.parse_args(args)
    paths = [path.expanduser() for path in options.paths]
    for path in paths:
        if not path.is_dir():
            raise CommandError(f"Not a folder of TensorBoard logs: {path}")
    from tbdesk.app import run_gui

    return run_gui(paths, options.workspace)


def _run_verb(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tbdesk")
    parser.add_argument("--version", action="version", version=f"tbdesk {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)

    serve = verbs.add_parser(
        "serve",
        help="serve runs in TensorBoard until Ctrl+C",
        description="Start a TensorBoard on folders of logs or runs of the local workspace, print its "
        "URL, and serve until Ctrl+C or SIGTERM.",
    )
    serve.add_argument("specs", nargs="+", metavar="PATH_OR_RUN_ID", help="a logs folder or a local run id")
    serve.add_argument("--port", type=_port, help="port to serve on (default: a free one)")
    _add_workspace(serve)

    verbs.add_parser("boards", help="list the TensorBoards running on this machine")

    demo = verbs.add_parser("demo", help="fill the local workspace with a demo experiment")
    _add_workspace(demo)

    desktop = verbs.add_parser("install-desktop", help="add tbdesk to the desktop's application menu")
    desktop.add_argument("--uninstall", action="store_true", help="remove it again")

    options = parser.parse_args(args)
    if options.verb == "serve":
        return asyncio.run(_serve(options.specs, options.port, options.workspace))
    if options.verb == "boards":
        return _boards()
    if options.verb == "demo":
        return _demo(options.workspace)
    return _install_desktop(uninstall=options.uninstall)


def _add_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace", type=Path, metavar="DIR", help="the local workspace's folder (default: the user's own)"
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {port}")
    return port


async def _serve(specs: list[str], port: int | None, workspace: Path | None) -> int:
    from tbdesk.boards import Board, BoardManager, BoardState

    runs = await _serve_runs(specs, workspace)
    manager = BoardManager()
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
        print(board.url, flush=True)
        names = ", ".join(run.name for run in board.runs)
        print(f"Serving {names} (pid {board.pid}); Ctrl+C to stop.", file=sys.stderr, flush=True)
        await stopping
    finally:
        await manager.stop_all()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    if crashed:
        raise CommandError(crashed[0])
    return 0


async def _serve_runs(specs: list[str], workspace: Path | None) -> list[BoardRun]:
    """A logs folder for each spec that names one, else the local workspace's run (and children)."""
    from tbdesk.boards import BoardRun, board_runs

    runs: list[BoardRun] = []
    for spec in specs:
        path = Path(spec).expanduser()
        if path.exists():
            if not path.is_dir():
                raise CommandError(f"Not a folder of TensorBoard logs: {path}")
            resolved = path.resolve()
            runs.append(BoardRun(resolved.name or str(resolved), resolved))
            continue
        from tbdesk.sources.workspace import WorkspaceSource, resolve_run

        run = await asyncio.to_thread(resolve_run, workspace, spec)
        runs += await board_runs(WorkspaceSource(workspace), [run])
    return runs


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

    summary = create_demo(workspace)
    experiments = ", ".join(summary.experiments)
    if summary.created:
        print(f"Made the demo experiment {experiments} in {summary.workspace}:")
    else:
        print(f"The demo experiment {experiments} is already in {summary.workspace}:")
    print(f"{len(summary.run_ids)} runs with {len(summary.child_run_ids)} child runs")
    for run_id in summary.run_ids:
        print(f"  {run_id}")
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
    from tbdesk.sources.base import SourceError

    return isinstance(error, CommandError | BoardError | SourceError | OSError)


def _print_error(error: Exception) -> None:
    first, *detail = (str(error).strip() or type(error).__name__).splitlines()
    print(f"tbdesk: error: {first}", file=sys.stderr)
    for line in detail:
        print(f"  {line}", file=sys.stderr)
