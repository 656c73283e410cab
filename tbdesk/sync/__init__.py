"""Live sync: a run's TensorBoard logs (and its child runs') from where the run lives into the
cache, incrementally, while it runs."""

from tbdesk.sources.paths import UnsafePathError
from tbdesk.sync.cache import CacheEntry, RunCache
from tbdesk.sync.engine import DEFAULT_PREFIX, PollResult, RunSync
from tbdesk.sync.errors import DiskFullError, SyncError
from tbdesk.sync.poller import LiveSync, PollPolicy, RunSyncStatus, SyncState, found_by_logs, remote_for
from tbdesk.sync.remote import AzureRemote, Remote, RemoteFile

__all__ = [
    "DEFAULT_PREFIX",
    "AzureRemote",
    "CacheEntry",
    "DiskFullError",
    "LiveSync",
    "PollPolicy",
    "PollResult",
    "Remote",
    "RemoteFile",
    "RunCache",
    "RunSync",
    "RunSyncStatus",
    "SyncError",
    "SyncState",
    "UnsafePathError",
    "found_by_logs",
    "remote_for",
]
