"""The same few bytes at many offsets of a buffer, gathered in a handful of numpy operations.

Whole-bundle copies check the first bytes of every tile (16 384 per bundle, a million in a large import).
Gathering them as a (tiles × width) fancy index costs one numpy element per byte; reading the buffer through
overlapping views of 8-, 4-, 2- and 1-byte integers (strides of one byte: element i is the integer starting
at byte i) fetches up to eight bytes per element, about three times faster on the scale benchmark.
"""

from __future__ import annotations

import numpy as np

_WIDTHS = (8, 4, 2, 1)


def take_rows(buffer: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """``buffer[start:start + width]`` for each of ``starts`` as an (n, width) uint8 array, zero past the
    end of ``buffer`` (a 1-D contiguous uint8 array)."""
    starts = np.asarray(starts, np.int64)
    out = np.zeros((len(starts), width), np.uint8)
    size = len(buffer)
    whole = starts + width <= size
    inside = starts if whole.all() else starts[whole]
    column = 0
    while column < width and len(inside):
        step = next(step for step in _WIDTHS if step <= width - column)
        view: np.ndarray = np.ndarray((size - step + 1,), np.dtype(f"<u{step}"), buffer, 0, (1,))
        taken = view[inside + column].view(np.uint8).reshape(-1, step)
        if len(inside) == len(starts):
            out[:, column:column + step] = taken
        else:
            out[whole, column:column + step] = taken
        column += step
    for index in np.flatnonzero(~whole & (starts < size)).tolist():     # a row running past the end
        start = int(starts[index])
        out[index, :size - start] = buffer[start:]
    return out
