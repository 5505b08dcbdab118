"""What the report's pictures need, gathered while an import runs: per chosen level the per-tile outcomes of
its bundles, and the target's pixels of one region before and after the import.

The levels and regions are chosen from the plans before anything is written (the levels with the most tiles,
in each the window of the bundle with the most tiles to write), so that "before" is read from the untouched
target. Regions are small (at most REGION_TILES tiles a side) and stored downsampled to at most MAX_SIDE
pixels a side, so a report of any import stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from ..formats.tileformats import open_rgba
from ..planning.area import AreaOfInterest, TileClass
from ..planning.selection import BUNDLE_SIZE
from ..planning.units import UnitResult
from ..scheme import LOD, Extent, TilingScheme
from ..sources.dataset import CacheDataset
from ..sources.opening import open_cache
from ..storage.base import BundleKey

MAX_PICTURE_LEVELS = 4          # levels shown with pictures; the report names the others
REGION_TILES = 4                # a before/after region is at most this many tiles a side (each read decodes
                                # REGION_TILES² tiles, before and after, for up to MAX_PICTURE_LEVELS levels)
MAX_SIDE = 512                  # pixels a side of any picture


@dataclass
class LevelPictures:
    """One level's material: outcomes by bundle (row0, col0) → packed codes; the region (row, col, rows,
    cols) in tiles and the target's RGBA pixels of it before and after, downsampled."""

    lod: LOD
    target_level: int
    region: tuple | None = None
    outcomes: dict = field(default_factory=dict)
    before: np.ndarray | None = None
    after: np.ndarray | None = None


@dataclass
class Pictures:
    """The material of an import's pictures: scheme, the selection's outline (rings of map coordinates),
    the chosen levels, and the levels left out."""

    scheme: TilingScheme
    outline: list
    levels: dict = field(default_factory=dict)     # target LevelID → LevelPictures
    left_out: list = field(default_factory=list)   # target LevelIDs planned but shown without pictures
    after_from: Path | None = None                 # an import's target folder: "after" read as units finish

    def record(self, result: UnitResult) -> None:
        """Keep a finished unit's outcomes when its level is shown; once the unit holding a level's region
        finished (no other unit writes that bundle), read the region's "after" from ``after_from`` while
        the other units still run."""
        level = self.levels.get(result.target_key[0])
        if level is None:
            return
        if result.outcomes is not None:
            level.outcomes[tuple(result.target_key[1:])] = result.outcomes
        if self.after_from is not None and level.region is not None and \
                tuple(result.target_key) == tuple(_region_bundle(level)):
            with open_cache(self.after_from) as updated:
                level.after = read_region(updated, level)

    def read_before(self, target: CacheDataset) -> None:
        for level in self.levels.values():
            level.before = read_region(target, level)


def choose_pictures(scheme: TilingScheme, source: CacheDataset, plans: list, outline: list) -> Pictures:
    """The levels to show (most tiles first, at most MAX_PICTURE_LEVELS) and each one's region."""
    pictures = Pictures(scheme, outline)
    planned = [plan for plan in plans if plan.units]
    shown = sorted(planned, key=lambda plan: (-plan.tiles, -plan.target_lod.level))[:MAX_PICTURE_LEVELS]
    for plan in planned:
        if plan not in shown:
            pictures.left_out.append(plan.target_lod.level)
    for plan in sorted(shown, key=lambda plan: plan.target_lod.level):
        unit = max(plan.units, key=lambda unit: unit.tiles)
        level = LevelPictures(plan.target_lod, unit.target_key[0])
        level.region = _busiest_window(source, unit)
        pictures.levels[unit.target_key[0]] = level
    return pictures


