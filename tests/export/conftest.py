"""The `sample` fixture: an empty local workspace and its source (helpers in export_samples)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from export_samples import Sample

from tbdesk.local import Workspace
from tbdesk.sources.workspace import WorkspaceSource


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Sample]:
    with Workspace(tmp_path / "workspace") as workspace:
        yield Sample(WorkspaceSource(workspace.path), workspace)
