"""Fixtures for board tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.event_files import write_events


@pytest.fixture
def logs(tmp_path: Path) -> Callable[..., Path]:
    """Make a folder of real event files: logs("a") -> tmp_path/logs/a."""

    def make(name: str, tag: str = "loss", steps: int = 5) -> Path:
        return write_events(tmp_path / "logs" / name, tag, steps)

    return make
