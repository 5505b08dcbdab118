"""Preview of an import: ``preview_import(request, progress)`` → ImportResult of what ``import_cache`` would
do, without writing anything.

The source and the target are only read: no staging (a tile package is read in place), no journal, no lock,
no bookkeeping file; conf.cdi is left alone. Each source tile of each planned unit gets the outcome the import
would give it, decided from the tile's bytes and the target's bundle index, never from pixels:

- copied (exact bytes: the source tile's size): OVERWRITE, no target tile there, a whole-bundle copy, or a
  source opaque by its format (JPEG, PNG without alpha), which replaces the target tile in MERGE;
- blended (estimated: the source tile's size): MERGE over an existing target tile (the import may find the
  tile fully opaque and copy it, or fully transparent and skip it);
- clipped (estimated: the source tile's size): a tile on the area's boundary;
- damaged: a source tile without the tile format's signature; skipped: outside the selection.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np

from ..errors import ImportCancelled
from ..formats.tileformats import is_opaque_by_format, is_valid_signature
from ..planning.area import AreaOfInterest, TileClass
from ..planning.selection import BUNDLE_SIZE
from ..planning.units import OUTCOME_CODES, UnitResult, outcome_grid, pack_outcomes
from ..sources.dataset import find_dataframe_folder
from ..sources.opening import open_cache
from ..storage.base import BundleKey
from .engine import ImportRequest, checked_levels, checked_source, plan_levels
from .snapshots import choose_pictures, outline_of
from .tally import ImportResult, Progress, SilentProgress, Tally

_CODE = {name: OUTCOME_CODES.index(name) for name in OUTCOME_CODES if name}
ESTIMATED = ("blended", "clipped")


def preview_import(request: ImportRequest, progress: Progress | None = None) -> ImportResult:
    """Plan the import the request describes and tell per tile what it would do; see the module docstring.

    Raises what ``import_cache`` raises before its first write (IncompatibleCacheError, SelectionError,
    TileFormatError, ...) and ImportCancelled.
    """
    progress = progress or SilentProgress()
    started = time.monotonic()
    target_folder = find_dataframe_folder(request.target)
    source_path = checked_source(request)
    aoi = AreaOfInterest(request.area_of_interest) if request.area_of_interest is not None else None
    with contextlib.ExitStack() as stack:
        target = stack.enter_context(open_cache(target_folder))
        source = stack.enter_context(open_cache(source_path))
        levels = checked_levels(source, target, request.scales, request.any_storage)
        for _scale, reason in levels.skipped:
            progress.warning(f"Skipped: {reason}")
        plans, extent = plan_levels(source, target, levels.pairs, request, aoi, progress)
        pictures = choose_pictures(target.scheme, source, plans, outline_of(aoi, extent))
        pictures.read_before(target)
        tally, estimated = Tally(target.scheme, plans, progress, pictures), 0
        for unit in (unit for plan in plans for unit in plan.units):
            if progress.is_cancelled():
                raise ImportCancelled("preview cancelled")
            planned, unit_estimated = _planned_unit(source, target, unit, request.overwrite)
            tally.finished(planned)
            estimated += unit_estimated
    return ImportResult(target_folder, tally.levels, tally.bytes_written, time.monotonic() - started,
                        pictures, estimated)


def _planned_unit(source, target, unit, overwrite: bool) -> tuple[UnitResult, int]:
    """(the unit's planned UnitResult, the estimated part of its bytes)."""
    result = UnitResult(unit.target_key, unit.tiles)
    tile_format = target.scheme.tile_format
    row0, col0 = unit.target_key[1], unit.target_key[2]
    codes = None if unit.codes is None else np.frombuffer(unit.codes, np.uint8).reshape(BUNDLE_SIZE, -1)
    below = set() if unit.whole_file or overwrite else set(
        target.storage.bundle_tiles(BundleKey(*unit.target_key)))
    grid, estimated = outcome_grid(), 0
    for (row, col), data in source.storage.iter_bundle(BundleKey(*unit.source_key)):
        status = TileClass.INSIDE if codes is None else codes[row - row0, col - col0]
        if status == TileClass.OUTSIDE:
            outcome = "skipped_outside"
        elif not is_valid_signature(data, tile_format):
            outcome = "damaged"
        elif status == TileClass.BOUNDARY:
            outcome = "clipped"
        elif (row, col) in below and not is_opaque_by_format(data):
            outcome = "blended"
        else:
            outcome = "copied_raw"
        grid[row - row0, col - col0] = _CODE[outcome]
        if outcome == "skipped_outside":
            continue
        result.counts[outcome] = result.counts.get(outcome, 0) + 1
        if outcome != "damaged":
            result.written += 1
            result.bytes_written += len(data)
            estimated += len(data) if outcome in ESTIMATED else 0
    result.outcomes = pack_outcomes(grid)
    return result, estimated
