"""Helpers for crash, concurrency and disk-full tests: run an import in a child process (and kill it),
checksum a source, snapshot every tile of a target, check a target with our reader and its peers.

    child = start_import(spec)                 # spec: ImportSpec; the child prints START when work begins
    kill_group_after_start(child, delay)       # SIGKILL the child and its worker processes
    tiles = read_tiles(folder)                 # {(level, row, col): bytes} via core's reader
    check_old_or_new(tiles, old, new)          # every tile is its old or its new version
    check_peers(folder, tiles)                 # MapProxy (V1/V2) and GDAL ESRIC (V2) read the same tiles
    points = crash_points(calls, count, seed)  # where start_import(..., crash_at=point) kills the child
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from map_server_cache.core.formats.conf import find_conf_xml, read_conf_xml
from map_server_cache.core.gdalcalls import checked
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.sources.opening import open_cache

PLUGINS = Path(__file__).resolve().parents[2] / "build" / "plugins"
# System calls at which a writer's state on disk changes step: crash points are chosen among their calls.
COMMIT_CALLS = ("fsync", "replace", "rename", "unlink", "truncate", "ftruncate")
# A child's first lines: the plugin link on the path, the commit-step calls counted and the chosen one
# killing the child (CRASHKIT_AT "N:before" / "N:after"); the export's crash test starts from them too.
CRASH_PREAMBLE = """
import json, os, signal, sys, time
sys.path.insert(0, sys.argv[1])

calls = 0
def crash_point(function, point=os.environ.get("CRASHKIT_AT")):
    # Count calls of a commit-step system call; SIGKILL this process just before or after the chosen one.
    number, when = (int(point.split(":")[0]), point.split(":")[1]) if point else (0, "")
    def wrapped(*args, **kwargs):
        global calls
        calls += 1
        if calls == number and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        try:
            return function(*args, **kwargs)
        finally:                       # also after a call that failed (an unlink of a missing file)
            if calls == number and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
    return wrapped
for name in COMMIT_CALLS:
    setattr(os, name, crash_point(getattr(os, name)))
""".replace("COMMIT_CALLS", repr(COMMIT_CALLS))
# The child imports through the plugin link and reports when the import's work starts and how it ended.
CHILD = CRASH_PREAMBLE + """
from pathlib import Path
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.errors import CacheError
from map_server_cache.core.scheme import Extent

spec = json.loads(sys.argv[2])
class Progress:
    started = 0.0
    def message(self, text): pass
    def warning(self, text): pass
    def progress(self, done, total):
        if not Progress.started:
            Progress.started = time.time()
            print("START", flush=True)
    def is_cancelled(self): return False
request = ImportRequest(target=Path(spec["target"]), source=Path(spec["source"]),
                        source_type=SourceType[spec["source_type"]], overwrite=spec["overwrite"],
                        workers=spec["workers"], upload=spec["upload"],
                        uploads_dir=Path(spec["uploads_dir"]) if spec["uploads_dir"] else None,
                        extent=Extent(*spec["extent"]) if spec["extent"] else None)
try:
    result = import_cache(request, Progress())
except (CacheError, OSError) as error:
    print("ERROR " + json.dumps({"type": type(error).__name__, "message": str(error)}), flush=True)
    sys.exit(3)
print("DONE " + json.dumps({"written": result.written, "damaged": result.damaged, "calls": calls,
                            "started": Progress.started, "ended": time.time()}), flush=True)
