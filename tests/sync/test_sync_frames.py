"""TFRecord frames as TensorBoard's own writer makes them: checksums, the last frame boundary of a
local copy, and the check of the bytes that follow it, chunk by chunk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sync_helpers import Events

from tbdesk.sync.frames import (
    Continuation,
    NotContinuedError,
    crc32c,
    is_event_file,
    last_boundary,
    masked_crc32c,
)


def _frames(count: int) -> tuple[bytes, list[int]]:
    """An event file's bytes and where each of its frames ends."""
    events = Events("loss")
    data = b""
    ends = []
    for step in range(count):
        data += events.steps(step, step + 1)
        ends.append(len(data))
    return data, ends


def test_checksums_are_crc32c_masked_as_tensorflow_does() -> None:
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    data, ends = _frames(2)
    # The first frame as TensorBoard's RecordWriter wrote it: length, its checksum, data, checksum.
    length = int.from_bytes(data[:8], "little")
    assert masked_crc32c(data[:8]) == int.from_bytes(data[8:12], "little")
    assert masked_crc32c(data[12 : 12 + length]) == int.from_bytes(data[12 + length : 16 + length], "little")
    assert ends[0] > 16 + length  # the header record, then step 0's


def test_the_last_boundary_of_a_local_copy(tmp_path: Path) -> None:
    data, ends = _frames(6)
    local = tmp_path / "events.out.tfevents.1.host"
    for cut in (len(data), len(data) - 1, ends[2] + 5, ends[2] + 12, ends[2] + 13, 3, 0):
        local.write_bytes(data[:cut])
        expected = max([0] + [end for end in ends if end <= cut])
        assert last_boundary(local) == expected, cut
        assert last_boundary(local, ends[1]) == (expected if cut >= ends[1] else None), cut
    local.write_bytes(os.urandom(5000))
    assert last_boundary(local) is None
    local.write_bytes(data[: ends[3]] + os.urandom(500))
    assert last_boundary(local) is None
    assert is_event_file("logs/train/events.out.tfevents.1714550400.node-0.123.0.v2")
    assert not is_event_file("logs/tfevents/notes.txt")


@pytest.mark.parametrize("local_end", ["boundary", "mid-header", "mid-data"])
def test_bytes_that_continue_the_frames_pass_chunk_by_chunk(local_end: str) -> None:
    data, ends = _frames(8)
    have = {"boundary": ends[3], "mid-header": ends[3] + 7, "mid-data": ends[3] + 20}[local_end]
    check = Continuation(data[ends[3] : have])
    out = b""
    for at in range(have, len(data), 3):
        out += check.feed(data[at : at + 3])
        if have + len(out) < ends[4]:
            assert not check.verified
    assert check.verified and data[:have] + out + check.undecided() == data
    assert out[: ends[4] - have] == data[have : ends[4]]


def test_an_unfinished_frame_is_held_back_then_handed_over_unchecked() -> None:
    data, ends = _frames(3)
    check = Continuation(b"")
    assert check.feed(data[ends[1] : ends[1] + 20]) == b""
    assert check.undecided() == data[ends[1] : ends[1] + 20]  # part of one frame: a reader waits


@pytest.mark.parametrize("flaw", ["header", "data", "another file"])
def test_bytes_that_do_not_continue_the_frames_are_refused_and_none_handed_over(flaw: str) -> None:
    data, ends = _frames(6)
    have = ends[2] if flaw == "header" else ends[2] + 10
    rest = bytearray(data[have:])
    if flaw == "header":  # the length of the frame after ours
        rest[0] ^= 1
    elif flaw == "data":  # a byte of the frame that ours completes
        rest[5] ^= 0x40
    else:  # another writer's frames (other sizes), seen from our offset
        rest = bytearray(Events("val_accuracy", wall=1_800_000_000.0).steps(0, 9)[have:])
    check = Continuation(data[ends[2] : have])
    handed = b""
    with pytest.raises(NotContinuedError):
        for at in range(0, len(rest), 4):
            handed += check.feed(bytes(rest[at : at + 4]))
    assert handed == b"" and check.undecided() == b""
