"""Benchmark of the import engine against its floors, in one run on generated compact V2 caches.

    .venv/bin/python bench/run_bench.py [--tiles 200000] [--dir /tmp] [--output bench/RESULTS.md] [--quick]

1. Full import into an empty target vs ``cp -r`` of the same bundles vs MapProxy 7's bulk path
   (CompactCacheV2.load_tiles/store_tiles per bundle).
2. MERGE through an area of interest over an existing target vs a plain single-process Pillow loop doing the
   same decode/composite/encode per tile (tiles already in memory, results kept in memory); 1 vs 2 workers.
3. Peak memory (VmHWM of the importing process and of its workers) as the tile count grows.
4. Compaction: tile-by-tile imports rewriting one full bundle, and one compaction of it alone.
4. Scale (bench/scale.py; left out with ``--quick``): ~130k and ~1M tiles from disk, cold and warm, through
   the engine and processing.run, an area of interest, the fixed cost of an import through qgis_process.
Data lives in a temporary folder that is removed at the end; figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
PLUGINS = REPO / "build" / "plugins"
sys.path[:0] = [str(PLUGINS), str(REPO / "tests" / "core")]

from cachebuilders import make_scheme, write_cache  # noqa: E402
from scale import bench_scale  # noqa: E402
from scale_report import SCALE_NOTES, scale_report  # noqa: E402

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache  # noqa: E402
from map_server_cache.core.formats.fs import DirectoryFS  # noqa: E402
from map_server_cache.core.sources.opening import open_cache  # noqa: E402
from map_server_cache.core.storage import BundleKey, open_storage  # noqa: E402

TILE = 256
MEMORY_LEVELS = (12, 13, 14, 15)           # one tile count per level, the largest last
MERGE_LEVEL = 9                            # 4×4 bundles, 2×4 of them used
PNG_LEVEL = 6
COMPACTION_LEVEL = 11                      # one full bundle rewritten until its writer compacts it
ROUNDS = 3                                 # every timed run is repeated; the best time is reported
SEED_TILE = b"\x89PNG\r\n\x1a\n seed"


def tile_pool(count: int, alpha: bool, seed: int) -> list:
    """Distinct PNG tiles of a few KB: 8×8-pixel blocks of noise, optionally with varied transparency."""
    rng = np.random.default_rng(seed)
    tiles = []
    for _ in range(count):
        blocks = rng.integers(0, 256, (32, 32, 4), dtype=np.uint8)
        blocks[..., 3] = rng.choice([0, 96, 255], (32, 32)) if alpha else 255
        pixels = blocks.repeat(8, axis=0).repeat(8, axis=1)
        out = io.BytesIO()
        Image.fromarray(pixels, "RGBA").save(out, "PNG", compress_level=PNG_LEVEL)
        tiles.append(out.getvalue())
    return tiles


def grid_tiles(level: int, count: int, pool: list) -> dict:
    """``count`` tiles filling 128-row columns bundle after bundle."""
    return {(level, i % 128, i // 128): pool[i % len(pool)] for i in range(count)}


def timed(function, *args, **kwargs):
    os.sync()
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def empty_target(folder: Path, scheme) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    return write_cache(folder / "Layers", scheme, {}, extent=None)


def scale_of(scheme, level: int) -> float:
    return next(lod.scale for lod in scheme.lods if lod.level == level)


def copy_level(source: Path, target: Path, level: int, durable: bool) -> None:
    """``cp -r`` of the level folder; durable: then fsync each copied file (what `flush_new_bundles` does)."""
    copied = target / "_alllayers" / f"L{level:02d}"
    subprocess.run(["cp", "-r", str(source / "_alllayers" / copied.name), str(copied.parent)], check=True)
    if durable:
        subprocess.run(["sync", *map(str, copied.iterdir())], check=True)


def mapproxy_bulk(source: Path, target: Path, level: int) -> None:
    """MapProxy's fastest path: per bundle, load every tile in one call and store them in one call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # pyproj, imported by MapProxy, misses its data folder
        from mapproxy.cache.compact import CompactCacheV2
        from mapproxy.cache.tile import Tile

    source_cache = CompactCacheV2(str(source / "_alllayers"))
    target_cache = CompactCacheV2(str(target / "_alllayers"))
    with open_cache(source) as cache:
        bundles = [cache.storage.bundle_tiles(key) for key in cache.storage.bundles(level)]
    for present in bundles:
        tiles = [Tile((col, row, level)) for row, col in present]
        source_cache.load_tiles(tiles)
        target_cache.store_tiles(tiles)


