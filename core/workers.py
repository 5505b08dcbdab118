"""Work units (plain, picklable task descriptions), what a worker does with one, and the pool running them.

A unit is one target bundle. It names its source by path, so any process (or, later, any machine) can run it:
the worker opens source and target itself and keeps them open for the next unit. Within one bundle writer (the
bundle's lock held) each source tile is copied byte for byte when its pixels need no change, else decoded and
composed (``compose.compose_tile``); pending tiles are committed in batches so memory stays flat and a stop
request is honoured at the next batch boundary, leaving the bundle committed and readable.

Whole-bundle file copies are disk-bound and run on a few threads of the calling process. The other units run
inline with one worker, else in a ``spawn`` process pool (the only start method on Windows and macOS, and safe
in a threaded host like QGIS). Inside QGIS ``sys.executable`` is QGIS itself or whatever PATH offers, so the
pool is pointed at the Python interpreter that belongs to this process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import types
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from .compose import Outcome, compose_tile
from .errors import CacheError, ImportCancelled, StorageError
from .scheme import LOD
from .selection import BUNDLE_SIZE, AreaOfInterest, TileClass, pixel_mask, tile_bounds
from .sources import CacheDataset, open_cache
from .storage.base import BundleKey, copy_bundle
from .tileformats import is_opaque_by_format, is_valid_signature

# A batch is committed after this many tiles or bytes, whichever comes first. The writer streams appended
# tiles to disk, so memory does not grow with the batch; each commit costs fsyncs, so batches are large.
BATCH_TILES = 4096
BATCH_BYTES = 64 * 1024 * 1024
_INSIDE, _OUTSIDE, _BOUNDARY = int(TileClass.INSIDE), int(TileClass.OUTSIDE), int(TileClass.BOUNDARY)
# How often (seconds) a running unit asks whether it should stop.
STOP_CHECK_SECONDS = 0.2
# How often (seconds) the pool's owner polls for finished units and for a cancel.
POLL_SECONDS = 0.1
# Threads copying whole bundles as files: enough to keep several reads, writes and fsyncs in flight.
COPY_THREADS = 4


class TileGrid(NamedTuple):
    """What tile bounds need of a tiling scheme (``selection.tile_bounds`` takes it as a scheme)."""

    origin_x: float
    origin_y: float
    tile_cols: int
    tile_rows: int


@dataclass(frozen=True)
class SourceRef:
    """Where a worker opens the source: a cache folder, .tpk or .tpkx (``kind`` for executors, messages)."""

    path: str
    kind: str            # "folder", "tpk" or "tpkx"


@dataclass(frozen=True)
class WorkUnit:
    """One target bundle to fill; everything a worker needs, nothing it must share."""

    source: SourceRef
    target: str                                   # target data-frame folder
    target_key: tuple                             # (level, row0, col0) of the target bundle
    source_keys: tuple                            # ((level, row0, col0), ...) source bundles feeding it
    codes: bytes | None                           # 128×128 TileClass codes, row-major; None: all inside
    whole_file: bool                              # all inside, target bundle absent when planned: file copy
    aoi_wkb: bytes | None                         # only when some tile is on the area's boundary
    overwrite: bool
    tile_format: str
    quality: int | None
    grid: TileGrid
    lod: LOD                                      # target level (its resolution places the tiles)
    tiles: int                                    # source tiles this unit will look at (for progress)


@dataclass
class UnitResult:
    """What one unit did: tile counts by outcome, bytes written, the range of written tiles."""

    target_key: tuple
    tiles: int
    counts: dict = field(default_factory=dict)    # Outcome.value → tiles
    written: int = 0
    bytes_written: int = 0
    written_range: tuple | None = None            # (row_min, row_max, col_min, col_max)
    stopped: bool = False                         # a stop request ended the unit early


# ------------------------------------------------------------------------------------ opened caches

_OPEN: dict[str, CacheDataset] = {}
_OPEN_LOCK = threading.Lock()
_STOP = None


def dataset(path: str) -> CacheDataset:
    """The cache at ``path``, opened once per process and kept for the following units."""
    with _OPEN_LOCK:
        opened = _OPEN.get(path)
        if opened is None:
            opened = _OPEN[path] = open_cache(path)
        return opened


def close_datasets() -> None:
    """Close what ``dataset`` opened in this process (before a staged source is removed)."""
    with _OPEN_LOCK:
        while _OPEN:
            _OPEN.popitem()[1].close()


def init_worker(stop_event) -> None:
    """Pool initializer: remember the shared stop event."""
    global _STOP
    _STOP = stop_event


def run_in_worker(unit: WorkUnit) -> UnitResult:
    """Entry point of pool workers: run the unit, stopping early when the shared event is set."""
    return run_unit(unit, _STOP.is_set if _STOP is not None else (lambda: False))


# ------------------------------------------------------------------------------------ one unit

def run_unit(unit: WorkUnit, should_stop: Callable[[], bool] = lambda: False) -> UnitResult:
    """Import the tiles of one unit into its target bundle.

    A file-system failure (disk full, permissions) becomes a StorageError naming the file, or the target
    bundle when the system does not say which file failed.
    """
    source = dataset(unit.source.path)
    target = dataset(unit.target)
    key = BundleKey(*unit.target_key)
    try:
        if unit.whole_file:
            copied = _copy_whole_bundle(unit, source, target, key)
            if copied is not None:
                return copied
        return _ComposeRun(unit, source, target, key, should_stop).run()
    except OSError as error:
        if isinstance(error, CacheError):
            raise
        where = error.filename or target.storage.real_file(target.storage.bundle_path(key))
        raise StorageError(f"{where}: cannot import level {key.level}, bundle row {key.row0} column "
                           f"{key.col0}: {error.strerror or error}") from error


def _copy_whole_bundle(unit, source, target, key) -> UnitResult | None:
    """Copy the bundle as files when the target has no bundle there and every tile passes the signature
    check; None when that does not apply (the tile-by-tile path then does the work)."""
    source_key = BundleKey(*unit.source_keys[0])
    if target.storage.bundle_exists(key):
        return None
    for _position, data in source.storage.iter_bundle(source_key):
        if not is_valid_signature(data, unit.tile_format):
            return None
    tiles = copy_bundle(source.storage, source_key, target.storage, key)
    if tiles is None:
        return None
    result = UnitResult(unit.target_key, unit.tiles)
    if tiles:
        rows, cols = zip(*tiles)
        result.counts[Outcome.COPIED_RAW.value] = result.written = len(tiles)
        result.written_range = (min(rows), max(rows), min(cols), max(cols))
        result.bytes_written = sum(source.fs.size(path) for path in source.storage.bundle_files(source_key))
    return result


class _ComposeRun:
    """Tile by tile through one writer, committing in batches."""

    def __init__(self, unit, source, target, key, should_stop):
        self.unit, self.source, self.target, self.key = unit, source, target, key
        self.should_stop = should_stop
        self.result = UnitResult(unit.target_key, unit.tiles)
        self.aoi = AreaOfInterest(unit.aoi_wkb) if unit.aoi_wkb is not None else None
        self.size = (unit.grid.tile_cols, unit.grid.tile_rows)

    def run(self) -> UnitResult:
        unit, result = self.unit, self.result
        codes, row0, col0 = unit.codes, unit.target_key[1], unit.target_key[2]
        counts, rows, cols = {}, set(), set()
        try:
            with self.target.storage.writer(self.key) as writer:
                pending_tiles = pending_bytes = 0
                next_check = time.monotonic() + STOP_CHECK_SECONDS
                for source_key in unit.source_keys:
                    for (row, col), data in self.source.storage.iter_bundle(BundleKey(*source_key)):
                        status = _INSIDE if codes is None else codes[(row - row0) * BUNDLE_SIZE + col - col0]
                        if status == _OUTSIDE:
                            continue
                        outcome, size = self._tile(writer, row, col, data, status)
                        counts[outcome] = counts.get(outcome, 0) + 1
                        if size:
                            result.written += 1
                            rows.add(row)
                            cols.add(col)
                            result.bytes_written += size
                            pending_tiles += 1
                            pending_bytes += size
                            if pending_tiles >= BATCH_TILES or pending_bytes >= BATCH_BYTES:
                                writer.commit()
                                pending_tiles = pending_bytes = 0
                        if time.monotonic() >= next_check:
                            if self.should_stop():
                                result.stopped = True
                                return result      # the writer commits what is pending on exit
                            next_check = time.monotonic() + STOP_CHECK_SECONDS
        finally:
            result.counts = {outcome.value: count for outcome, count in counts.items()}
            result.written_range = (min(rows), max(rows), min(cols), max(cols)) if rows else None
        return result

    def _tile(self, writer, row: int, col: int, data: bytes, status: int) -> tuple:
        """Decide and write one tile → (outcome, bytes written)."""
        unit = self.unit
        mask = None
        if status == _BOUNDARY:
            bounds = tile_bounds(unit.grid, unit.lod, row, col)
            mask = pixel_mask(self.aoi, bounds, *self.size)
        whole = mask is None or bool(mask.all())
        if whole and (unit.overwrite or is_opaque_by_format(data)):
            below = None                                   # not needed: the source replaces the target
        else:
            below = writer.get(row, col)
        outcome, out, ext = compose_tile(data, below, None if whole else mask, unit.overwrite,
                                         unit.tile_format, unit.quality, *self.size)
        if out is None:
            return outcome, 0
        writer.put(row, col, out, ext)
        return outcome, len(out)


# ------------------------------------------------------------------------------------ running units

def run_units(units: list, workers: int | None, progress, finished: Callable[[UnitResult], None]) -> None:
    """Run every unit, calling ``finished`` with each result as it comes; raises ImportCancelled on cancel.

    Whole-bundle file copies are disk-bound: they run on COPY_THREADS threads of this process, so that their
    reads, writes and fsyncs overlap. The other units are CPU-bound: with ``workers`` processes (None: every
    core), inline in this thread when one worker (or one unit) is enough.
    """
    copies = [unit for unit in units if unit.whole_file]
    others = sorted((unit for unit in units if not unit.whole_file), key=lambda unit: -unit.tiles)
    count = min(workers or os.cpu_count() or 1, len(others))
    executable = python_executable() if count > 1 else None
    if count > 1 and executable is None:
        progress.message("No Python interpreter found next to this application to start worker processes; "
                         "importing in this process")
    _Dispatch(progress, finished).run(copies, others, count if executable else 1, executable)


class _Dispatch:
    """Feeds units to the copy threads, the worker processes or this thread; stops them all on cancel or
    error, and still reports the units that finished meanwhile."""

    def __init__(self, progress, finished):
        self.progress, self.finished = progress, finished
        self.thread_stop = threading.Event()
        self.process_stop = None
        self.futures, self.reported = [], set()

    def run(self, copies, others, count, executable) -> None:
        threads = ThreadPoolExecutor(COPY_THREADS) if copies else None
        processes = self._processes(count, executable) if count > 1 else None
        try:
            if threads is not None:
                self.futures += [threads.submit(run_unit, unit, self.thread_stop.is_set) for unit in copies]
            inline = [] if processes is not None else list(others)
            if processes is not None:
                with _main_module_hidden():                # workers are started by the first submits
                    self.futures += [processes.submit(run_in_worker, unit) for unit in others]
            self._loop(inline)
        except BaseException:
            self.thread_stop.set()
            if self.process_stop is not None:
                self.process_stop.set()
            for pool in (threads, processes):
                if pool is not None:
                    pool.shutdown(wait=True, cancel_futures=True)  # running units stop at a batch boundary
            for future in self.futures:
                if future not in self.reported and future.done() and not future.cancelled() \
                        and not future.exception():
                    self.finished(future.result())
            raise
        finally:
            for pool in (threads, processes):
                if pool is not None:
                    pool.shutdown(wait=True)
            close_datasets()

    def _processes(self, count, executable):
        context = multiprocessing.get_context("spawn")
        if executable != sys.executable:
            context.set_executable(executable)
        self.process_stop = context.Event()
        return ProcessPoolExecutor(count, mp_context=context, initializer=init_worker,
                                   initargs=(self.process_stop,))

    def _loop(self, inline: list) -> None:
        pending = set(self.futures)
        while pending or inline:
            if inline:
                result = run_unit(inline.pop(0), self.progress.is_cancelled)
                self.finished(result)
                if result.stopped:
                    raise ImportCancelled("import cancelled")
            if pending:
                done, pending = wait(pending, timeout=0 if inline else POLL_SECONDS,
                                     return_when=FIRST_COMPLETED)
                for future in done:
                    self.reported.add(future)
                    self.finished(_result(future))
            if self.progress.is_cancelled():
                raise ImportCancelled("import cancelled")


@contextlib.contextmanager
def _main_module_hidden():
    """Start workers without the caller's ``__main__``: units need nothing from it, and a script lacking the
    ``if __name__ == "__main__"`` guard would otherwise run again in every worker (spawn imports it)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _result(future) -> UnitResult:
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise CacheError(f"a worker process ended abruptly ({error}); bundles written so far are complete, "
                         "run the import again to finish it") from None


