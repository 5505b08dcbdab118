"""Import Map Server Cache: ``import_cache(request, progress)`` → ImportResult.

Order of work: resolve the target data-frame folder; check the source against the target (every difference
at once) and the requested scales, before anything is copied or written; stage the source when asked to or
when it is a tile package; plan each level pair (one unit per target bundle) and announce it; run the units
in worker processes (inline with one worker), or on a Dask cluster when a scheduler is named; grow the
target's conf.cdi by what was imported. conf.xml and Status.gdb are left alone.

conf.cdi choice: the imported extent is the bounds of the tiles actually written, clipped to the area of
interest's envelope (else the import extent, else the target's own extent) and to the source's extent when
known; the file is rewritten only when that grows it. A target without conf.cdi has no extent limit and
keeps none.
"""

from __future__ import annotations

import contextlib
import enum
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..compatibility import compare, format_differences
from ..errors import CacheError, ImportCancelled, IncompatibleCacheError, PackageError, SchemeError
from ..formats.conf import read_conf_cdi
from ..formats.conf_write import write_conf_cdi
from ..planning.area import AreaOfInterest
from ..planning.levels import LevelSelection, select_levels
from ..planning.plan import plan_level
from ..planning.units import ImportSettings
from ..scheme import Extent
from ..sources.dataset import find_dataframe_folder
from ..sources.open_formats import is_tile_folder, open_differences
from ..sources.opening import open_cache
from ..storage.base import BundleKey
from ..storage.locks import BOOKKEEPING_FOLDER, BundleLock, CacheLock
from .cluster import chosen_scheduler, load_distributed, run_units_on_cluster
from .journal import import_id, journal_finished, journal_folder, record_whole_copies, remove_journal
from .pool import run_units
from .snapshots import choose_pictures, outline_of
from .staging import staged
from .tally import ImportResult, Progress, SilentProgress, Tally
from .workers import close_datasets


class SourceType(enum.Enum):
    CACHE_DATASET = "CACHE_DATASET"
    TILE_PACKAGE = "TILE_PACKAGE"
    MBTILES = "MBTILES"                           # open formats (sources/open_formats.py): a file ...
    GEOPACKAGE = "GEOPACKAGE"
    TILE_FOLDER = "TILE_FOLDER"                   # ... or a {z}/{x}/{y} folder


# Source types given as a file rather than a folder.
FILE_SOURCES = (SourceType.TILE_PACKAGE, SourceType.MBTILES, SourceType.GEOPACKAGE)


@dataclass
class ImportRequest:
    target: Path                                  # data-frame folder (or service folder above it)
    source: Path
    source_type: SourceType
    upload: bool = False
    scales: Sequence[float] | None = None
    workers: int | None = None                    # None: every core
    extent: Extent | None = None                  # in the cache's CRS
    area_of_interest: bytes | None = None         # (Multi)Polygon WKB in the cache's CRS; wins over extent
    overwrite: bool = False                       # False = MERGE
    uploads_dir: Path | None = None               # staging root; None: server uploads folder or beside target
    flush_new_bundles: bool = False               # bundles copied whole reach the disk before they appear
    scheduler: str | None = None                  # Dask scheduler of the site (tcp://host:8786); None: local
    any_storage: bool = False                     # the target's storage may differ (an export): tile by tile
    link_whole_bundles: bool = False              # a staged target, never written again: links, no copies
    tile_rows: str = "XYZ"                        # a TILE_FOLDER's row order: XYZ (rows from the top) or TMS


def scheduler_for(request: ImportRequest) -> str | None:
    """The scheduler an import runs on: the environment's, else the request's; None: the local pool."""
    return chosen_scheduler(request.scheduler)


