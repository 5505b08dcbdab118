"""What a worker does with one work unit (``planning.units``) under its import's settings.

A unit is one target bundle. Its settings name source and target by path, so any process or machine can run
it: the worker opens source and target itself and keeps them open for the next unit. Within one bundle
writer (the bundle's lock held) each source tile is copied byte for byte when its pixels need no change,
else decoded and composed (``compose.compose_tile``); pending tiles are committed in batches so memory stays
flat and a stop request is honoured at the next batch boundary, leaving the bundle committed and readable.
A MERGE lists each tile whose result depends on the target in the bundle's journal before its batch
commits, and skips the tiles an interrupted run of the same import committed (``journal``), so running it
again does not blend twice.
"""

from __future__ import annotations

import os
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import CacheError, StorageError
from ..formats.tileformats import is_opaque_by_format, is_valid_signature, reencode
from ..planning.area import AreaOfInterest, TileClass, pixel_mask
from ..planning.selection import BUNDLE_SIZE
from ..planning.units import OUTCOME_CODES, ImportSettings, UnitResult, WorkUnit, outcome_grid, pack_outcomes
from ..sources.dataset import CacheDataset
from ..sources.opening import open_cache
from ..storage.base import BundleKey
from ..storage.bundlecopy import copy_whole_bundle, same_bundle_files
from ..storage.locks import BOOKKEEPING_FOLDER
from .compose import Outcome, compose_tile
from .journal import listed_whole_copy, open_journal

# A batch is committed after this many tiles or bytes, whichever comes first. The writer streams appended
# tiles to disk, so memory does not grow with the batch; each commit costs fsyncs, so batches are large.
BATCH_TILES = 4096
BATCH_BYTES = 64 * 1024 * 1024
_INSIDE, _OUTSIDE, _BOUNDARY = int(TileClass.INSIDE), int(TileClass.OUTSIDE), int(TileClass.BOUNDARY)
_CODE = {outcome: OUTCOME_CODES.index(outcome.value) for outcome in Outcome}
# How often (seconds) a running unit asks whether it should stop.
STOP_CHECK_SECONDS = 0.2


# ------------------------------------------------------------------------------------ opened caches

_OPEN: dict[str, CacheDataset] = {}
_OPEN_LOCK = threading.Lock()


def dataset(path: str, tile_rows: str = "XYZ") -> CacheDataset:
    """The cache at ``path``, opened once per process and kept for the following units (``tile_rows``: a
    tile folder's row order)."""
    with _OPEN_LOCK:
        opened = _OPEN.get(path)
        if opened is None:
            opened = _OPEN[path] = open_cache(path, tile_rows)
        return opened


def close_datasets() -> None:
    """Close what ``dataset`` opened in this process (before a staged source is removed)."""
    with _OPEN_LOCK:
        while _OPEN:
            _OPEN.popitem()[1].close()


# ------------------------------------------------------------------------------------ one unit

def import_probe_args(settings: ImportSettings) -> tuple[list[str], str]:
    """What every Dask worker proves before an import (``cluster_task.probe``, on the client): it reads the
    source's conf files and the target's conf.xml, and writes the target's bookkeeping folder."""
    source = Path(settings.source)
    reads = [str(source)] if source.is_file() else [
        str(child) for child in source.iterdir() if child.name.lower() in ("conf.xml", "conf.cdi")]
    reads.append(str(next(child for child in Path(settings.target).iterdir()
                          if child.name.lower() == "conf.xml")))
    return reads, os.path.join(settings.target, BOOKKEEPING_FOLDER)