def python_executable() -> str | None:
    """A Python interpreter for worker processes, the same one this process runs.

    An embedded Python (QGIS, qgis_process) derives ``sys.executable`` from the host or from PATH, which may
    name a foreign interpreter without GDAL or numpy; it is trusted only when it lies under this Python's
    prefix and reports this version, else the interpreter installed under ``sys.exec_prefix`` is used.
    """
    candidates = []
    if sys.executable and os.path.basename(sys.executable).lower().startswith("python"):
        real = os.path.realpath(sys.executable)
        if any(_is_under(real, prefix) for prefix in (sys.exec_prefix, sys.base_exec_prefix)):
            candidates.append(sys.executable)
    if os.name == "nt":
        candidates += [os.path.join(sys.exec_prefix, name) for name in ("pythonw.exe", "python.exe")]
    else:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        candidates += [os.path.join(sys.exec_prefix, "bin", name) for name in (f"python{version}", "python3")]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK) and _reports_this_version(candidate):
            return candidate
    return None


def _is_under(path: str, prefix: str) -> bool:
    path, prefix = os.path.normcase(path), os.path.normcase(os.path.realpath(prefix))
    try:
        return os.path.commonpath([path, prefix]) == prefix
    except ValueError:                                   # another drive (Windows)
        return False


def _reports_this_version(python: str) -> bool:
    """Whether ``python`` runs and is this major.minor version (worker and caller must share binaries)."""
    try:
        done = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                              text=True, timeout=30, stdin=subprocess.DEVNULL,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.split() == [str(part) for part in sys.version_info[:2]]
