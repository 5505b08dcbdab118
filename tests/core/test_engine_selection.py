"""Which tiles an import takes: level pairs by resolution (renumbered packages), scales, the default extent
from conf.cdi, an explicit extent, areas of interest (several parts, a hole, NZTM), incompatible schemes, and
how conf.cdi grows. Expected pixels are computed here with shapely."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
import shapely
from cachebuilders import make_scheme, make_tpk, make_tpkx, write_cache
from PIL import Image

from map_server_cache.core.errors import IncompatibleCacheError, SelectionError
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats.conf import read_conf_cdi
from map_server_cache.core.scheme import LOD, Extent
from map_server_cache.core.sources.opening import open_cache

SIZE = 32


def colour_tile(row: int, col: int, size: int = SIZE) -> bytes:
    """An opaque RGBA PNG whose pixels differ across the tile and from tile to tile."""
    y, x = np.mgrid[0:size, 0:size]
    rgba = np.stack([(x * 7 + col * 31) % 256, (y * 5 + row * 17) % 256, (x + y + 40) % 256,
                     np.full_like(x, 255)], axis=2).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, "PNG")
    return out.getvalue()


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def resolution(scheme, level):
    return next(lod.resolution for lod in scheme.lods if lod.level == level)


def centres_inside(scheme, level, polygon, row, col) -> np.ndarray:
    res = resolution(scheme, level)
    size = scheme.tile_cols
    xs, ys = np.meshgrid(scheme.origin_x + (col * size + np.arange(size) + 0.5) * res,
                         scheme.origin_y - (row * size + np.arange(size) + 0.5) * res)
    return shapely.contains_xy(polygon, xs, ys)


def tree_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def empty_target(folder, scheme, extent=None):
    write_cache(folder, scheme, {}, extent=extent)
    return folder


def assert_clipped_import(scheme, level, polygon, source_tiles, target, result):
    """Every source tile: absent when no pixel centre is inside, raw when all are, else clipped exactly."""
    written = 0
    with open_cache(target) as cache:
        for (lvl, row, col), data in source_tiles.items():
            mask = centres_inside(scheme, level, polygon, row, col)
            actual = cache.storage.get_tile(lvl, row, col)
            if not mask.any():
                assert actual is None, (row, col)
                continue
            written += 1
            if mask.all():
                assert actual == data, (row, col)
                continue
            expected = np.where(mask[..., None], decode(data), 0)
            assert np.array_equal(decode(actual), expected), (row, col)
    assert result.written == written


def test_renumbered_tpk_lands_on_target_levels(tmp_path):
    """A .tpk numbering its levels from 0 whose resolutions are the target's levels 2-4."""
    target_scheme = make_scheme("COMPACT", "PNG", levels=range(0, 6), tile_size=SIZE)
    absolute = make_scheme("COMPACT", "PNG", levels=range(2, 5), tile_size=SIZE)
    renumbered = dataclasses.replace(absolute, lods=tuple(LOD(lod.level - 2, lod.scale, lod.resolution)
                                                          for lod in absolute.lods))
    tiles = {(level, row, col): colour_tile(row, col) for level in range(3)
             for row in range(2 ** (level + 2)) for col in range(2)}
    package = make_tpk(tmp_path / "update.tpk", write_cache(tmp_path / "pkg" / "Layers", renumbered, tiles))
    target = empty_target(tmp_path / "svc" / "Layers", target_scheme)
    result = import_cache(ImportRequest(target, package, SourceType.TILE_PACKAGE, workers=1,
                                        uploads_dir=tmp_path / "uploads"))
    assert result.written == len(tiles)
    with open_cache(target) as cache:
        assert cache.storage.levels() == [2, 3, 4]
        for (level, row, col), data in tiles.items():
            assert cache.storage.get_tile(level + 2, row, col) == data
    assert not list((tmp_path / "uploads").iterdir()), "the staged package is removed"


