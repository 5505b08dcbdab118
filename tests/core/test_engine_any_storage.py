"""The engine writes into a target of another storage format when asked (``ImportRequest.any_storage``, as
an export does): tiles go one by one with their bytes unchanged, clipping still per pixel; without the flag
the import refuses the difference as before."""

from __future__ import annotations

import itertools

import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from test_engine_rawcopy import SIZE, all_tiles, source_tiles

from map_server_cache.core.errors import IncompatibleCacheError
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache

STORAGES = ("COMPACT_V2", "COMPACT", "EXPLODED")


def cache(folder, storage, tiles, extent=None):
    return write_cache(folder, make_scheme(storage, "PNG32", range(9), tile_size=SIZE), tiles, extent)


@pytest.mark.parametrize("source_storage,target_storage", list(itertools.permutations(STORAGES, 2)))
def test_tiles_cross_storage_formats_byte_for_byte(tmp_path, source_storage, target_storage):
    tiles = source_tiles()
    source = cache(tmp_path / "src" / "Layers", source_storage, tiles)
    target = cache(tmp_path / "svc" / "Layers", target_storage, {})
    request = ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1)
    with pytest.raises(IncompatibleCacheError, match="storage format"):
        import_cache(request)
    request.any_storage = True
    result = import_cache(request)
    assert result.copied_raw == result.written == len(tiles)
    assert all_tiles(target) == tiles


def test_merge_across_storage_formats_blends(tmp_path):
    """A MERGE into an existing target of another layout blends per pixel, as within one layout."""
    half = png_tile((255, 0, 0, 128), size=SIZE)
    blue = png_tile((0, 0, 255, 255), size=SIZE)
    source = cache(tmp_path / "src" / "Layers", "COMPACT_V2", {(8, 0, 0): half})
    target = cache(tmp_path / "svc" / "Layers", "EXPLODED", {(8, 0, 0): blue})
    request = ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1, any_storage=True)
    result = import_cache(request)
    assert result.blended == 1
    assert all_tiles(target)[(8, 0, 0)] not in (half, blue)