"""


@dataclass
class ImportSpec:
    """What the child imports (ImportRequest's fields that these tests vary), as JSON-able values."""

    target: str
    source: str
    source_type: str = "CACHE_DATASET"
    overwrite: bool = True
    workers: int = 1
    upload: bool = False
    uploads_dir: str | None = None
    extent: tuple | None = None     # (xmin, ymin, xmax, ymax) in the cache's CRS


def start_import(spec: ImportSpec, preexec_fn=None, crash_at: str | None = None) -> subprocess.Popen:
    """Start the import in a child process leading its own process group (its workers join that group).

    ``crash_at`` "N:before" or "N:after" makes the child SIGKILL itself at the N-th call of COMMIT_CALLS
    (counted in the child only: use one worker); DONE reports how many calls an uninterrupted run made."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CRASHKIT_AT", None)
    if crash_at:
        env["CRASHKIT_AT"] = crash_at
    return subprocess.Popen([sys.executable, "-c", CHILD, str(PLUGINS), json.dumps(asdict(spec))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True, preexec_fn=preexec_fn)


def crash_points(calls: int, count: int | None, seed: int) -> list[str]:
    """``count`` crash points ("7:before", "7:after") spread over a run's ``calls`` commit-step calls (all of
    them when None), the same ones for the same seed."""
    points = [f"{number}:{when}" for number in range(1, calls + 1) for when in ("before", "after")]
    return points if count is None else sorted(random.Random(seed).sample(points, min(count, len(points))))


def finish(child: subprocess.Popen, timeout: float = 120) -> tuple[int, dict, str]:
    """Wait for the child: (return code, DONE/ERROR details, stderr)."""
    out, err = child.communicate(timeout=timeout)
    details = {}
    for line in out.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("DONE", "ERROR"):
            details = {"outcome": word, **json.loads(rest)}
    return child.returncode, details, err


def kill_group_after_start(child: subprocess.Popen, delay: float, timeout: float = 60) -> bool:
    """SIGKILL the child's process group ``delay`` seconds after it printed START; wait until every
    process of the group is gone. True when the kill came before the child finished on its own."""
    line = child.stdout.readline()
    if line.strip() != "START":
        child.wait(timeout)
        raise AssertionError(f"import child did not start its work: {line!r} {child.stderr.read()}")
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(min(0.002, max(0.0, deadline - time.monotonic())))
    killed = child.poll() is None
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait(timeout)
    child.stdout.close()
    child.stderr.close()
    wait_group_gone(child.pid, timeout)
    return killed


def wait_group_gone(pgid: int, timeout: float) -> None:
    """Workers of a killed group may need a moment to be reaped; none may touch the target afterwards."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    raise AssertionError(f"processes of group {pgid} still alive {timeout} s after SIGKILL")


# --- what is on disk ------------------------------------------------------------------------------------
def sha256_tree(folder) -> dict[str, str]:
    """relpath → sha256 of every file under folder (or of one file): proof a source was not touched."""
    folder = Path(folder)
    files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder.parent if folder.is_file() else folder).as_posix():
            hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def file_states(folder) -> dict[str, tuple[int, int, str]]:
    """relpath → (size, mtime_ns, sha256) of every file under folder: what an operation changed."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns,
                                               hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def read_tiles(folder) -> dict[tuple[int, int, int], bytes]:
    """Every tile of the cache at folder, bundle by bundle with core's reader (raises when unreadable)."""
    tiles = {}
    with open_cache(folder) as cache:
        for level in cache.storage.levels():
            for key in cache.storage.bundles(level):
                listed = set(cache.storage.bundle_tiles(key))
                found = cache.storage.read_bundle(key)
                assert set(found) == listed, f"{folder} {key}: index lists {len(listed)}, read {len(found)}"
                tiles.update(((level, row, col), data) for (row, col), data in found.items())
    return tiles


def bundle_of(tile: tuple[int, int, int]) -> tuple[int, int, int]:
    level, row, col = tile
    return level, row - row % 128, col - col % 128


def check_old_or_new(tiles: dict, old: dict, new: dict, where: str) -> dict[str, int]:
    """Each tile equals its old or its new version (absent counts as a version); counts of each kind."""
    counts = {"old": 0, "new": 0, "same": 0}
    for tile in set(tiles) | set(old) | set(new):
        now, before, after = tiles.get(tile), old.get(tile), new.get(tile)
        assert now in (before, after), f"{where}: tile {tile} is neither its old nor its new version"
        counts["same" if before == after else "old" if now == before else "new"] += 1
    return counts


