"""Small caches for the Processing tests, built with tests/core/cachebuilders.py (core's own writers).

A server directories root holding a compact V2 PNG32 Web Mercator service cache, red on every level, and
sources that fit it: blue tiles whose right half is transparent, so MERGE and OVERWRITE give different pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cachebuilders
import numpy as np
from PIL import Image

ALGORITHM_ID = "mapservercache:importmapservercache"
PREVIEW_ID = "mapservercache:previewmapservercacheimport"
LEVELS = range(0, 4)
RED, BLUE = (220, 30, 30, 255), (30, 60, 220, 255)


def half_transparent_tile(colour) -> bytes:
    """A tile whose left half is `colour` and right half fully transparent (MERGE and OVERWRITE differ)."""
    pixels = np.zeros((256, 256, 4), np.uint8)
    pixels[:, :128] = colour
    return cachebuilders.png_tile(pixels)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def tiles_of_levels(colour, levels=LEVELS, tile=None) -> dict:
    """Every tile of each level (level 0: 1 tile, level 3: 64 tiles)."""
    data = tile if tile is not None else cachebuilders.png_tile(colour)
    return {(level, row, col): data
            for level in levels for row in range(2 ** level) for col in range(2 ** level)}


@dataclass
class Server:
    root: Path            # server directories root (holds arcgiscache/, arcgissystem/)
    target: Path          # data-frame folder of the service cache
    service: str          # "<service>.MapServer"


def make_server(folder: Path, storage: str = "COMPACT_V2", service: str = "Basemap") -> Server:
    """A server root with one service cache filled red on every level."""
    root = folder / "server"
    (root / "arcgissystem" / "arcgisuploads").mkdir(parents=True)
    target = root / "arcgiscache" / service / "Layers"
    scheme = cachebuilders.make_scheme(storage, "PNG32", LEVELS)
    cachebuilders.write_cache(target, scheme, tiles_of_levels(RED))
    return Server(root, target, f"{service}.MapServer")


def make_source(folder: Path, storage: str = "COMPACT_V2", levels=LEVELS) -> Path:
    """A cache dataset of blue tiles whose right half is transparent."""
    scheme = cachebuilders.make_scheme(storage, "PNG32", levels)
    tiles = tiles_of_levels(BLUE, levels, half_transparent_tile(BLUE))
    return cachebuilders.write_cache(folder, scheme, tiles)


def read_tile(target: Path, level: int, row: int, col: int, storage: str = "COMPACT_V2") -> bytes | None:
    from map_server_cache.core.formats.fs import DirectoryFS
    from map_server_cache.core.storage.layouts import open_storage

    scheme = cachebuilders.make_scheme(storage, "PNG32", LEVELS)
    return open_storage(DirectoryFS(target), scheme).get_tile(level, row, col)
