"""TensorBoard Event and Summary messages: scalars in vectorised batches, everything else (text,
images, hparams, the file header) one event at a time.

Scalars are written as `simple_value` (a 32-bit float): the Rust data server reads no other scalar
precision, so a finite value beyond the float32 range is saturated to the largest float32 rather
than turned into an infinity, and one too close to zero becomes 0; NaN and +-inf stay what they are.
Both changes are counted in the export's notes.

Points of different tags that share both step and wall time go into one Event: the file is about
half the size and TensorBoard loads it faster. Points with their own wall time keep it in their
own Event, so every point keeps its exact step and wall time. TensorBoard keeps one value per tag
and step (a later one replaces an earlier one), so for a repeated step only the last logged value is
written (the others are counted in the notes), and each tag's points are written in ascending step
order, which TensorBoard needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tbdesk.export import proto
from tbdesk.export.records import RecordBatch, U8Array, frame

FILE_VERSION = "brain.Event:2"
WRITER = "tbdesk"

# Data classes and types from TensorBoard's summary.proto and types.proto.
DATA_CLASS_SCALAR = 1
DATA_CLASS_TENSOR = 2
DATA_CLASS_BLOB_SEQUENCE = 3
DT_FLOAT = 1
DT_STRING = 7

_FLOAT32_MAX = float(np.finfo(np.float32).max)
# Half the smallest subnormal float32: anything smaller in magnitude rounds to zero.
_FLOAT32_TINY = float(np.finfo(np.float32).smallest_subnormal) / 2
# Bound on the index arrays of the scatter below (bytes of int64 indices per chunk).
_SCATTER_CHUNK = 1 << 22

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ScalarSeries:
    """Every point of one scalar tag (times are seconds since the epoch)."""

    tag: str
    steps: Int64Array
    times: Float64Array
    values: Float64Array
    description: str = ""


# -- single messages -------------------------------------------------------------------------------


def summary_metadata(plugin: str, data_class: int, *, description: str = "", content: bytes = b"") -> bytes:
    plugin_data = proto.text(1, plugin) + (proto.message(2, content) if content else b"")
    return proto.message(1, plugin_data) + proto.text(3, description) + proto.integer(4, data_class)


def string_tensor(strings: Sequence[bytes], shape: Sequence[int]) -> bytes:
    dims = b"".join(proto.message(2, proto.integer(1, size)) for size in shape)
    return (
        proto.integer(1, DT_STRING)
        + proto.message(2, dims)
        + b"".join(proto.message(8, item) for item in strings)
    )


def empty_float_tensor() -> bytes:
    """A float tensor of shape [0]: the value the hparams plugin's summaries carry."""
    return proto.integer(1, DT_FLOAT) + proto.message(2, proto.message(2, b""))


def tensor_value(tag: str, tensor: bytes, metadata: bytes = b"") -> bytes:
    """A Summary.Value; metadata is only needed on a tag's first value."""
    return proto.text(1, tag) + proto.message(8, tensor) + (proto.message(9, metadata) if metadata else b"")


def scalar_value(tag: str, value: float, metadata: bytes = b"") -> bytes:
    return (
        proto.text(1, tag)
        + proto.single(2, float(to_float32(np.array([value]))[0]))
        + (proto.message(9, metadata) if metadata else b"")
    )


def event(wall_time: float, step: int = 0, values: Sequence[bytes] = ()) -> bytes:
    """An Event holding a Summary of the given Summary.Values."""
    summary = b"".join(proto.message(1, value) for value in values)
    return proto.double(1, wall_time) + proto.integer(2, step) + proto.message(5, summary)


def file_version_record(wall_time: float) -> bytes:
    """The first record of every event file."""
    payload = (
        proto.double(1, wall_time) + proto.text(3, FILE_VERSION) + proto.message(10, proto.text(1, WRITER))
    )
    return frame(payload)


def to_float32(values: npt.ArrayLike) -> Float32Array:
    """float32 values; finite values beyond its range saturate instead of becoming infinite."""
    wide = np.asarray(values, dtype=np.float64)
    narrow = np.clip(wide, -_FLOAT32_MAX, _FLOAT32_MAX).astype(np.float32)
    infinite = np.isinf(wide)
    if infinite.any():
        narrow[infinite] = wide[infinite]
    return narrow


# -- scalars, vectorised ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """Events sharing one layout: the same tags, and steps whose varints have one length."""

    tags: tuple[int, ...]
    steps: Int64Array
    times: Float64Array
    values: Float32Array  # (events, tags)
    positions: Int64Array  # each event's place in the order of all events (step, wall time)
    tag_set: int


