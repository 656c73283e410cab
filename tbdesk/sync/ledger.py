"""What a run's folder in the cache holds, remembered across launches. For each synced file two
versions that are never compared with each other (remote.py): `records`, the listing's record
version when its bytes were last complete here (a different one says the record changed), and
`blobs`, the ETag of the bytes read last (the next read asks If-None-Match it: unchanged bytes
cost nothing). For each whole-file download in progress the ETag its partial bytes belong to (so
an interrupted download resumes, and a file replaced meanwhile starts over); for event files the
offset of the last TFRecord frame boundary in the local copy (-1: not a frame sequence; see
frames.py), so that checking the next bytes never walks the whole file again; and `ended`: the
run had ended when its files were last checked (nothing can grow any more)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tbdesk.paths import make_dirs

VERSION = 2


@dataclass
class Ledger:
    path: Path
    records: dict[str, str | None] = field(default_factory=dict)
    blobs: dict[str, str] = field(default_factory=dict)
    partials: dict[str, str | None] = field(default_factory=dict)
    frames: dict[str, int] = field(default_factory=dict)
    ended: bool = False
    # Downloads in worker threads record their partial files while others save.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """The ledger at path; an unreadable or foreign one counts as empty (files are then
        checked against upstream again, which costs bytes but loses nothing)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("version") not in (1, VERSION):
            return cls(path)
        partials, frames = _strings(data.get("partials")), _offsets(data.get("frames"))
        if data["version"] == 1:
            # Version 1 kept one etag per file, mostly the bytes' ETag from the download: kept as
            # that, each file's next read asks whether it is still so (If-None-Match), and its
            # record version is learnt from the next listing.
            blobs = {k: v for k, v in _strings(data.get("files")).items() if v is not None}
            return cls(path, {}, blobs, partials, frames)
        blobs = {k: v for k, v in _strings(data.get("blobs")).items() if v is not None}
        return cls(path, _strings(data.get("records")), blobs, partials, frames, data.get("ended") is True)

    def set_partial(self, path: str, etag: str | None) -> None:
        with self.lock:
            self.partials[path] = etag

    def drop_partial(self, path: str) -> None:
        with self.lock:
            self.partials.pop(path, None)

    def save(self) -> None:
        """Written to a temporary file and renamed: a crash or a full disk leaves the old one."""
        make_dirs(self.path.parent)
        with self.lock:
            data = json.dumps(
                {
                    "version": VERSION,
                    "records": self.records,
                    "blobs": self.blobs,
                    "partials": self.partials,
                    "frames": self.frames,
                    "ended": self.ended,
                }
            )
        handle, name = tempfile.mkstemp(prefix=".ledger-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(name, self.path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def _strings(value: object) -> dict[str, str | None]:
    if not isinstance(value, dict):
        return {}
    return {str(k): (str(v) if v is not None else None) for k, v in value.items()}


def _offsets(value: object) -> dict[str, int]:
    # A ledger from before frames were kept has none: they are found again when needed.
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}
