"""Run names that are safe as paths inside a board's folder and still readable in TensorBoard.

A name is a '/'-separated path: TensorBoard shows a run at `<board>/a/b` as "a/b", so child runs
nest under their parent ("lr=0.01/fold-1"). Names come from users and remote workspaces, so each
part is cleaned: no '..', no empty or absolute parts, no control characters, bounded length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_MAX_PART_BYTES = 120  # well below NAME_MAX (255 bytes), leaving room for a suffix
_SEPARATORS = re.compile(r"[/\\]+")


def safe_part(text: str) -> str:
    """One path component: printable, not '.' or '..', never empty."""
    cleaned = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if cleaned.strip(".") == "":
        cleaned = cleaned.replace(".", "_")
    while len(cleaned.encode()) > _MAX_PART_BYTES:
        cleaned = cleaned[:-1]
    return cleaned or "run"


def safe_name(name: str) -> str:
    """A relative '/'-separated path made of safe parts."""
    parts = [part for part in _SEPARATORS.split(name) if part.strip() not in ("", ".")]
    return "/".join(safe_part(part) for part in parts) or "run"


def unique_names(names: Iterable[str]) -> list[str]:
    """Make each safe name unique (case-insensitively, for case-insensitive file systems) by
    adding ' (2)', ' (3)', ... to its last part; order is kept."""
    taken: set[str] = set()
    result: list[str] = []
    for name in names:
        base = safe_name(name)
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base} ({n})"
        taken.add(candidate.casefold())
        result.append(candidate)
    return result
