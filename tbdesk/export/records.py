"""TFRecord framing with CRC32C, for one record or for many records of one fixed layout at once.

A record is: the payload length (uint64, little-endian), the masked CRC32C of those 8 bytes, the
payload, the masked CRC32C of the payload. CRC32C is linear over GF(2): the CRC of a message equals
the CRC of a template XOR the contributions of the bytes that differ from it, each read from a table
indexed by (distance to the end, byte value). So records that share a layout and differ only in a few
bytes (wall time, step, values) get their checksums from a few vectorised table lookups per varying
byte, instead of a loop over every byte of every record.
"""

from __future__ import annotations

import functools
import threading

import numpy as np
import numpy.typing as npt

_POLY = 0x82F63B78  # CRC32C (Castagnoli), bit-reversed
_MASK_DELTA = 0xA282EAD8
_HEADER = 12  # length (8) + its masked CRC (4)
_FOOTER = 4
# Long messages are checksummed in blocks of this many bytes (a power of two keeps tables small).
_BLOCK = 256
# Below this size a plain loop over the bytes is quicker than setting up numpy.
_SHORT = 512

U8Array = npt.NDArray[np.uint8]
U32Array = npt.NDArray[np.uint32]


@functools.cache
def _byte_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (_POLY if crc & 1 else 0)
        table.append(crc)
    return table


class _DistanceTables:
    """rows[k][b]: the raw CRC (start 0, no final XOR) of byte b followed by k zero bytes."""

    def __init__(self) -> None:
        self._table = np.array(_byte_table(), dtype=np.uint32)
        self._rows = self._table[None, :].copy()
        self._lock = threading.Lock()  # encoding runs in worker threads

    def upto(self, distance: int) -> U32Array:
        rows = self._rows
        if distance < len(rows):
            return rows
        with self._lock:
            rows = self._rows
            if distance >= len(rows):
                grown = np.empty((max(distance + 1, 2 * len(rows)), 256), dtype=np.uint32)
                grown[: len(rows)] = rows
                for k in range(len(rows), len(grown)):
                    prev = grown[k - 1]
                    grown[k] = (prev >> np.uint32(8)) ^ self._table[prev & np.uint32(0xFF)]
                self._rows = rows = grown
        return rows


_TABLES = _DistanceTables()


@functools.cache
def _block_shift() -> list[list[int]]:
    """shift[i][b]: the raw CRC state (b << 8i) after _BLOCK zero bytes; combines block CRCs."""
    table = _byte_table()
    shift = []
    for i in range(4):
        row = []
        for byte in range(256):
            crc = byte << (8 * i)
            for _ in range(_BLOCK):
                crc = (crc >> 8) ^ table[crc & 0xFF]
            row.append(crc)
        shift.append(row)
    return shift


def crc32c(data: bytes | bytearray | memoryview) -> int:
    """The CRC32C of data."""
    view = memoryview(data).cast("B")
    if len(view) < _SHORT:
        table = _byte_table()
        crc = 0xFFFFFFFF
        for byte in view:
            crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
        return crc ^ 0xFFFFFFFF
    # Starting from 0xFFFFFFFF is the same as inverting the first 4 bytes and starting from 0; and
    # leading zero bytes do not change a CRC that starts from 0, so the message is padded in front.
    size = len(view)
    pad = -size % _BLOCK
    message = np.zeros(pad + size, dtype=np.uint8)
    message[pad:] = np.frombuffer(view, dtype=np.uint8)
    message[pad : pad + 4] ^= np.uint8(0xFF)
    blocks = message.reshape(-1, _BLOCK)
    rows = _TABLES.upto(_BLOCK - 1)
    partial = np.zeros(len(blocks), dtype=np.uint32)
    for column in range(_BLOCK):
        partial ^= rows[_BLOCK - 1 - column][blocks[:, column]]
    s0, s1, s2, s3 = _block_shift()
    crc = 0
    for block_crc in partial.tolist():
        crc = s0[crc & 0xFF] ^ s1[(crc >> 8) & 0xFF] ^ s2[(crc >> 16) & 0xFF] ^ s3[crc >> 24] ^ block_crc
    return crc ^ 0xFFFFFFFF


def masked_crc(crc: int) -> int:
    """TFRecord's masked CRC, so that a CRC of data holding CRCs stays well distributed."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def _masked(crcs: U32Array) -> U32Array:
    return ((crcs >> np.uint32(15)) | (crcs << np.uint32(17))) + np.uint32(_MASK_DELTA)


def frame(payload: bytes) -> bytes:
    """One TFRecord holding payload."""
    length = len(payload).to_bytes(8, "little")
    return b"".join(
        (
            length,
            masked_crc(crc32c(length)).to_bytes(4, "little"),
            payload,
            masked_crc(crc32c(payload)).to_bytes(4, "little"),
        )
    )


class RecordBatch:
    """Many records whose payloads all have one length: fill `payloads` (a view of shape
    (count, length) into the framed bytes) from a template, write the varying bytes, then `seal`."""

    def __init__(self, template: bytes, count: int) -> None:
        self.length = len(template)
        self.records: U8Array = np.empty((count, _HEADER + self.length + _FOOTER), dtype=np.uint8)
        header = self.length.to_bytes(8, "little")
        self.records[:, :8] = np.frombuffer(header, dtype=np.uint8)
        self.records[:, 8:_HEADER] = np.frombuffer(
            masked_crc(crc32c(header)).to_bytes(4, "little"), dtype=np.uint8
        )
        self._template = template
        self.payloads: U8Array = self.records[:, _HEADER : _HEADER + self.length]
        self.payloads[:] = np.frombuffer(template, dtype=np.uint8)

    def seal(self, varying: npt.ArrayLike) -> U8Array:
        """Write every record's checksum; varying lists the payload columns that may differ from the
        template (the others must hold the template's bytes). Returns the framed records."""
        columns = np.asarray(varying, dtype=np.intp)
        rows = _TABLES.upto(self.length - 1)
        template = np.frombuffer(self._template, dtype=np.uint8)
        crcs = np.full(len(self.records), crc32c(self._template), dtype=np.uint32)
        for column in columns.tolist():
            delta = self.payloads[:, column] ^ template[column]
            crcs ^= rows[self.length - 1 - column][delta]
        footer = _masked(crcs).astype("<u4").view(np.uint8).reshape(-1, _FOOTER)
        self.records[:, _HEADER + self.length :] = footer
        return self.records
