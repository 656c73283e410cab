"""The few pieces of the protocol buffer wire format that event files need, written by hand so the
export never imports protobuf or TensorFlow (field numbers are those of TensorBoard's .proto files)."""

from __future__ import annotations

import struct

from tbdesk.export.names import clean_text

VARINT = 0
FIXED64 = 1
BYTES = 2
FIXED32 = 5


def varint(number: int) -> bytes:
    """A base-128 varint; a negative number is written as its 64-bit two's complement (10 bytes)."""
    number &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while number > 0x7F:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def key(field: int, wire_type: int) -> bytes:
    return varint((field << 3) | wire_type)


def message(field: int, payload: bytes) -> bytes:
    """A length-delimited field: a string, bytes or a nested message."""
    return key(field, BYTES) + varint(len(payload)) + payload


def text(field: int, value: str) -> bytes:
    """A string field; a lone surrogate (which UTF-8 cannot hold) becomes U+FFFD."""
    return message(field, clean_text(value).encode("utf-8")) if value else b""


def integer(field: int, value: int) -> bytes:
    return key(field, VARINT) + varint(value) if value else b""


def double(field: int, value: float) -> bytes:
    return key(field, FIXED64) + struct.pack("<d", value)


def single(field: int, value: float) -> bytes:
    return key(field, FIXED32) + struct.pack("<f", value)
