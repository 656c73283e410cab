"""Keeping the garbage collector's full passes short, so the window never stalls on them.

A full collection walks every container object Python tracks, holding the GIL all along: with
PySide6, azureml-core and tbdesk loaded that is over 100,000 objects and a tenth of a second in
which the window can neither draw nor answer, coming back whenever enough new objects have
survived (a few pages of runs). Nearly all of those objects were made by imports (modules,
classes, functions) and live as long as the process. `gc.freeze()` moves every object that exists
into a permanent generation that collections skip; frozen objects are still freed by reference
counting, and only a reference cycle among them would never be collected. So tbdesk freezes right
after its big imports (the window's at start-up, azureml-core's on the first Azure workspace),
when little else exists.
"""

from __future__ import annotations

import gc


def freeze_imported() -> None:
    """Leave the objects that exist now, mostly those of the modules imported so far, out of
    all later collections. Cheap: it moves lists and walks nothing."""
    gc.freeze()
