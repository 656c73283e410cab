"""The `sample` fixture: an empty local workspace and its source (helpers in export_samples)."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_samples import Sample

from tbdesk.local import Workspace
from tbdesk.sources.workspace import WorkspaceSource


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    workspace = Workspace(tmp_path / "workspace")
    return Sample(WorkspaceSource(workspace.path), workspace)
