"""Benchmark of the import engine against its floors, in one run on generated compact V2 caches.

    .venv/bin/python bench/run_bench.py [--tiles 200000] [--dir /tmp] [--output bench/RESULTS.md] [--quick]
                                        [--only draw convert]

1. Full import into an empty target vs ``cp -r`` of the same bundles vs MapProxy 7's bulk path
   (CompactCacheV2.load_tiles/store_tiles per bundle): full.py.
2. MERGE through an area of interest over an existing target vs a plain single-process Pillow loop doing the
   same decode/composite/encode per tile (tiles already in memory, results kept in memory); 1 vs 2 workers:
   merge.py.
3. Peak memory (VmHWM of the importing process and of its workers) as the tile count grows: memory.py.
4. Compaction: tile-by-tile imports rewriting one full bundle, and one compaction of it alone: compaction.py.
5. The MERGE on the local pool and on a localhost Dask cluster, the cluster's costs: cluster.py.
   Then the bench map drawn on the local pool and on a localhost Dask cluster of QGIS workers:
   draw_cluster.py.
6. Scale (scale.py; left out with ``--quick``): ~130k and ~1M tiles from disk, cold and warm, through
   the engine and processing.run, an area of interest, the fixed cost of an import through qgis_process.
7. Open formats: 100 000 tiles imported from an MBTiles vs reading the blobs out of SQLite into plain files;
   exported to an MBTiles vs inserting plain files into SQLite: openformats.py.
8. Converting a cache's storage in place (V2 → exploded → V2) vs ``cp -r`` of the result: convert.py.
9. Drawing a QGIS map: Manage Map Server Cache Tiles vs QGIS's XYZ tiles algorithm (fresh QGIS processes),
   and our peak memory as the tiles ×4: draw.py.
``--only`` runs the named sections alone (8 and 9) and replaces just their text in the output file.
Data lives in a temporary folder that is removed at the end; figures go to bench/RESULTS.md (report.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "build" / "plugins"), str(REPO / "tests" / "core")]

from cachebuilders import make_scheme, write_cache  # noqa: E402
from cluster import bench_cluster  # noqa: E402
from compaction import bench_compaction  # noqa: E402
from convert import bench_convert  # noqa: E402
from draw import bench_draw  # noqa: E402
from draw_cluster import bench_draw_cluster, draw_cluster_section  # noqa: E402
from draw_report import convert_section, draw_section, draw_section_name, splice  # noqa: E402
from full import bench_full  # noqa: E402
from harness import SCALE_ROUNDS, TILE, grid_tiles, tile_pool, timed  # noqa: E402
from memory import MEMORY_LEVELS, bench_memory  # noqa: E402
from merge import bench_merge  # noqa: E402
from openformats import bench_openformats  # noqa: E402
from report import openformats_section, report  # noqa: E402
from scale import bench_scale  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=200_000, help="largest tile count (default 200000)")
    parser.add_argument("--dir", default=None, help="folder for the generated caches (default: system temp)")
    parser.add_argument("--output", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--quick", action="store_true", help="leave out the scale section (1.3 GB, minutes)")
    parser.add_argument("--only", nargs="+", choices=ALONE, help="these sections alone, into --output")
    args = parser.parse_args()
    if args.only:
        run_alone(args.only, Path(args.output), args.dir)
        return
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
        print(cluster, "\nopen formats", flush=True)
        openformats = bench_openformats(work)
        print(openformats, "\ndrawing on a cluster", flush=True)
        draw_cluster = bench_draw_cluster(work)
        print(draw_cluster, "\nconvert", flush=True)
        convert = bench_convert(work)
        print(convert, "\ndraw", flush=True)
        draw = bench_draw()
        print(draw, flush=True)
        shutil.rmtree(work / "src")
        scale = None if args.quick else bench_scale(work / "scale", SCALE_ROUNDS)
    marked_sections = {"convert": convert_section(convert),
                       draw_section_name(draw): draw_section(draw, "in this `make bench`")}
    text = report(full, merge, memory, compaction, setup, (load_before, os.getloadavg()[0]), scale, cluster,
                  openformats, draw_cluster, marked_sections)
    Path(args.output).write_text(text + "\n")
    print(text)


ALONE = ("convert", "draw", "openformats", "draw-cluster")


ALONE_SECTIONS = {"convert": lambda work: convert_section(bench_convert(work)),
                  "openformats": lambda work: openformats_section(bench_openformats(work)),
                  "draw-cluster": lambda work: draw_cluster_section(bench_draw_cluster(work))}


def run_alone(sections: list[str], output: Path, folder: str | None) -> None:
    """Run ``sections`` only; each replaces its own marked text in ``output`` (the rest is kept)."""
    text = output.read_text() if output.exists() else "# Benchmark results\n"
    when = f"alone ({time.strftime('%Y-%m-%d %H:%M')}, `run_bench.py --only {' '.join(sections)}`)"
    for section in sections:
        print(section, flush=True)
        if section == "draw":
            figures = bench_draw()
            name, lines = draw_section_name(figures), draw_section(figures, when)
        else:
            with tempfile.TemporaryDirectory(prefix="map_server_cache_bench_", dir=folder) as temp:
                name, lines = section, ALONE_SECTIONS[section](Path(temp))
        text = splice(text, name, lines)
        print("\n".join(lines), flush=True)
    output.write_text(text)


if __name__ == "__main__":
    main()
