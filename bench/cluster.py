"""Section 5 of ``make bench``: the MERGE of merge.py on the local pool and on a 2-worker localhost Dask
cluster, and the cluster's costs per import, per task and per tile (reported by report.cluster_section)."""

from __future__ import annotations

import shutil
from pathlib import Path

from cachebuilders import make_scheme, write_cache
from harness import ROUNDS, tile_pool, timed
from merge import merge_caches

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache


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

