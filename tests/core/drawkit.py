"""A deterministic pure-numpy drawer and helpers for Manage Map Server Cache Tiles tests (no QGIS).

    SPEC                                            # "drawkit:open_drawer" (tests/core on sys.path)
    folder = make_drawn_cache(tmp, "COMPACT_V2", "PNG")   # conf.xml, conf.cdi, a remembered map
    request = ManageRequest(folder, drawer=SPEC, supertile_pixels=512)
    expected_tile(scheme, level, row, col)          # what that tile must hold (None: nothing drawn)

The drawer fills a few polygons (map coordinates of the Web Mercator test scheme) by the pixel-centre rule,
even-odd, with semi-transparent colours composited source-over in straight alpha, so that a pixel's value
depends only on its centre's map coordinates: a tile cut from a supertile equals the tile drawn alone, and
a half-pixel shift of the grid changes the pixels along every edge.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
from cachebuilders import WEB_MERCATOR_ORIGIN, WEB_MERCATOR_RESOLUTION_0, make_scheme, write_cache

from map_server_cache.core.formats.tileformats import DRAWN_PNG_COMPRESS_LEVEL, encode
from map_server_cache.core.scheme import Extent, TilingScheme
from map_server_cache.core.sources.remembered_map import remember_map

SPEC = "drawkit:open_drawer"
HERE = Path(__file__).resolve().parent
# Around (0, 0) in Web Mercator metres: polygons a few tiles wide at levels 3-5, overlapping, one with a hole.
POLYGONS = [
    ([(-4.1e6, -3.3e6), (3.7e6, -2.9e6), (2.2e6, 4.3e6), (-3.05e6, 2.1e6)], (200, 40, 30, 140)),
    ([(-1.3e6, -5.1e6), (5.2e6, -1.7e6), (4.4e6, 1.9e6), (-0.7e6, 0.3e6),
      (-1.3e6, -5.1e6), (0.9e6, -3.1e6), (2.6e6, -0.6e6), (1.1e6, -1.9e6)], (20, 90, 220, 180)),
    ([(-6.3e6, 3.9e6), (-2.1e6, 6.6e6), (-4.9e6, 0.7e6)], (30, 160, 60, 255)),
]
AREA = Extent(-6.3e6, -5.1e6, 5.2e6, 6.6e6)          # the polygons' bounds
# The caches' full extent (conf.cdi): AREA grown to level 2's tile edges. GDAL's ESRIC driver places the
# raster at conf.cdi's corner, so the peers' pixel-offset check needs an extent on the grid.
_EDGE = WEB_MERCATOR_RESOLUTION_0 * 256 / 4
FULL = Extent(WEB_MERCATOR_ORIGIN[0] + _EDGE, WEB_MERCATOR_ORIGIN[1] - 3 * _EDGE,
              WEB_MERCATOR_ORIGIN[0] + 3 * _EDGE, WEB_MERCATOR_ORIGIN[1] - _EDGE)
LEVELS = range(0, 6)                  # level IDs from 0, as ArcGIS numbers them


class PolygonDrawer:
    """Draws POLYGONS; counts its draws and remembers whether it was closed (tests look)."""

    opened = 0

    def __init__(self, project: str, map_theme: str | None, scheme: TilingScheme):
        if not os.path.isfile(project):
            raise FileNotFoundError(project)
        self.project, self.map_theme, self.scheme = project, map_theme, scheme
        self.draws = 0
        PolygonDrawer.opened += 1
        self._mark("opened")

    def _mark(self, event: str) -> None:
        """Leave ``<project>.<event>.<process id>.<thread id>`` beside the project: tests count them."""
        Path(f"{self.project}.{event}.{os.getpid()}.{threading.get_ident()}").touch()

    def draw(self, extent: Extent, width: int, height: int, scale: float) -> np.ndarray:
        self.draws += 1
        return draw(extent, width, height)

    def close(self) -> None:
        self._mark("closed")


def open_drawer(project: str, map_theme: str | None, scheme: TilingScheme) -> PolygonDrawer:
    return PolygonDrawer(project, map_theme, scheme)


def draw(extent: Extent, width: int, height: int) -> np.ndarray:
    """(height, width, 4) uint8 RGBA of POLYGONS over extent, straight alpha."""
    dx, dy = (extent.xmax - extent.xmin) / width, (extent.ymax - extent.ymin) / height
    xs = extent.xmin + (np.arange(width) + 0.5) * dx
    ys = extent.ymax - (np.arange(height) + 0.5) * dy
    colour = np.zeros((height, width, 3))
    alpha = np.zeros((height, width))
    for ring, rgba in POLYGONS:
        inside = _inside(np.asarray(ring, float), xs, ys)
        if not inside.any():
            continue
        a = rgba[3] / 255.0
        out_alpha = a + alpha * (1 - a)
        mixed = (np.asarray(rgba[:3], float) * a + colour * (alpha * (1 - a))[..., None]) / np.where(
            out_alpha > 0, out_alpha, 1)[..., None]
        colour = np.where(inside[..., None], mixed, colour)
        alpha = np.where(inside, out_alpha, alpha)
    rgba = np.dstack([np.rint(colour), np.rint(alpha * 255)]).astype(np.uint8)
    rgba[rgba[..., 3] == 0] = 0
    return rgba


def _inside(points: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Even-odd rule at pixel centres: toggles where each edge crosses a row, summed along the row."""
    toggles = np.zeros((len(ys), len(xs) + 1), np.int32)
    x0, y0 = points[:, 0], points[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    for ax, ay, bx, by in zip(x0, y0, x1, y1):
        rows = np.flatnonzero((ay > ys) != (by > ys))
        if not len(rows):
            continue
        crossing = ax + (ys[rows] - ay) * (bx - ax) / (by - ay)
        first = np.searchsorted(xs, crossing, side="right")      # first pixel centre right of the crossing
        np.add.at(toggles, (rows, first), 1)
    return (np.cumsum(toggles, axis=1)[:, :-1] % 2).astype(bool)


def expected_pixels(scheme: TilingScheme, level: int, row: int, col: int, shift: float = 0.0) -> np.ndarray:
    """The drawer's pixels of exactly one tile's extent (moved right by ``shift`` pixels)."""
    lod = next(lod for lod in scheme.lods if lod.level == level)
    bounds = scheme.tile_bounds(lod, row, col)
    move = shift * lod.resolution
    return draw(Extent(bounds.xmin + move, bounds.ymin, bounds.xmax + move, bounds.ymax),
                scheme.tile_cols, scheme.tile_rows)


def expected_tile(scheme: TilingScheme, level: int, row: int, col: int, shift: float = 0.0) -> bytes | None:
    """The bytes a tile must hold: the encoded pixels, None when nothing is drawn there."""
    pixels = expected_pixels(scheme, level, row, col, shift)
    if not pixels[..., 3].any():
        return None
    return encode(pixels, scheme.tile_format, scheme.compression_quality, smallest_png=True,
                  compress_level=DRAWN_PNG_COMPRESS_LEVEL)[0]


def make_drawn_cache(tmp: Path, storage: str = "COMPACT_V2", fmt: str = "PNG", quality: int | None = None,
                     extent: Extent = FULL) -> Path:
    """An empty cache (levels LEVELS, 256-pixel tiles) whose conf.cdi is ``extent`` and which remembers a
    project file (the drawer only checks it exists)."""
    folder = Path(tmp) / "Layers"
    write_cache(folder, make_scheme(storage, fmt, levels=LEVELS, quality=quality), {}, extent)
    project = Path(tmp) / "map.qgz"
    project.write_bytes(b"not read by the test drawer")
    remember_map(folder, project)
    return folder
