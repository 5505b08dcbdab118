"""What a cache holds after Manage Map Server Cache Tiles, as pictures: the tiles present on a level over the
selection (one block per tile, or per square of tiles on large levels) and the pixels of a few tiles."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ..formats.tileformats import decode
from ..scheme import LOD, Extent
from ..sources.dataset import CacheDataset
from .pictures import MAX_TILE_PIXELS

MAX_SIDE = 512                              # pixels a side of a coverage picture
PRESENT, MISSING = (60, 165, 85), (235, 235, 235)


def level_coverage(dataset: CacheDataset, lod: LOD, extent: Extent) -> Image.Image | None:
    """The tiles of ``lod`` present within ``extent``'s tile range (green) and missing (light grey); None when
    the range is empty. A square of tiles shows green when any of its tiles is present."""
    scheme = dataset.scheme
    row0, row1, col0, col1 = scheme.tile_range(lod, extent)
    rows, cols = row1 - row0 + 1, col1 - col0 + 1
    if rows <= 0 or cols <= 0:
        return None
    step = -(-max(rows, cols) // MAX_SIDE)
    present = np.zeros((-(-rows // step), -(-cols // step)), bool)
    storage = dataset.storage
    keys = storage.bundles(lod.level)
    storage.will_read_indexes(keys)
    for key in keys:
        positions = storage.bundle_positions(key)
        inside = ((positions[:, 0] >= row0) & (positions[:, 0] <= row1)
                  & (positions[:, 1] >= col0) & (positions[:, 1] <= col1))
        chosen = positions[inside]
        present[(chosen[:, 0] - row0) // step, (chosen[:, 1] - col0) // step] = True
    block = max(1, min(MAX_TILE_PIXELS, MAX_SIDE // max(present.shape)))
    colours = np.where(present[..., None], np.array(PRESENT, np.uint8), np.array(MISSING, np.uint8))
    pixels = np.repeat(np.repeat(colours.astype(np.uint8), block, axis=0), block, axis=1)
    return Image.fromarray(pixels, "RGB")


def tile_pixels(dataset: CacheDataset, level: int, row: int, col: int) -> np.ndarray | None:
    """The RGBA pixels of one stored tile, None when it is absent or cannot be decoded."""
    data = dataset.storage.get_tile(level, row, col)
    if data is None:
        return None
    return decode(data, dataset.scheme.tile_cols, dataset.scheme.tile_rows)
