"""Planning Manage Map Server Cache Tiles: per level, the tiles touching the area, one unit per bundle.

A tile is selected when it shares area with the area of interest (whole tiles: no pixel is clipped), else
with the extent. The units are plain picklable data like the import's (``units``): run-wide ``DrawSettings``
travel once, a ``DrawUnit`` names one bundle and, when not every tile of it is selected, its 128×128 codes.
Which of the selected tiles are drawn, kept or deleted is decided by the worker under the bundle's lock,
from what the bundle holds then (RECREATE_EMPTY_TILES resumes from what is on disk).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from ..errors import SelectionError
from ..scheme import LOD, Extent, TilingScheme
from .area import AreaOfInterest, TileClass
from .selection import BUNDLE_SIZE, classify_tiles, tile_range

# Largest supertile side in pixels. A supertile is one render: larger ones pay QGIS's per-render set-up
# (layer preparation, label engine) over more tiles and place labels once over more of the map; smaller
# ones bound memory per worker (2048² RGBA = 16 MiB, twice with the renderer's image) and the time a cancel
# waits for. Sides are powers of two, so supertiles never straddle a bundle.
SUPERTILE_PIXELS = 2048


class UpdateMode(enum.Enum):
    RECREATE_ALL_TILES = "RECREATE_ALL_TILES"
    RECREATE_EMPTY_TILES = "RECREATE_EMPTY_TILES"
    DELETE_TILES = "DELETE_TILES"


def supertile_size(scheme: TilingScheme, pixels: int = SUPERTILE_PIXELS) -> int:
    """S, the tiles per supertile side: the largest power of two with S × tile size ≤ ``pixels`` (by default
    8 for 256-pixel tiles, 4 for 512), at least 1."""
    side = 1
    while side * 2 * max(scheme.tile_cols, scheme.tile_rows) <= pixels and side * 2 <= BUNDLE_SIZE:
        side *= 2
    return side


@dataclass(frozen=True)
class DrawSettings:
    """What every unit of one run shares."""

    target: str                      # the data-frame folder
    scheme: TilingScheme
    mode: UpdateMode
    project: str | None              # absolute .qgz/.qgs path (None: DELETE_TILES, nothing drawn)
    map_theme: str | None
    drawer: str                      # "package.module:callable" (``execution.drawer.load_drawer``)
    supertile: int                   # tiles per supertile side

    def lod(self, level: int) -> LOD:
        """The LOD of a level folder id (the target is a folder: its folder ids are its LevelIDs)."""
        return next(lod for lod in self.scheme.lods if lod.level == level)


@dataclass(frozen=True)
class DrawUnit:
    """One bundle's selected tiles."""

    key: tuple                       # (level, row0, col0)
    codes: bytes | None              # 128×128 TileClass codes, row-major; None: every tile selected
    tiles: int                       # selected tiles (for progress)

    def selected(self) -> np.ndarray:
        """(128, 128) bool: the selected tiles of the bundle."""
        if self.codes is None:
            return np.ones((BUNDLE_SIZE, BUNDLE_SIZE), bool)
        codes = np.frombuffer(self.codes, np.uint8).reshape(BUNDLE_SIZE, BUNDLE_SIZE)
        return codes != TileClass.OUTSIDE


@dataclass
class DrawLevelPlan:
    lod: LOD
    units: list

    @property
    def tiles(self) -> int:
        return sum(unit.tiles for unit in self.units)


def selection_extent(extent: Extent | None, aoi: AreaOfInterest | None) -> Extent:
    """What limits the tiles: the area's envelope, else the extent (the caller passes the cache's full extent
    when the request gave neither)."""
    if aoi is not None:
        return aoi.envelope
    if extent is None:
        raise SelectionError("neither an area of interest, an extent nor the cache's full extent (conf.cdi) "
                             "says which tiles to work on")
    return extent


def plan_draw_level(scheme: TilingScheme, lod: LOD, *, extent: Extent | None,
                    aoi: AreaOfInterest | None) -> DrawLevelPlan:
    """One unit per bundle holding a selected tile; the area of interest wins over the extent."""
    limit = None if aoi is not None else tile_range(scheme, lod, selection_extent(extent, None))
    if limit is not None and limit.empty:
        return DrawLevelPlan(lod, [])
    selection = classify_tiles(scheme, lod, limit, aoi)
    units = []
    for (row0, col0), chosen in sorted(selection.bundles.items()):
        count = chosen.count(TileClass.INSIDE) + chosen.count(TileClass.BOUNDARY)
        if count:
            codes = None if chosen.codes is None else np.ascontiguousarray(chosen.codes, np.uint8).tobytes()
            units.append(DrawUnit((lod.level, row0, col0), codes, count))
    return DrawLevelPlan(lod, units)