def import_cache(request: ImportRequest, progress: Progress | None = None) -> ImportResult:
    """Import the tiles of a cache folder or tile package into a service's cache; see the module docstring.

    Raises CacheError subclasses (IncompatibleCacheError, SelectionError, TileFormatError, ...) and
    ImportCancelled; tiles written before a failure or cancel stay, every bundle complete and readable.
    """
    progress = progress or SilentProgress()
    scheduler = scheduler_for(request)
    if scheduler is not None:
        load_distributed()                    # before any work: says what to install
    started = time.monotonic()
    target_folder = find_dataframe_folder(request.target)
    source_path = checked_source(request)
    aoi = AreaOfInterest(request.area_of_interest) if request.area_of_interest is not None else None
    with CacheLock(target_folder, shared=True), open_cache(target_folder) as target:   # convert waits
        with open_cache(source_path, request.tile_rows) as source:
            levels = checked_levels(source, target, request.scales, request.any_storage)
            level_folders = [source.storage.level_dir(source.level_of(lod)) for lod, _ in levels.pairs]
            journal_id = _journal_id(request, source_path, source, target_folder, target, levels.pairs)
            converted = reencoding(source, target)
        for _scale, reason in levels.skipped:
            progress.warning(f"Skipped: {reason}")
        notes = [converted] if converted else []
        if converted:
            progress.warning(converted)
        if journal_id is not None and journal_finished(target_folder, journal_id):
            progress.message("This import already completed (it was stopped while removing its journal): "
                             "nothing to do")
            _remove_journal(target_folder, journal_id, progress)
            return ImportResult(target_folder, [], 0, time.monotonic() - started)
        with contextlib.ExitStack() as stack:
            if request.upload or request.source_type is SourceType.TILE_PACKAGE:
                source_path = stack.enter_context(staged(source_path, target_folder, request.uploads_dir,
                                                         progress.is_cancelled, progress.message,
                                                         level_folders))
            stack.callback(close_datasets)
            source = stack.enter_context(open_cache(source_path, request.tile_rows))
            settings = ImportSettings(
                source=str(source_path), target=str(target_folder), scheme=target.scheme,
                overwrite=request.overwrite, import_id=journal_id,
                area_of_interest=aoi.wkb if aoi is not None else None,
                flush_copies=request.flush_new_bundles, link_copies=request.link_whole_bundles,
                tile_rows=request.tile_rows)
            plans, extent = plan_levels(source, target, levels.pairs, request, aoi, progress)
            skipped = skipped_entries(source)
            if skipped:
                progress.warning(skipped)
                notes.append(skipped)
            pictures = choose_pictures(target.scheme, source, plans, outline_of(aoi, extent))
            pictures.read_before(target)
            pictures.after_from = target_folder
            tally = Tally(target.scheme, plans, progress, pictures)
            clips = (aoi.envelope if aoi is not None else extent, source.extent)
            units = [unit for plan in plans for unit in plan.units]
            if journal_id is not None and target.storage.publishes_whole_bundles:
                record_whole_copies(target_folder, journal_id, [BundleKey(*unit.target_key) for unit in units
                                                                if unit.whole_file], target.storage.durable)
            try:
                if scheduler is not None:
                    run_units_on_cluster(settings, units, scheduler, request.workers, progress,
                                         tally.finished)
                else:
                    run_units(settings, units, request.workers, progress, tally.finished)
            except BaseException:                 # conf.cdi still grows by what was written
                with contextlib.suppress(CacheError, OSError):
                    grow_conf_cdi(target_folder, target, tally.written_extent(*clips))
                raise
            written = tally.written_extent(*clips)
            grow_conf_cdi(target_folder, target, written)
            if journal_id is not None:
                _remove_journal(target_folder, journal_id, progress)
    return ImportResult(target_folder, tally.levels, tally.bytes_written, time.monotonic() - started,
                        pictures, extent=written, notes=notes)


def check_import(request: ImportRequest) -> LevelSelection:
    """The checks import_cache makes before it writes anything, alone: target and source readable, source
    compatible with the target, scales known to the target. Raises what import_cache would raise."""
    target_folder = find_dataframe_folder(request.target)
    source_path = checked_source(request)
    with open_cache(target_folder) as target, open_cache(source_path, request.tile_rows) as source:
        return checked_levels(source, target, request.scales, request.any_storage)


def checked_levels(source, target, scales, any_storage: bool = False) -> LevelSelection:
    """The level pairs to import, once the source is known to fit the target (else IncompatibleCacheError);
    ``any_storage``: the two may differ in storage format."""
    check_compatible(source, target, any_storage)
    return select_levels(source.scheme, target.scheme, scales)


def plan_levels(source, target, pairs, request: ImportRequest, aoi: AreaOfInterest | None,
                progress: Progress) -> tuple[list, Extent | None]:
    """One LevelPlan per level pair (reading every bundle index: may take a while) and the extent it used:
    none when there is an area of interest, else the request's, else the target's own."""
    extent = None if aoi is not None else request.extent if request.extent is not None else target.extent
    plans = []
    for source_lod, target_lod in pairs:
        if progress.is_cancelled():
            raise ImportCancelled("import cancelled while planning")
        plans.append(plan_level(source, target, source_lod, target_lod, extent=extent, aoi=aoi,
                                overwrite=request.overwrite))
    return plans, extent


