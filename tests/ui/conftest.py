"""Fixtures of the UI tests (defined in tests/ui/ui_helpers.py, which tests/e2e shares)."""

from tests.ui.ui_helpers import browser, manager

__all__ = ["browser", "manager"]
