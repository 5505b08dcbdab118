"""Section 2 of ``make bench``: MERGE through an area of interest over an existing target vs a plain Pillow
loop doing the same decode/composite/encode per tile (tiles in memory), in one and two processes; 1 vs 2
workers. The caches and the area are also the cluster section's (merge_caches)."""

from __future__ import annotations

import io
import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cachebuilders import make_scheme, write_cache
from harness import PNG_LEVEL, ROUNDS, TILE, tile_pool, timed
from PIL import Image, ImageDraw

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache

MERGE_LEVEL = 9                            # 4×4 bundles, 2×4 of them used


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

