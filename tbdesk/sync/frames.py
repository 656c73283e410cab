"""TFRecord frames, the container of TensorBoard event files: how the sync tells an event file
that grew from one that was replaced, from the new bytes alone.

A frame is the data's length (8 bytes, little-endian), a masked CRC32C of those 8 bytes, the
data, and a masked CRC32C of the data. A local copy of an event file ends at a frame boundary, or
inside the frame after its last boundary (the upstream file was caught mid-write). When the file
grew, the bytes from the local end on carry on that frame sequence: together with the local bytes
after the last boundary, they start with a frame whose two checksums hold. Bytes from anywhere
else (a replaced file seen from our offset) pass both with odds of about 2^-64.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path, PurePosixPath

from tbdesk.export.records import crc32c, masked_crc
from tbdesk.sources.logdir import is_event_file as named_like_event_file

HEADER = 12  # length and its checksum
FOOTER = 4  # the data's checksum


def masked_crc32c(data: bytes | bytearray | memoryview) -> int:
    """The masked CRC32C TFRecord frames carry (the export writes them with the same functions)."""
    return masked_crc(crc32c(data))


def is_event_file(path: str) -> bool:
    """The file at this '/'-separated path is named like a TensorBoard event file."""
    return named_like_event_file(PurePosixPath(path).name)


def _header_length(header: bytes | bytearray | memoryview) -> int | None:
    """The data length a frame header gives, or None when its checksum does not hold."""
    (length,) = struct.unpack_from("<Q", header, 0)
    (check,) = struct.unpack_from("<I", header, 8)
    return int(length) if masked_crc32c(header[:8]) == check else None


def last_boundary(path: Path, start: int = 0) -> int | None:
    """The offset of the last frame boundary in the file, walking frame headers from `start` (a
    known boundary); None when a header on the way is not one (not a frame sequence). Reads only
    the headers."""
    size = path.stat().st_size
    if start > size:
        return None
    if start == size:
        return start
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        size = min(size, len(view))
        at = start
        while at + HEADER <= size:
            length = _header_length(view[at : at + HEADER])
            if length is None:
                return None
            end = at + HEADER + length + FOOTER
            if end > size:
                break
            at = end
        return at


class NotContinuedError(Exception):
    """The new bytes do not carry on the local file's frames: it was replaced, or is not one."""


class Continuation:
    """Checks bytes fetched from a local event file's end as they arrive. `pending` is what the
    local file holds after its last frame boundary (a partial frame, often nothing). The new
    bytes are held back until the first frame that ends past the local end is whole and both its
    checksums hold; from then on they pass straight through. So nothing unchecked ever completes
    a frame in the local file, and at most one frame is held in memory."""

    def __init__(self, pending: bytes) -> None:
        self._buffer = bytearray(pending)
        self._local = len(pending)
        self._length: int | None = None
        self.verified = False
        self._refused = False

    def feed(self, chunk: bytes) -> bytes:
        """The bytes of chunk (and of earlier ones held back) that may be appended now; raises
        NotContinuedError."""
        if self.verified:
            return chunk
        self._buffer += chunk
        buffer = self._buffer
        if self._length is None and len(buffer) >= HEADER:
            self._length = _header_length(buffer[:HEADER])
            if self._length is None:
                self._refused = True
                raise NotContinuedError("the bytes after ours do not start a frame")
        if self._length is None or len(buffer) < HEADER + self._length + FOOTER:
            return b""
        end = HEADER + self._length
        (check,) = struct.unpack_from("<I", buffer, end)
        if masked_crc32c(memoryview(buffer)[HEADER:end]) != check:
            self._refused = True
            raise NotContinuedError("the frame our bytes start fails its checksum")
        self.verified = True
        ready = bytes(buffer[self._local :])
        self._buffer = bytearray()
        return ready

    def undecided(self) -> bytes:
        """New bytes held back and not yet checked: part of one frame that is not whole yet, so
        safe to append (a reader waits for the rest); the next poll checks them with the rest.
        Nothing once the check failed."""
        if self._refused:
            return b""
        ready = bytes(self._buffer[self._local :])
        self._buffer = self._buffer[: self._local]
        return ready
