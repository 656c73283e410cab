"""Image summaries: the encoded image as it is, with its width and height read from its header."""

from __future__ import annotations

import struct

from tbdesk.export.events import DATA_CLASS_BLOB_SEQUENCE, string_tensor, summary_metadata, tensor_value

_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, GIF or JPEG image; (0, 0) when unknown (TensorBoard shows the
    image anyway: the browser reads the size itself)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        return _jpeg_dimensions(data)
    return 0, 0


def _jpeg_dimensions(data: bytes) -> tuple[int, int]:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return 0, 0
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return 0, 0


def image_value(tag: str, data: bytes, *, first: bool, description: str = "") -> bytes:
    """A Summary.Value in the image plugin's format: a string tensor [width, height, image]."""
    width, height = dimensions(data)
    tensor = string_tensor([str(width).encode(), str(height).encode(), data], [3])
    metadata = summary_metadata("images", DATA_CLASS_BLOB_SEQUENCE, description=description) if first else b""
    return tensor_value(tag, tensor, metadata)
