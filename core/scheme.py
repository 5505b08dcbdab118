"""Tiling scheme of an Esri cache (as conf.xml / root.json describe it) and its tile maths.

Resolution is the authority for levels: LevelIDs are numbered per cache and scales carry rounding noise
between files, so levels of two caches are matched by resolution with a relative tolerance.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import NamedTuple

from .errors import SelectionError
from .gdalcalls import attempt, osgeo_calls

# A tile edge computed from floats may land a hair off the exact edge; snap within this many tiles.
_EDGE_SNAP = 1e-6


class StorageFormat(enum.Enum):
    EXPLODED = "esriMapCacheStorageModeExploded"
    COMPACT = "esriMapCacheStorageModeCompact"
    COMPACT_V2 = "esriMapCacheStorageModeCompactV2"


class Extent(NamedTuple):
    """Axis-aligned rectangle in the cache's map units."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    def union(self, other: Extent) -> Extent:
        """Smallest extent holding both.

        >>> Extent(0, 0, 1, 1).union(Extent(2, -1, 3, 0.5))
        Extent(xmin=0, ymin=-1, xmax=3, ymax=1)
        """
        return Extent(min(self.xmin, other.xmin), min(self.ymin, other.ymin),
                      max(self.xmax, other.xmax), max(self.ymax, other.ymax))

    def intersects(self, other: Extent) -> bool:
        """True when the two share area; touching edges alone do not count.

        >>> Extent(0, 0, 1, 1).intersects(Extent(1, 0, 2, 1))
        False
        >>> Extent(0, 0, 1, 1).intersects(Extent(0.5, 0.5, 2, 2))
        True
        """
        return (self.xmin < other.xmax and other.xmin < self.xmax
                and self.ymin < other.ymax and other.ymin < self.ymax)

    def intersection(self, other: Extent) -> Extent | None:
        """The shared area, None when the two do not intersect.

        >>> Extent(0, 0, 2, 2).intersection(Extent(1, 1, 3, 3))
        Extent(xmin=1, ymin=1, xmax=2, ymax=2)
        """
        if not self.intersects(other):
            return None
        return Extent(max(self.xmin, other.xmin), max(self.ymin, other.ymin),
                      min(self.xmax, other.xmax), min(self.ymax, other.ymax))


# Esri and EPSG codes of Web Mercator (auxiliary sphere), all treated as one spatial reference.
WEB_MERCATOR_CODES = frozenset({3857, 102100, 900913, 102113})


@dataclass(frozen=True)
class SpatialReference:
    wkid: int | None = None
    latest_wkid: int | None = None
    wkt: str | None = None

    def codes(self) -> frozenset[int]:
        """WKID and LatestWKID, Web Mercator aliases folded into 3857."""
        return frozenset(3857 if code in WEB_MERCATOR_CODES else code
                         for code in (self.wkid, self.latest_wkid) if code is not None)

    def user_input(self) -> str:
        """A definition GDAL/PROJ and QGIS accept: "EPSG:n", "ESRI:n" or the WKT.

        >>> SpatialReference(wkid=102100, latest_wkid=3857).user_input()
        'EPSG:3857'
        >>> SpatialReference(wkid=102100).user_input()
        'EPSG:3857'
        """
        for code in (self.latest_wkid, self.wkid):
            if code is None:
                continue
            if code in WEB_MERCATOR_CODES:
                return "EPSG:3857"
            return f"EPSG:{code}" if code <= 32767 else f"ESRI:{code}"
        return self.wkt or ""


@dataclass(frozen=True)
class LOD:
    level: int
    scale: float
    resolution: float


