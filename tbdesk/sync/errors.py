"""What can go wrong while syncing a run's files; every message is meant for the user."""

from __future__ import annotations

from tbdesk.sources.base import SourceError


class SyncError(SourceError):
    """A run's files could not be brought to this machine."""


class UnsafePathError(SyncError):
    """A run's file has a path that would land outside the run's folder (or that this machine
    cannot hold as given); it is refused, never written."""


class DiskFullError(SyncError):
    """The disk holding the cache has no room left; nothing already synced was damaged."""
