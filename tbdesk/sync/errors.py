"""What can go wrong while syncing a run's files; every message is meant for the user."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from tbdesk.sources.base import SourceError

NO_ROOM = (errno.ENOSPC, errno.EDQUOT)


class SyncError(SourceError):
    """A run's files could not be brought to this machine."""


class DiskFullError(SyncError):
    """The disk holding the cache has no room left; nothing already synced was damaged."""


def disk_error(exc: OSError, where: Path) -> SyncError:
    """What a failed write in the cache (at `where`) means for the user."""
    if exc.errno in NO_ROOM:
        try:
            free = shutil.disk_usage(where).free
        except OSError:
            free = -1
        left = f" ({free // 1024} KiB free)" if free >= 0 else ""
        return DiskFullError(
            f"The disk holding tbdesk's cache ({where}) is full{left}. Free some space, lower the cache"
            " size limit or clear the cache; syncing resumes where it stopped."
        )
    return SyncError(f"Cannot write the synced files in {where}: {exc.strerror or exc}")
