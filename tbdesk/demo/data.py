"""The demo's data set: 8x8 pictures of the digits 0-9, drawn from a 5x7 pixel font at random offsets,
with random ink strength and noise. Generated with a seeded numpy generator, so every machine trains
on the same pictures; no download, no scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDE = 8
CLASSES = 10

# A 5x7 pixel font, one string of rows per digit.
_FONT = (
    "01110 10001 10011 10101 11001 10001 01110",
    "00100 01100 00100 00100 00100 00100 01110",
    "01110 10001 00001 00010 00100 01000 11111",
    "11111 00010 00100 00010 00001 10001 01110",
    "00010 00110 01010 10010 11111 00010 00010",
    "11111 10000 11110 00001 00001 10001 01110",
    "00110 01000 10000 11110 10001 10001 01110",
    "11111 00001 00010 00100 01000 01000 01000",
    "01110 10001 10001 01110 10001 10001 01110",
    "01110 10001 10001 01111 00001 00010 01100",
)


@dataclass(frozen=True)
class Dataset:
    x: np.ndarray  # (n, 64) float pixels, roughly in [0, 1]
    y: np.ndarray  # (n,) int labels 0-9

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, index: np.ndarray) -> Dataset:
        return Dataset(self.x[index], self.y[index])


def glyphs() -> np.ndarray:
    """The ten 7x5 font glyphs as a (10, 7, 5) array of 0/1."""
    return np.array([[[int(c) for c in row] for row in digit.split()] for digit in _FONT], dtype=float)


def make_digits(n: int, seed: int) -> Dataset:
    """n noisy 8x8 digit pictures with balanced labels in a shuffled order."""
    rng = np.random.default_rng(seed)
    font = glyphs()
    labels = rng.permutation(np.arange(n) % CLASSES)
    pictures = np.zeros((n, SIDE, SIDE))
    rows = rng.integers(0, SIDE - 7 + 1, size=n)
    cols = rng.integers(1, SIDE - 5, size=n)
    ink = rng.uniform(0.5, 1.0, size=n)
    for i in range(n):
        pictures[i, rows[i] : rows[i] + 7, cols[i] : cols[i] + 5] = font[labels[i]] * ink[i]
    # Drop some ink and add speckles, so that no learning rate gets everything right.
    pictures *= rng.random(pictures.shape) > 0.1
    pictures += rng.normal(0.0, 0.25, size=pictures.shape)
    return Dataset(pictures.reshape(n, SIDE * SIDE), labels.astype(np.int64))


def k_folds(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train index, validation index) for each of k contiguous folds of n shuffled samples."""
    folds = np.array_split(np.arange(n), k)
    return [(np.concatenate([f for j, f in enumerate(folds) if j != i]), folds[i]) for i in range(k)]