def test_tpkx_levels_and_scales(tmp_path):
    """Only the requested scales are imported; scales match despite rounding noise."""
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(0, 5), tile_size=SIZE)
    tiles = {(level, 0, 0): colour_tile(level, 0) for level in range(1, 5)}
    package = make_tpkx(tmp_path / "update.tpkx", write_cache(tmp_path / "pkg" / "Layers", scheme, tiles))
    target = empty_target(tmp_path / "svc" / "Layers", scheme)
    scales = [lod.scale * (1 + 3e-6) for lod in scheme.lods if lod.level in (2, 4)]
    result = import_cache(ImportRequest(target, package, SourceType.TILE_PACKAGE, workers=1, scales=scales,
                                        uploads_dir=tmp_path / "uploads"))
    assert [level.level for level in result.levels] == [2, 4]
    with open_cache(target) as cache:
        assert cache.storage.levels() == [2, 4]


def test_unknown_scale_lists_cached_scales(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(0, 3), tile_size=SIZE)
    source = write_cache(tmp_path / "src" / "Layers", scheme, {(1, 0, 0): colour_tile(0, 0)})
    target = empty_target(tmp_path / "svc" / "Layers", scheme)
    with pytest.raises(SelectionError) as error:
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, scales=[12345.0]))
    message = str(error.value)
    assert "12345" in message
    for lod in scheme.lods:
        assert str(int(lod.scale)) in message


def test_incompatible_schemes_refused_with_every_difference(tmp_path):
    source_scheme = make_scheme("COMPACT", "JPEG", levels=range(0, 3), tile_size=SIZE)
    source_scheme = dataclasses.replace(source_scheme, dpi=90)
    target_scheme = make_scheme("COMPACT_V2", "PNG", levels=range(0, 3), tile_size=SIZE)
    source = write_cache(tmp_path / "src" / "Layers", source_scheme, {(1, 0, 0): colour_tile(0, 0)})
    target = write_cache(tmp_path / "svc" / "Layers", target_scheme, {(1, 1, 1): colour_tile(1, 1)})
    before = tree_digest(tmp_path / "svc")
    with pytest.raises(IncompatibleCacheError) as error:
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    names = {difference.name for difference in error.value.differences}
    assert {"DPI", "storage format", "tile image format"} <= names
    message = str(error.value)
    for expected in ("90", "96", "JPEG", "PNG", "esriMapCacheStorageModeCompact"):
        assert expected in message
    assert tree_digest(tmp_path / "svc") == before, "nothing written"


def test_default_extent_is_the_target_conf_cdi(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(0, 4), tile_size=SIZE)
    tiles = {(3, row, col): colour_tile(row, col) for row in range(8) for col in range(8)}
    source = write_cache(tmp_path / "src" / "Layers", scheme, tiles)
    lod = next(lod for lod in scheme.lods if lod.level == 3)
    # conf.cdi over tiles rows 2-3, cols 4-6 (edges exactly on tile edges take no neighbour)
    cdi = scheme.tile_bounds(lod, 2, 4).union(scheme.tile_bounds(lod, 3, 6))
    target = empty_target(tmp_path / "svc" / "Layers", scheme, extent=cdi)
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    level = result.levels[-1]
    assert (level.tiles, level.written, level.skipped_outside) == (6, 6, 58)
    with open_cache(target) as cache:
        assert sorted(cache.storage.bundle_tiles(cache.storage.bundles(3)[0])) == [
            (row, col) for row in (2, 3) for col in (4, 5, 6)]
    assert read_conf_cdi(target / "conf.cdi") == cdi, "nothing imported outside: conf.cdi unchanged"


def test_explicit_extent_grows_conf_cdi_and_keeps_conf_xml(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(0, 4), tile_size=SIZE)
    tiles = {(3, row, col): colour_tile(row, col) for row in range(8) for col in range(8)}
    source = write_cache(tmp_path / "src" / "Layers", scheme, tiles)
    lod = next(lod for lod in scheme.lods if lod.level == 3)
    cdi = scheme.tile_bounds(lod, 0, 0)
    target = empty_target(tmp_path / "svc" / "Layers", scheme, extent=cdi)
    conf_xml = (target / "conf.xml").read_bytes()
    tile = scheme.tile_bounds(lod, 5, 5)
    extent = Extent(tile.xmin + 10, tile.ymin + 10, tile.xmax - 10, tile.ymax - 10)   # inside one tile
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1, extent=extent))
    assert result.written == 1
    assert read_conf_cdi(target / "conf.cdi") == cdi.union(extent), "grown by the extent clipped to the tiles"
    assert (target / "conf.xml").read_bytes() == conf_xml


