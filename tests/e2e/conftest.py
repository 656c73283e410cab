"""Fixtures of the end-to-end tests, shared with the UI tests (tests/ui/ui_helpers.py)."""

from tests.ui.ui_helpers import manager

__all__ = ["manager"]
