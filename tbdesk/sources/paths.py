"""A run's file paths come from the service and are untrusted: turn one into a place inside the
run's folder, or refuse it. Every place where a remote name becomes a local path (live sync,
Download logs) goes through here.

Refused: empty paths and empty segments, text that is not valid Unicode (lone surrogates),
absolute paths, drive letters and UNC names, `.` and `..` segments, backslashes, NUL and other
control characters, percent-encoded separators or dots (`%2e%2e%2f`) and Unicode look-alikes that
normalise to them, names Windows reserves (CON, NUL, COM1...) or silently rewrites (trailing dots
and spaces), and colons (alternate data streams).
A refused path is reported, never "cleaned": a cleaned path could collide with a real one.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath

from tbdesk.sources.base import SourceError

MAX_PATH_CHARS = 1024
MAX_SEGMENT_BYTES = 255
_DRIVE = re.compile(r"^[A-Za-z]:")
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{kind}{n}" for kind in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


class UnsafePathError(SourceError):
    """A run's file has a path that would land outside the run's folder (or that this machine
    cannot hold as given); it is refused, never written."""


def _why_unsafe(path: str) -> str | None:  # noqa: PLR0911 - one answer per kind of hostile path
    if not path:
        return "it is empty"
    if len(path) > MAX_PATH_CHARS:
        return "it is too long"
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no file system here could name it as given
        return "it is not valid Unicode"
    if any(unicodedata.category(ch) == "Cc" for ch in path):
        return "it holds control characters"
    if "\\" in path:
        return "it holds backslashes"
    if path.startswith("/"):
        return "it is absolute"
    if _DRIVE.match(path):
        return "it names a drive"
    if any(_hides_meaning(escape.group()) for escape in _ESCAPE.finditer(path)):
        return "it hides separators, dots or control characters in percent escapes"
    folded = unicodedata.normalize("NFKC", path)
    if any(folded.count(ch) != path.count(ch) for ch in "/.") or "\\" in folded:
        return "it holds look-alikes of separators or dots"
    if ":" in folded:
        return "it holds a colon"
    return next(filter(None, map(_why_unsafe_name, path.split("/"))), None)


def _hides_meaning(escape: str) -> bool:
    char = chr(int(escape[1:], 16))
    return char in "/\\.%:" or unicodedata.category(char) == "Cc"


def _why_unsafe_name(segment: str) -> str | None:
    if segment in ("", ".", ".."):
        return "it has an empty, '.' or '..' segment"
    if segment[-1] in ". ":
        return "a name in it ends with a dot or a space"
    if segment.split(".", maxsplit=1)[0].upper().rstrip(" ") in _WINDOWS_RESERVED:
        return f"{segment!r} is a device name on Windows"
    if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
        return "a name in it is too long"
    return None


def safe_relative(path: str) -> PurePosixPath:
    """The run file's path as a relative path that stays inside any folder; raises UnsafePathError."""
    why = _why_unsafe(path)
    if why is not None:
        raise UnsafePathError(
            f"Refused the run file {path!r}: {why}, so it could land outside the run's folder."
        )
    return PurePosixPath(path)


def local_path(root: Path, path: str) -> Path:
    """Where the run file `path` goes under root; raises UnsafePathError. Also refuses a path
    whose existing folders on disk are links leading elsewhere (the folder is ours, but check)."""
    relative = safe_relative(path)
    target = root.joinpath(*relative.parts)
    base = os.path.realpath(root)
    parent = os.path.realpath(target.parent)
    if os.path.commonpath([base, parent]) != base:
        raise UnsafePathError(
            f"Refused the run file {path!r}: a folder on its way leads outside the run's folder."
        )
    return target


__all__ = ["UnsafePathError", "local_path", "safe_relative"]
