"""Export Map Server Cache: ``export_cache(request, progress)`` → ExportResult. An export is an import from
the service into a new target, through the same engine (planning, writers, clipping, locks, journals,
workers, Dask); only the target is made here.

Where it writes, as ArcGIS lays out its exports: for ``<root>/arcgiscache/<cache folder>/<data frame>`` (the
cache folder is ``<folder>_<service>`` or ``<service>``), a CACHE_DATASET goes to
``<target_cache_path>/<cache folder>/<data frame>`` in the chosen storage format, a TILE_PACKAGE to
``<target_cache_path>/<cache folder>.tpk`` (COMPACT) or ``.tpkx`` (COMPACT_V2). The target's conf.xml is
the service's scheme in the chosen storage; its conf.cdi the bounds of what was exported.

An existing export is blended into (MERGE) or its tiles replaced where new ones come (OVERWRITE); its other
tiles stay. A package's tiles are first written into a staged cache folder (an existing package imported
into it first), then that folder is zipped into the package's place (``packaging``).

COPY_DATA: the export is written in the server's output folder (``<server root>/arcgissystem/arcgisoutput/
.export_map_server_cache_<output digest>_<unique>``; outside a server root, beside the service folder), an
existing export copied there first, and the result copied to the target afterwards: a folder replaces the
old one by two renames (the old export moved aside, then removed), a package by one rename. The staging
folder is removed however the export ends.

Crash safety: one export at a time writes an output (a lock in ``<target_cache_path>/.map_server_cache/``).
Under it, what a killed export of the same output left is settled first: a COPY_DATA swap cut between its
two renames is finished (or the earlier export put back when the new copy was not complete), and stale
staging folders and temporary package files are removed; a package is never seen half-written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..atomic import publish, temporary_path
from ..compatibility import compare, format_differences
from ..errors import IncompatibleCacheError, SchemeError
from ..formats.conf import read_conf_cdi
from ..formats.conf_write import write_conf_cdi, write_conf_xml
from ..packaging.iteminfo import ItemInfo, geographic_extent
from ..packaging.package import PackageKind, write_package
from ..planning.area import AreaOfInterest
from ..planning.levels import select_levels
from ..scheme import Extent, StorageFormat, TilingScheme
from ..sources.dataset import find_dataframe_folder
from ..sources.opening import open_cache
from ..storage.locks import BOOKKEEPING_FOLDER, BundleLock
from .engine import ImportRequest, SourceType, import_cache
from .staging import (
    OUTPUTS_SUBFOLDER,
    copy_cache_folder,
    copy_file,
    remove_tree,
    scratch_folder,
    staging_root,
)
from .tally import ImportResult, Progress, SilentProgress

EXPORT_PREFIX = "export_map_server_cache_"


class ExportType(enum.Enum):
    CACHE_DATASET = "CACHE_DATASET"
    TILE_PACKAGE = "TILE_PACKAGE"


@dataclass
class ExportRequest:
    source: Path                                  # the service's data-frame folder (or service folder)
    target_cache_path: Path                       # an existing folder receiving the export
    export_type: ExportType = ExportType.CACHE_DATASET
    storage_format: StorageFormat = StorageFormat.COMPACT
    copy_data: bool = False                       # COPY_DATA: write in the server's output folder first
    scales: Sequence[float] | None = None
    workers: int | None = None
    extent: Extent | None = None                  # in the cache's CRS
    area_of_interest: bytes | None = None         # (Multi)Polygon WKB in the cache's CRS; wins over extent
    overwrite: bool = False                       # False = MERGE into an existing export
    outputs_dir: Path | None = None               # COPY_DATA's staging root; None: the server's output folder
    flush_new_bundles: bool = False
    scheduler: str | None = None
    summary: str | None = None                    # a package's item info; None: said from the service
    tags: str | None = None


@dataclass
class ExportResult:
    output: Path                                  # the exported data-frame folder or the package file
    imported: ImportResult                        # the engine's counts of the service's tiles


def export_cache(request: ExportRequest, progress: Progress | None = None) -> ExportResult:
    """Export the service's tiles; see the module docstring. Raises CacheError subclasses, ImportCancelled."""
    progress = progress or SilentProgress()
    started = time.monotonic()
    plan = check_export(request)
    with contextlib.ExitStack() as stack:
        lock = BundleLock(Path(request.target_cache_path) / BOOKKEEPING_FOLDER /
                          f"{plan.output.name}.export.lock")
        lock.acquire()
        stack.callback(lock.release)
        prefix = _staging_prefix(plan.output)
        _settle_leftovers(plan.output, _work_root(request, plan), prefix)
        plan = check_export(request)                    # as the output is now, settled
        if request.export_type is ExportType.CACHE_DATASET and not request.copy_data:
            result = _fill(request, plan, plan.output, progress)
        else:
            work = stack.enter_context(scratch_folder(_work_root(request, plan), prefix))
            if request.export_type is ExportType.TILE_PACKAGE:
                result = _export_package(request, plan, work, progress)
            else:
                result = _export_folder_by_copy(request, plan, work, progress)
    result.imported.seconds = time.monotonic() - started
    result.imported.target = result.output                # what the report names: never the staged copy
    return result


