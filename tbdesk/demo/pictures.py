"""PNG pictures for the demo's image summaries (Pillow, from the `demo` extra)."""

from __future__ import annotations

import io

import numpy as np

from tbdesk.demo.data import SIDE


class DemoUnavailable(RuntimeError):
    """A package the demo needs is missing; the message says which and how to add it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}: {HOW_TO_ADD}")


HOW_TO_ADD = (
    "pip install 'tbdesk[demo]' (with pipx: pipx inject tbdesk pillow scikit-learn,"
    " or pipx install 'tbdesk[demo]')"
)


def require_pillow() -> None:
    """Fail before the demo writes anything when Pillow is missing."""
    try:
        import PIL  # noqa: F401
    except ImportError as error:
        raise DemoUnavailable("The demo draws its images with Pillow, which is not installed") from error


def _png(rgb: np.ndarray, scale: int) -> tuple[bytes, int, int]:
    """PNG bytes, width and height of an (h, w, 3) uint8 array enlarged `scale` times without blur."""
    from PIL import Image

    big = np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(big, mode="RGB").save(buffer, format="PNG")
    return buffer.getvalue(), big.shape[1], big.shape[0]


def _diverging(values: np.ndarray) -> np.ndarray:
    """Blue (negative) - white - orange (positive), symmetric around zero."""
    limit = float(np.max(np.abs(values))) or 1.0
    t = np.clip(values / limit, -1.0, 1.0)[..., None]
    white = np.array([255.0, 255.0, 255.0])
    blue = np.array([33.0, 102.0, 172.0])
    orange = np.array([230.0, 120.0, 20.0])
    rgb: np.ndarray = np.where(t < 0, white + (blue - white) * -t, white + (orange - white) * t)
    return rgb.astype(np.uint8)


def weight_tiles(weights: np.ndarray) -> tuple[bytes, int, int]:
    """The weights of each class as an 8x8 tile, five tiles a row, one pixel of grey between tiles:
    a trained model shows the shape of each digit."""
    classes = weights.shape[1]
    per_row, rows = 5, -(-classes // 5)
    canvas = np.full((rows * (SIDE + 1) + 1, per_row * (SIDE + 1) + 1, 3), 128, dtype=np.uint8)
    tiles = _diverging(weights.T.reshape(classes, SIDE, SIDE))
    for c in range(classes):
        top, left = 1 + (c // per_row) * (SIDE + 1), 1 + (c % per_row) * (SIDE + 1)
        canvas[top : top + SIDE, left : left + SIDE] = tiles[c]
    return _png(canvas, scale=12)


def confusion_picture(counts: np.ndarray) -> tuple[bytes, int, int]:
    """Row-normalised confusion matrix, white (0) to dark orange (1); the diagonal is what went right."""
    totals = counts.sum(axis=1, keepdims=True)
    share = counts / np.maximum(totals, 1)
    white = np.array([255.0, 255.0, 255.0])
    dark = np.array([166.0, 54.0, 3.0])
    rgb = (white + (dark - white) * share[..., None]).astype(np.uint8)
    return _png(rgb, scale=24)
