"""Which tiles an import touches (its levels: ``levels``): extent → tile range, tiles against an area.

Schemes are duck-typed: only ``origin_x``, ``origin_y``, ``tile_cols`` and ``tile_rows`` are used, levels
only for their ``resolution`` (``scheme.grid_tile_range``).

Areas of interest are classified tile by tile with a quadtree over the tile range that prunes whole blocks
(blocks above bundle size are split on bundle edges): a block the area misses is outside without per-tile
work, a block inside the area is inside, the rest is split, clipping the area to the block on the way down so
that deeper tests run on small geometries; blocks within one bundle are classified cell by cell
(``area.classify_cells``). Single tiles the boundary crosses are ``BOUNDARY``; the pixel mask
(``area.pixel_mask``, pixel-centre rule, holes excluded) settles their pixels.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from osgeo import ogr

from ..errors import SelectionError
from ..gdalcalls import attempt, osgeo_calls
from ..scheme import Extent, grid_tile_range
from .area import AreaOfInterest, TileClass, classify_cells, polygonal_part

BUNDLE_SIZE = 128

# ---------------------------------------------------------------------------------------------- ranges

class TileRange(NamedTuple):
    """Inclusive rows and columns of a level; empty when a maximum is below its minimum."""

    row_min: int
    row_max: int
    col_min: int
    col_max: int

    @property
    def empty(self) -> bool:
        return self.row_max < self.row_min or self.col_max < self.col_min

    @property
    def tile_count(self) -> int:
        return 0 if self.empty else (self.row_max - self.row_min + 1) * (self.col_max - self.col_min + 1)

    def intersection(self, other: TileRange | None) -> TileRange:
        if other is None:
            return self
        return TileRange(max(self.row_min, other.row_min), min(self.row_max, other.row_max),
                         max(self.col_min, other.col_min), min(self.col_max, other.col_max))


def tile_range(scheme, lod, extent) -> TileRange:
    """The whole tiles sharing area with extent; may be empty (check ``.empty``).

    An extent ending exactly on a tile edge does not take the next tile; rows/columns before the origin
    are dropped.
    """
    return TileRange(*grid_tile_range(scheme, lod, extent))


# ---------------------------------------------------------------------------------------------- results

@dataclass(frozen=True)
class BundleSelection:
    """Classification of the tiles of one 128×128 bundle; small and cheap to pickle.

    ``codes[row - row0, col - col0]`` holds a TileClass value; ``codes`` is None when every tile of the
    bundle is inside (no array is stored then).
    """

    row0: int
    col0: int
    codes: np.ndarray | None = None

    def status(self, row: int, col: int) -> TileClass:
        if self.codes is None:
            return TileClass.INSIDE
        return TileClass(int(self.codes[row - self.row0, col - self.col0]))

    @property
    def whole(self) -> bool:
        """Every tile of the bundle is inside: the bundle may be copied as a file."""
        return self.codes is None

    def count(self, status: TileClass) -> int:
        if self.codes is None:
            return BUNDLE_SIZE * BUNDLE_SIZE if status == TileClass.INSIDE else 0
        return int(np.count_nonzero(self.codes == status))

    def tiles(self, status: TileClass) -> list:
        """Sorted (row, col) of the tiles with this status."""
        codes = np.full((BUNDLE_SIZE, BUNDLE_SIZE), TileClass.INSIDE) if self.codes is None else self.codes
        rows, cols = np.nonzero(codes == status)
        return list(zip((rows + self.row0).tolist(), (cols + self.col0).tolist()))


@dataclass
class TileSelection:
    """Tiles of one level: bundles holding at least one inside or boundary tile, and tile counts."""

    limit: TileRange | None
    bundles: dict = field(default_factory=dict)    # (row0, col0) → BundleSelection
    inside: int = 0
    boundary: int = 0
    outside: int = 0                                # in the range (or the requested bundles), not selected

    def get(self, row0: int, col0: int) -> BundleSelection | None:
        """The bundle's classification; None when all of its tiles are outside."""
        return self.bundles.get((row0, col0))