def scalar_records(series: Sequence[ScalarSeries], notes: list[str] | None = None) -> list[U8Array]:
    """Framed records holding every point of series; write them in the order given. notes, when
    given, gets a line for each tag whose values were changed on the way (see above)."""
    tags = [s.tag.encode("utf-8") for s in series]
    leading: list[U8Array] = []
    steps, times, values = [], [], []
    for item in series:
        s, t, v = _last_per_step(item)
        if notes is not None:
            notes.extend(_changes(item.tag, len(item.steps) - len(s), v))
        if item.description and len(s):
            # TensorBoard reads a tag's description from its first value only.
            meta = summary_metadata("scalars", DATA_CLASS_SCALAR, description=item.description)
            record = frame(event(float(t[0]), int(s[0]), [scalar_value(item.tag, v[0], meta)]))
            leading.append(np.frombuffer(record, dtype=np.uint8))
            s, t, v = s[1:], t[1:], v[1:]
        steps.append(s)
        times.append(t)
        values.append(to_float32(v))
    groups, shared_tags = _groups(steps, times, values)
    if not shared_tags:
        # Each tag lives in one group, and a group's events are in step order: groups can follow
        # one another whole.
        groups.sort(key=lambda g: (g.tag_set, int(g.steps[0])))
        return leading + [_encode(group, tags) for group in groups]
    return [*leading, _interleave(groups, tags)]


def _changes(tag: str, repeated: int, values: Float64Array) -> list[str]:
    """What writing values as float32 changes, and how many points a repeated step left out."""
    found = [repeated_steps_note(tag, repeated)] if repeated else []
    magnitude = np.abs(values)
    saturated = int(np.count_nonzero(np.isfinite(magnitude) & (magnitude > _FLOAT32_MAX)))
    if saturated:
        found.append(
            f"{tag}: {counted(saturated, 'value')} beyond the float32 range written as "
            f"+-{_FLOAT32_MAX:.7g} (TensorBoard stores scalars as float32)"
        )
    underflow = int(np.count_nonzero((magnitude > 0) & (magnitude < _FLOAT32_TINY)))
    if underflow:
        found.append(
            f"{tag}: {counted(underflow, 'value')} too close to zero for float32 written as 0 "
            "(TensorBoard stores scalars as float32)"
        )
    return found


def repeated_steps_note(tag: str, count: int) -> str:
    return (
        f"{tag}: left out {counted(count, 'value')} whose step was logged again later "
        "(TensorBoard keeps one value per step: the last)"
    )