def bench_full(work: Path, scheme, source: Path, level: int, tiles: int) -> dict:
    """Each run on a fresh empty target, all runs in turn, ROUNDS times; the best time of each is kept."""
    def engine(workers, flush):
        def run(target):
            request = ImportRequest(target, source, SourceType.CACHE_DATASET, workers=workers,
                                    scales=[scale_of(scheme, level)], flush_new_bundles=flush)
            result = import_cache(request)
            assert result.written == tiles, result
        return run

    runs = {"cp": lambda target: copy_level(source, target, level, False),
            "cp_sync": lambda target: copy_level(source, target, level, True),
            "engine_1": engine(1, False), "engine_2": engine(2, False), "engine_flush": engine(2, True),
            "mapproxy": lambda target: mapproxy_bulk(source, target, level)}
    figures = {"tiles": tiles}
    for _ in range(ROUNDS):
        for name, run in runs.items():
            target = empty_target(work / name, scheme)
            seconds, _ = timed(run, target)
            figures[name] = min(seconds, figures.get(name, seconds))
            shutil.rmtree(work / name)
    return figures


def merge_caches(work: Path):
    """Semi-transparent source tiles over opaque target tiles in 2×4 bundles (12 rows × 32 columns of tiles
    each), and an octagon over them whose edges cross about a tenth of the tiles."""
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(MERGE_LEVEL + 1), tile_size=TILE)
    positions = [(row0 + r, col0 + c) for row0 in (0, 128) for col0 in (0, 128, 256, 384)
                 for r in range(12) for c in range(32)]
    source_pool, target_pool = tile_pool(32, True, 1), tile_pool(32, False, 2)
    source_tiles = {(MERGE_LEVEL, r, c): source_pool[i % 32] for i, (r, c) in enumerate(positions)}
    target_tiles = {(MERGE_LEVEL, r, c): target_pool[i % 32] for i, (r, c) in enumerate(positions)}
    source = write_cache(work / "merge_src" / "Layers", scheme, source_tiles)
    lod = next(lod for lod in scheme.lods if lod.level == MERGE_LEVEL)
    pixel = lod.resolution
    # Octagon over the tiles (rows 0-139, columns 0-415), in pixel units from the origin.
    width = 416 * TILE
    corners = [(300.5, 100.5), (width - 959.5, 100.5), (width - 159.5, 1600.5), (width - 159.5, 34800.5),
               (width - 1959.5, 35700.5), (1000.5, 35700.5), (100.5, 34800.5), (100.5, 1500.5)]
    ring = [(scheme.origin_x + x * pixel, scheme.origin_y - y * pixel) for x, y in corners]
    wkb = _polygon_wkb(ring)
    return scheme, source, target_tiles, source_tiles, wkb, corners


def _polygon_wkb(ring) -> bytes:
    from osgeo import ogr

    linear = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ring + ring[:1]:
        linear.AddPoint_2D(x, y)
    polygon = ogr.Geometry(ogr.wkbPolygon)
    polygon.AddGeometry(linear)
    return bytes(polygon.ExportToWkb(ogr.wkbNDR))


def pillow_floor(source_tiles: dict, target_tiles: dict, corners) -> int:
    """Per tile: decode both, cut the source by the area (mask drawn by Pillow), composite, encode."""
    written = 0
    results = []
    for (level, row, col), data in source_tiles.items():
        mask = Image.new("L", (TILE, TILE), 0)
        outline = [(x - col * TILE - 0.5, y - row * TILE - 0.5) for x, y in corners]
        ImageDraw.Draw(mask).polygon(outline, fill=255)
        if not mask.getbbox():
            continue
        source = Image.open(io.BytesIO(data)).convert("RGBA")
        below = Image.open(io.BytesIO(target_tiles[(level, row, col)])).convert("RGBA")
        if mask.getextrema() != (255, 255):
            cut = Image.new("RGBA", (TILE, TILE), (0, 0, 0, 0))
            cut.paste(source, mask=mask)
            source = cut
        out = io.BytesIO()
        Image.alpha_composite(below, source).save(out, "PNG", compress_level=PNG_LEVEL)
        results.append(out.getvalue())
        written += 1
    return written


