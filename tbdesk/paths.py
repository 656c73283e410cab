"""The app's own folders, from platformdirs; overridable by TBDESK_HOME for tests and portable use."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from tbdesk import APP_NAME


def _root() -> Path | None:
    home = os.environ.get("TBDESK_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    """Where the built-in local workspace lives by default."""
    root = _root()
    return root / "data" if root else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Downloaded logs, exports, board folders, the web view's cache."""
    root = _root()
    return root / "cache" if root else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Records of running boards (to clean up after a crash) and logs."""
    root = _root()
    return root / "state" if root else Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    root = _root()
    return root / "config" if root else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_workspace_dir() -> Path:
    return data_dir() / "workspace"
