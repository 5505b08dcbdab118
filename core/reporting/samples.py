"""A few stored tiles shown in a report: the pixels of one tile as the cache holds it."""

from __future__ import annotations

import numpy as np

from ..formats.tileformats import decode
from ..sources.dataset import CacheDataset


def tile_pixels(dataset: CacheDataset, level: int, row: int, col: int) -> np.ndarray | None:
    """The RGBA pixels of one stored tile, None when it is absent or cannot be decoded."""
    data = dataset.storage.get_tile(level, row, col)
    if data is None:
        return None
    return decode(data, dataset.scheme.tile_cols, dataset.scheme.tile_rows)
