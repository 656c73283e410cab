"""Where runs come from: every kind of source answers the protocol in `base`."""

from __future__ import annotations

from pathlib import Path

from tbdesk.local.database import DB_NAME
from tbdesk.paths import default_workspace_dir
from tbdesk.sources.base import Source, SourceError
from tbdesk.sources.cloud import CloudFolderSource
from tbdesk.sources.logdir import LogFolderSource
from tbdesk.sources.workspace import WorkspaceSource, resolve_run

__all__ = [
    "CloudFolderSource",
    "LogFolderSource",
    "Source",
    "SourceError",
    "WorkspaceSource",
    "open_source",
    "resolve_run",
]


def open_source(source_id: str) -> Source:
    """Rebuild a source from its id (settings remember ids). An Azure ML workspace
    ("azureml:" + its ARM scope) is found among the remembered workspaces and reads with its
    account's credential of this launch (tbdesk.auth.session)."""
    kind, _, where = source_id.partition(":")
    if not where:
        raise SourceError(f"{source_id!r} does not name a source.")
    if kind == "azureml":
        return _azure_source(source_id)
    if kind == "cloud":
        return CloudFolderSource(where)
    path = Path(where)
    if kind == "logdir":
        if not path.is_dir():
            raise SourceError(f"The log folder {path} no longer exists.")
        return LogFolderSource(path)
    if kind == "workspace":
        default = default_workspace_dir().expanduser().resolve()
        if path.resolve() == default:
            return WorkspaceSource(None)
        if not (path / DB_NAME).is_file():
            raise SourceError(f"The local workspace at {path} no longer exists.")
        return WorkspaceSource(path)
    raise SourceError(f"{source_id!r} is not a kind of source this tbdesk knows.")


def _azure_source(source_id: str) -> Source:
    # Imported here: tbdesk.azure's modules import this package (for SourceError), and Azure is
    # not needed to open local sources.
    from tbdesk.auth.session import open_workspace
    from tbdesk.azure.accounts import AccountStore

    store = AccountStore()
    entry = store.workspace(source_id)
    if entry is None:
        scope = source_id.partition(":")[2]
        name = scope.rstrip("/").rsplit("/", 1)[-1] or scope
        raise SourceError(
            f"The Azure ML workspace {name} is no longer among tbdesk's workspaces; add it again."
        )
    return open_workspace(entry, store)
