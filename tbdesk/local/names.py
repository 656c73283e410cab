"""Checks for names that come from users (experiment names, run ids, file names in a run), and run ids.

Every name that ends up in a file path goes through here first, so a hostile name can never reach
outside the workspace.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from pathlib import Path, PurePosixPath

MAX_NAME_LENGTH = 250
# A run id names a folder; most file systems allow 255 bytes per path component.
_MAX_RUN_ID_BYTES = 200
MAX_FILE_NAME_BYTES = 255


class InvalidNameError(ValueError):
    """A user-given name is not acceptable; the message says why."""


# Control characters (C0, C1, DEL), format characters (bidirectional overrides, zero-width ones) and
# line or paragraph separators: invisible or misleading in a name, and some break file names or logs.
_CONTROL_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp"))


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in _CONTROL_CATEGORIES for ch in text)


def check_text(text: object, what: str) -> str:
    """Return text if it can be stored (UTF-8 can encode it), else raise InvalidNameError.

    A str may hold lone surrogates (from os.fsdecode of undecodable bytes, or a broken JSON escape):
    they are not characters, and SQLite, file systems and TensorBoard cannot take them."""
    if not isinstance(text, str):
        raise InvalidNameError(f"The {what} must be a string, not {type(text).__name__}.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidNameError(
            f"The {what} {text!r} is not valid Unicode text: it holds a lone surrogate "
            f"({text[exc.start]!r} at position {exc.start})."
        ) from None
    return text


def _check_plain(name: object, what: str, *, blank_ok: bool = False) -> str:
    """The rules every user-given name follows: text that can be stored, not blank (unless
    blank_ok), at most MAX_NAME_LENGTH characters, no control characters."""
    text = check_text(name, what)
    if not blank_ok and not text.strip():
        raise InvalidNameError(f"The {what} must not be empty.")
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidNameError(
            f"The {what} is {len(text)} characters long; at most {MAX_NAME_LENGTH} are allowed."
        )
    if _has_control(text):
        raise InvalidNameError(f"The {what} {text!r} must not contain control characters.")
    return text


def check_name(name: object, what: str = "experiment name") -> str:
    """Return name if it is a usable experiment name (or run id), else raise InvalidNameError."""
    text = _check_plain(name, what)
    if "/" in text or "\\" in text:
        raise InvalidNameError(f"The {what} {text!r} must not contain '/' or '\\'.")
    if text in (".", ".."):
        raise InvalidNameError(f"The {what} must not be {text!r}.")
    return text


def check_display_name(name: object) -> str:
    """A run's display name: like an experiment name, but it may hold '/' (Azure ML allows it, and
    it never names a folder as it is) and may be empty (the run is then shown by its id)."""
    return _check_plain(name, "run name", blank_ok=True)


def new_run_id(experiment: str, now: float | None = None) -> str:
    """A run id shaped like Azure ML's: `<experiment>_<unix time>_<8 hex digits>`."""
    suffix = f"_{int(time.time() if now is None else now)}_{secrets.token_hex(4)}"
    prefix = experiment
    # Long (or multi-byte) experiment names are shortened so the id still fits in a folder name.
    while len((prefix + suffix).encode()) > _MAX_RUN_ID_BYTES:
        prefix = prefix[:-1]
    return prefix + suffix


def check_run_id(run_id: object) -> str:
    """A run id given by a user (child_run(run_id=...)) must be usable as one folder name."""
    check_name(run_id, "run id")
    assert isinstance(run_id, str)
    if len(run_id.encode()) > _MAX_RUN_ID_BYTES:
        raise InvalidNameError(f"The run id {run_id!r} is longer than {_MAX_RUN_ID_BYTES} bytes.")
    return run_id


def check_file_name(name: object) -> str:
    """Normalise a file name inside a run ('outputs/model.pkl') to a relative '/'-separated path."""
    check_text(name, "file name")
    assert isinstance(name, str)
    if _has_control(name):
        raise InvalidNameError(f"The file name {name!r} must not contain control characters.")
    text = name.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        raise InvalidNameError(f"The file name {name!r} must be relative to the run.")
    parts = [p for p in PurePosixPath(text).parts if p != "."]
    if not parts:
        raise InvalidNameError(f"The file name {name!r} is empty.")
    if ".." in parts:
        raise InvalidNameError(f"The file name {name!r} must not contain '..'.")
    if any(len(part.encode()) > MAX_FILE_NAME_BYTES for part in parts):
        raise InvalidNameError(
            f"The file name {name!r} has a part longer than {MAX_FILE_NAME_BYTES} bytes, which file "
            "systems refuse."
        )
    return "/".join(parts)


def inside(root: Path, relative: str) -> Path:
    """root / relative, after making sure the result (links resolved) stays inside root."""
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise InvalidNameError(f"{relative!r} points outside {root}.")
    return target


def safe_component(text: str) -> str:
    """A readable folder name made from any metric name ('train/loss' -> 'train_loss')."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in text).strip(" .")
    return cleaned[:100] or "image"


def check_key(key: object, what: str) -> str:
    """A tag or property key: the same rules as a metric name."""
    return _check_plain(key, what)


def check_metric_name(name: object) -> str:
    """Metric names may hold '/' (TensorBoard groups tags by it) but must be printable text."""
    return _check_plain(name, "metric name")