def _busiest_window(source: CacheDataset, unit) -> tuple:
    """(row, col, rows, cols) of the REGION_TILES-square window of the unit's bundle holding the most tiles
    to write, shrunk to the bounding box of those tiles."""
    present = np.asarray(source.storage.bundle_tiles(BundleKey(*unit.source_key)), np.int64).reshape(-1, 2)
    row0, col0 = unit.target_key[1], unit.target_key[2]
    taken = np.zeros((BUNDLE_SIZE, BUNDLE_SIZE), np.int64)
    taken[present[:, 0] - row0, present[:, 1] - col0] = 1
    if unit.codes is not None:
        codes = np.frombuffer(unit.codes, np.uint8).reshape(BUNDLE_SIZE, BUNDLE_SIZE)
        taken[codes == TileClass.OUTSIDE] = 0
    rows, cols = np.nonzero(taken)
    if not len(rows):
        return row0, col0, 1, 1
    top, left, bottom, right = rows.min(), cols.min(), rows.max() + 1, cols.max() + 1
    size = REGION_TILES
    if bottom - top > size or right - left > size:
        sums = np.pad(taken.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        windows = sums[size:, size:] - sums[:-size, size:] - sums[size:, :-size] + sums[:-size, :-size]
        top, left = np.unravel_index(int(np.argmax(windows)), windows.shape)
        inside = (rows >= top) & (rows < top + size) & (cols >= left) & (cols < left + size)
        rows, cols = rows[inside], cols[inside]
        top, left, bottom, right = rows.min(), cols.min(), rows.max() + 1, cols.max() + 1
    return row0 + int(top), col0 + int(left), int(bottom - top), int(right - left)


def read_region(target: CacheDataset, level: LevelPictures) -> np.ndarray:
    """The target's pixels of the level's region as RGBA (missing or damaged tiles transparent), scaled
    down to at most MAX_SIDE pixels a side."""
    assert level.region is not None, "read only for levels with a region"
    row, col, rows, cols = level.region
    width, height = target.scheme.tile_cols, target.scheme.tile_rows
    scale = min(1.0, MAX_SIDE / max(rows * height, cols * width))
    size = (max(1, round(cols * width * scale)), max(1, round(rows * height * scale)))
    if not target.storage.bundle_exists(_region_bundle(level)):   # a new bundle's "before": nothing to decode
        return np.zeros((size[1], size[0], 4), np.uint8)
    mosaic = np.zeros((size[1], size[0], 4), np.uint8)      # each tile scaled down into its own box
    ys = [round(r * height * scale) for r in range(rows + 1)]
    xs = [round(c * width * scale) for c in range(cols + 1)]
    for r in range(rows):
        for c in range(cols):
            data = target.storage.get_tile(level.target_level, row + r, col + c)
            image = open_rgba(data, width, height) if data else None
            box = (xs[c + 1] - xs[c], ys[r + 1] - ys[r])
            if image is not None and min(box) > 0:
                small = image if box == (width, height) else image.resize(box, Image.Resampling.BOX)
                mosaic[ys[r]:ys[r + 1], xs[c]:xs[c + 1]] = np.asarray(small)
    return mosaic


def _region_bundle(level: LevelPictures) -> BundleKey:
    """The target bundle holding a level's region (a region lies in one bundle: ``_busiest_window``)."""
    assert level.region is not None
    row, col = level.region[:2]
    return BundleKey(level.target_level, row - row % BUNDLE_SIZE, col - col % BUNDLE_SIZE)


def outline_of(aoi: AreaOfInterest | None, extent: Extent | None) -> list:
    """The selection's boundary as rings of (x, y) map coordinates: the area's rings, else the extent's."""
    if aoi is not None:
        x0, y0, x1, y1 = aoi.edges
        if not len(x0):
            return []
        # Edges come ring by ring; a ring ends where the next edge does not start at this edge's end.
        breaks = np.nonzero((x1[:-1] != x0[1:]) | (y1[:-1] != y0[1:]))[0] + 1
        starts, ends = np.concatenate([[0], breaks]), np.concatenate([breaks, [len(x0)]])
        return [np.column_stack([np.append(x0[a:b], x1[b - 1]), np.append(y0[a:b], y1[b - 1])])
                for a, b in zip(starts, ends)]
    if extent is not None:
        return [np.array([(extent.xmin, extent.ymin), (extent.xmax, extent.ymin), (extent.xmax, extent.ymax),
                          (extent.xmin, extent.ymax), (extent.xmin, extent.ymin)])]
    return []