def run_unit(settings: ImportSettings, unit: WorkUnit,
             should_stop: Callable[[], bool] = lambda: False) -> UnitResult:
    """Import the tiles of one unit into its target bundle.

    A file-system failure (disk full, permissions) becomes a StorageError naming the file, or the target
    bundle when the system does not say which file failed.
    """
    source = dataset(settings.source, settings.tile_rows)
    target = dataset(settings.target)
    key = BundleKey(*unit.target_key)
    try:
        if unit.whole_file:
            copied = _copy_whole_bundle(settings, unit, source, target, key)
            if copied is not None:
                return copied
        elif _copied_whole_before(settings, unit, source, target, key):   # by an interrupted run of it
            return _copied(unit, source.storage.bundle_tiles(BundleKey(*unit.source_key)), 0)
        return _ComposeRun(settings, unit, source, target, key, should_stop).run()
    except OSError as error:
        if isinstance(error, CacheError):
            raise
        where = error.filename or target.storage.real_file(target.storage.bundle_path(key))
        raise StorageError(f"{where}: cannot import level {key.level}, bundle row {key.row0} column "
                           f"{key.col0}: {error.strerror or error}") from error


def _copy_whole_bundle(settings, unit, source, target, key) -> UnitResult | None:
    """Copy the bundle as files when the target has no bundle there and every tile passes the signature
    check; None when that does not apply (the tile-by-tile path then does the work). The engine listed a
    MERGE's compact copies before any unit ran (``journal.record_whole_copies``); an exploded copy, published
    tile by tile, journals its tiles just before publishing them. Either way a run again does not blend its
    tiles over themselves."""
    source_key = BundleKey(*unit.source_key)
    if target.storage.bundle_exists(key):
        return None
    journaled = settings.import_id is not None and not target.storage.publishes_whole_bundles
    with open_journal(settings.target, settings.import_id if journaled else None, target.storage,
                      key) as journal:
        def journal_copy(copy) -> None:
            for (row, col), data in source.storage.iter_bundle(source_key):
                if not is_opaque_by_format(data):
                    journal.record(row, col, Outcome.COPIED_RAW, data)
            journal.flush()

        tiles = copy_whole_bundle(source.storage, source_key, target.storage, key,
                                  accept=lambda head: is_valid_signature(head, settings.tile_format),
                                  before_publish=journal_copy if journaled else None,
                                  flush=settings.flush_copies, link=settings.link_copies)
    if tiles is None:
        return None
    size = sum(source.fs.size(path) for path in source.storage.bundle_files(source_key)) if len(tiles) else 0
    return _copied(unit, tiles, size)


def _copied_whole_before(settings, unit, source, target, key) -> bool:
    """True when an interrupted run of this MERGE listed the target bundle as a whole-bundle copy and the
    bundle's files are still byte for byte the source's (that copy published, nothing changed it since)."""
    if (settings.import_id is None or unit.codes is not None or not target.storage.publishes_whole_bundles
            or type(source.storage) is not type(target.storage)):
        return False
    return listed_whole_copy(settings.target, settings.import_id, key) and same_bundle_files(
        source.storage, BundleKey(*unit.source_key), target.storage, key)


def _copied(unit, tiles, bytes_written: int) -> UnitResult:
    """The result of a unit whose ``tiles`` ((row, col) pairs) were copied as they are."""
    result = UnitResult(unit.target_key, unit.tiles)
    tiles = np.asarray(tiles, np.int64).reshape(-1, 2)
    if len(tiles):
        (row_min, col_min), (row_max, col_max) = tiles.min(axis=0).tolist(), tiles.max(axis=0).tolist()
        result.counts[Outcome.COPIED_RAW.value] = result.written = len(tiles)
        result.written_range = (row_min, row_max, col_min, col_max)
        result.bytes_written = bytes_written
        grid = outcome_grid()
        grid[tiles[:, 0] - unit.target_key[1], tiles[:, 1] - unit.target_key[2]] = _CODE[Outcome.COPIED_RAW]
        result.outcomes = pack_outcomes(grid)
    return result


