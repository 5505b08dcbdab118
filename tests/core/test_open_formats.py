"""Open tile formats in core: MBTiles, GeoPackage and {z}/{x}/{y} folders imported into Esri caches and
exported from them, read by GDAL's own drivers; pairing by resolution, re-encoding, bad input refused or
counted, the source never written."""

from __future__ import annotations

import dataclasses
import io
import sqlite3

import numpy as np
import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from crashkit import sha256_tree
from PIL import Image
from test_engine_rawcopy import all_tiles

from map_server_cache.core.errors import IncompatibleCacheError, PackageError, SchemeError
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.execution.export import ExportRequest, ExportType, export_cache
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.sources.opening import open_cache

LEVELS = range(0, 4)


def colour_tile(level, row, col, alpha=255) -> bytes:
    return png_tile((40 * row % 256, 40 * col % 256, 50 * level, alpha))


def jpeg_tile(level, row, col) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (40 * row % 256, 40 * col % 256, 50 * level)).save(out, "JPEG", quality=90)
    return out.getvalue()


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.fixture
def server(tmp_path):
    """A compact V2 service (every tile of levels 0-3) and a folder to export into."""
    root = tmp_path / "server"
    (root / "arcgissystem").mkdir(parents=True)
    tiles = {(level, row, col): colour_tile(level, row, col)
             for level in LEVELS for row in range(2 ** level) for col in range(2 ** level)}
    service = write_cache(root / "arcgiscache" / "Roads_Basemap" / "Layers",
                          make_scheme("COMPACT_V2", "PNG", LEVELS), tiles)
    (tmp_path / "exports").mkdir()
    return service, tiles, tmp_path / "exports"


