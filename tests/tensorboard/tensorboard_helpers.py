"""Helpers for the Python API's tests: reading a board's pages."""

from __future__ import annotations

import urllib.error
import urllib.request


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return bytes(response.read())


def answers(url: str) -> bool:
    try:
        get(url)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    return True
