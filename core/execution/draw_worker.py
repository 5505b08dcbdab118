"""What a worker does with one DrawUnit: draw its supertiles, cut, encode and write them, or delete tiles.

Each worker (thread or process) keeps one drawer, made in that thread by ``open_drawer`` and closed by
``close_drawer`` (``pool.UnitKind``). A unit holds the bundle's lock from start to end; under it the worker
reads which tiles the bundle holds, so RECREATE_EMPTY_TILES draws only supertiles holding a missing selected
tile and writes only the missing ones, and an interrupted run is finished that way. Each supertile is
committed before the next is drawn (and a stop request honoured there), so a kill at any moment leaves
every bundle readable with whole supertiles' worth of tiles, and memory holds one supertile.
"""

from __future__ import annotations

import os
import pickle
import threading
import time
from typing import Callable

import numpy as np

from ..errors import CacheError, StorageError
from ..formats.tileformats import DRAWN_PNG_COMPRESS_LEVEL, encode
from ..planning.draw_plan import DrawSettings, DrawUnit, UpdateMode
from ..planning.selection import BUNDLE_SIZE
from ..planning.units import OUTCOME_CODES, UnitResult, outcome_grid, pack_outcomes
from ..scheme import Extent
from ..storage.base import BundleKey
from .drawer import Drawer, load_drawer
from .workers import dataset

DRAWN, EMPTY, SKIPPED_PRESENT, DELETED = "drawn", "empty", "skipped_present", "deleted"
# Per-tile codes for the report's coverage maps (``UnitResult.outcomes``).
_CODE = {name: OUTCOME_CODES.index(code) for name, code in (
    (DRAWN, "drawn"), (EMPTY, "drawn_empty"), (SKIPPED_PRESENT, "skipped_present"), (DELETED, "deleted"))}
SAMPLES_PER_UNIT = 2
_LOCAL = threading.local()


def open_drawer(settings: DrawSettings) -> None:
    """Make this thread's drawer (DELETE_TILES draws nothing and needs none). One already made for the same
    map, unchanged since (path and modification time), drawer and scheme is kept: a Dask worker's thread
    calls this before every unit and reads the project once per run, not per unit."""
    if settings.mode is UpdateMode.DELETE_TILES:
        return
    assert settings.project is not None, "a drawing run names its project"
    stat = os.stat(settings.project)
    key = pickle.dumps((settings.project, stat.st_mtime_ns, stat.st_size, settings.map_theme, settings.drawer,
                        settings.scheme))
    if getattr(_LOCAL, "drawer", None) is not None and _LOCAL.key == key:
        return
    close_drawer()
    _LOCAL.drawer = load_drawer(settings.drawer, settings.project, settings.map_theme, settings.scheme)
    _LOCAL.key = key


def close_drawer() -> None:
    drawer = getattr(_LOCAL, "drawer", None)
    _LOCAL.drawer = _LOCAL.key = None
    if drawer is not None:
        drawer.close()


def run_draw_unit(settings: DrawSettings, unit: DrawUnit,
                  should_stop: Callable[[], bool] = lambda: False) -> UnitResult:
    """Draw (or delete) the selected tiles of one bundle; a file-system failure becomes a StorageError."""
    started = time.monotonic()
    storage = dataset(settings.target).storage
    key = BundleKey(*unit.key)
    result = UnitResult(unit.key, unit.tiles)
    try:
        with storage.writer(key) as writer:
            present = np.zeros((BUNDLE_SIZE, BUNDLE_SIZE), bool)
            tiles = storage.bundle_positions(key)
            present[tiles[:, 0] - key.row0, tiles[:, 1] - key.col0] = True
            selected = unit.selected()
            grid = outcome_grid()
            try:
                if settings.mode is UpdateMode.DELETE_TILES:
                    _delete(writer, key, selected & present, result)
                    grid[selected & present] = _CODE[DELETED]
                else:
                    if settings.mode is UpdateMode.RECREATE_EMPTY_TILES:
                        grid[selected & present] = _CODE[SKIPPED_PRESENT]
                    _draw(settings, writer, key, selected, present, should_stop, result, grid)
            finally:
                result.outcomes = pack_outcomes(grid)
    except OSError as error:
        if isinstance(error, CacheError):
            raise
        where = error.filename or storage.real_file(storage.bundle_path(key))
        raise StorageError(f"{where}: cannot update level {key.level}, bundle row {key.row0} column "
                           f"{key.col0}: {error.strerror or error}") from error
    finally:
        result.seconds = time.monotonic() - started
    return result


