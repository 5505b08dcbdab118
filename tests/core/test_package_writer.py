"""The package writers: a .tpk laid out as ArcGIS 10.3 writes one (compared with the real sample) that
tpkutils and this plugin's importer read back tile for tile; a .tpkx per Esri's open specification that the
importer and GDAL's ESRIC driver (3.8+) read; item info and thumbnail; written atomically."""

from __future__ import annotations

import io
import json
import sqlite3
import xml.etree.ElementTree as ElementTree
import zipfile

import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from PIL import Image
from test_engine_rawcopy import all_tiles

from map_server_cache.core.errors import ImportCancelled, PackageError
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.packaging.iteminfo import ItemInfo, geographic_extent
from map_server_cache.core.packaging.package import write_package
from map_server_cache.core.scheme import Extent, SpatialReference

LEVELS = range(0, 4)


def tiles_of(levels=LEVELS) -> dict:
    return {(level, row, col): png_tile((60 * row % 256, 60 * col % 256, 40 * level, 255))
            for level in levels for row in range(2 ** level) for col in range(2 ** level)}


def cache(tmp_path, storage: str):
    tiles = tiles_of()
    return write_cache(tmp_path / "cache" / "Layers", make_scheme(storage, "PNG32", LEVELS), tiles), tiles


ITEM = ItemInfo("Roads", summary="Roads of the region", tags="roads, basemap",
                extent=Extent(-10.0, 40.0, 5.0, 55.0))


def test_tpk_has_the_layout_of_arcgis_own(tmp_path, samples):
    folder, _ = cache(tmp_path, "COMPACT")
    package = write_package(folder, tmp_path / "roads.tpk", ITEM)
    ours = zipfile.ZipFile(package)
    theirs = zipfile.ZipFile(samples / "arcgis-10.3-tpk-v1-png8" / "states_filled.tpk")

    def shape(archive):
        return {name.split("/_alllayers/")[0] + ("/_alllayers" if "/_alllayers/" in name else "")
                for name in archive.namelist() if not name.endswith(".lyr")}       # ArcMap layer files

    assert shape(ours) == shape(theirs)
    assert {info.compress_type for info in ours.infolist()} == {zipfile.ZIP_STORED}
    item = ElementTree.fromstring(ours.read("esriinfo/iteminfo.xml"))
    assert (item.findtext("summary"), item.findtext("tags"), item.findtext("title")) == (
        "Roads of the region", "roads, basemap", "Roads")
    assert float(item.findtext("extent/xmin")) == -10.0
    thumbnail = Image.open(io.BytesIO(ours.read("esriinfo/thumbnail/thumbnail.png")))
    assert (thumbnail.size, thumbnail.mode) == ((200, 133), "RGB")
    assert len(set(thumbnail.getdata())) > 1, "drawn from the tiles, not blank"


def test_tpk_is_read_by_tpkutils_and_by_the_importer(tmp_path):
    tpkutils = pytest.importorskip("tpkutils", reason="tpkutils is not installed (requirements-test.txt)")
    folder, tiles = cache(tmp_path, "COMPACT")
    package = write_package(folder, tmp_path / "roads.tpk", ITEM)
    tpk = tpkutils.TPK(str(package))
    assert (tpk.name, tpk.summary, tpk.tags) == ("Roads", "Roads of the region", "roads, basemap")
    assert {(tile.z, tile.y, tile.x): tile.data for tile in tpk.read_tiles()} == tiles
    tpk.to_mbtiles(str(tmp_path / "roads.mbtiles"))
    tpk.close()
    with sqlite3.connect(tmp_path / "roads.mbtiles") as mbtiles:
        rows = mbtiles.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    assert {(z, 2 ** z - 1 - y, x): bytes(data) for z, x, y, data in rows} == tiles
    assert all_tiles(package) == tiles
    target = write_cache(tmp_path / "svc" / "Layers", make_scheme("COMPACT", "PNG32", LEVELS), {})
    import_cache(ImportRequest(target, package, SourceType.TILE_PACKAGE, workers=1,
                               uploads_dir=tmp_path / "up"))
    assert all_tiles(target) == tiles


