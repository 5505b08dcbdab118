"""Tiles whose pixels need no change arrive byte for byte: whole bundles copied as files into an empty
target, tile by tile into an existing one; for every storage format and from folders and packages."""

from __future__ import annotations

import pytest
from cachebuilders import make_scheme, make_tpk, make_tpkx, png_tile, write_cache

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.sources.opening import open_cache

SIZE = 16


def source_tiles():
    """Tiles over two levels and three bundles, each tile's bytes different."""
    tiles = {}
    for row, col in [(0, 0), (0, 1), (5, 9), (127, 127), (0, 128), (130, 3)]:
        tiles[(8, row, col)] = png_tile((row % 256, col % 256, 77, 200), size=SIZE)
    tiles[(3, 1, 2)] = png_tile((1, 2, 3, 255), size=SIZE)
    return tiles


def all_tiles(folder) -> dict:
    with open_cache(folder) as cache:
        return {(level, row, col): data for level in cache.storage.levels()
                for key in cache.storage.bundles(level)
                for (row, col), data in cache.storage.read_bundle(key).items()}


@pytest.mark.parametrize("storage,package", [("COMPACT_V2", None), ("COMPACT_V2", "tpkx"), ("COMPACT", None),
                                             ("COMPACT", "tpk"), ("EXPLODED", None)])
def test_full_import_is_byte_identical(tmp_path, storage, package):
    scheme = make_scheme(storage, "PNG32", levels=range(9), tile_size=SIZE)
    tiles = source_tiles()
    folder = write_cache(tmp_path / "src" / "Layers", scheme, tiles)
    source, source_type = folder, SourceType.CACHE_DATASET
    if package:
        maker = make_tpkx if package == "tpkx" else make_tpk
        source, source_type = maker(tmp_path / f"u.{package}", folder), SourceType.TILE_PACKAGE
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {}, extent=None)
    result = import_cache(ImportRequest(target, source, source_type, workers=1, uploads_dir=tmp_path / "up"))
    assert result.copied_raw == result.written == len(tiles)
    assert result.bytes_written > 0
    assert all_tiles(target) == tiles
    if storage != "EXPLODED":
        for bundle in (folder / "_alllayers").rglob("*.bundl*"):
            copied = target / bundle.relative_to(folder)
            assert copied.read_bytes() == bundle.read_bytes(), "whole bundles are copied as files"


@pytest.mark.parametrize("storage", ["COMPACT_V2", "COMPACT", "EXPLODED"])
def test_raw_copies_into_existing_bundles(tmp_path, storage):
    """OVERWRITE of whole tiles, and MERGE of tiles opaque by format (RGB PNG), keep the source bytes."""
    scheme = make_scheme(storage, "PNG32", levels=range(9), tile_size=SIZE)
    transparent = png_tile((9, 9, 9, 10), size=SIZE)
    opaque_rgb = png_tile((200, 100, 50), size=SIZE, mode="RGB")
    old = png_tile((0, 0, 255, 255), size=SIZE)
    source = write_cache(tmp_path / "src" / "Layers", scheme, {(8, 0, 0): transparent, (8, 0, 1): opaque_rgb})
    for overwrite in (True, False):
        target = write_cache(tmp_path / f"svc{overwrite}" / "Layers", scheme,
                             {(8, 0, 0): old, (8, 0, 1): old, (8, 1, 1): old}, extent=None)
        result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1,
                                            overwrite=overwrite))
        tiles = all_tiles(target)
        assert tiles[(8, 0, 1)] == opaque_rgb
        assert tiles[(8, 1, 1)] == old
        if overwrite:
            assert tiles[(8, 0, 0)] == transparent
            assert result.copied_raw == 2
        else:
            assert tiles[(8, 0, 0)] != transparent and result.blended == 1 and result.copied_raw == 1
