"""Blocking work in worker threads that stops when its caller gives up.

A thread cannot be stopped from outside. `in_thread` runs a blocking call in a worker thread
(asyncio.to_thread, which hands the thread a copy of the caller's context) with a stop event of
its own in `current_stop`, and sets the event when the awaiting task is cancelled. Blocking code
that can stop cleanly looks at the event there: the REST client before each request, in its
retry waits and between a download's chunks (tbdesk.azure.rest), a synced file's body between
chunks (tbdesk.sync.remote).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# The stop event of the worker call running in this context (None: not started by in_thread).
current_stop: ContextVar[threading.Event | None] = ContextVar("tbdesk_current_stop", default=None)


async def in_thread(work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """work(*args, **kwargs) in a worker thread, told to stop (`current_stop`) if this is cancelled."""
    stop = threading.Event()
    token = current_stop.set(stop)
    try:
        return await asyncio.to_thread(work, *args, **kwargs)
    except asyncio.CancelledError:
        stop.set()
        raise
    finally:
        current_stop.reset(token)