def checked_source(request: ImportRequest) -> Path:
    """The request's source path, checked: it exists as its type says and is not the target itself."""
    source = Path(request.source)
    if request.source_type is SourceType.TILE_PACKAGE:
        if not source.is_file():
            raise PackageError(f"{source}: tile package not found (expected a .tpk or .tpkx file)")
    elif request.source_type in FILE_SOURCES:
        if not source.is_file():
            raise PackageError(f"{source}: {request.source_type.value} file not found")
    elif not source.is_dir():
        kind = "tile folder" if request.source_type is SourceType.TILE_FOLDER else "cache dataset folder"
        raise SchemeError(f"{source}: {kind} not found")
    elif request.source_type is SourceType.TILE_FOLDER and not is_tile_folder(source):
        raise SchemeError(f"{source}: not a tile folder ({{z}}/{{x}}/{{y}}.png|jpg|webp, no conf.xml)")
    if (request.source_type is not SourceType.TILE_FOLDER and source.is_dir()
            and find_dataframe_folder(source).resolve() == find_dataframe_folder(request.target).resolve()):
        raise SchemeError(f"{source}: the source is the target cache itself")
    return source


def _journal_id(request, source_path, source, target_folder, target, pairs) -> str | None:
    """A MERGE's import id (``journal``), from the source as it is on disk and the request; None for
    OVERWRITE, which needs no journal. The target's extent is left out: imports grow it."""
    if request.overwrite:
        return None
    scheme = target.scheme
    settings = (str(target_folder.resolve()), [(s.level, t.level) for s, t in pairs], request.extent,
                request.area_of_interest, "MERGE", scheme.tile_format, scheme.compression_quality)
    return import_id(source_path, source, [source.level_of(lod) for lod, _ in pairs], settings)


def _remove_journal(target_folder: Path, journal_id: str, progress) -> None:
    """Once the whole import succeeded its journal is done with; a failure to remove it is only reported."""
    try:
        remove_journal(target_folder, journal_id)
    except OSError as error:
        progress.warning(f"{journal_folder(target_folder, journal_id)}: cannot remove this import's "
                         f"journal ({error.strerror or error}); delete it by hand, or running the same MERGE "
                         "again skips the tiles it lists")


def check_compatible(source, target, any_storage: bool = False) -> None:
    """Raise IncompatibleCacheError listing every difference of the two tiling schemes (their storage
    formats only unless ``any_storage``)."""
    differences = compare(source.scheme, target.scheme, storage=not any_storage)
    if source.open_format is not None:
        differences = open_differences(differences, target.scheme.tile_format)
    if differences:
        raise IncompatibleCacheError(
            f"the source {source.root} does not fit the target {target.root}:\n"
            + format_differences(differences), differences)


def reencoding(source, target) -> str | None:
    """What the report says when an open format's tiles are re-encoded in the target's format (WebP always;
    PNG into JPEG and JPEG into PNG caches); None when they are copied as they are."""
    if source.open_format is None:
        return None
    encoding, tile_format = source.scheme.tile_format, target.scheme.tile_format
    accepted = {"JPEG"} if tile_format == "JPEG" else {"PNG", "JPEG"} if tile_format == "MIXED" else {"PNG"}
    if encoding in accepted:
        return None
    return (f"The {source.open_format} tiles are {encoding}: they are decoded and re-encoded as "
            f"{tile_format} (tiles in an accepted encoding are copied as they are)")


def skipped_entries(source) -> str | None:
    """What the report says of the entries an open-format source holds besides tiles (a tile folder's viewer
    page, stray files), once planning has listed the levels imported; None when there are none."""
    stray = sorted(getattr(source.storage, "stray", ()))
    if not stray:
        return None
    shown = ", ".join(stray[:5]) + (", ..." if len(stray) > 5 else "")
    return f"{len(stray)} entries of {source.root} are not tiles and were skipped: {shown}"


def grow_conf_cdi(folder: Path, target, imported: Extent | None) -> None:
    """Union the imported extent into conf.cdi (only when the file exists and grows).

    Read, union and write happen under a lock (``.map_server_cache/conf.cdi.lock`` beside it; earlier
    versions kept ``conf.cdi.lock`` beside conf.cdi), so that two imports into one service finishing
    together both leave their extent.
    """
    if imported is None:
        return
    path = next((child for child in folder.iterdir() if child.name.lower() == "conf.cdi"), None)
    if path is None:
        return
    try:
        with BundleLock(folder / BOOKKEEPING_FOLDER / "conf.cdi.lock", [folder / "conf.cdi.lock"]):
            current = read_conf_cdi(path)
            grown = imported if current is None else current.union(imported)
            if grown != current:
                write_conf_cdi(grown, path, target.scheme.spatial_reference)
    except OSError as error:
        raise CacheError(f"{path}: cannot update the cached extent ({error.strerror or error})") from None