@dataclass
class _Plan:
    source: Path                                  # the service's data-frame folder
    scheme: TilingScheme                          # the target's: the service's, in the chosen storage
    output: Path                                  # the data-frame folder or the package file
    exists: bool                                  # an earlier export is there (merged into)


def check_export(request: ExportRequest) -> _Plan:
    """Everything checked before anything is written: the service readable, the target folder there, the
    storage format fitting the export type, the scales and area of interest valid, an earlier export in the
    same place of the same scheme and storage (every difference listed)."""
    source = find_dataframe_folder(request.source)
    root = Path(request.target_cache_path)
    if not root.is_dir():
        raise SchemeError(f"{root}: target cache path is not an existing folder (create it first)")
    if request.export_type is ExportType.TILE_PACKAGE:
        kind = PackageKind.for_storage(request.storage_format)
        output = root / f"{source.parent.name}{kind.suffix}"
    else:
        output = root / source.parent.name / source.name
    if output.resolve() == source.resolve() or source.resolve() in output.resolve().parents:
        raise SchemeError(f"{output}: the export would write into the service's own cache")
    if request.area_of_interest is not None:
        AreaOfInterest(request.area_of_interest)
    with open_cache(source) as service:
        packet = 0 if request.storage_format is StorageFormat.EXPLODED else 128
        scheme = dataclasses.replace(service.scheme, storage_format=request.storage_format,
                                     packet_size=packet)
        select_levels(service.scheme, scheme, request.scales)
    exists = output.is_file() if request.export_type is ExportType.TILE_PACKAGE else output.is_dir()
    if exists:
        with open_cache(output) as earlier:
            differences = compare(earlier.scheme, scheme)      # a .tpkx lists only the levels it holds
        if differences:
            raise IncompatibleCacheError(
                f"the earlier export {output} does not fit this export (delete it or export elsewhere):\n"
                + format_differences(differences, "earlier export", "this export"), differences)
    elif output.exists():
        raise SchemeError(f"{output}: exists and is not an earlier export of this kind")
    return _Plan(source, scheme, output, exists)


def _staging_prefix(output: Path) -> str:
    """Hidden staging folders named after the output they serve, so that its next export (holding the same
    lock) knows every folder of that name as a killed run's leftover."""
    digest = hashlib.sha1(str(output.resolve()).encode()).hexdigest()[:12]
    return f".{EXPORT_PREFIX}{digest}_"


def _swap_names(output: Path) -> tuple[Path, Path]:
    """(incoming, outgoing): the complete new copy and the earlier export while a COPY_DATA swap runs."""
    return (output.with_name(f".{output.name}.{EXPORT_PREFIX}new"),
            output.with_name(f".{output.name}.{EXPORT_PREFIX}old"))


def _settle_leftovers(output: Path, work_root: Path, prefix: str) -> None:
    """What a killed export of this output left (the lock held): a swap cut between its renames finished
    (the new copy is complete once the earlier export was moved aside) or undone; the rest removed."""
    incoming, outgoing = _swap_names(output)
    if not output.exists() and outgoing.exists():
        os.replace(incoming if incoming.exists() else outgoing, output)
    for leftover in (incoming, outgoing):
        if leftover.exists():
            remove_tree(leftover)
    temporary_path(output).unlink(missing_ok=True)
    if work_root.is_dir():
        for stale in work_root.iterdir():
            if stale.name.startswith(prefix) and stale.is_dir():
                remove_tree(stale)


def _work_root(request: ExportRequest, plan: _Plan) -> Path:
    """Where the staged work goes: the server's output folder (COPY_DATA), else the target folder itself."""
    if request.copy_data:
        return staging_root(plan.source, request.outputs_dir, OUTPUTS_SUBFOLDER)
    return Path(request.target_cache_path)