def _timed_floor(source_tiles, target_tiles, corners):
    started = time.monotonic()
    pillow_floor(source_tiles, target_tiles, corners)
    return started, time.monotonic()


def pillow_floor_in_two(source_tiles: dict, target_tiles: dict, corners) -> float:
    """The Pillow loop on two processes, half the tiles each, timed from the first start to the last end
    (process start-up excluded): what this machine gives two CPU-bound processes right now."""
    items = sorted(source_tiles.items())
    halves = [dict(items[::2]), dict(items[1::2])]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        spans = list(pool.map(_timed_floor, halves, [target_tiles] * 2, [corners] * 2))
    return max(end for _, end in spans) - min(start for start, _ in spans)


def bench_merge(work: Path) -> dict:
    """The floor in one and two processes and the engine with one and two workers, in turn, ROUNDS times;
    the best time of each is kept (the machine is shared: the best is the least disturbed)."""
    scheme, source, target_tiles, source_tiles, wkb, corners = merge_caches(work)
    figures = {"tiles": len(source_tiles)}
    for _ in range(ROUNDS):
        seconds, figures["pillow_written"] = timed(pillow_floor, source_tiles, target_tiles, corners)
        figures["pillow"] = min(seconds, figures.get("pillow", seconds))
        seconds = pillow_floor_in_two(source_tiles, target_tiles, corners)
        figures["pillow_2"] = min(seconds, figures.get("pillow_2", seconds))
        for workers in (1, 2):
            target_folder = work / f"merge_svc{workers}"
            target = write_cache(target_folder / "Layers", scheme, target_tiles, extent=None)
            request = ImportRequest(target, source, SourceType.CACHE_DATASET, workers=workers,
                                    area_of_interest=wkb)
            seconds, result = timed(import_cache, request)
            name = f"engine_{workers}"
            figures[name] = min(seconds, figures.get(name, seconds))
            figures[f"{name}_counts"] = dict(blended=result.blended, clipped=result.clipped,
                                             copied_raw=result.copied_raw, written=result.written)
            shutil.rmtree(target_folder)
    return figures


def bench_cluster(work: Path) -> dict:
    """The MERGE of ``bench_merge`` on the local pool and on a 2-worker localhost cluster, in turn; then the
    cluster's costs: per import (a one-tile import, cluster minus inline), per task (64 one-tile units) and
    per tile (the MERGE with one task in flight)."""
    from clusterkit import Cluster

    scheme, source, target_tiles, _source_tiles, wkb, _corners = merge_caches(work)
    cluster = Cluster(work / "cluster", workers=2)
    figures = {"tiles": len(target_tiles), "units": 8}

    def merge(name, workers, scheduler):
        folder = work / f"cluster_{name}"
        target = write_cache(folder / "Layers", scheme, target_tiles, extent=None)
        seconds, result = timed(import_cache, ImportRequest(target, source, SourceType.CACHE_DATASET,
                                                            workers=workers, area_of_interest=wkb,
                                                            scheduler=scheduler))
        shutil.rmtree(folder)
        figures[f"{name}_written"] = result.written
        figures["bytes_per_tile"] = result.bytes_written / max(result.written, 1)
        return seconds

    try:
        figures["cold"] = merge("cluster", 2, cluster.address)        # first import: code shipped, loaded
        for _ in range(ROUNDS):
            for name, scheduler in (("pool", None), ("cluster", cluster.address)):
                seconds = merge(name, 2, scheduler)
                figures[name] = min(seconds, figures.get(name, seconds))
        figures["one_in_flight"] = merge("serial", 1, cluster.address)
        sparse_scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(11), tile_size=16)
        tile = tile_pool(1, False, 5)[0]
        sparse = {(10, row * 128 + 5, col * 128 + 7): tile for row in range(8) for col in range(8)}
        sparse_source = write_cache(work / "sparse_src" / "Layers", sparse_scheme, sparse)
        runs = (("one_local", 1, 1, None), ("one_cluster", 1, 2, cluster.address),
                ("tasks_cluster", 64, 2, cluster.address))
        for name, tiles, workers, scheduler in runs:
            best = None
            for _ in range(ROUNDS):
                target = write_cache(work / "sparse_svc" / "Layers", sparse_scheme,
                                     {key: tile for key in list(sparse)[:tiles]}, extent=None)
                source_now = sparse_source if tiles == 64 else write_cache(
                    work / "one_src" / "Layers", sparse_scheme, dict(list(sparse.items())[:1]))
                seconds, _ = timed(import_cache, ImportRequest(target, source_now, SourceType.CACHE_DATASET,
                                                               workers=workers, scheduler=scheduler))
                best = seconds if best is None else min(best, seconds)
                shutil.rmtree(work / "sparse_svc")
                shutil.rmtree(work / "one_src", ignore_errors=True)
            figures[name] = best
    finally:
        cluster.stop()
    return figures