# --- peers -------------------------------------------------------------------------------------------
def check_peers(folder, tiles: dict, sample: int = 40, gdal: bool = True) -> None:
    """MapProxy (compact V1/V2) and GDAL ESRIC (V2, unless ``gdal`` is False) read what core read, bundle
    by bundle: every tile (up to ``sample`` per bundle for GDAL) and a few empty cells."""
    folder = Path(folder)
    scheme = read_conf_xml(find_conf_xml(folder))
    if scheme.storage_format is StorageFormat.EXPLODED:
        return
    _check_mapproxy(folder / "_alllayers", scheme.storage_format, tiles)
    if gdal and scheme.storage_format is StorageFormat.COMPACT_V2:
        _check_gdal(folder, scheme, tiles, sample)


def _bundles(tiles: dict) -> dict:
    by_bundle: dict = {}
    for tile, data in tiles.items():
        by_bundle.setdefault(bundle_of(tile), {})[tile] = data
    return by_bundle


def _empty_cells(bundle: tuple[int, int, int], present: dict, count: int = 8) -> list:
    level, row0, col0 = bundle
    cells = [(level, row0 + r, col0 + c) for r, c in ((0, 0), (127, 127), (0, 127), (127, 0), (64, 64),
                                                      (1, 2), (100, 3), (3, 100))]
    return [cell for cell in cells if cell not in present][:count]


def _check_mapproxy(alllayers: Path, storage_format: StorageFormat, tiles: dict) -> None:
    from mapproxy.cache.compact import CompactCacheV1, CompactCacheV2
    from mapproxy.cache.tile import Tile

    cache = (CompactCacheV2 if storage_format is StorageFormat.COMPACT_V2 else CompactCacheV1)(str(alllayers))
    for bundle, present in _bundles(tiles).items():
        for level, row, col in list(present) + _empty_cells(bundle, present):
            tile = Tile((col, row, level))
            data = tile.image_result.as_buffer().read() if cache.load_tile(tile) else None
            assert data == present.get((level, row, col)), f"MapProxy reads {(level, row, col)} otherwise"


def _check_gdal(folder: Path, scheme, tiles: dict, sample: int) -> None:
    from osgeo import gdal

    dataset = checked(AssertionError, f"GDAL cannot open {folder}", gdal.Open, str(find_conf_xml(folder)))
    top = max(lod.level for lod in scheme.lods)
    size = scheme.tile_cols
    x0, _, _, y0, _, _ = dataset.GetGeoTransform()        # the raster starts at conf.cdi's corner, if any
    resolutions = {lod.level: lod.resolution for lod in scheme.lods}
    for bundle, present in _bundles(tiles).items():
        cells = sorted(present)[:sample] + _empty_cells(bundle, present)
        for level, row, col in cells:
            bands = [dataset.GetRasterBand(number) for number in range(1, dataset.RasterCount + 1)]
            if level != top:
                bands = [band.GetOverview(top - 1 - level) for band in bands]
            left = col * size - round((x0 - scheme.origin_x) / resolutions[level])
            up = row * size - round((scheme.origin_y - y0) / resolutions[level])
            if min(left, up) < 0 or left + size > bands[0].XSize or up + size > bands[0].YSize:
                continue                                    # not wholly inside the raster
            pixels = np.dstack([band.ReadAsArray(left, up, size, size) for band in bands])
            data = present.get((level, row, col))
            expected = np.zeros_like(pixels) if data is None else np.asarray(
                Image.open(io.BytesIO(data)).convert("RGBA" if pixels.shape[2] == 4 else "RGB"))
            assert np.array_equal(pixels, expected), f"GDAL ESRIC reads tile {(level, row, col)} otherwise"


def copy_cache(source, destination) -> Path:
    """A fresh copy of a cache folder (lock files included: they are part of a live cache)."""
    shutil.copytree(source, destination)
    return Path(destination)
