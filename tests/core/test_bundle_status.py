"""Cache status: per-bundle counts equal the bundles' own (tiles, bytes on disk, dead bytes, damaged tiles)
in every layout; Status.gpkg holds one polygon per bundle with those counts, GDAL reads it back, in either
GDAL exception mode; scales, extent and area of interest choose the bundles."""

from __future__ import annotations

import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from osgeo import ogr
from test_gdal_modes import host_mode  # noqa: F401  (a fixture)

from map_server_cache.core.errors import SelectionError
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.reporting.bundle_status import StatusRequest, bundle_status
from map_server_cache.core.reporting.status_gpkg import LAYER, write_status_gpkg
from map_server_cache.core.storage.base import BundleKey
from map_server_cache.core.storage.layouts import open_storage

STORAGES = ("COMPACT_V2", "COMPACT", "EXPLODED")
DAMAGED = b"not an image at all"


def tiles():
    found = {(8, r, c): png_tile((r * 9 % 256, c * 7 % 256, 40, 255), size=16)
             for r in range(6) for c in range(5)}
    found[(8, 3, 130)] = png_tile((1, 2, 3, 255), size=16)
    found[(7, 1, 1)] = png_tile((9, 9, 9, 255), size=16)
    return found


def cache(folder, storage):
    folder = write_cache(folder, make_scheme(storage, "PNG", range(9), tile_size=16), tiles())
    store = open_storage(DirectoryFS(folder), make_scheme(storage, "PNG", range(9)))
    store.durable = False
    with store.writer(BundleKey(8, 0, 0)) as writer:        # a damaged tile and a rewritten one (dead bytes)
        writer.put(5, 5, DAMAGED, "png")
        writer.put(0, 0, png_tile((200, 0, 0, 255), size=16))
    return folder


@pytest.mark.parametrize("storage", STORAGES)
def test_counts_equal_the_bundles(tmp_path, storage):
    folder = cache(tmp_path / "Layers", storage)
    result = bundle_status(StatusRequest(folder, workers=2))
    by_key = {(b.level, b.row, b.column): b for b in result.bundles}
    assert set(by_key) == {(8, 0, 0), (8, 0, 128), (7, 0, 0)}
    first = by_key[(8, 0, 0)]
    assert (first.tiles, first.damaged) == (31, 1)
    store = open_storage(DirectoryFS(folder), result.scheme)
    live = sum(len(data) for data in store.read_bundle(BundleKey(8, 0, 0)).values())
    if storage == "EXPLODED":
        assert (first.bytes, first.dead_bytes) == (live, 0)
    else:
        files = sum((folder / path).stat().st_size for path in store.bundle_files(BundleKey(8, 0, 0)))
        assert first.bytes == files
        assert first.dead_bytes == len(tiles()[(8, 0, 0)]) + 4   # the rewritten tile's old record
    totals = result.level_totals()
    assert totals[8]["tiles"] == 32 and totals[8]["bundles"] == 2 and totals[7]["tiles"] == 1
    assert result.coverage_picture(8) is not None


def test_scales_extent_and_area_choose_bundles(tmp_path):
    folder = cache(tmp_path / "Layers", "COMPACT_V2")
    scheme = make_scheme("COMPACT_V2", "PNG", range(9), tile_size=16)
    coarse = bundle_status(StatusRequest(folder, scales=[scheme.lods[7].scale]))
    assert {b.level for b in coarse.bundles} == {7}
    with pytest.raises(SelectionError, match="not a level"):
        bundle_status(StatusRequest(folder, scales=[123.0]))
    left = scheme.tile_bounds(scheme.lods[8], 0, 0)
    assert {(b.level, b.column) for b in bundle_status(StatusRequest(folder, extent=left)).bundles} == \
        {(8, 0), (7, 0)}
    x, y = scheme.tile_bounds(scheme.lods[8], 3, 130)[:2]
    area = ogr.CreateGeometryFromWkt(f"POLYGON(({x} {y},{x + 1} {y},{x + 1} {y + 1},{x} {y}))")
    chosen = bundle_status(StatusRequest(folder, area_of_interest=bytes(area.ExportToWkb(ogr.wkbNDR))))
    assert {(b.level, b.column) for b in chosen.bundles} == {(8, 128), (7, 0)}   # level 7 covers it too


@pytest.mark.parametrize("storage", ["COMPACT_V2", "EXPLODED"])
def test_gpkg_one_polygon_per_bundle_read_by_gdal(tmp_path, storage, host_mode):  # noqa: F811
    folder = cache(tmp_path / "Layers", storage)
    result = bundle_status(StatusRequest(folder))
    (tmp_path / "report").mkdir()
    path = write_status_gpkg(result, tmp_path / "report" / "Status.gpkg")
    assert sorted(p.name for p in path.parent.iterdir()) == ["Status.gpkg"]
    source = ogr.Open(str(path))
    layer = source.GetLayerByName(LAYER)
    assert layer.GetSpatialRef().GetAuthorityCode(None) == "3857"
    rows = {(f["level"], f["row"], f["column"]): (f["tiles"], f["bytes"], f["dead_bytes"], f["damaged"],
                                                  f.GetGeometryRef().GetEnvelope()) for f in layer}
    expected = {(b.level, b.row, b.column): (b.tiles, b.bytes, b.dead_bytes, b.damaged,
                                             (b.bounds.xmin, b.bounds.xmax, b.bounds.ymin, b.bounds.ymax))
                for b in result.bundles}
    assert rows == expected
    assert sum(row[0] for row in rows.values()) == len(tiles()) + 1   # the damaged tile added
    source = None
    write_status_gpkg(result, path)                # replaced in place
    assert ogr.Open(str(path)).GetLayerByName(LAYER).GetFeatureCount() == 3