MEMORY_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {plugins!r})
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
started = time.perf_counter()
result = import_cache(ImportRequest(Path({target!r}), Path({source!r}), SourceType.CACHE_DATASET,
                                    workers=2, overwrite=True, scales=[{scale!r}]))
status = dict(line.split(":", 1) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps(dict(seconds=time.perf_counter() - started, written=result.written,
                      main_kb=int(status["VmHWM"].split()[0]),
                      workers_kb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)))
"""


def bench_memory(work: Path, scheme, source: Path, counts: dict) -> list:
    """Each level imported by a fresh process with 2 workers, into an empty target (whole bundles copied as
    files) and into a target whose bundles exist (every tile through the bundle writer)."""
    rows = []
    for level, tiles in counts.items():
        for existing in (False, True):
            target = empty_target(work / "memory", scheme)
            if existing:                                   # one tile in each bundle, no conf.cdi (no limit)
                seeds = {(level, 127, col0): SEED_TILE for col0 in range(0, tiles // 128 + 1, 128)}
                write_cache(target, scheme, seeds, extent=None)
                (target / "conf.cdi").unlink()
            code = MEMORY_CHILD.format(plugins=str(PLUGINS), target=str(target), source=str(source),
                                       scale=scale_of(scheme, level))
            output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
            figures = json.loads(output.stdout.strip().splitlines()[-1])
            rows.append(dict(tiles=tiles, existing=existing, **figures))
    shutil.rmtree(work / "memory")
    return rows


def bench_compaction(work: Path, scheme, pool: list) -> dict:
    """A full bundle (16 384 tiles) in the target, then imported over twice from sources of other tiles
    (OVERWRITE, tile by tile into the existing bundle): the writer compacts when the dead bytes pass the
    live ones, in one of the two runs. Then one compaction alone (``CompactWriter.compact``) of the bundle."""
    count, key = 128 * 128, BundleKey(COMPACTION_LEVEL, 0, 0)
    target = write_cache(work / "compaction" / "Layers", scheme, grid_tiles(COMPACTION_LEVEL, count, pool))
    bundle = target / "_alllayers" / f"L{COMPACTION_LEVEL:02d}" / "R0000C0000.bundle"
    figures: dict = {"tiles": count, "runs": []}
    for shift in (1, 2):
        source = write_cache(work / f"compaction_src{shift}" / "Layers", scheme,
                             grid_tiles(COMPACTION_LEVEL, count, pool[shift:] + pool[:shift]))
        before = bundle.stat().st_size
        seconds, _ = timed(import_cache, ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1,
                                                       scales=[scale_of(scheme, COMPACTION_LEVEL)]))
        figures["runs"].append({"seconds": seconds, "mb_before": before / 1e6,
                                "mb_after": bundle.stat().st_size / 1e6})
        shutil.rmtree(source.parent)
    storage = open_storage(DirectoryFS(target), scheme)
    with storage.writer(key) as writer:
        figures["compaction"], _ = timed(writer.compact)
    figures["live_mb"] = bundle.stat().st_size / 1e6
    shutil.rmtree(target.parent)
    return figures


def machine() -> str:
    import PIL
    from osgeo import gdal

    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "?")
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, GDAL {gdal.__version__}, Pillow {PIL.__version__}, "
            f"numpy {np.__version__}")


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


NOTES = """## What limits the figures