def _delete(writer, key: BundleKey, doomed: np.ndarray, result: UnitResult) -> None:
    for row, col in np.argwhere(doomed).tolist():
        writer.delete(key.row0 + row, key.col0 + col)
    result.counts[DELETED] = int(doomed.sum())


def _draw(settings, writer, key: BundleKey, selected, present, should_stop, result: UnitResult,
          grid: np.ndarray) -> None:
    """Supertile by supertile: draw, cut, write, commit."""
    side = settings.supertile
    recreate = settings.mode is UpdateMode.RECREATE_ALL_TILES
    todo = selected if recreate else selected & ~present
    skipped = 0 if recreate else int((selected & present).sum())
    counts = result.counts = {DRAWN: 0, EMPTY: 0, SKIPPED_PRESENT: skipped, DELETED: 0}
    rows, cols = [], []
    lod = settings.lod(key.level)
    width, height = settings.scheme.tile_cols, settings.scheme.tile_rows
    drawer: Drawer = _LOCAL.drawer
    for top in range(0, BUNDLE_SIZE, side):
        for left in range(0, BUNDLE_SIZE, side):
            block = todo[top:top + side, left:left + side]
            if not block.any():
                continue
            row0, col0 = key.row0 + top, key.col0 + left
            image = drawer.draw(supertile_extent(settings, lod, row0, col0), side * width, side * height,
                                lod.scale)
            _check_image(image, side * width, side * height)
            drawn = image[..., 3].reshape(side, height, side, width).any(axis=(1, 3))   # one pass a supertile
            for i, j in np.argwhere(block).tolist():
                row, col = row0 + i, col0 + j
                tile = image[i * height:(i + 1) * height, j * width:(j + 1) * width]
                grid[row - key.row0, col - key.col0] = _CODE[EMPTY]
                if not drawn[i, j]:              # nothing drawn: not stored, an old tile removed
                    counts[EMPTY] += 1
                    if present[row - key.row0, col - key.col0]:
                        writer.delete(row, col)
                    continue
                data, ext = encode(np.ascontiguousarray(tile), settings.scheme.tile_format,
                                   settings.scheme.compression_quality, smallest_png=True,
                                   compress_level=DRAWN_PNG_COMPRESS_LEVEL)
                writer.put(row, col, data, ext)
                grid[row - key.row0, col - key.col0] = _CODE[DRAWN]
                counts[DRAWN] += 1
                result.bytes_written += len(data)
                rows.append(row)
                cols.append(col)
                if len(result.samples) < SAMPLES_PER_UNIT:
                    result.samples.append((row, col))
            writer.commit()
            result.written = counts[DRAWN]
            result.written_range = (min(rows), max(rows), min(cols), max(cols)) if rows else None
            if should_stop():
                result.stopped = True
                return


def supertile_extent(settings: DrawSettings, lod, row0: int, col0: int) -> Extent:
    """The exact union of the extents of the S×S tiles from (row0, col0)."""
    first = settings.scheme.tile_bounds(lod, row0, col0)
    last = settings.scheme.tile_bounds(lod, row0 + settings.supertile - 1, col0 + settings.supertile - 1)
    return Extent(first.xmin, last.ymin, last.xmax, first.ymax)


def _check_image(image, width: int, height: int) -> None:
    if not isinstance(image, np.ndarray) or image.shape != (height, width, 4) or image.dtype != np.uint8:
        shape = getattr(image, "shape", None)
        raise CacheError(f"the drawer returned {type(image).__name__} {shape}, not a ({height}, {width}, 4) "
                         "uint8 RGBA array")
