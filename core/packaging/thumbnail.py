"""The package thumbnail, drawn from the cache's own tiles: a 200×133 24-bit PNG as ArcGIS writes.

The picture is the finest level whose tiles span at most ``MAX_TILES_ACROSS`` tiles each way (the coarsest
level when none does, cropped to that many around its centre), mosaicked on white and scaled to fit.
Damaged tiles are left white: the thumbnail is an illustration, never a reason to fail.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps

from ..formats.tileformats import open_rgba
from ..sources.dataset import CacheDataset

SIZE = (200, 133)
MAX_TILES_ACROSS = 4


def thumbnail_png(cache: CacheDataset) -> bytes:
    """The thumbnail's PNG bytes (plain white when the cache holds no tile)."""
    picture = _mosaic(cache)
    canvas = Image.new("RGB", SIZE, (255, 255, 255))
    if picture is not None:
        fitted = ImageOps.contain(picture, SIZE)
        canvas.paste(fitted, ((SIZE[0] - fitted.width) // 2, (SIZE[1] - fitted.height) // 2), fitted)
    out = io.BytesIO()
    canvas.save(out, "PNG")
    return out.getvalue()


def _mosaic(cache: CacheDataset) -> Image.Image | None:
    """The chosen level's tiles side by side (RGBA), None when the cache has no tile."""
    chosen = None
    for lod in sorted(cache.scheme.lods, key=lambda lod: -lod.resolution):
        level = cache.level_of(lod)
        positions = [cache.storage.bundle_positions(key) for key in cache.storage.bundles(level)]
        positions = [p for p in positions if len(p)]
        if not positions:
            continue
        tiles = np.concatenate(positions)
        low, high = tiles.min(axis=0), tiles.max(axis=0)
        if chosen is None or (high - low < MAX_TILES_ACROSS).all():
            chosen = (level, low, high)
        if (high - low >= MAX_TILES_ACROSS).any():
            break
    if chosen is None:
        return None
    level, low, high = chosen
    centre = (low + high) // 2
    low = np.maximum(low, centre - MAX_TILES_ACROSS // 2 + 1)
    high = np.minimum(high, low + MAX_TILES_ACROSS - 1)
    width, height = cache.scheme.tile_cols, cache.scheme.tile_rows
    rows, cols = int(high[0] - low[0] + 1), int(high[1] - low[1] + 1)
    mosaic = Image.new("RGBA", (cols * width, rows * height), (255, 255, 255, 255))
    for row in range(int(low[0]), int(high[0]) + 1):
        for col in range(int(low[1]), int(high[1]) + 1):
            data = cache.storage.get_tile(level, row, col)
            image = open_rgba(data, width, height) if data else None
            if image is not None:
                mosaic.alpha_composite(image, ((col - int(low[1])) * width, (row - int(low[0])) * height))
    return mosaic
