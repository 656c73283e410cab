"""Names that come from runs and metrics, made safe as folder names and as TensorBoard tags.

A folder name is one path component on every common file system: no separators, no control or
reserved characters, no '.' or '..', no leading dot (hidden, and tbdesk's own temporary folders start
with one), not a Windows device name, at most MAX_FOLDER_BYTES bytes of UTF-8. A tag may hold '/'
(TensorBoard groups tags by it) but no control characters or lone surrogates, which cannot be written
as UTF-8.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Collection

MAX_FOLDER_BYTES = 120
MAX_TAG_CHARS = 1000
HPARAMS_TAG_PREFIX = "_hparams_/"  # the hparams plugin's own tags
_ALLOWED_PUNCTUATION = frozenset(" -_.,=+@()[]{}#%&!~^'")
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{kind}{n}" for kind in ("COM", "LPT") for n in range(1, 10)]
)


def clean_text(text: str) -> str:
    """text with every lone surrogate replaced by U+FFFD, so it can be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def safe_tag(name: str) -> str:
    """A TensorBoard tag for a metric name."""
    tag = "".join("_" if _is_control(ch) else ch for ch in clean_text(name)).strip()
    if len(tag) > MAX_TAG_CHARS:
        tag = tag[: MAX_TAG_CHARS - 9] + "~" + _digest(name)
    if tag.startswith(HPARAMS_TAG_PREFIX):
        tag = "_" + tag
    return tag or "_"


def safe_folder_name(name: str, fallback: str = "run") -> str:
    """A readable folder name for a run name ('lr=0.01/fold 1' -> 'lr=0.01_fold 1')."""
    text = clean_text(name)
    cleaned = "".join(
        ch if (ch.isalnum() and not _is_control(ch)) or ch in _ALLOWED_PUNCTUATION else "_" for ch in text
    ).strip(" .")
    if not cleaned:
        cleaned = fallback
    if cleaned.split(".")[0].upper() in _WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    if len(cleaned.encode("utf-8")) > MAX_FOLDER_BYTES:
        cleaned = _shorten(cleaned, MAX_FOLDER_BYTES - 9).rstrip(" .") + "~" + _digest(name)
    return cleaned


def unique_name(name: str, taken: Collection[str]) -> str:
    """name, or 'name (2)', 'name (3)', ... : the first that is not taken, compared without case
    (macOS and Windows file systems ignore it)."""
    folded = {item.casefold() for item in taken}
    if name.casefold() not in folded:
        return name
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = _shorten(name, MAX_FOLDER_BYTES - len(suffix)).rstrip(" .") + suffix
        if candidate.casefold() not in folded:
            return candidate
        number += 1


def unique_tag(tag: str, taken: Collection[str]) -> str:
    """tag, or 'tag (2)', ... : two metrics never share a tag."""
    if tag not in taken:
        return tag
    number = 2
    while f"{tag} ({number})" in taken:
        number += 1
    return f"{tag} ({number})"


def _shorten(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
