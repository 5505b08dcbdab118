"""Section 4 of ``make bench``: tile-by-tile imports rewriting one full bundle until its writer compacts it,
and one compaction of that bundle alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from cachebuilders import write_cache
from harness import grid_tiles, scale_of, timed

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.storage import BundleKey, open_storage

COMPACTION_LEVEL = 11                      # one full bundle rewritten until its writer compacts it


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

