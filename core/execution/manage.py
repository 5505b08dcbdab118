"""Manage Map Server Cache Tiles: ``manage_tiles(request, progress)`` → ManageResult.

Order of work: resolve the data-frame folder; check everything before writing (``check_manage``: the cache
is a writable folder in a format tiles can be encoded to, the scales are the cache's, the area or extent
meets the grid, a map to draw is named or remembered); plan each level (one unit per bundle holding a
selected tile); run the units (``draw_run``: on the local pool, drawing on threads or in processes with one
drawer each, or on the site's Dask cluster); grow conf.cdi by the drawn tiles' bounds, clipped to the area's
envelope or the extent (never shrunk, also not by DELETE_TILES).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import CacheError, ImportCancelled, SelectionError, StorageError, TileFormatError
from ..formats.tileformats import PIXEL_FORMATS
from ..planning.area import AreaOfInterest
from ..planning.draw_plan import (
    SUPERTILE_PIXELS,
    DrawSettings,
    UpdateMode,
    plan_draw_level,
    selection_extent,
    supertile_size,
)
from ..planning.selection import tile_range
from ..scheme import LOD, Extent
from ..sources.dataset import CacheDataset, find_dataframe_folder
from ..sources.opening import open_cache
from ..sources.remembered_map import map_file, remembered_map
from ..storage.locks import CacheLock
from .draw_run import run_draw_units
from .drawer import drawer_factory
from .engine import grow_conf_cdi
from .manage_tally import ManageResult, ManageTally
from .snapshots import outline_of
from .tally import Progress, SilentProgress, clipped
from .workers import close_datasets

DEFAULT_DRAWER = "map_server_cache.drawing.renderer:open_drawer"
EXECUTORS = ("threads", "processes")


@dataclass
class ManageRequest:
    target: Path                                  # data-frame folder (or service folder above it)
    scales: Sequence[float] | None = None         # None: every level of the cache
    mode: UpdateMode = UpdateMode.RECREATE_ALL_TILES
    workers: int | None = None                    # None: every core
    extent: Extent | None = None                  # in the cache's CRS
    area_of_interest: bytes | None = None         # (Multi)Polygon WKB in the cache's CRS; wins over extent
    project: str | None = None                    # .qgz/.qgs; None: the map the cache remembers
    map_theme: str | None = None                  # with project: that theme; alone: overrides the remembered
    drawer: str = DEFAULT_DRAWER                  # "package.module:callable" (execution/drawer.py)
    executor: str = "threads"                     # "threads" | "processes"
    supertile_pixels: int = SUPERTILE_PIXELS      # largest supertile side (draw_plan.supertile_size)
    scheduler: str | None = None                  # Dask scheduler of the site; None: local (draw_run)


@dataclass
class ManageCheck:
    """What the checks settled: the folder, the levels (coarse to fine), the map, the selection."""

    folder: Path
    lods: list
    project: str | None
    map_theme: str | None
    extent: Extent | None                         # the request's, else the cache's full extent (no area)
    area: AreaOfInterest | None


def check_manage(request: ManageRequest) -> ManageCheck:
    """Every check manage_tiles makes before it writes; raises CacheError subclasses naming the problem."""
    if request.executor not in EXECUTORS:
        raise CacheError(f"unknown executor {request.executor!r}: use one of {', '.join(EXECUTORS)}")
    folder = find_dataframe_folder(request.target)
    with open_cache(folder) as target:
        _check_writable(folder, target)
        lods = checked_scales(target, request.scales)
        area = AreaOfInterest(request.area_of_interest) if request.area_of_interest is not None else None
        extent = None if area is not None else request.extent if request.extent is not None else target.extent
        _check_meets_grid(target, lods, selection_extent(extent, area))
    project, theme = None, None
    if request.mode is not UpdateMode.DELETE_TILES:
        project, theme = _map(request, folder)
        drawer_factory(request.drawer)
    return ManageCheck(folder, lods, project, theme, extent, area)


def checked_scales(target: CacheDataset, scales: Sequence[float] | None) -> list[LOD]:
    """The cache's levels at ``scales`` (all when None), coarse to fine; a scale it lacks is an error."""
    lods = target.scheme.lods
    if scales is not None:
        chosen = []
        for scale in scales:
            lod = target.scheme.lod_for_scale(float(scale))
            if lod is None:
                known = ", ".join(f"{level.scale:g}" for level in target.scheme.lods)
                raise SelectionError(f"{target.root}: the cache has no level at scale 1:{float(scale):g} "
                                     f"(its scales: {known})")
            chosen.append(lod)
        lods = tuple(chosen)
    return sorted(set(lods), key=lambda lod: -lod.scale)


