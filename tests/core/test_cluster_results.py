"""The Dask executor writes what the local pool writes: the same scenarios (formats, MERGE and OVERWRITE,
areas, extents, storages, staged and renumbered packages) imported both ways, targets compared byte for byte
and counts compared."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import shapely
from cachebuilders import make_scheme, make_tpk, write_cache
from test_engine_formats import area_polygon
from test_engine_formats import build as build_formats
from test_engine_parallel import caches as merge_caches
from test_engine_selection import colour_tile, empty_target

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.scheme import LOD, Extent

# What an executor leaves besides the cache: lock files and the bookkeeping folders.
BOOKKEEPING = (".map_server_cache", ".import-journal")


def target_files(folder: Path) -> dict:
    """relative path → bytes of every file of a target, bookkeeping left out."""
    files = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if name not in BOOKKEEPING]
        for name in names:
            if not name.endswith(".lock"):
                path = Path(root) / name
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def formats(fmt, overwrite, use_area):
    def scenario(folder):
        scheme, _source, _target, src, tgt = build_formats(folder, fmt)
        area = shapely.to_wkb(area_polygon(scheme)) if use_area else None
        return ImportRequest(tgt, src, SourceType.CACHE_DATASET, overwrite=overwrite, area_of_interest=area)
    return scenario


def merge_area(folder):
    source, target, area = merge_caches(folder, "m")
    return ImportRequest(target, source, SourceType.CACHE_DATASET, area_of_interest=area)


def merge_extent(folder):
    source, target, _area = merge_caches(folder, "e")
    return ImportRequest(target, source, SourceType.CACHE_DATASET,
                         extent=Extent(-600000, -500000, 300000, 400000))


def exploded_overwrite(folder):
    scheme = make_scheme("EXPLODED", "PNG", levels=range(4), tile_size=64)
    tiles = {(level, row, col): colour_tile(row, col, 64) for level in (2, 3) for row in range(4)
             for col in range(2 ** level)}
    source = write_cache(folder / "src" / "Layers", scheme, tiles)
    target = write_cache(folder / "svc" / "Layers", scheme, {(3, 1, 1): colour_tile(9, 9, 64)})
    return ImportRequest(target, source, SourceType.CACHE_DATASET, overwrite=True)


def renumbered_package(folder):
    target_scheme = make_scheme("COMPACT", "PNG", levels=range(0, 6), tile_size=64)
    absolute = make_scheme("COMPACT", "PNG", levels=range(2, 5), tile_size=64)
    renumbered = dataclasses.replace(absolute, lods=tuple(LOD(lod.level - 2, lod.scale, lod.resolution)
                                                          for lod in absolute.lods))
    tiles = {(level, row, col): colour_tile(row, col, 64) for level in range(3)
             for row in range(2 ** (level + 2)) for col in range(2)}
    package = make_tpk(folder / "update.tpk", write_cache(folder / "pkg" / "Layers", renumbered, tiles))
    target = empty_target(folder / "svc" / "Layers", target_scheme)
    return ImportRequest(target, package, SourceType.TILE_PACKAGE, uploads_dir=folder / "uploads")


SCENARIOS = {
    "png32-merge-area": formats("PNG32", False, True),
    "png8-overwrite": formats("PNG8", True, False),
    "jpeg-merge": formats("JPEG", False, False),
    "mixed-merge-area": formats("MIXED", False, True),
    "compact-v1-merge-area": merge_area,
    "compact-v1-merge-extent": merge_extent,
    "exploded-overwrite": exploded_overwrite,
    "renumbered-tpk-staged": renumbered_package,
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_cluster_writes_what_the_pool_writes(tmp_path, cluster, name):
    results, targets = {}, {}
    for executor in ("pool", "cluster"):
        request = SCENARIOS[name](tmp_path / executor)
        request = dataclasses.replace(request, workers=1 if executor == "pool" else 2,   # pool: inline
                                      scheduler=cluster.address if executor == "cluster" else None)
        result = import_cache(request, None)
        results[executor] = ([dataclasses.astuple(level) for level in result.levels], result.bytes_written)
        targets[executor] = target_files(result.target)
        if request.uploads_dir is not None:
            assert not list(request.uploads_dir.iterdir()), "the staged copy is removed"
    assert results["cluster"] == results["pool"]
    assert targets["cluster"].keys() == targets["pool"].keys()
    for path, data in targets["pool"].items():
        assert targets["cluster"][path] == data, path
    assert sum(level[-1] for level in results["pool"][0]) > 0, "the scenario writes tiles"