def test_multipart_area_with_hole(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(0, 5), tile_size=SIZE)
    tiles = {(4, row, col): colour_tile(row, col) for row in range(16) for col in range(16)}
    source = write_cache(tmp_path / "src" / "Layers", scheme, tiles)
    target = empty_target(tmp_path / "svc" / "Layers", scheme)
    res = resolution(scheme, 4)

    def ring(points):
        return [(scheme.origin_x + x * res, scheme.origin_y - y * res) for x, y in points]

    square = shapely.Polygon(ring([(40.3, 30.7), (300.2, 30.7), (300.2, 290.4), (40.3, 290.4)]),
                             [ring([(100.6, 100.2), (220.4, 100.2), (220.4, 230.8), (100.6, 230.8)])])
    triangle = shapely.Polygon(ring([(350.1, 20.3), (500.7, 60.2), (420.5, 200.9)]))
    area = shapely.MultiPolygon([square, triangle])
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1,
                                        area_of_interest=shapely.to_wkb(area)))
    assert_clipped_import(scheme, 4, area, tiles, target, result)
    with open_cache(target) as cache:
        assert cache.storage.get_tile(4, 5, 5) is None, "a tile wholly in the hole is not imported"
        assert cache.storage.get_tile(4, 2, 2) == tiles[(4, 2, 2)], "a tile wholly inside is copied raw"
    assert result.clipped > 0 and result.copied_raw > 0 and result.skipped_outside > 0


def test_area_in_nztm(tmp_path):
    """A non-Web-Mercator scheme (EPSG 2193, far-away origin): Cook Strait, where four bundles meet."""
    level = 7
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(0, 8), crs="nztm", tile_size=SIZE)
    span = scheme.tile_cols * resolution(scheme, level)
    corner_row, corner_col = 51 * 128, 20 * 128
    x, y = scheme.origin_x + corner_col * span, scheme.origin_y - corner_row * span
    assert 1.6e6 < x < 1.8e6 and 5.3e6 < y < 5.5e6
    tiles = {(level, row, col): colour_tile(row, col) for row in range(corner_row - 3, corner_row + 3)
             for col in range(corner_col - 3, corner_col + 3)}
    source = write_cache(tmp_path / "src" / "Layers", scheme, tiles)
    target = empty_target(tmp_path / "svc" / "Layers", scheme)
    area = shapely.Polygon([(x - 2.3137 * span, y - 1.7291 * span), (x + 1.9123 * span, y + 0.1311 * span),
                            (x + 0.4173 * span, y + 2.2219 * span)])     # no pixel centre on an edge
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1,
                                        area_of_interest=shapely.to_wkb(area)))
    assert_clipped_import(scheme, level, area, tiles, target, result)
    assert result.clipped > 0 and result.levels[-1].bundles == 4


def test_area_wins_over_extent(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(0, 4), tile_size=SIZE)
    tiles = {(3, row, col): colour_tile(row, col) for row in range(8) for col in range(8)}
    source = write_cache(tmp_path / "src" / "Layers", scheme, tiles)
    target = empty_target(tmp_path / "svc" / "Layers", scheme)
    lod = next(lod for lod in scheme.lods if lod.level == 3)
    tile = scheme.tile_bounds(lod, 6, 6)
    area = shapely.box(tile.xmin + 1, tile.ymin + 1, tile.xmax - 1, tile.ymax - 1)
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1,
                                        extent=scheme.tile_bounds(lod, 0, 0),
                                        area_of_interest=shapely.to_wkb(area)))
    with open_cache(target) as cache:
        assert cache.storage.get_tile(3, 0, 0) is None
        assert cache.storage.get_tile(3, 6, 6) is not None
    assert result.written == 1
