"""CRC32C and TFRecord framing against TensorBoard's own (pure Python) implementation."""

from __future__ import annotations

import os

import numpy as np
import pytest
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import crc32c as reference_crc32c
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c
from tensorboard.summary.writer.record_writer import RecordWriter

from tbdesk.export.records import RecordBatch, crc32c, frame, masked_crc


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 63, 255, 256, 511, 512, 513, 1000, 4096, 70_001])
def test_crc32c_matches_reference(size: int) -> None:
    data = os.urandom(size)
    assert crc32c(data) == reference_crc32c(data)
    assert masked_crc(crc32c(data)) == masked_crc32c(data)


def test_known_vector() -> None:
    # The check value of CRC-32C (RFC 3720): "123456789" -> 0xE3069283.
    assert crc32c(b"123456789") == 0xE3069283


class _Sink:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_frame_matches_tensorboard_record_writer() -> None:
    payload = os.urandom(300)
    sink = _Sink()
    RecordWriter(sink).write(payload)
    assert frame(payload) == sink.data


def test_batch_of_fixed_layout_records_equals_framing_each() -> None:
    rng = np.random.default_rng(7)
    template = bytes(rng.integers(0, 256, 90, dtype=np.uint8))
    batch = RecordBatch(template, 500)
    varying = [0, 5, 6, 7, 44, 89]
    batch.payloads[:, varying] = rng.integers(0, 256, (500, len(varying)), dtype=np.uint8)
    records = batch.seal(varying)
    for row in range(500):
        assert records[row].tobytes() == frame(batch.payloads[row].tobytes())