- **Full import.** Every source bundle lands in a target bundle that does not exist yet, so the engine copies
  it as a file (`storage.copy_bundle`) on 4 threads: the kernel copies the bytes (`copy_file_range`, as `cp`
  does), the engine reads only each tile's first bytes through a memory map to check its signature, then
  renames the copy into place; a MERGE journals the copy by one line per bundle. What remains above `cp` is
  planning (every source index is read), opening both caches, conf.cdi and the journal. Like `cp`, the
  default leaves the new bundles to the system's write-back; with `flush_new_bundles` each is fsynced before
  its rename (no power cut can then leave an empty bundle in place), and the floor to compare with is `cp -r`
  plus a `sync` of each file. Disk timings on this shared VM vary by 2× between rounds.
- **2 workers.** MERGE work is almost all Pillow C code (decode, composite, encode); the engine adds reading
  and writing bundles and the pixel masks of boundary tiles, about the same as the floor's in-memory loop
  saves. With two workers the engine keeps pace with the bare Pillow loop run in two processes at the same
  moment, so the ratio depends on a second core being free: on this shared 2-core VM, earlier runs under
  other sessions' load measured 1.08–1.23× while the bare loop gained no more. Starting the workers (spawn,
  then numpy/Pillow/GDAL imports) costs 0.2–1 s once per import.
- **Memory.** A unit is one bundle; tiles stream from the source bundle (one read chunk at a time) into the
  writer, which appends them to the bundle file through an 8 MB buffer and commits the index every 4 096 tiles
  or 64 MB. Whole-bundle copies pass no tile bytes through the process: the kernel copies them, and each of
  the 4 copy threads maps at most 4 MiB of the source at a time to check tile heads (mapped page-cache pages
  count in VmHWM; with whole-bundle maps the peak had reached 331 MB). Memory does not grow with the tile
  count beyond what the copy threads in flight hold.
"""


ESTIMATE_TILES = 5_000_000
ESTIMATE_TILES_PER_UNIT = 4096           # a quarter of a bundle on average: bundles along edges are partial
SLOTS_PER_MACHINE = 2                    # worker processes per machine, as on this 2-core bench machine
SHARE_BYTES_PER_SECOND = 1e9             # a 10 GbE file share, not measured here


def cluster_section(cluster: dict) -> list:
    """The cluster's table, its per-import/task/tile costs and the 5-million-tile estimate."""
    tiles, pool, on_cluster = cluster["tiles"], cluster["pool"], cluster["cluster"]
    per_import = max(cluster["one_cluster"] - cluster["one_local"], 0.0)
    per_task = max(cluster["tasks_cluster"] - cluster["one_cluster"], 0.0) * 2 / 63
    per_tile = max(cluster["one_in_flight"] - per_import - cluster["units"] * per_task, 0.0) / tiles
    units = ESTIMATE_TILES / ESTIMATE_TILES_PER_UNIT
    moved = ESTIMATE_TILES * 3 * cluster["bytes_per_tile"]          # read source and target, write result
    lines = [
        f"## The MERGE above on the local pool and on a Dask cluster ({tiles:,} tiles, 8 bundles)", "",
        "Cluster: one `dask scheduler` and two `dask worker --nthreads 1` processes on this machine, started "
        "once (as a site keeps them running); each import connects, ships the plugin's core (zip keyed by "
        "its hash, uploaded once per version), checks every worker's access to the files, then runs one "
        "task per bundle.", "",
        "| run | seconds | tiles/s |", "|---|---:|---:|",
        f"| local pool, 2 workers (start-up included) | {pool:.2f} | {tiles / pool:,.0f} |",
        f"| Dask cluster, 2 workers | {on_cluster:.2f} | {tiles / on_cluster:,.0f} |",
        f"| Dask cluster, first import of this code version (zip shipped and imported) | "
        f"{cluster['cold']:.2f} | {tiles / cluster['cold']:,.0f} |",
        f"| Dask cluster, 1 task in flight | {cluster['one_in_flight']:.2f} | "
        f"{tiles / cluster['one_in_flight']:,.0f} |", "",
        f"- cluster / pool: {on_cluster / pool:.2f}× "
        f"(target ≤ 1.15×: {verdict(on_cluster / pool <= 1.15)})",
        f"- measured costs: per import {per_import:.2f} s (a one-tile import, cluster "
        f"{cluster['one_cluster']:.2f} s vs inline {cluster['one_local']:.2f} s: connect, code check, "
        f"pre-flight, scatter); per task {per_task * 1000:.0f} ms (64 one-tile units); per MERGE tile "
        f"{per_tile * 1000:.2f} ms of one worker; {cluster['bytes_per_tile'] / 1024:.1f} KB written per "
        "tile",
        "",
        f"### Estimate: a MERGE of {ESTIMATE_TILES:,} tiles", "",
        "T(N) = per import + (tiles × per tile + units × per task) / (N × "
        f"{SLOTS_PER_MACHINE} workers), with {units:,.0f} units ({ESTIMATE_TILES_PER_UNIT:,} tiles each on "
        "average) and machines like this one. "
        f"The share moves about {moved / 1e9:.0f} GB (source and target tile read, result written); at "
        f"{SHARE_BYTES_PER_SECOND / 1e9:.0f} GB/s that alone takes {moved / SHARE_BYTES_PER_SECOND:.0f} s, "
        "a floor no number of machines lowers.", "",
        "| machines | worker processes | hours (compute) | share bandwidth needed MB/s |",
        "|---:|---:|---:|---:|",
    ]
    for machines in (1, 4, 16):
        seconds = per_import + (ESTIMATE_TILES * per_tile + units * per_task) / (machines * SLOTS_PER_MACHINE)
        lines.append(f"| {machines} | {machines * SLOTS_PER_MACHINE} | {seconds / 3600:.2f} | "
                     f"{moved / seconds / 1e6:,.0f} |")
    lines += ["", "Each machine's workers scale with its cores (one `--nthreads 1` worker per core); the "
              "figures assume the share keeps up (16 machines here need the bandwidth in the last column).",
              ""]
    return lines