class _ComposeRun:
    """Tile by tile through one writer, committing in batches."""

    def __init__(self, settings, unit, source, target, key, should_stop):
        self.settings, self.unit, self.source, self.target, self.key = settings, unit, source, target, key
        self.should_stop = should_stop
        self.result = UnitResult(unit.target_key, unit.tiles)
        self.lod = settings.lod(key.level)
        self.size = (settings.scheme.tile_cols, settings.scheme.tile_rows)

    def run(self) -> UnitResult:
        settings, unit, result = self.settings, self.unit, self.result
        codes, row0, col0 = unit.codes, unit.target_key[1], unit.target_key[2]
        counts: dict[Outcome, int] = {}
        rows, cols, grid = set(), set(), outcome_grid()
        try:
            storage = self.target.storage
            with storage.writer(self.key) as writer, open_journal(settings.target, settings.import_id,
                                                                    storage, self.key) as journal:
                pending_tiles = pending_bytes = 0
                next_check = time.monotonic() + STOP_CHECK_SECONDS
                converts = self.source.open_format is not None     # any encoding: re-encode what must be
                for (row, col), data in self.source.storage.iter_bundle(BundleKey(*unit.source_key)):
                    if converts and not is_valid_signature(data, settings.tile_format):
                        data = reencode(data, *self.size, settings.tile_format, settings.quality) or data
                    status = _INSIDE if codes is None else codes[(row - row0) * BUNDLE_SIZE + col - col0]
                    if status == _OUTSIDE:
                        grid[row - row0, col - col0] = _CODE[Outcome.SKIPPED_OUTSIDE]
                        continue
                    outcome, size = self._tile(writer, journal, row, col, data, status)
                    counts[outcome] = counts.get(outcome, 0) + 1
                    grid[row - row0, col - col0] = _CODE[outcome]
                    if size is not None:
                        result.written += 1
                        rows.add(row)
                        cols.add(col)
                    if size:
                        result.bytes_written += size
                        pending_tiles += 1
                        pending_bytes += size
                        if pending_tiles >= BATCH_TILES or pending_bytes >= BATCH_BYTES:
                            journal.flush()    # a batch is journaled before it commits
                            writer.commit()
                            pending_tiles = pending_bytes = 0
                    if time.monotonic() >= next_check:
                        if self.should_stop():
                            result.stopped = True
                            return result      # on exit the journal flushes, then the writer commits
                        next_check = time.monotonic() + STOP_CHECK_SECONDS
        finally:
            result.counts = {outcome.value: count for outcome, count in counts.items()}
            result.written_range = (min(rows), max(rows), min(cols), max(cols)) if rows else None
            result.outcomes = pack_outcomes(grid)
        return result

    def _tile(self, writer, journal, row: int, col: int, data: bytes, status: int) -> tuple:
        """Decide and write one tile → (outcome, bytes written): None when nothing is written, 0 when an
        interrupted run of this import wrote it (then counted as that run counted it, so a resumed import
        reports what an uninterrupted one would, and conf.cdi covers the tile)."""
        settings = self.settings
        mask = None
        if status == _BOUNDARY:
            bounds = settings.scheme.tile_bounds(self.lod, row, col)
            mask = pixel_mask(_area(settings.area_of_interest), bounds, *self.size)
        whole = mask is None or bool(mask.all())
        independent = whole and (settings.overwrite or is_opaque_by_format(data))
        below = None if independent else writer.get(row, col)   # independent: the source replaces the target
        if not independent:
            done = journal.done(row, col, below)
            if done is not None:
                return done, 0
        outcome, out, ext = compose_tile(data, below, None if whole else mask, settings.overwrite,
                                         settings.tile_format, settings.quality, *self.size)
        if out is None:
            return outcome, None
        if not independent:
            journal.record(row, col, outcome, out)
        writer.put(row, col, out, ext)
        return outcome, len(out)


@lru_cache(maxsize=2)
def _area(wkb: bytes) -> AreaOfInterest:
    """The import's area of interest, parsed once per process (an import's units share one)."""
    return AreaOfInterest(wkb)
