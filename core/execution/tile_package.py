"""Create Map Tile Package: ``create_tile_package(request, progress)`` → TilePackageResult.

A package drawn from a QGIS project is made of the engine's existing parts, one after the other: a new
cache is created in a hidden staging folder beside the output (``sources.creation.create_cache``, the
scheme ONLINE = the ArcGIS Online scheme or EXISTING = the scheme of ``service_file``, in the package's
storage: compact V1 for .tpk, V2 for .tpkx), its levels ``min_level_of_detail``..``level_of_detail`` are
drawn over the extent or area of interest by Manage Map Server Cache Tiles' engine (``manage_tiles``,
RECREATE_ALL_TILES), the staged cache is zipped by the package writer (``packaging.write_package``, renamed
over the output in one step) and the staging folder is removed. So the package's tiles are byte for byte
what Manage Map Server Cache Tiles draws into a cache of the same scheme.

Every check runs before anything is written (``check_tile_package``). One run at a time writes an output (a
lock in ``<output folder>/.map_server_cache/``); under it, what a killed run of the same output left (its
staging folder, the package's temporary file) is removed first. A failure or cancel leaves the earlier
package, if any, as it was.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from ..atomic import temporary_path
from ..errors import CacheError, SchemeError, SelectionError, TileFormatError
from ..formats.conf import read_conf_xml
from ..formats.tileformats import PIXEL_FORMATS
from ..packaging.iteminfo import ItemInfo, geographic_extent
from ..packaging.package import PackageKind, write_package
from ..planning.area import AreaOfInterest
from ..planning.draw_plan import UpdateMode, selection_extent
from ..planning.selection import tile_range
from ..scheme import LOD, Extent, TilingScheme
from ..schemes import builtin_scheme, with_image_and_storage
from ..sources.creation import CreateRequest, create_cache
from ..sources.opening import open_cache
from ..storage.locks import BOOKKEEPING_FOLDER, BundleLock
from .drawer import drawer_factory
from .manage import DEFAULT_DRAWER, ManageRequest, manage_tiles
from .manage_tally import ManageResult
from .staging import remove_tree, scratch_folder
from .tally import Progress, SilentProgress

SERVICE_TYPES = ("ONLINE", "EXISTING")
FORMAT_TYPES = ("PNG", "PNG8", "PNG24", "PNG32", "JPEG", "MIXED")
STAGED_SERVICE = "tiles.MapServer"         # the staged cache: <staging>/tiles/Layers (a .tpk's v101/Layers)


class ServiceType(enum.Enum):
    ONLINE = "ONLINE"                      # the ArcGIS Online / Bing Maps / Google Maps scheme
    EXISTING = "EXISTING"                  # the scheme of service_file


@dataclass
class TilePackageRequest:
    project: str                                  # the QGIS project (.qgz/.qgs) to draw
    output_file: Path                             # .tpk or .tpkx, matching package_type
    extent: Extent                                # what is drawn, in the scheme's CRS (the map's full extent)
    level_of_detail: int = 1                      # the finest level drawn (a level id of the scheme)
    min_level_of_detail: int = 0                  # the coarsest level drawn
    service_type: ServiceType = ServiceType.ONLINE
    service_file: Path | None = None              # EXISTING: a conf.xml, a cache folder or a tile package
    format_type: str = "PNG"
    compression_quality: int | None = None        # JPEG / MIXED; None or 0: 75
    package_type: PackageKind = PackageKind.TPKX
    area_of_interest: bytes | None = None         # (Multi)Polygon WKB in the scheme's CRS; wins over extent
    map_theme: str | None = None
    summary: str = ""
    tags: str = ""
    workers: int | None = None
    drawer: str = DEFAULT_DRAWER
    executor: str = "threads"
    scheduler: str | None = None                  # Dask scheduler drawing the units (MAP_SERVER_CACHE_DASK_
                                                  # SCHEDULER wins); None: the local pool


@dataclass
class TilePackageResult:
    output: Path                                  # the package written
    drawn: ManageResult                           # the drawing engine's counts, level by level


@dataclass
class TilePackagePlan:
    """What the checks settled: the package's scheme and levels (coarse to fine), the selection."""

    scheme: TilingScheme
    lods: list[LOD]
    selection: Extent                             # the area's envelope, else the extent


def package_scheme(service_type: ServiceType, service_file: Path | None, format_type: str,
                   compression_quality: int | None, package_type: PackageKind) -> TilingScheme:
    """The package's tiling scheme: ArcGIS Online's or service_file's, with the tile format, quality and the
    storage the package type needs; SchemeError naming the problem."""
    fmt = str(format_type).strip().upper()
    if fmt not in FORMAT_TYPES:
        raise TileFormatError(f"format_type {format_type!r}: use one of {', '.join(FORMAT_TYPES)}")
    if compression_quality is not None and not 0 <= compression_quality <= 100:
        raise SchemeError(f"compression_quality must be 1 to 100 (0: the default 75), not "
                          f"{compression_quality}")
    storage = package_type.storage_format
    if service_type is ServiceType.ONLINE:
        return builtin_scheme("ARCGISONLINE_SCHEME", fmt, compression_quality or 75, storage)
    if service_file is None or not str(service_file).strip():
        raise SchemeError("service_type is EXISTING: give service_file, a conf.xml or a cache folder whose "
                          "tiling scheme the package takes")
    path = Path(service_file)
    if not path.exists():
        raise SchemeError(f"service_file {path}: not found (give a conf.xml or a cache folder)")
    if path.is_file() and path.suffix.lower() == ".xml":
        scheme = read_conf_xml(path)
    else:
        with open_cache(path) as cache:
            scheme = cache.scheme
    return with_image_and_storage(scheme, fmt, compression_quality, storage)


