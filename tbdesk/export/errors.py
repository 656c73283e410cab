"""The export's errors."""

from __future__ import annotations


class ExportError(Exception):
    """An export failed and left nothing half-written; the message is meant for the user."""


class ExportCancelled(Exception):
    """Raised in a writing thread to stop it when the export was cancelled."""