def test_tpkx_follows_the_specification_and_the_importer_reads_it(tmp_path):
    folder, tiles = cache(tmp_path, "COMPACT_V2")
    package = write_package(folder, tmp_path / "roads.tpkx", ITEM)
    archive = zipfile.ZipFile(package)
    names = archive.namelist()
    assert names[:3] == ["root.json", "iteminfo.json", "thumbnail.png"]
    assert all(name.startswith("tile/L0") and name.endswith(".bundle") for name in names[3:])
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    root = json.loads(archive.read("root.json"))
    assert archive.read("root.json").startswith(b'{"tileBundlesPath":"./tile"')
    assert (root["minLOD"], root["maxLOD"]) == (0, 3)
    assert root["storageInfo"]["storageFormat"] == "esriMapCacheStorageModeCompactV2"
    item = json.loads(archive.read("iteminfo.json"))
    assert (item["summary"], item["tags"], item["thumbnail"]) == ("Roads of the region", "roads, basemap",
                                                                  "./thumbnail.png")
    assert item["extent"]["spatialReference"]["wkid"] == 4326
    assert all_tiles(package) == tiles


def test_tpkx_is_read_by_gdal(tmp_path):
    from osgeo import gdal

    if tuple(int(part) for part in gdal.__version__.split(".")[:2]) < (3, 8):
        pytest.skip(f"GDAL {gdal.__version__}: the ESRIC driver reads .tpkx from GDAL 3.8 (Debian 13 lane)")
    import numpy as np
    from cachebuilders import osgeo_exceptions

    folder, tiles = cache(tmp_path, "COMPACT_V2")
    package = write_package(folder, tmp_path / "roads.tpkx", ITEM)
    with osgeo_exceptions():
        dataset = gdal.OpenEx(str(package), gdal.OF_RASTER)
        assert dataset.GetDriver().ShortName == "ESRIC"
        x0, res, _, y0, _, _ = dataset.GetGeoTransform()          # cropped to fullExtent from GDAL 3.9
        assert res == pytest.approx(make_scheme("COMPACT_V2", "PNG32", LEVELS).lods[-1].resolution)
        scheme = make_scheme("COMPACT_V2", "PNG32", LEVELS)
        left, _, _, top = scheme.tile_bounds(scheme.lods[-1], 2, 5)
        xoff, yoff = round((left - x0) / res), round((y0 - top) / res)
        pixels = np.stack([dataset.GetRasterBand(band).ReadAsArray(xoff, yoff, 256, 256)
                           for band in (1, 2, 3, 4)], axis=-1)
    expected = np.asarray(Image.open(io.BytesIO(tiles[(3, 2, 5)])).convert("RGBA"))
    assert (pixels == expected).all()


def test_packages_are_written_atomically(tmp_path):
    folder, _ = cache(tmp_path, "COMPACT_V2")
    destination = tmp_path / "out" / "roads.tpkx"
    destination.parent.mkdir()
    destination.write_bytes(b"the earlier package")
    with pytest.raises(ImportCancelled):
        write_package(folder, destination, ITEM, is_cancelled=lambda: True)
    assert destination.read_bytes() == b"the earlier package"
    assert [path.name for path in destination.parent.iterdir()] == ["roads.tpkx"], "no temporary file left"
    with pytest.raises(PackageError, match=r"makes a \.tpkx package"):
        write_package(folder, tmp_path / "out" / "roads.tpk", ITEM)
    exploded, _ = cache(tmp_path / "e", "EXPLODED")
    with pytest.raises(PackageError, match="EXPLODED"):
        write_package(exploded, tmp_path / "out" / "roads.tpkx", ITEM)


def test_item_extent_is_geographic():
    extent = geographic_extent(Extent(-20037508.342787, -20037508.342787, 0, 20037508.342787),
                               SpatialReference(102100, 3857))
    assert extent is not None
    assert extent.xmin == pytest.approx(-180) and extent.xmax == pytest.approx(0, abs=1e-9)
    assert extent.ymax == pytest.approx(85.0511, abs=1e-3)