def counted(count: int, noun: str) -> str:
    """'1 value', '2 values': for the notes."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _last_per_step(series: ScalarSeries) -> tuple[Int64Array, Float64Array, Float64Array]:
    steps = np.asarray(series.steps, dtype=np.int64)
    times = np.asarray(series.times, dtype=np.float64)
    values = np.asarray(series.values, dtype=np.float64)
    if not len(steps) == len(times) == len(values):
        raise ValueError(f"The steps, times and values of {series.tag!r} differ in length.")
    if len(steps) > 1 and not bool(np.all(steps[1:] >= steps[:-1])):
        order = np.argsort(steps, kind="stable")
        steps, times, values = steps[order], times[order], values[order]
    if len(steps) > 1:
        last = np.empty(len(steps), dtype=bool)
        last[-1] = True
        np.not_equal(steps[1:], steps[:-1], out=last[:-1])
        if not last.all():
            steps, times, values = steps[last], times[last], values[last]
    return steps, times, values


def _groups(
    steps: list[Int64Array], times: list[Float64Array], values: list[Float32Array]
) -> tuple[list[_Group], bool]:
    """Split all points into events and the events into groups of one layout. Also tells whether
    some tag appears in events of more than one tag set (then groups must be interleaved)."""
    filled = [i for i, s in enumerate(steps) if len(s)]
    if not filled:
        return [], False
    first = filled[0]
    if len(filled) == len(steps) and all(
        np.array_equal(steps[i], steps[first]) and np.array_equal(times[i], times[first]) for i in filled
    ):
        # Every tag has a point at each step, with one wall time per step: the common shape of a
        # training loop, and one event per step.
        count = len(steps[first])
        return _split_by_varint(
            tuple(filled),
            steps=steps[first],
            times=times[first],
            values=np.stack([values[i] for i in filled], axis=1),
            positions=np.arange(count, dtype=np.int64),
            tag_set=0,
        ), False
    tag = np.concatenate([np.full(len(steps[i]), i, dtype=np.int32) for i in filled])
    all_steps = np.concatenate([steps[i] for i in filled])
    all_times = np.concatenate([times[i] for i in filled])
    all_values = np.concatenate([values[i] for i in filled])
    order = np.lexsort((tag, all_times, all_steps))
    tag, all_steps, all_times, all_values = tag[order], all_steps[order], all_times[order], all_values[order]
    new_event = np.empty(len(tag), dtype=bool)
    new_event[0] = True
    new_event[1:] = (all_steps[1:] != all_steps[:-1]) | (all_times[1:] != all_times[:-1])
    starts = np.flatnonzero(new_event)
    counts = np.diff(np.append(starts, len(tag)))
    groups: list[_Group] = []
    sets_of_tag: dict[int, int] = {}
    tag_set = 0
    for size in np.unique(counts).tolist():
        events = np.flatnonzero(counts == size)
        points = starts[events][:, None] + np.arange(size)
        sets, inverse = _tag_sets(tag[points], len(steps))
        # A stable sort of small integers is a radix sort.
        by_set = np.argsort(inverse.astype(np.int16 if len(sets) < 1 << 15 else np.int64), kind="stable")
        bounds = np.cumsum(np.bincount(inverse, minlength=len(sets)))[:-1]
        for members, tag_ids in zip(np.split(by_set, bounds), sets, strict=True):
            chosen = events[members]
            first_points = starts[chosen]
            for tag_id in tag_ids:
                sets_of_tag[tag_id] = sets_of_tag.get(tag_id, 0) + 1
            groups.extend(
                _split_by_varint(
                    tuple(tag_ids),
                    steps=all_steps[first_points],
                    times=all_times[first_points],
                    values=all_values[points[members]],
                    positions=chosen.astype(np.int64),
                    tag_set=tag_set,
                )
            )
            tag_set += 1
    return groups, any(count > 1 for count in sets_of_tag.values())


def _tag_sets(rows: npt.NDArray[np.int32], tag_count: int) -> tuple[list[list[int]], npt.NDArray[np.intp]]:
    """The distinct rows (tag sets, each sorted) and, for each row, the index of its set."""
    size = rows.shape[1]
    if tag_count**size < 1 << 62:
        # One integer per row sorts much faster than rows compared as a whole.
        key = rows.astype(np.int64) @ (tag_count ** np.arange(size, dtype=np.int64))
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return rows[first].tolist(), inverse.reshape(-1)
    sets, inverse = np.unique(rows, axis=0, return_inverse=True)
    return sets.tolist(), inverse.reshape(-1)


def _split_by_varint(
    tags: tuple[int, ...],
    *,
    steps: Int64Array,
    times: Float64Array,
    values: Float32Array,
    positions: Int64Array,
    tag_set: int,
) -> list[_Group]:
    lengths = _varint_lengths(steps)
    found = np.unique(lengths)
    if len(found) == 1:
        return [_Group(tags, steps, times, values, positions, tag_set)]
    groups = []
    for length in found.tolist():
        keep = lengths == length
        groups.append(_Group(tags, steps[keep], times[keep], values[keep], positions[keep], tag_set))
    return groups


def _varint_lengths(steps: Int64Array) -> npt.NDArray[np.int8]:
    unsigned = steps.astype(np.int64, copy=False).view(np.uint64)
    lengths = np.ones(len(unsigned), dtype=np.int8)
    for shift in range(7, 64, 7):
        lengths += unsigned >= np.uint64(1 << shift)
    return lengths


def _encode(group: _Group, tags: list[bytes]) -> U8Array:
    """The framed records of one group, built from one template."""
    step_size = int(_varint_lengths(group.steps[:1])[0])
    head = b"\x09" + bytes(8) + b"\x10" + b"\x80" * (step_size - 1) + b"\x00"
    summary = bytearray()
    value_offsets = []
    for tag_id in group.tags:
        value = proto.message(1, tags[tag_id]) + b"\x15"
        entry = proto.message(1, value + bytes(4))
        value_offsets.append(len(summary) + len(entry) - 4)
        summary += entry
    head += b"\x2a" + proto.varint(len(summary))
    batch = RecordBatch(head + bytes(summary), len(group.steps))
    payloads = batch.payloads
    payloads[:, 1:9] = group.times.astype("<f8").view(np.uint8).reshape(-1, 8)
    unsigned = group.steps.view(np.uint64)
    for index in range(step_size):
        byte = ((unsigned >> np.uint64(7 * index)) & np.uint64(0x7F)).astype(np.uint8)
        if index < step_size - 1:
            byte |= np.uint8(0x80)
        payloads[:, 10 + index] = byte
    value_bytes = group.values.astype("<f4").view(np.uint8).reshape(len(group.steps), -1)
    varying = [*range(1, 9), *range(10, 10 + step_size)]
    for column, offset in enumerate(value_offsets):
        start = len(head) + offset
        payloads[:, start : start + 4] = value_bytes[:, 4 * column : 4 * column + 4]
        varying.extend(range(start, start + 4))
    return batch.seal(varying)


def _interleave(groups: list[_Group], tags: list[bytes]) -> U8Array:
    """All groups' records in the order of their events (step, then wall time)."""
    encoded = [_encode(group, tags) for group in groups]
    total_events = sum(len(g.positions) for g in groups)
    sizes = np.empty(total_events, dtype=np.int64)
    for group, records in zip(groups, encoded, strict=True):
        sizes[group.positions] = records.shape[1]
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    for group, records in zip(groups, encoded, strict=True):
        width = records.shape[1]
        starts = offsets[group.positions]
        rows = max(1, _SCATTER_CHUNK // (8 * width))
        span = np.arange(width)
        for begin in range(0, len(starts), rows):
            index = starts[begin : begin + rows, None] + span
            out[index.ravel()] = records[begin : begin + rows].ravel()
    return out
