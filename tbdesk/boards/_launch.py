"""The program a board runs: TensorBoard of this interpreter, tied to the life of the app.

Started as `python <this file> <tensorboard flags>`, with TBDESK_PARENT_PID set to the app's pid.
Run by path rather than with -m so it needs no importable tbdesk (a source checkout works as well
as an installed package); it uses the standard library only. A frozen bundle has no `python` to
run a file with: there the app's own executable runs it through the internal verb BOARD_VERB.
"""

from __future__ import annotations

import os
import signal
import sys
import types
from collections.abc import Sequence
from pathlib import Path

LAUNCHER = Path(__file__).resolve()
# How a board's command line is recognised, whichever installation of tbdesk started it: the
# launcher's path after a Python, or the internal verb after a bundle's executable.
LAUNCHER_TAIL = "/tbdesk/boards/_launch.py"
BOARD_VERB = "__tensorboard__"
PARENT_PID_ENV = "TBDESK_PARENT_PID"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> None:
    """Have the kernel SIGKILL us when the app dies, even by SIGKILL, so no board is orphaned.

    Done here rather than in a preexec_fn, which is unsafe in a process with threads (Qt has
    several). The signal follows the thread that forked us, so the app spawns from its event loop
    thread. If the app died before prctl took effect we were already re-parented: check and exit.
    """
    expected = os.environ.pop(PARENT_PID_ENV, "")
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if expected.isdigit() and os.getppid() != int(expected):
        os._exit(1)


def _keep_tensorflow_out() -> None:
    """Make TensorBoard use its built-in TensorFlow stub even when TensorFlow is installed.

    `tensorboard.compat.tf` imports TensorFlow unless `tensorboard.compat.notf` can be imported
    (the hook behind TensorBoard's own no-TensorFlow build). With TensorFlow, TensorBoard starts
    about 4x slower and takes 7x the memory (PLATFORM.md), and a board needs none of it: the Rust
    data server reads the logs. An empty module under that name is all the hook looks for.
    """
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))


def launcher_prefix() -> list[str]:
    """The command, before TensorBoard's flags, that runs this launcher in a new process."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: sys.executable is the app itself
        return [sys.executable, BOARD_VERB]
    return [sys.executable, str(LAUNCHER)]


def is_board_command(command: Sequence[str]) -> bool:
    """A process's command line is that of a board started by some tbdesk (a venv's or a bundle's)."""
    return len(command) > 1 and (
        command[1].endswith(LAUNCHER_TAIL) or (command[1] == BOARD_VERB and Path(command[0]).name == "tbdesk")
    )


def main(flags: Sequence[str] | None = None) -> None:
    """Run TensorBoard with these flags (default: this program's arguments) until it ends."""
    # Python put this file's folder first on sys.path: its module names (process, names, ...)
    # must not shadow anything TensorBoard imports.
    if sys.path and Path(sys.path[0]).resolve() == LAUNCHER.parent:
        del sys.path[0]
    _die_with_parent()
    _keep_tensorflow_out()
    from tensorboard import main as tensorboard_main

    sys.argv = ["tensorboard", *(sys.argv[1:] if flags is None else flags)]
    tensorboard_main.run_main()


if __name__ == "__main__":
    main()
