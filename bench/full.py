"""Section 1 of ``make bench``: a full import into an empty target vs ``cp -r`` of the same bundles (with and
without ``sync``) vs MapProxy 7's bulk path (CompactCacheV2.load_tiles/store_tiles per bundle)."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

from harness import ROUNDS, empty_target, scale_of, timed

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.sources.opening import open_cache


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

