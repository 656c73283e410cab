"""Sources rebuilt from the ids that settings remember."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tbdesk.local import Workspace
from tbdesk.sources import LogFolderSource, SourceError, WorkspaceSource, open_source


def test_ids_round_trip(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    source = open_source(LogFolderSource(logs).id)
    assert isinstance(source, LogFolderSource) and source.path == logs.resolve()
    Workspace(tmp_path / "ws").close()
    workspace = open_source(f"workspace:{tmp_path / 'ws'}")
    assert isinstance(workspace, WorkspaceSource) and workspace.path == (tmp_path / "ws").resolve()


def test_vanished_and_unknown_sources(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    source_id = LogFolderSource(logs).id
    shutil.rmtree(logs)
    with pytest.raises(SourceError, match="no longer exists"):
        open_source(source_id)
    with pytest.raises(SourceError, match="no longer exists"):
        open_source(f"workspace:{tmp_path / 'never'}")
    assert not (tmp_path / "never").exists()
    with pytest.raises(SourceError, match="not a kind of source"):
        open_source("mlflow:/somewhere")
    # Azure ML workspaces are rebuilt from the remembered ones (tests/azure/test_accounts.py).
    with pytest.raises(SourceError, match="workspace ws is no longer among tbdesk's workspaces"):
        open_source(
            "azureml:/subscriptions/x/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
        )
    with pytest.raises(SourceError, match="does not name a source"):
        open_source("garbage")
