"""Damaged source tiles are skipped and counted, the target tile kept; LERC is only ever copied whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import shapely
from cachebuilders import make_scheme, png_tile, write_cache

from map_server_cache.core.errors import TileFormatError
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.sources.opening import open_cache

SIZE = 32
HALF_RED = png_tile((255, 0, 0, 128), size=SIZE)
BLUE = png_tile((0, 0, 255, 255), size=SIZE)
NO_SIGNATURE = HALF_RED[4:]                                      # as in Esri's own sample .tpkx
GARBLED = HALF_RED[:8] + b"\0" * 40                              # PNG signature, undecodable body


def tree_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


@pytest.mark.parametrize("storage", ["COMPACT_V2", "COMPACT", "EXPLODED"])
def test_damaged_tiles_counted_and_target_kept(tmp_path, storage):
    scheme = make_scheme(storage, "PNG32", levels=range(3), tile_size=SIZE)
    source_tiles = {(2, 0, 0): NO_SIGNATURE, (2, 0, 1): GARBLED, (2, 1, 0): GARBLED, (2, 1, 1): HALF_RED,
                    (2, 2, 2): NO_SIGNATURE}
    source = write_cache(tmp_path / "src" / "Layers", scheme, source_tiles)
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {(2, 0, 0): BLUE, (2, 0, 1): BLUE}, extent=None)
    (target / "conf.cdi").unlink()
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    # (0,0) bad signature; (0,1) must be decoded to blend over its target and cannot be; (1,0) has no target:
    # copied raw (no decoding needed), as the tool does; (2,2) bad signature where the target has no tile.
    assert result.damaged == 3
    assert result.written == 2
    with open_cache(target) as cache:
        assert cache.storage.get_tile(2, 0, 0) == BLUE
        assert cache.storage.get_tile(2, 0, 1) == BLUE
        assert cache.storage.get_tile(2, 1, 0) == GARBLED
        assert cache.storage.get_tile(2, 1, 1) == HALF_RED
        assert cache.storage.get_tile(2, 2, 2) is None


def test_damaged_tile_stops_whole_bundle_copy(tmp_path):
    """An empty target would take the bundle as a file; a tile failing the signature check must not ride
    along, so the bundle goes tile by tile."""
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(3), tile_size=SIZE)
    source = write_cache(tmp_path / "src" / "Layers", scheme, {(2, 0, 0): NO_SIGNATURE, (2, 0, 1): HALF_RED})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {}, extent=None)
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    assert (result.damaged, result.copied_raw) == (1, 1)
    with open_cache(target) as cache:
        assert cache.storage.get_tile(2, 0, 0) is None
        assert cache.storage.get_tile(2, 0, 1) == HALF_RED


LERC_TILE = b"CntZImage \x01\x00\x00\x00" + bytes(range(64))


def lerc_caches(tmp_path, target_tiles):
    scheme = make_scheme("COMPACT_V2", "LERC", levels=range(3), tile_size=SIZE)
    source = write_cache(tmp_path / "src" / "Layers", scheme, {(2, 0, 0): LERC_TILE, (2, 1, 1): LERC_TILE})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, target_tiles, extent=None)
    (target / "conf.cdi").unlink(missing_ok=True)
    return scheme, source, target


def test_lerc_copied_whole(tmp_path):
    _scheme, source, target = lerc_caches(tmp_path, {(2, 0, 0): b"CntZImage old"})
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1, overwrite=True))
    assert result.copied_raw == 2
    with open_cache(target) as cache:
        assert cache.storage.get_tile(2, 0, 0) == LERC_TILE


def test_lerc_blend_refused_before_writing(tmp_path):
    _scheme, source, target = lerc_caches(tmp_path, {(2, 0, 0): b"CntZImage old"})
    before = tree_digest(target)
    with pytest.raises(TileFormatError, match="LERC.*OVERWRITE"):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    assert tree_digest(target) == before


def test_lerc_clip_refused_before_writing(tmp_path):
    scheme, source, target = lerc_caches(tmp_path, {})
    lod = next(lod for lod in scheme.lods if lod.level == 2)
    tile = scheme.tile_bounds(lod, 0, 0)
    area = shapely.box(tile.xmin, tile.ymin, (tile.xmin + tile.xmax) / 2, tile.ymax)
    before = tree_digest(target)
    with pytest.raises(TileFormatError, match="LERC.*clipped"):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1, overwrite=True,
                                   area_of_interest=shapely.to_wkb(area)))
    assert tree_digest(target) == before
