"""What a cache holds, bundle by bundle: ``bundle_status(request, progress)`` → StatusResult.

Each bundle's tiles are listed from its index and their first bytes read (``TileStorage.tile_heads``, one
pass over the file): tiles, bytes on disk, dead bytes (compact: file bytes no index entry points at; exploded:
none) and damaged tiles (not an image of the cache's format, the import's signature check). Bundles are read
on ``workers`` threads (reading, not writing: no process pool is needed). Levels are chosen by scale, bundles
by the extent or area of interest they intersect. ``write_status_gpkg`` (status_gpkg.py) and the report
picture (``coverage_picture``) present the result.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import ImportCancelled, SelectionError
from ..execution.snapshots import LevelPictures, Pictures
from ..execution.tally import Progress, SilentProgress
from ..formats.tileformats import is_valid_signature
from ..gdalcalls import osgeo_calls
from ..planning.area import AreaOfInterest
from ..planning.units import OUTCOME_CODES, outcome_grid, pack_outcomes
from ..scheme import LOD, Extent, StorageFormat, TilingScheme
from ..sources.dataset import CacheDataset, find_dataframe_folder
from ..sources.opening import open_cache
from ..storage.base import BUNDLE_SIZE, BundleKey
from ..storage.compact_v1_format import DATA_START as V1_DATA_START
from ..storage.compact_v2 import DATA_START as V2_DATA_START
from .pictures import coverage_map

_DATA_START = {StorageFormat.COMPACT: V1_DATA_START, StorageFormat.COMPACT_V2: V2_DATA_START}
_PRESENT, _DAMAGED = OUTCOME_CODES.index("copied_raw"), OUTCOME_CODES.index("damaged")


@dataclass
class StatusRequest:
    target: Path                                  # data-frame folder (or the service folder above it)
    scales: Sequence[float] | None = None         # None: every level
    workers: int | None = None                    # reading threads; None: 4
    extent: Extent | None = None                  # in the cache's CRS
    area_of_interest: bytes | None = None         # (Multi)Polygon WKB in the cache's CRS; wins over extent


@dataclass(frozen=True)
class BundleStatus:
    level: int
    scale: float
    row: int          # the bundle's first row and column
    column: int
    tiles: int
    bytes: int        # on disk: the bundle's files (exploded: its tiles' files)
    dead_bytes: int
    damaged: int
    bounds: Extent
    grid: builtins.bytes   # packed per-tile codes (present, damaged) for the coverage picture


@dataclass
class StatusResult:
    folder: Path
    scheme: TilingScheme
    bundles: list[BundleStatus] = field(default_factory=list)
    seconds: float = 0.0

    def level_totals(self) -> dict[int, dict[str, float]]:
        """Per level: scale, bundles, tiles, bytes, dead bytes, damaged."""
        totals: dict[int, dict[str, float]] = {}
        for bundle in self.bundles:
            level = totals.setdefault(bundle.level, {"scale": bundle.scale, "bundles": 0, "tiles": 0,
                                                     "bytes": 0, "dead_bytes": 0, "damaged": 0})
            level["bundles"] += 1
            for name in ("tiles", "bytes", "dead_bytes", "damaged"):
                level[name] += getattr(bundle, name)
        return dict(sorted(totals.items()))

    def coverage_picture(self, level: int) -> Image.Image | None:
        """The level's tiles (present green, damaged red) on the bundle grid, as the import report draws."""
        chosen = [bundle for bundle in self.bundles if bundle.level == level]
        lod = next((lod for lod in self.scheme.lods if lod.level == level), None)
        if not chosen or lod is None:
            return None
        pictures = Pictures(self.scheme, [])
        shown = LevelPictures(lod, level, outcomes={(b.row, b.column): b.grid for b in chosen})
        return coverage_map(pictures, shown)