def classify_tiles(scheme, lod, limit: TileRange | None = None, aoi: AreaOfInterest | None = None,
                   bundles=None) -> TileSelection:
    """Classify the tiles of one level against a tile range and an area of interest.

    ``limit`` None means no range limit; ``aoi`` None means every tile in the range is inside. ``bundles``
    (iterable of BundleKey or (row0, col0)) limits the work and the result to those bundles — pass the
    source's bundles: without it every bundle in the range is listed, which at deep levels is a lot.
    """
    if aoi is not None:
        limit = tile_range(scheme, lod, aoi.envelope).intersection(limit)
    wanted = None if bundles is None else {_bundle_origin(key) for key in bundles}
    if limit is None and wanted is None:
        raise SelectionError("no extent, area of interest or bundle list limits the tiles to classify")
    return _Classifier(scheme, lod, limit, aoi, wanted).run()


def _bundle_origin(key):
    if hasattr(key, "row0"):
        return key.row0, key.col0
    return int(key[0]), int(key[1])


class _Classifier:
    """Quadtree walk over half-open [r0, r1) × [c0, c1) blocks, filling per-bundle code arrays."""

    def __init__(self, scheme, lod, limit: TileRange | None, aoi: AreaOfInterest | None,
                 wanted: set[tuple[int, int]] | None):
        self.ox, self.oy = scheme.origin_x, scheme.origin_y
        self.tw, self.th = scheme.tile_cols * lod.resolution, scheme.tile_rows * lod.resolution
        self.limit, self.aoi, self.wanted = limit, aoi, wanted
        self.codes: dict[tuple[int, int], np.ndarray] = {}     # (row0, col0) → TileClass codes
        self.whole: set[tuple[int, int]] = set()                # bundles wholly inside

    def run(self) -> TileSelection:
        result = TileSelection(self.limit)
        block = self._top_block()
        if block is not None:
            wanted = None if self.wanted is None else sorted(self.wanted)
            if self.aoi is None:
                self._visit(None, *block, wanted)
            else:
                self._visit_area(block, wanted)
        for origin in self.whole:
            result.bundles[origin] = BundleSelection(*origin)
            result.inside += BUNDLE_SIZE * BUNDLE_SIZE
        for origin, codes in self.codes.items():
            selection = BundleSelection(origin[0], origin[1], codes)
            result.bundles[origin] = selection
            result.inside += selection.count(TileClass.INSIDE)
            result.boundary += selection.count(TileClass.BOUNDARY)
        result.outside = self._considered() - result.inside - result.boundary
        return result

    def _top_block(self) -> tuple[int, int, int, int] | None:
        """The half-open block covering the limit and the wanted bundles (at least one of them is given)."""
        r0 = c0 = 0
        r1: int | None = None
        c1: int | None = None
        if self.wanted is not None:
            if not self.wanted:
                return None
            rows, cols = [o[0] for o in self.wanted], [o[1] for o in self.wanted]
            r0, r1, c0, c1 = min(rows), max(rows) + BUNDLE_SIZE, min(cols), max(cols) + BUNDLE_SIZE
        if self.limit is not None:
            if self.limit.empty:
                return None
            r0, c0 = max(r0, self.limit.row_min), max(c0, self.limit.col_min)
            r1 = self.limit.row_max + 1 if r1 is None else min(r1, self.limit.row_max + 1)
            c1 = self.limit.col_max + 1 if c1 is None else min(c1, self.limit.col_max + 1)
        assert r1 is not None and c1 is not None
        return (r0, r1, c0, c1) if r0 < r1 and c0 < c1 else None

    def _considered(self):
        """Tiles in the range, or in the wanted bundles within the range."""
        if self.wanted is None:
            assert self.limit is not None           # classify_tiles asks for a limit or wanted bundles
            return self.limit.tile_count
        total = 0
        for row0, col0 in self.wanted:
            span = TileRange(row0, row0 + BUNDLE_SIZE - 1, col0, col0 + BUNDLE_SIZE - 1)
            total += span.intersection(self.limit).tile_count
        return total

    def _bounds(self, r0, r1, c0, c1):
        return Extent(self.ox + c0 * self.tw, self.oy - r1 * self.th,
                      self.ox + c1 * self.tw, self.oy - r0 * self.th)

    def _rect(self, r0, r1, c0, c1):
        x0, y0, x1, y1 = self._bounds(r0, r1, c0, c1)
        return ogr.CreateGeometryFromWkb(struct.pack("<BIII10d", 1, 3, 1, 5, x0, y0, x1, y0, x1, y1,
                                                     x0, y1, x0, y0))

    def _visit_area(self, block: tuple[int, int, int, int], wanted) -> None:
        """The quadtree over the area: an OGR failure is the plugin's error in either exception mode."""
        assert self.aoi is not None
        r0, r1, c0, c1 = block
        try:
            with osgeo_calls():
                self._visit(self.aoi.geometry, r0, r1, c0, c1, wanted)
        except RuntimeError as failure:
            if type(failure) is not RuntimeError:  # GDAL raises RuntimeError itself; RecursionError is a bug
                raise
            raise SelectionError(f"{self.aoi.where}: GDAL failed on the area: {failure}") from None

    def _visit(self, geometry, r0, r1, c0, c1, wanted):
        if wanted is not None:
            wanted = [o for o in wanted if o[0] < r1 and o[0] + BUNDLE_SIZE > r0
                      and o[1] < c1 and o[1] + BUNDLE_SIZE > c0]
            if not wanted:
                return
        if geometry is None:
            self._mark(r0, r1, c0, c1, TileClass.INSIDE, wanted)
            return
        rect = self._rect(r0, r1, c0, c1)
        if not geometry.Intersects(rect):
            return
        if geometry.Contains(rect):
            self._mark(r0, r1, c0, c1, TileClass.INSIDE, wanted)
            return
        if r0 // BUNDLE_SIZE == (r1 - 1) // BUNDLE_SIZE and c0 // BUNDLE_SIZE == (c1 - 1) // BUNDLE_SIZE:
            assert self.aoi is not None                    # a geometry is walked only under an area
            self._store(r0, c0, classify_cells(self.aoi, self._bounds(r0, r1, c0, c1), r1 - r0, c1 - c0))
            return
        clipped = attempt(geometry.Intersection, rect)
        if clipped is None:  # GEOS could not clip: go on with the unclipped area, slower but right
            clipped = geometry
        else:
            clipped = polygonal_part(clipped)
            if clipped is None or clipped.IsEmpty() or clipped.Area() <= 0:
                return
        for a, b in _split(r0, r1):
            for c, d in _split(c0, c1):
                self._visit(clipped, a, b, c, d, wanted)

    def _store(self, r0, c0, block):
        """Put the codes of a block lying within one bundle into that bundle's array."""
        if not block.any():
            return
        row0, col0 = r0 - r0 % BUNDLE_SIZE, c0 - c0 % BUNDLE_SIZE
        if block.shape == (BUNDLE_SIZE, BUNDLE_SIZE) and (block == TileClass.INSIDE).all():
            self.whole.add((row0, col0))
            return
        codes = self.codes.get((row0, col0))
        if codes is None:
            codes = self.codes[(row0, col0)] = np.zeros((BUNDLE_SIZE, BUNDLE_SIZE), np.uint8)
        codes[r0 - row0:r0 - row0 + block.shape[0], c0 - col0:c0 - col0 + block.shape[1]] = block

    def _mark(self, r0, r1, c0, c1, status, wanted):
        origins = wanted if wanted is not None else [
            (row0, col0) for row0 in range(r0 - r0 % BUNDLE_SIZE, r1, BUNDLE_SIZE)
            for col0 in range(c0 - c0 % BUNDLE_SIZE, c1, BUNDLE_SIZE)]
        for row0, col0 in origins:
            a, b = max(r0, row0), min(r1, row0 + BUNDLE_SIZE)
            c, d = max(c0, col0), min(c1, col0 + BUNDLE_SIZE)
            if status == TileClass.INSIDE and (b - a, d - c) == (BUNDLE_SIZE, BUNDLE_SIZE):
                self.whole.add((row0, col0))
                continue
            codes = self.codes.get((row0, col0))
            if codes is None:
                codes = self.codes[(row0, col0)] = np.zeros((BUNDLE_SIZE, BUNDLE_SIZE), np.uint8)
            codes[a - row0:b - row0, c - col0:d - col0] = status


def _split(a, b):
    """Halve the half-open span [a, b); spans crossing a bundle edge are cut on a bundle edge."""
    if b - a <= 1:
        return [(a, b)]
    middle = (a + b) // 2
    first, last = (a // BUNDLE_SIZE + 1) * BUNDLE_SIZE, ((b - 1) // BUNDLE_SIZE) * BUNDLE_SIZE
    if first <= last:
        middle = min(max(round(middle / BUNDLE_SIZE) * BUNDLE_SIZE, first), last)
    return [(a, middle), (middle, b)]