def _fill(request: ExportRequest, plan: _Plan, dataframe: Path, progress: Progress,
          staged: bool = False) -> ExportResult:
    """The service's tiles into the cache folder ``dataframe`` (made when missing), conf.cdi written;
    ``staged``: a folder only read and removed afterwards, so whole bundles may be hard links of the
    service's files (no copy where both sit on one file system)."""
    made = _first_missing(dataframe)
    if made is not None:
        (dataframe / "_alllayers").mkdir(parents=True)
        write_conf_xml(plan.scheme, dataframe / "conf.xml")
    progress.message(f"Exporting {plan.source} into {dataframe} ({plan.scheme.storage_format.name})")
    try:
        imported = _import_service(request, plan, dataframe, progress, staged)
    except BaseException:
        if made is not None and not any((dataframe / "_alllayers").iterdir()):
            remove_tree(made)                           # refused or stopped before any tile: leave nothing
        raise
    conf_cdi = dataframe / "conf.cdi"
    if imported.extent is not None and not conf_cdi.exists():      # else the engine grew it
        write_conf_cdi(imported.extent, conf_cdi, plan.scheme.spatial_reference)
    return ExportResult(plan.output, imported)


def _first_missing(folder: Path) -> Path | None:
    """The outermost of ``folder`` and its parents that does not exist yet (what making it creates)."""
    missing = None
    while not folder.exists():
        missing, folder = folder, folder.parent
    return missing


def _import_service(request: ExportRequest, plan: _Plan, dataframe: Path, progress: Progress,
                    staged: bool) -> ImportResult:
    """The engine's import from the service into ``dataframe``, whatever its storage format."""
    return import_cache(ImportRequest(
        target=dataframe, source=plan.source, source_type=SourceType.CACHE_DATASET, scales=request.scales,
        workers=request.workers, extent=request.extent, area_of_interest=request.area_of_interest,
        overwrite=request.overwrite, flush_new_bundles=request.flush_new_bundles,
        scheduler=request.scheduler, any_storage=True, link_whole_bundles=staged), progress)


def _export_folder_by_copy(request, plan: _Plan, work: Path, progress: Progress) -> ExportResult:
    """COPY_DATA of a cache dataset: export in the staging folder, then swap the copy into place."""
    staged = work / plan.output.parent.name / plan.output.name
    if plan.exists:
        progress.message(f"Copying the earlier export {plan.output} to {staged}")
        staged.parent.mkdir()
        copy_cache_folder(plan.output, staged, progress.is_cancelled)
    result = _fill(request, plan, staged, progress, staged=True)
    progress.message(f"Copying the export from {staged} to {plan.output}")
    plan.output.parent.mkdir(exist_ok=True)
    incoming, outgoing = _swap_names(plan.output)
    try:
        copy_cache_folder(staged, incoming, progress.is_cancelled)
        if plan.exists:
            os.replace(plan.output, outgoing)
        os.replace(incoming, plan.output)
    except BaseException:
        if outgoing.exists() and not plan.output.exists():
            os.replace(outgoing, plan.output)
        if incoming.exists():
            remove_tree(incoming)
        raise
    if outgoing.exists():
        remove_tree(outgoing)
    return result


def _export_package(request, plan: _Plan, work: Path, progress: Progress) -> ExportResult:
    """A tile package: the tiles into a staged cache folder (an earlier package's imported first), zipped
    into a package (in the staging folder for COPY_DATA, then copied) renamed over the output."""
    staged = work / plan.source.parent.name / plan.source.name
    if plan.exists:
        progress.message(f"Reading the earlier package {plan.output} into {staged}")
        (staged / "_alllayers").mkdir(parents=True)
        write_conf_xml(plan.scheme, staged / "conf.xml")
        import_cache(ImportRequest(target=staged, source=plan.output, source_type=SourceType.TILE_PACKAGE,
                                   workers=request.workers, overwrite=True, uploads_dir=work), progress)
    result = _fill(request, plan, staged, progress, staged=True)
    with open_cache(staged) as cache:
        extent = read_conf_cdi(staged / "conf.cdi") if (staged / "conf.cdi").exists() else cache.extent
        item = ItemInfo(
            name=plan.source.parent.name,
            summary=request.summary if request.summary is not None else
            f"Tiles of {plan.source.parent.name} exported from its map server cache",
            tags=request.tags if request.tags is not None else f"map server cache, tile package, "
                                                               f"{plan.source.parent.name}",
            extent=geographic_extent(extent, plan.scheme.spatial_reference))
    package = work / plan.output.name if request.copy_data else plan.output
    progress.message(f"Writing the tile package {package}")
    write_package(staged, package, item, progress.is_cancelled)
    if request.copy_data:
        progress.message(f"Copying the tile package from {package} to {plan.output}")
        temporary = temporary_path(plan.output)
        try:
            copy_file(package, temporary, progress.is_cancelled)
            publish(temporary, plan.output)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    return ExportResult(plan.output, result.imported)