def _check_writable(folder: Path, target: CacheDataset) -> None:
    scheme = target.scheme
    if scheme.tile_format not in PIXEL_FORMATS:
        raise TileFormatError(f"{folder}: tiles in format {scheme.tile_format} cannot be drawn (the cache's "
                              f"format must be one of {', '.join(sorted(PIXEL_FORMATS))})")
    tiles = folder / target.storage.tiles_dir
    writable = tiles if tiles.is_dir() else folder
    if not os.access(writable, os.W_OK | os.X_OK):
        raise StorageError(f"{writable}: no permission to write tiles here")


def _check_meets_grid(target: CacheDataset, lods: list[LOD], extent: Extent) -> None:
    if all(tile_range(target.scheme, lod, extent).empty for lod in lods):
        raise SelectionError(f"{target.root}: the area or extent {tuple(round(v, 6) for v in extent)} lies "
                             "outside the cache's tiling grid (before its origin) on every chosen level")


def _map(request: ManageRequest, folder: Path) -> tuple[str, str | None]:
    """The project and theme to draw: the request's, else the remembered ones (a theme alone overrides)."""
    if request.project:
        project, theme = request.project, request.map_theme
    else:
        remembered = remembered_map(folder)
        if remembered is None:
            raise CacheError(f"{folder}: no map to draw: name the QGIS project (in_map); the cache remembers "
                             f"none ({map_file(folder)} is missing)")
        project, theme = remembered.project, request.map_theme or remembered.map_theme
    if not Path(project).is_file():
        raise CacheError(f"{project}: the QGIS project to draw the cache from is not found")
    return str(Path(project).absolute()), theme or None


def manage_tiles(request: ManageRequest, progress: Progress | None = None) -> ManageResult:
    """Draw, fill in or delete the selected tiles; see the module docstring.

    Raises CacheError subclasses and ImportCancelled (the cancel of every run of the pool); tiles written
    before a failure or cancel stay, every bundle complete and readable, and RECREATE_EMPTY_TILES finishes
    the job.
    """
    progress = progress or SilentProgress()
    started = time.monotonic()
    checked = check_manage(request)
    with CacheLock(checked.folder, shared=True), open_cache(checked.folder) as target:   # convert waits
        scheme = target.scheme
        plans = []
        for lod in checked.lods:
            if progress.is_cancelled():
                raise ImportCancelled("cancelled while planning")
            plans.append(plan_draw_level(scheme, lod, extent=checked.extent, aoi=checked.area))
        settings = DrawSettings(str(checked.folder), scheme, request.mode, checked.project, checked.map_theme,
                                request.drawer, supertile_size(scheme, request.supertile_pixels))
        tally = ManageTally(scheme, plans, progress, outline_of(checked.area, checked.extent))
        units = [unit for plan in plans for unit in plan.units]
        clip = selection_extent(checked.extent, checked.area)
        try:
            run_draw_units(settings, units, request.workers, progress, tally.finished,
                           threads=request.executor == "threads", scheduler=request.scheduler)
        except BaseException:                 # conf.cdi still grows by what was drawn
            with contextlib.suppress(CacheError, OSError):
                grow_conf_cdi(checked.folder, target, clipped(tally.bounds, clip))
            raise
        finally:
            close_datasets()
        result = tally.result(checked.folder, request.mode, time.monotonic() - started, clip)
        grow_conf_cdi(checked.folder, target, result.extent)
    return result