def bundle_status(request: StatusRequest, progress: Progress | None = None) -> StatusResult:
    """Every selected bundle's status; SelectionError for a scale the cache lacks, before any reading."""
    progress = progress or SilentProgress()
    started = time.monotonic()
    folder = find_dataframe_folder(request.target)
    aoi = AreaOfInterest(request.area_of_interest) if request.area_of_interest is not None else None
    with open_cache(folder) as cache:
        scheme = cache.scheme
        lods = selected_lods(scheme, request.scales)
        work = [(lod, key) for lod in lods for key in cache.storage.bundles(cache.level_of(lod))
                if _selected(scheme, lod, key, request.extent, aoi)]
        result = StatusResult(folder, scheme)
        progress.message(f"{folder}: {len(work)} bundles on {len(lods)} levels")
        with ThreadPoolExecutor(max_workers=request.workers or 4) as pool:
            statuses = pool.map(lambda item: _status(cache, *item), work)
            for done, status in enumerate(statuses, 1):
                if progress.is_cancelled():
                    pool.shutdown(cancel_futures=True)
                    raise ImportCancelled("cache status cancelled")
                result.bundles.append(status)
                progress.progress(done, len(work))
    result.seconds = time.monotonic() - started
    return result


def selected_lods(scheme: TilingScheme, scales: Sequence[float] | None) -> list[LOD]:
    """The levels of the requested scales (all when None); SelectionError naming a scale the cache lacks."""
    if not scales:
        return list(scheme.lods)
    lods = []
    for scale in scales:
        lod = scheme.lod_for_scale(scale)
        if lod is None:
            raise SelectionError(f"scale 1:{scale:,.0f} is not a level of this cache (its scales: "
                                 + ", ".join(f"{lod.scale:,.0f}" for lod in scheme.lods) + ")")
        if lod not in lods:
            lods.append(lod)
    return sorted(lods, key=lambda lod: lod.level)


def bundle_bounds(scheme: TilingScheme, lod: LOD, key: BundleKey) -> Extent:
    first = scheme.tile_bounds(lod, key.row0, key.col0)
    last = scheme.tile_bounds(lod, key.row0 + BUNDLE_SIZE - 1, key.col0 + BUNDLE_SIZE - 1)
    return first.union(last)


def polygon_wkt(extent: Extent) -> str:
    xmin, ymin, xmax, ymax = extent
    return f"POLYGON(({xmin} {ymin},{xmax} {ymin},{xmax} {ymax},{xmin} {ymax},{xmin} {ymin}))"


def _selected(scheme, lod, key, extent: Extent | None, aoi: AreaOfInterest | None) -> bool:
    bounds = bundle_bounds(scheme, lod, key)
    if aoi is not None:
        if not bounds.intersects(aoi.envelope):
            return False
        from osgeo import ogr

        with osgeo_calls():
            return bool(aoi.geometry.Intersects(ogr.CreateGeometryFromWkt(polygon_wkt(bounds))))
    return extent is None or bounds.intersects(extent)


def _status(cache: CacheDataset, lod: LOD, key: BundleKey) -> BundleStatus:
    storage, scheme = cache.storage, cache.scheme
    heads = storage.tile_heads(key)
    damaged = np.array([not is_valid_signature(bytes(head), scheme.tile_format) for head in heads.heads],
                       bool)
    live = int(heads.sizes.sum())
    if scheme.storage_format is StorageFormat.EXPLODED:
        size, dead = live, 0
    else:
        size = sum(cache.fs.size(path) for path in storage.bundle_files(key))
        bundle_size = cache.fs.size(storage.bundle_path(key))
        dead = max(0, bundle_size - _DATA_START[scheme.storage_format] - live - 4 * len(heads.sizes))
    grid = outcome_grid()
    if len(heads.tiles):
        codes = np.where(damaged, _DAMAGED, _PRESENT)
        grid[heads.tiles[:, 0] - key.row0, heads.tiles[:, 1] - key.col0] = codes
    return BundleStatus(lod.level, lod.scale, key.row0, key.col0, len(heads.sizes), size, dead,
                        int(damaged.sum()), bundle_bounds(scheme, lod, key), pack_outcomes(grid))
