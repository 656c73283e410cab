"""Guards against PySide6 releases known to break tbdesk."""

from __future__ import annotations

import subprocess
import sys

# PySide6 6.12.0 drops a reference to True on every signal emitted from Python; on Python 3.11,
# where True is not immortal, the process then aborts with "bool_dealloc: deallocating True".
# qasync emits a signal for every callback scheduled from a thread, so tbdesk would crash.
_EMITS = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    fired = Signal()

app = QCoreApplication([])
emitter = Emitter()
before = sys.getrefcount(True)
for _ in range(1000):
    emitter.fired.emit()
print(sys.getrefcount(True) - before)
"""


def test_emitting_a_signal_keeps_the_reference_count_of_true() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _EMITS], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) == 0