def report(full: dict, merge: dict, memory: list, compaction: dict, setup_seconds: float, load: tuple,
           scale: dict | None = None, cluster: dict | None = None) -> str:
    tiles, cp, cp_sync = full["tiles"], full["cp"], full["cp_sync"]
    best = min(full["engine_1"], full["engine_2"])
    flush, mapproxy = full["engine_flush"], full["mapproxy"]
    m1, m2, floor, floor2 = merge["engine_1"], merge["engine_2"], merge["pillow"], merge["pillow_2"]
    peak = max(max(row["main_kb"], row["workers_kb"]) for row in memory) / 1024

    def row(name, seconds, count):
        return f"| {name} | {seconds:.2f} | {count / seconds:,.0f} |"

    lines = [
        "# Benchmark results", "",
        f"Machine: {machine()}.  ",
        f"Run: {time.strftime('%Y-%m-%d %H:%M')}, `make bench`; generating the caches took "
        f"{setup_seconds:.0f} s; load average {load[0]:.1f} before, {load[1]:.1f} after. The machine is "
        f"shared and noisy: ratios come from this one run, each time the best of {ROUNDS} interleaved "
        "rounds.", "",
        f"## Full import into an empty target ({tiles:,} tiles, compact V2, MERGE, no extent limit)", "",
        "| run | seconds | tiles/s |", "|---|---:|---:|",
        row("`cp -r` of the level folder (floor)", cp, tiles),
        row("`cp -r`, then `sync` of each copied bundle", cp_sync, tiles),
        row("engine, 1 worker", full["engine_1"], tiles),
        row("engine, 2 workers", full["engine_2"], tiles),
        row("engine, 2 workers, `flush_new_bundles` (each new bundle fsynced before its rename)", flush,
            tiles),
        row("MapProxy 7 CompactCacheV2 load_tiles/store_tiles per bundle", mapproxy, tiles), "",
        f"- engine / cp: {best / cp:.2f}× (target ≤ 1.5×: {verdict(best / cp <= 1.5)}); "
        f"engine with `flush_new_bundles` / (cp + sync): {flush / cp_sync:.2f}×",
        f"- MapProxy / engine: {mapproxy / best:.1f}× (target ≥ 3×: {verdict(mapproxy / best >= 3)})", "",
        f"## MERGE through an area of interest over an existing target ({merge['tiles']:,} tiles, 8 bundles)",
        "", f"Engine counts (1 worker): {merge['engine_1_counts']}; the Pillow loop wrote "
        f"{merge['pillow_written']}.", "", "| run | seconds | tiles/s |", "|---|---:|---:|",
        row("plain Pillow loop, 1 process, tiles in memory (floor)", floor, merge["tiles"]),
        row("the same loop in 2 processes, half the tiles each (start-up excluded)", floor2, merge["tiles"]),
        row("engine, 1 worker", m1, merge["tiles"]),
        row("engine, 2 workers (start-up included)", m2, merge["tiles"]), "",
        f"- engine (1 worker) / Pillow floor: {m1 / floor:.2f}× "
        f"(target ≤ 1.3×: {verdict(m1 / floor <= 1.3)})",
        f"- 2 workers vs 1: {m1 / m2:.2f}× faster (target ≥ 1.7×: {verdict(m1 / m2 >= 1.7)}); the bare "
        f"Pillow loop gained {floor / floor2:.2f}× from a second process on this machine at this time", "",
        "## Peak memory (VmHWM) as the tile count grows, 2 workers, OVERWRITE", "",
        "| tiles | target bundles | seconds | importing process MB | largest worker MB |",
        "|---:|---|---:|---:|---:|",
    ]
    for figures in memory:
        bundles = "exist (tile by tile)" if figures["existing"] else "new (file copy)"
        lines.append(f"| {figures['tiles']:,} | {bundles} | {figures['seconds']:.2f} | "
                     f"{figures['main_kb'] / 1024:.0f} | {figures['workers_kb'] / 1024:.0f} |")
    lines += ["", f"- peak {peak:.0f} MB (target flat and < 300 MB: {verdict(peak < 300)})", "",
              f"## Compaction of a full bundle ({compaction['tiles']:,} tiles, "
              f"{compaction['live_mb']:.0f} MB live, compact V2, 1 worker)", "",
              "| run | seconds | bundle MB before → after |", "|---|---:|---|"]
    for number, run in enumerate(compaction["runs"], 1):
        lines.append(f"| OVERWRITE import {number} of the whole bundle, tile by tile | "
                     f"{run['seconds']:.2f} | {run['mb_before']:.0f} → {run['mb_after']:.0f} |")
    lines += ["| one compaction alone (live bytes written twice, two commits) | "
              f"{compaction['compaction']:.2f} | {compaction['live_mb']:.0f} → {compaction['live_mb']:.0f} |",
              ""]
    lines += cluster_section(cluster) if cluster is not None else []
    if scale is not None:
        lines += scale_report(scale) + [""]
    return "\n".join(lines + [NOTES] + ([SCALE_NOTES] if scale is not None else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=200_000, help="largest tile count (default 200000)")
    parser.add_argument("--dir", default=None, help="folder for the generated caches (default: system temp)")
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--quick", action="store_true", help="leave out the scale section (1.3 GB, minutes)")
    args = parser.parse_args()
    counts = {level: args.tiles // 2 ** (len(MEMORY_LEVELS) - 1 - i) for i, level in enumerate(MEMORY_LEVELS)}
    with tempfile.TemporaryDirectory(prefix="map_server_cache_bench_", dir=args.dir) as temp:
        work = Path(temp)
        print(f"generating {sum(counts.values()):,} tiles in {work}", flush=True)
        scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(max(MEMORY_LEVELS) + 1), tile_size=TILE)
        pool = tile_pool(64, False, 0)
        tiles = {}
        for level, count in counts.items():
            tiles.update(grid_tiles(level, count, pool))
        setup, source = timed(write_cache, work / "src" / "Layers", scheme, tiles)
        del tiles
        load_before = os.getloadavg()[0]
        print("full import", flush=True)
        full = bench_full(work, scheme, source, max(MEMORY_LEVELS), counts[max(MEMORY_LEVELS)])
        print(full, "\nmerge", flush=True)
        merge = bench_merge(work)
        print(merge, "\nmemory", flush=True)
        memory = bench_memory(work, scheme, source, counts)
        print(memory, "\ncompaction", flush=True)
        compaction = bench_compaction(work, scheme, pool)
        print(compaction, "\ncluster", flush=True)
        cluster = bench_cluster(work)
        print(cluster, flush=True)
        shutil.rmtree(work / "src")
        scale = None if args.quick else bench_scale(work / "scale", ROUNDS)
    text = report(full, merge, memory, compaction, setup, (load_before, os.getloadavg()[0]), scale, cluster)
    Path(args.output).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
