"""Extent and area of interest given in EPSG:4326 onto a Web Mercator cache; "selected features only"."""

from __future__ import annotations

import math

import numpy as np
import pytest
from caches import BLUE, LEVELS, RED, cachebuilders, pixels, read_tile, tiles_of_levels
from osgeo import ogr, osr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsRectangle,
    QgsReferencedRectangle,
    QgsVectorLayer,
)

from map_server_cache.algorithms.spatial import cache_crs
from map_server_cache.core.scheme import SpatialReference

LEVEL = 2                       # 4 × 4 tiles of 90° of longitude
SCHEME = cachebuilders.make_scheme("COMPACT_V2", "PNG32", LEVELS)
LOD = SCHEME.lods[LEVEL]
# Two rectangles in EPSG:4326 (lon_min, lat_min, lon_max, lat_max): A inside tile (row 1, col 0), B in (1, 3).
AREA_A = (-135.0, 10.0, -100.0, 50.0)
AREA_B = (100.0, -50.0, 135.0, -10.0)
RADIUS = 6378137.0


def mercator(lon, lat):
    return RADIUS * math.radians(lon), RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def expected_mask(area, row, col) -> np.ndarray:
    """Pixels whose centre lies inside the area (a lon/lat rectangle stays a rectangle in Web Mercator)."""
    (x0, y0), (x1, y1) = mercator(*area[:2]), mercator(*area[2:])
    bounds = SCHEME.tile_bounds(LOD, row, col)
    centres = (np.arange(256) + 0.5) * LOD.resolution
    xs, ys = bounds.xmin + centres, bounds.ymax - centres
    return ((ys[:, None] > y0) & (ys[:, None] < y1)) & ((xs[None, :] > x0) & (xs[None, :] < x1))


def write_geopackage(path, areas) -> str:
    """A GeoPackage layer "aoi" in EPSG:4326 with one polygon per area."""
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = dataset.CreateLayer("aoi", srs, ogr.wkbPolygon)
    for lon0, lat0, lon1, lat1 in areas:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(
            f"POLYGON(({lon0} {lat0},{lon1} {lat0},{lon1} {lat1},{lon0} {lat1},{lon0} {lat0}))"))
        layer.CreateFeature(feature)
    dataset = None
    return f"{path}|layername=aoi"


@pytest.fixture
def opaque_source(tmp_path):
    return cachebuilders.write_cache(tmp_path / "export" / "Layers", SCHEME, tiles_of_levels(BLUE))


def overwrite(server, source, **more):
    return {"input_service": str(server.target), "source_cache_type": "CACHE_DATASET",
            "source_cache_dataset": str(source), "overwrite": "OVERWRITE", "scales": [LOD.scale],
            "num_of_caching_service_instances": 1, **more}


def assert_clipped(server, area, row, col):
    image = pixels(read_tile(server.target, LEVEL, row, col))
    mask = expected_mask(area, row, col)
    assert mask.any() and not mask.all()
    assert (image[mask] == BLUE).all() and (image[~mask] == RED).all()


def assert_untouched(server, row, col):
    assert (pixels(read_tile(server.target, LEVEL, row, col)) == RED).all()


def test_area_of_interest_from_geopackage_in_4326(run, server, opaque_source, tmp_path):
    aoi = write_geopackage(tmp_path / "aoi.gpkg", [AREA_A])
    results = run(overwrite(server, opaque_source, area_of_interest=aoi))
    assert results["clipped"] == 1 and results["imported"] == 1
    assert_clipped(server, AREA_A, 1, 0)
    for row, col in [(0, 0), (1, 1), (2, 0), (1, 3)]:
        assert_untouched(server, row, col)


def test_two_polygons_are_united(run, server, opaque_source, tmp_path):
    aoi = write_geopackage(tmp_path / "aoi.gpkg", [AREA_A, AREA_B])
    results = run(overwrite(server, opaque_source, area_of_interest=aoi))
    assert results["clipped"] == 2
    assert_clipped(server, AREA_A, 1, 0)
    assert_clipped(server, AREA_B, 2, 3)


def test_selected_features_only(run, server, opaque_source, tmp_path):
    layer = QgsVectorLayer(write_geopackage(tmp_path / "aoi.gpkg", [AREA_A, AREA_B]), "aoi", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectByExpression("$id = 2")
        definition = QgsProcessingFeatureSourceDefinition(layer.id(), True)
        results = run(overwrite(server, opaque_source, area_of_interest=definition))
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert results["clipped"] == 1
    assert_clipped(server, AREA_B, 2, 3)
    assert_untouched(server, 1, 0)


def test_empty_selection_is_an_error_not_everything(run, server, opaque_source, tmp_path):
    layer = QgsVectorLayer(write_geopackage(tmp_path / "aoi.gpkg", [AREA_A]), "aoi", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.removeSelection()
        with pytest.raises(QgsProcessingException, match="no polygon"):
            run(overwrite(server, opaque_source, area_of_interest=QgsProcessingFeatureSourceDefinition(
                layer.id(), True)))
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert_untouched(server, 1, 0)


@pytest.mark.parametrize("extent", [
    "-170,-100,10,50 [EPSG:4326]",
    QgsReferencedRectangle(QgsRectangle(-170, 10, -100, 50), QgsCoordinateReferenceSystem("EPSG:4326")),
])
def test_import_extent_in_4326_takes_whole_tiles(run, server, opaque_source, extent):
    results = run(overwrite(server, opaque_source, import_extent=extent))
    assert results["imported"] == 1 and results["clipped"] == 0
    assert (pixels(read_tile(server.target, LEVEL, 1, 0)) == BLUE).all()
    assert_untouched(server, 1, 1)


def test_extent_without_crs_is_in_the_cache_crs(run, server, opaque_source):
    x, y = mercator(-120, 30)
    results = run(overwrite(server, opaque_source, import_extent=f"{x},{x + 1},{y},{y + 1}"))
    assert results["imported"] == 1
    assert (pixels(read_tile(server.target, LEVEL, 1, 0)) == BLUE).all()


def test_area_of_interest_wins_over_extent(run, server, opaque_source, tmp_path):
    aoi = write_geopackage(tmp_path / "aoi.gpkg", [AREA_B])
    results = run(overwrite(server, opaque_source, area_of_interest=aoi,
                            import_extent="-170,-100,10,50 [EPSG:4326]"))
    assert results["clipped"] == 1
    assert_clipped(server, AREA_B, 2, 3)
    assert_untouched(server, 1, 0)


@pytest.mark.parametrize(("reference", "authid"), [
    (SpatialReference(102100, 3857), "EPSG:3857"), (SpatialReference(102100), "EPSG:3857"),
    (SpatialReference(2193, 2193), "EPSG:2193"), (SpatialReference(4326), "EPSG:4326")])
def test_cache_crs_from_wkid(reference, authid):
    assert cache_crs(reference, "conf.xml").authid() == authid


def test_cache_crs_from_wkt():
    wkt = QgsCoordinateReferenceSystem("EPSG:2193").toWkt()
    crs = cache_crs(SpatialReference(None, None, wkt), "conf.xml")
    assert crs.isValid() and crs == QgsCoordinateReferenceSystem("EPSG:2193")


def test_unknown_cache_crs_is_a_clear_error():
    with pytest.raises(QgsProcessingException, match="conf.xml: QGIS does not know"):
        cache_crs(SpatialReference(999999), "conf.xml")