@dataclass(frozen=True)
class TilingScheme:
    spatial_reference: SpatialReference
    origin_x: float
    origin_y: float
    tile_cols: int
    tile_rows: int
    dpi: int
    lods: tuple[LOD, ...]
    tile_format: str
    compression_quality: int | None = None
    storage_format: StorageFormat = StorageFormat.COMPACT_V2
    packet_size: int = 128

    def __post_init__(self):
        object.__setattr__(self, "lods", tuple(sorted(self.lods, key=lambda lod: -lod.resolution)))

    def lod_for_resolution(self, resolution: float, rel_tol: float = 1e-6) -> LOD | None:
        """The level whose resolution matches within a relative tolerance (never by LevelID)."""
        return _closest(self.lods, resolution, rel_tol, lambda lod: lod.resolution)

    def lod_for_scale(self, scale: float, rel_tol: float = 1e-4) -> LOD | None:
        """The level whose scale matches; the tolerance absorbs the rounding noise of conf.xml scales."""
        return _closest(self.lods, scale, rel_tol, lambda lod: lod.scale)

    def tile_bounds(self, lod: LOD, row: int, col: int) -> Extent:
        """Map extent of one tile; rows count down from the origin.

        >>> s = TilingScheme(SpatialReference(3857), -100.0, 100.0, 256, 256, 96, (LOD(0, 1e6, 0.25),), "PNG")
        >>> s.tile_bounds(s.lods[0], 1, 2)
        Extent(xmin=28.0, ymin=-28.0, xmax=92.0, ymax=36.0)
        """
        return grid_tile_bounds(self, lod, row, col)

    def tile_range(self, lod: LOD, extent: Extent) -> tuple[int, int, int, int]:
        """(row_min, row_max, col_min, col_max), inclusive: the whole tiles sharing area with extent.

        Clamped at 0; empty (max < min) when the extent lies wholly before the origin. An extent ending
        exactly on a tile edge does not take the next tile, even with float noise on the edge.

        >>> s = TilingScheme(SpatialReference(3857), 0.0, 0.0, 256, 256, 96, (LOD(0, 1e6, 1 / 256),), "PNG")
        >>> s.tile_range(s.lods[0], Extent(0.0, -2.0, 3.0, 0.0))
        (0, 1, 0, 2)
        >>> s.tile_range(s.lods[0], Extent(0.1 + 0.2, -2.0000000000000004, 2.9999999999999996, -0.5))
        (0, 1, 0, 2)
        """
        return grid_tile_range(self, lod, extent)


def grid_tile_bounds(grid, lod: LOD, row: int, col: int) -> Extent:
    """``TilingScheme.tile_bounds`` for anything with ``origin_x``, ``origin_y``, ``tile_cols``, ``tile_rows``
    (the small grid a work unit carries)."""
    width = grid.tile_cols * lod.resolution
    height = grid.tile_rows * lod.resolution
    xmin = grid.origin_x + col * width
    ymax = grid.origin_y - row * height
    return Extent(xmin, ymax - height, xmin + width, ymax)


def grid_tile_range(grid, lod: LOD, extent) -> tuple[int, int, int, int]:
    """``TilingScheme.tile_range`` for anything with ``origin_x``, ``origin_y``, ``tile_cols`` and
    ``tile_rows``."""
    xmin, ymin, xmax, ymax = extent
    if not all(math.isfinite(value) for value in (xmin, ymin, xmax, ymax)):
        raise SelectionError(f"extent {tuple(extent)} has a coordinate that is not a finite number")
    width = grid.tile_cols * lod.resolution
    height = grid.tile_rows * lod.resolution
    col_min, col_max = _cell_span((xmin - grid.origin_x) / width, (xmax - grid.origin_x) / width)
    row_min, row_max = _cell_span((grid.origin_y - ymax) / height, (grid.origin_y - ymin) / height)
    return max(row_min, 0), row_max, max(col_min, 0), col_max


def _snap(value: float) -> float:
    nearest = round(value)
    return float(nearest) if abs(value - nearest) <= _EDGE_SNAP else value


def _cell_span(low: float, high: float) -> tuple[int, int]:
    """First and last whole cell touched by [low, high] in cell units; a degenerate span takes its cell."""
    low, high = _snap(low), _snap(high)
    first = math.floor(low)
    last = math.ceil(high) - 1
    if high >= low:
        last = max(first, last)
    return first, last


def _closest(lods, value, rel_tol, key):
    best = None
    best_error = rel_tol
    for lod in lods:
        reference = key(lod)
        error = abs(reference - value) / max(abs(reference), abs(value), 1e-300)
        if error <= best_error:
            best, best_error = lod, error
    return best


def normalise_tile_format(name: str) -> str:
    """Upper-case CacheTileFormat; the 9.x spelling "jpg" becomes "JPEG".

    >>> normalise_tile_format(" jpg "), normalise_tile_format("png32")
    ('JPEG', 'PNG32')
    """
    upper = name.strip().upper()
    return "JPEG" if upper in ("JPG", "JPEG") else upper


def gdal_srs(definition: str):
    """An osr.SpatialReference from any definition GDAL's SetFromUserInput takes, None when it cannot."""
    from osgeo import osr

    with osgeo_calls():
        srs = osr.SpatialReference()
        return srs if attempt(srs.SetFromUserInput, definition, succeeded=_no_error) is not None else None


def _no_error(code) -> bool:
    return code == 0
