"""The two code samples of Esri's documentation, with values as arcpy passes them, via processing.run."""

from __future__ import annotations

from caches import BLUE, RED, cachebuilders, make_server, make_source, pixels, read_tile
from osgeo import ogr, osr

# Scales the test caches have at levels 1 and 2 (the samples list 500000, 250000, ...).
SCALES = [295828763.795778, 147914381.897889]
CONNECTION = "arcgis on MyServer_6080 (publisher)"
ARCCATALOG = r"C:\Users\me\AppData\Roaming\ESRI\Desktop10.1\ArcCatalog"     # arcpy's connection folder


def test_example_1_cache_dataset_overwrite(run, server, source, monkeypatch):
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", f'{{"{CONNECTION}": "{server.root}"}}')
    results = run({
        "input_service": rf"{ARCCATALOG}\{CONNECTION}\Basemap.MapServer",
        "source_cache_type": "CACHE_DATASET", "source_cache_dataset": str(source), "source_tile_package": "",
        "upload_data_to_server": "DO_NOT_UPLOAD", "scales": SCALES, "num_of_caching_service_instances": "2",
        "area_of_interest": "", "import_extent": "", "overwrite": "OVERWRITE"})
    assert results["imported"] == 4 + 16
    image = pixels(read_tile(server.target, 2, 2, 1))
    assert (image[:, :128] == BLUE).all() and (image[:, 128:, 3] == 0).all()


def test_example_2_tile_package_area_of_interest_merge(run, tmp_path, monkeypatch):
    server = make_server(tmp_path, storage="COMPACT")
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", f'{{"{CONNECTION}": "{server.root}"}}')
    source = make_source(tmp_path / "v1" / "Layers", "COMPACT")
    package = cachebuilders.make_tpk(tmp_path / "Rainfall.tpk", source)
    shapefile = tmp_path / "Portland_Metro.shp"
    dataset = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(str(shapefile))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = dataset.CreateLayer("Portland_Metro", srs, ogr.wkbPolygon)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON((-170 10,-100 10,-100 80,-170 80,-170 10))"))
    layer.CreateFeature(feature)
    dataset = None
    results = run({
        "input_service": f"GIS Servers/{CONNECTION}/Basemap.MapServer", "source_cache_type": "TILE_PACKAGE",
        "source_cache_dataset": "", "source_tile_package": str(package),
        "upload_data_to_server": "UPLOAD_DATA",
        "scales": SCALES, "num_of_caching_service_instances": "2", "area_of_interest": str(shapefile),
        "import_extent": "", "overwrite": "MERGE"})
    assert results["clipped"] >= 2 and results["damaged"] == 0
    inside = pixels(read_tile(server.target, 2, 0, 0, storage="COMPACT"))[200, 100]   # lon -145, lat ~70
    assert tuple(inside) == BLUE
    assert (pixels(read_tile(server.target, 2, 2, 2, storage="COMPACT")) == RED).all()
    assert not any((server.root / "arcgissystem" / "arcgisuploads").iterdir())