def write_mbtiles(path, tiles: dict, fmt: str = "png") -> None:
    """A minimal MBTiles of {(zoom, xyz row, col): bytes}, rows stored TMS."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                   "tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "t"), ("format", fmt)])
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(z, col, 2 ** z - 1 - row, data) for (z, row, col), data in tiles.items()])
    db.close()


def empty_target(tmp_path, fmt="PNG", levels=LEVELS, storage="COMPACT_V2", name="target"):
    return write_cache(tmp_path / name / "Layers", make_scheme(storage, fmt, levels), {})


def run_import(target, source, source_type, **more):
    return import_cache(ImportRequest(target, source, source_type, workers=1, **more))


@pytest.mark.parametrize("export_type,source_type,rows", [
    (ExportType.MBTILES, SourceType.MBTILES, "XYZ"), (ExportType.GEOPACKAGE, SourceType.GEOPACKAGE, "XYZ"),
    (ExportType.TILE_FOLDER, SourceType.TILE_FOLDER, "XYZ"),
    (ExportType.TILE_FOLDER, SourceType.TILE_FOLDER, "TMS")])
def test_round_trip_is_byte_identical(server, tmp_path, export_type, source_type, rows):
    """Esri → open format → Esri (another storage): every tile byte for byte."""
    service, tiles, folder = server
    before = sha256_tree(service)
    result = export_cache(ExportRequest(service, folder, export_type, workers=1, tile_rows=rows))
    suffix = {ExportType.MBTILES: ".mbtiles", ExportType.GEOPACKAGE: ".gpkg"}.get(export_type, "")
    assert result.output == folder / f"Roads_Basemap{suffix}"
    assert [p.name for p in folder.iterdir() if p.name != ".map_server_cache"] == [result.output.name]
    target = empty_target(tmp_path, storage="COMPACT")
    run_import(target, result.output, source_type, tile_rows=rows)
    assert all_tiles(target) == tiles
    assert sha256_tree(service) == before


@pytest.mark.parametrize("export_type,source_type", [(ExportType.MBTILES, SourceType.MBTILES),
                                                     (ExportType.GEOPACKAGE, SourceType.GEOPACKAGE)])
def test_round_trip_of_a_jpeg_cache_is_byte_identical(tmp_path, export_type, source_type):
    tiles = {(level, row, col): jpeg_tile(level, row, col)
             for level in LEVELS for row in range(2 ** level) for col in range(2 ** level)}
    service = write_cache(tmp_path / "server" / "arcgiscache" / "Photo" / "Layers",
                          make_scheme("COMPACT", "JPEG", LEVELS), tiles)
    (tmp_path / "out").mkdir()
    output = export_cache(ExportRequest(service, tmp_path / "out", export_type, workers=1)).output
    target = empty_target(tmp_path, fmt="JPEG")
    run_import(target, output, source_type)
    assert all_tiles(target) == tiles


def test_tile_folder_rows_follow_the_order(server):
    service, tiles, folder = server
    xyz = export_cache(ExportRequest(service, folder, ExportType.TILE_FOLDER, workers=1)).output
    assert (xyz / "3" / "1" / "2.png").read_bytes() == tiles[(3, 2, 1)]
    tms = export_cache(ExportRequest(service, folder / "..", ExportType.TILE_FOLDER, workers=1,
                                     tile_rows="TMS")).output
    assert (tms / "3" / "1" / "5.png").read_bytes() == tiles[(3, 2, 1)]


def test_mbtiles_rows_are_flipped(server):
    service, tiles, folder = server
    output = export_cache(ExportRequest(service, folder, ExportType.MBTILES, workers=1)).output
    with sqlite3.connect(f"file:{output}?mode=ro", uri=True) as db:
        stored = db.execute("SELECT tile_data FROM tiles WHERE zoom_level=3 AND tile_column=1 AND tile_row=5")
        assert stored.fetchone()[0] == tiles[(3, 2, 1)]
        metadata = dict(db.execute("SELECT name, value FROM metadata"))
    assert (metadata["minzoom"], metadata["maxzoom"], metadata["format"]) == ("0", "3", "png")
    assert [float(v) for v in metadata["bounds"].split(",")] == pytest.approx([-180, -85.0511, 180, 85.0511],
                                                                              abs=1e-3)


@pytest.mark.parametrize("export_type,driver", [(ExportType.MBTILES, "MBTiles"),
                                                (ExportType.GEOPACKAGE, "GPKG")])
def test_gdal_reads_the_export_with_the_same_pixels(server, export_type, driver):
    from osgeo import gdal

    service, tiles, folder = server
    output = export_cache(ExportRequest(service, folder, export_type, workers=1)).output
    dataset = gdal.OpenEx(str(output), gdal.OF_RASTER, allowed_drivers=[driver])
    assert dataset is not None and dataset.GetDriver().ShortName == driver
    assert (dataset.RasterXSize, dataset.RasterYSize) == (256 * 8, 256 * 8)
    geo = dataset.GetGeoTransform()
    assert geo[0] == pytest.approx(-20037508.342787, abs=1e-3) and geo[3] == pytest.approx(20037508.342787,
                                                                                          abs=1e-3)
    bands = np.dstack([dataset.GetRasterBand(i + 1).ReadAsArray(256 * 1, 256 * 2, 256, 256)
                       for i in range(dataset.RasterCount)])
    assert np.array_equal(bands[..., :3], pixels(tiles[(3, 2, 1)])[..., :3])


def test_levels_pair_by_resolution_not_number(tmp_path):
    """A cache whose LODs start at zoom 2 (numbered 0, 1) takes zooms 2 and 3."""
    source = tmp_path / "z.mbtiles"
    tiles = {(z, row, col): colour_tile(z, row, col) for z in (1, 2, 3) for row in range(2 ** z)
             for col in range(2 ** z)}
    write_mbtiles(source, tiles)
    scheme = make_scheme("COMPACT_V2", "PNG", range(2, 4))
    lods = tuple(type(lod)(lod.level - 2, lod.scale, lod.resolution) for lod in scheme.lods)
    renumbered = dataclasses.replace(scheme, lods=lods)
    target = write_cache(tmp_path / "t" / "Layers", renumbered, {})
    with pytest.raises(IncompatibleCacheError, match="level 1"):
        run_import(target, source, SourceType.MBTILES)              # zoom 1 is not in the cache
    one = tmp_path / "two-three.mbtiles"
    write_mbtiles(one, {key: data for key, data in tiles.items() if key[0] >= 2})
    run_import(target, one, SourceType.MBTILES)
    assert all_tiles(target) == {(z - 2, row, col): data for (z, row, col), data in tiles.items() if z >= 2}


def test_webp_and_png_into_a_jpeg_cache_are_reencoded(tmp_path):
    source = tmp_path / "mixed.mbtiles"
    webp = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 10, 10)).save(webp, "WEBP", lossless=True)
    write_mbtiles(source, {(0, 0, 0): webp.getvalue(), (1, 0, 0): colour_tile(1, 0, 0),
                           (1, 0, 1): jpeg_tile(1, 0, 1)}, fmt="webp")
    target = empty_target(tmp_path, fmt="JPEG")
    warnings = []

    class Record:
        def message(self, text): pass
        def warning(self, text): warnings.append(text)
        def progress(self, done, total): pass
        def is_cancelled(self): return False

    import_cache(ImportRequest(target, source, SourceType.MBTILES, workers=1), Record())
    assert any("re-encoded as JPEG" in text for text in warnings)
    written = all_tiles(target)
    assert written[(1, 0, 1)] == jpeg_tile(1, 0, 1)                         # accepted: copied as it is
    assert all(data[:3] == b"\xff\xd8\xff" for data in written.values())
    assert np.abs(pixels(written[(0, 0, 0)]).astype(int) - (200, 10, 10, 255)).max() <= 8
    assert np.abs(pixels(written[(1, 0, 0)]).astype(int) - pixels(colour_tile(1, 0, 0))).max() <= 8


def test_gdal_geopackage_imports(tmp_path):
    """A GeoPackage written by GDAL (GoogleMapsCompatible tiling scheme) imports tile for tile."""
    from osgeo import gdal

    image = tmp_path / "in.tif"
    mem = gdal.GetDriverByName("GTiff").Create(str(image), 512, 512, 3)
    mem.SetProjection("EPSG:3857")
    mem.SetGeoTransform((-20037508.342787, 78271.516964, 0, 20037508.342787, 0, -78271.516964))
    for band in range(3):
        mem.GetRasterBand(band + 1).WriteArray(np.full((512, 512), 60 * band + 30, np.uint8))
    mem = None
    gpkg = tmp_path / "gdal.gpkg"
    gdal.Translate(str(gpkg), str(image), format="GPKG",
                   creationOptions=["TILING_SCHEME=GoogleMapsCompatible", "TILE_FORMAT=PNG"])
    target = empty_target(tmp_path)
    before = sha256_tree(tmp_path / "gdal.gpkg")
    result = run_import(target, gpkg, SourceType.GEOPACKAGE)
    with sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db:
        stored = {(z, row, col): data for z, col, row, data in db.execute(
            "SELECT zoom_level, tile_column, tile_row, tile_data FROM gdal")}
    assert stored and all_tiles(target) == stored
    assert result.written == len(stored)
    assert sha256_tree(tmp_path / "gdal.gpkg") == before


def test_geopackage_of_another_grid_is_refused_with_differences(tmp_path):
    from osgeo import gdal

    image = tmp_path / "in.tif"
    mem = gdal.GetDriverByName("GTiff").Create(str(image), 64, 64, 3)
    mem.SetProjection("EPSG:3857")
    mem.SetGeoTransform((1000, 10, 0, 5000, 0, -10))
    mem = None
    gpkg = tmp_path / "raw.gpkg"
    gdal.Translate(str(gpkg), str(image), format="GPKG", creationOptions=["BLOCKSIZE=512"])
    with pytest.raises(IncompatibleCacheError) as raised:
        run_import(empty_target(tmp_path), gpkg, SourceType.GEOPACKAGE)
    names = {difference.name for difference in raised.value.differences}
    assert {"tile origin", "tile size"} <= names


def test_bad_sqlite_files_are_refused(tmp_path):
    target = empty_target(tmp_path)
    other = tmp_path / "other.mbtiles"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (a)")
    db.close()
    with pytest.raises(PackageError, match="neither MBTiles"):
        run_import(target, other, SourceType.MBTILES)
    half = tmp_path / "half.mbtiles"
    with sqlite3.connect(half) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.close()
    with pytest.raises(PackageError, match="without its tiles table"):
        run_import(target, half, SourceType.MBTILES)
    text = tmp_path / "text.mbtiles"
    text.write_bytes(b"not sqlite at all")
    with pytest.raises(PackageError, match="not a SQLite file"):
        run_import(target, text, SourceType.MBTILES)
    assert all_tiles(target) == {}


def test_corrupt_blob_is_a_counted_damaged_tile(tmp_path):
    source = tmp_path / "bad.mbtiles"
    write_mbtiles(source, {(1, 0, 0): colour_tile(1, 0, 0), (1, 0, 1): b"\x89PNG garbage",
                           (1, 1, 1): b"nothing"})
    before = sha256_tree(tmp_path / "bad.mbtiles")
    target = empty_target(tmp_path)
    result = run_import(target, source, SourceType.MBTILES)
    assert result.damaged == 2 and all_tiles(target) == {(1, 0, 0): colour_tile(1, 0, 0)}
    assert sha256_tree(tmp_path / "bad.mbtiles") == before


def test_stray_files_in_a_tile_folder_are_skipped(tmp_path):
    folder = tmp_path / "tiles"
    (folder / "1" / "0").mkdir(parents=True)
    (folder / "1" / "0" / "1.png").write_bytes(colour_tile(1, 1, 0))
    (folder / "1" / "0" / "notes.txt").write_text("x")
    (folder / "1" / "0" / "0.png").write_bytes(b"broken")
    (folder / "1" / "x").mkdir()
    (folder / "leaflet.html").write_text("<html/>")
    target = empty_target(tmp_path)
    result = run_import(target, folder, SourceType.TILE_FOLDER)
    assert all_tiles(target) == {(1, 1, 0): colour_tile(1, 1, 0)} and result.damaged == 1
    assert result.notes == [f"3 entries of {folder} are not tiles and were skipped: 1/0/notes.txt, 1/x, "
                            "leaflet.html"]
    with pytest.raises(SchemeError, match="not a tile folder"):
        run_import(target, tmp_path / "target", SourceType.TILE_FOLDER)


def test_export_of_another_grid_to_mbtiles_is_refused(tmp_path):
    root = tmp_path / "server"
    service = write_cache(root / "arcgiscache" / "Nz" / "Layers", make_scheme("COMPACT_V2", "PNG", range(2),
                                                                               crs="nztm"), {})
    (tmp_path / "out").mkdir()
    with pytest.raises(IncompatibleCacheError, match="XYZ"):
        export_cache(ExportRequest(service, tmp_path / "out", ExportType.MBTILES, workers=1))
    assert list((tmp_path / "out").iterdir()) == []


def test_open_cache_tells_the_formats_apart(server):
    service, tiles, folder = server
    output = export_cache(ExportRequest(service, folder, ExportType.GEOPACKAGE, workers=1)).output
    renamed = output.rename(output.with_suffix(".sqlite"))
    with open_cache(renamed) as opened:
        assert opened.open_format == "GeoPackage" and opened.storage.levels() == list(LEVELS)


def test_tpkutils_mbtiles_of_a_tpk_imports(server, tmp_path):
    """tpkutils turns a .tpk (this plugin's export) into an MBTiles; importing it gives back every tile."""
    from tpkutils import TPK

    service, tiles, folder = server
    package = export_cache(ExportRequest(service, folder, ExportType.TILE_PACKAGE, StorageFormat.COMPACT,
                                         workers=1)).output
    mbtiles = tmp_path / "roads.mbtiles"
    tpk = TPK(str(package))
    tpk.to_mbtiles(str(mbtiles))
    tpk.close()
    target = empty_target(tmp_path)
    run_import(target, mbtiles, SourceType.MBTILES)
    assert all_tiles(target) == tiles


def test_preview_and_merge_of_an_mbtiles(tmp_path):
    """The preview plans an MBTiles source without writing; a MERGE blends its half-transparent tiles."""
    from map_server_cache.core.execution.preview import preview_import

    half = np.zeros((256, 256, 4), np.uint8)
    half[:, :128] = (30, 60, 220, 255)
    source = tmp_path / "half.mbtiles"
    write_mbtiles(source, {(1, row, col): png_tile(half) for row in range(2) for col in range(2)})
    target = write_cache(tmp_path / "t" / "Layers", make_scheme("COMPACT_V2", "PNG", LEVELS),
                         {(1, row, col): colour_tile(1, 9, 9) for row in range(2) for col in range(2)})
    before = sha256_tree(target)
    planned = preview_import(ImportRequest(target, source, SourceType.MBTILES, workers=1))
    assert planned.blended == 4 and sha256_tree(target) == before
    result = run_import(target, source, SourceType.MBTILES)
    assert result.blended == 4
    merged = pixels(all_tiles(target)[(1, 0, 1)])
    assert tuple(merged[5, 5]) == (30, 60, 220, 255) and tuple(merged[5, 250]) == tuple(
        pixels(colour_tile(1, 9, 9))[5, 250])


def test_512_pixel_mbtiles_is_refused_with_the_difference(tmp_path):
    source = tmp_path / "retina.mbtiles"
    write_mbtiles(source, {(1, 0, 0): png_tile((1, 2, 3, 255), size=512)})
    target = empty_target(tmp_path)
    with pytest.raises(IncompatibleCacheError, match="tile size: source 512x512, target 256x256"):
        run_import(target, source, SourceType.MBTILES)
    assert all_tiles(target) == {}


def test_an_open_format_into_a_lerc_cache_is_refused(tmp_path):
    source = tmp_path / "a.mbtiles"
    write_mbtiles(source, {(1, 0, 0): colour_tile(1, 0, 0)})
    with pytest.raises(IncompatibleCacheError, match="tile image format"):
        run_import(empty_target(tmp_path, fmt="LERC"), source, SourceType.MBTILES)


def test_a_tile_folder_export_never_lands_on_a_cache_folder(server):
    service, tiles, folder = server
    export_cache(ExportRequest(service, folder, ExportType.CACHE_DATASET, workers=1))
    before = sha256_tree(folder)
    with pytest.raises(SchemeError, match="not an earlier export of this kind"):
        export_cache(ExportRequest(service, folder, ExportType.TILE_FOLDER, workers=1))
    assert sha256_tree(folder) == before