def check_tile_package(request: TilePackageRequest) -> TilePackagePlan:
    """Every check create_tile_package makes before it writes; raises CacheError subclasses."""
    output = Path(request.output_file)
    kind = request.package_type
    if output.suffix.lower() != kind.suffix:
        raise CacheError(f"{output}: package_type {kind.value[0]} writes a {kind.suffix} file: name the "
                         f"output_file *{kind.suffix}")
    if not output.parent.is_dir():
        raise CacheError(f"{output.parent}: the output folder does not exist")
    if output.is_dir():
        raise CacheError(f"{output}: is a folder, not a tile package file")
    scheme = package_scheme(request.service_type, request.service_file, request.format_type,
                            request.compression_quality, kind)
    if scheme.tile_format not in PIXEL_FORMATS:
        raise TileFormatError(f"tiles in format {scheme.tile_format} cannot be drawn")
    lods = _levels(scheme, request.min_level_of_detail, request.level_of_detail)
    area = AreaOfInterest(request.area_of_interest) if request.area_of_interest is not None else None
    selection = selection_extent(None if area is not None else request.extent, area)
    if all(tile_range(scheme, lod, selection).empty for lod in lods):
        raise SelectionError(f"the area or extent {tuple(round(v, 6) for v in selection)} lies outside the "
                             "tiling grid (before its origin) on every chosen level")
    if not Path(request.project).is_file():
        raise CacheError(f"{request.project}: the QGIS project to draw the package from is not found")
    drawer_factory(request.drawer)
    return TilePackagePlan(scheme, lods, selection)


def _levels(scheme: TilingScheme, low: int, high: int) -> list[LOD]:
    """The scheme's levels low..high (by level id), coarse to fine."""
    known = sorted(lod.level for lod in scheme.lods)
    if not 0 <= low <= high:
        raise SelectionError(f"min_level_of_detail {low} and level_of_detail {high}: need 0 <= min <= max")
    lods = [lod for lod in scheme.lods if low <= lod.level <= high]
    if not lods or high > known[-1]:
        raise SelectionError(f"level_of_detail {high}: the tiling scheme's levels are {known[0]} to "
                             f"{known[-1]}")
    return sorted(lods, key=lambda lod: -lod.scale)


def create_tile_package(request: TilePackageRequest, progress: Progress | None = None) -> TilePackageResult:
    """Draw the map into a staged cache and package it; see the module docstring. Raises CacheError
    subclasses and ImportCancelled; the output is then left as it was."""
    progress = progress or SilentProgress()
    started = time.monotonic()
    plan = check_tile_package(request)
    output = Path(request.output_file).absolute()
    prefix = _staging_prefix(output)
    with contextlib.ExitStack() as stack:
        lock = BundleLock(output.parent / BOOKKEEPING_FOLDER / f"{output.name}.package.lock")
        lock.acquire()
        stack.callback(lock.release)
        _remove_leftovers(output, prefix)
        work = stack.enter_context(scratch_folder(output.parent, prefix))
        dataframe = create_cache(CreateRequest(
            input_service=STAGED_SERVICE, service_cache_directory=work, scheme=plan.scheme,
            full_extent=plan.selection, project=request.project, map_theme=request.map_theme))
        progress.message(f"Drawing levels {plan.lods[0].level} to {plan.lods[-1].level} of {request.project} "
                         f"into {dataframe} ({plan.scheme.tile_format}, {plan.scheme.storage_format.name})")
        drawn = manage_tiles(ManageRequest(
            target=dataframe, scales=[lod.scale for lod in plan.lods], mode=UpdateMode.RECREATE_ALL_TILES,
            workers=request.workers, extent=request.extent, area_of_interest=request.area_of_interest,
            project=request.project, map_theme=request.map_theme, drawer=request.drawer,
            executor=request.executor, scheduler=request.scheduler), progress)
        if drawn.drawn == 0:
            progress.warning(f"{request.project} draws nothing within the extent or area on levels "
                             f"{plan.lods[0].level} to {plan.lods[-1].level}: the package holds no tiles")
        item = ItemInfo(name=output.stem, summary=request.summary, tags=request.tags,
                        extent=geographic_extent(drawn.extent or plan.selection,
                                                 plan.scheme.spatial_reference))
        progress.message(f"Writing the tile package {output}")
        write_package(dataframe, output, item, progress.is_cancelled)
    drawn.seconds = time.monotonic() - started
    drawn.target = output                         # what the report names: never the staged cache
    return TilePackageResult(output, drawn)


def _staging_prefix(output: Path) -> str:
    """Hidden staging folders named after the output they serve, so the next run (holding the same lock)
    knows every folder of that name as a killed run's leftover."""
    digest = hashlib.sha1(str(output).encode()).hexdigest()[:12]
    return f".create_map_tile_package_{digest}_"


def _remove_leftovers(output: Path, prefix: str) -> None:
    temporary_path(output).unlink(missing_ok=True)
    for stale in output.parent.iterdir():
        if stale.name.startswith(prefix) and stale.is_dir():
            remove_tree(stale)
