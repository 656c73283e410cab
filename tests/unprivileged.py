"""Commands run so that file modes apply to them. Tests run as root in CI, and root reads a
chmod 000 file anyway; without the capabilities that let it (CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH) root is refused like anyone, and can still run this checkout's Python."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

import pytest

_DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@functools.cache
def _can_drop() -> bool:
    if shutil.which("setpriv") is None:
        return False
    done = subprocess.run([*_DROP, "true"], capture_output=True, check=False)
    return done.returncode == 0


def unprivileged(command: list[str]) -> list[str]:
    """command, as root without the capabilities that ignore file modes; skips the test where
    that is impossible."""
    if os.geteuid() != 0:
        return command
    if not _can_drop():
        pytest.skip(
            "as root, file modes are only enforced without CAP_DAC_OVERRIDE: setpriv cannot drop it here"
        )
    return [*_DROP, *command]
