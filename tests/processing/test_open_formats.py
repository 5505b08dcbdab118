"""Open tile formats through QGIS: an MBTiles and a tile folder written by QGIS's own Generate XYZ tiles
algorithms import into an Esri cache tile for tile; an MBTiles and a GeoPackage exported by the plugin open
in QGIS with the cache's pixels; the dialog's source type follows an .mbtiles, a .gpkg and a tile folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from caches import ALGORITHM_ID, cachebuilders, make_server, pixels
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from test_dialog_widgets import connected, dialog, iface, wrappers  # noqa: F401  (fixtures)
from test_export import EXPORT_ID, tiles_of

WORLD = "-20000000,20000000,-19000000,19000000 [EPSG:3857]"   # inside the poles: QGIS 3.22 fails at ±85.05°


def xyz_algorithm(kind: str) -> str:
    """QGIS's Generate XYZ tiles algorithm: qgis:… on 3.22, native:… from 3.24 on."""
    registry = QgsApplication.processingRegistry()
    for prefix in ("native", "qgis"):
        if registry.algorithmById(f"{prefix}:tilesxyz{kind}") is not None:
            return f"{prefix}:tilesxyz{kind}"
    pytest.skip(f"no Generate XYZ tiles ({kind}) algorithm in this QGIS")


@pytest.fixture
def drawn(plugin):
    """A project showing two coloured polygons over part of the world (what the XYZ algorithms render)."""
    layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "shapes", "memory")
    features = []
    for wkt in ("POLYGON((-15000000 -9000000, 2000000 -9000000, 2000000 12000000, -15000000 12000000, "
                "-15000000 -9000000))", "POLYGON((0 0, 9000000 0, 9000000 5000000, 0 0))"):
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    symbol = QgsFillSymbol.createSimple({"color": "30,120,200,255", "outline_color": "black"})
    layer.renderer().setSymbol(symbol)
    QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    QgsProject.instance().addMapLayer(layer)
    yield layer
    QgsProject.instance().removeAllMapLayers()


def run(algorithm: str, parameters: dict) -> dict:
    import processing

    return processing.run(algorithm, parameters)


def test_qgis_xyz_mbtiles_imports_tile_for_tile(drawn, tmp_path):
    mbtiles = tmp_path / "qgis.mbtiles"
    run(xyz_algorithm("mbtiles"), {"EXTENT": WORLD, "ZOOM_MIN": 0, "ZOOM_MAX": 2, "TILE_FORMAT": 0,
                                   "OUTPUT_FILE": str(mbtiles)})
    before = mbtiles.read_bytes()
    with sqlite3.connect(f"file:{mbtiles}?mode=ro", uri=True) as db:
        written = {(z, 2 ** z - 1 - row, col): bytes(data) for z, col, row, data in db.execute(
            "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")}
    assert {z for z, _row, _col in written} == {0, 1, 2} and len(written) > 5   # empty tiles left out
    server = make_server(tmp_path)
    results = run(ALGORITHM_ID, {"input_service": str(server.target), "source_cache_type": "MBTILES",
                                 "source_tile_package": str(mbtiles), "overwrite": "OVERWRITE",
                                 "num_of_caching_service_instances": 1})
    assert results["imported"] == len(written)
    imported = tiles_of(server.target)
    assert {key: imported[key] for key in written} == written
    assert mbtiles.read_bytes() == before


@pytest.mark.parametrize("tms", [False, True])
def test_qgis_xyz_directory_imports_tile_for_tile(drawn, tmp_path, tms):
    folder = tmp_path / "xyz"
    run(xyz_algorithm("directory"), {"EXTENT": WORLD, "ZOOM_MIN": 0, "ZOOM_MAX": 2, "TILE_FORMAT": 1,
                                     "QUALITY": 80, "TMS_CONVENTION": tms, "OUTPUT_DIRECTORY": str(folder),
                                     "OUTPUT_HTML": str(tmp_path / "viewer.html")})
    written = {}
    for path in folder.glob("*/*/*.jpg"):
        z, x, y = int(path.parent.parent.name), int(path.parent.name), int(path.stem)
        written[(z, 2 ** z - 1 - y if tms else y, x)] = path.read_bytes()
    assert {z for z, _row, _col in written} == {0, 1, 2} and len(written) > 5
    server = make_server(tmp_path)
    jpeg = cachebuilders.write_cache(tmp_path / "jpeg" / "Layers",
                                     cachebuilders.make_scheme("COMPACT_V2", "JPEG", range(4)), {})
    run(ALGORITHM_ID, {"input_service": str(jpeg), "source_cache_type": "TILE_FOLDER",
                       "source_cache_dataset": str(folder), "tile_row_order": "TMS" if tms else "XYZ"})
    assert tiles_of(jpeg) == written                                       # JPEG into JPEG: bytes as they are
    report = tmp_path / "report.html"
    run(ALGORITHM_ID, {"input_service": str(server.target), "source_cache_type": "TILE_FOLDER",
                       "source_cache_dataset": str(folder), "tile_row_order": 1 if tms else 0,
                       "overwrite": True, "report": str(report)})
    assert "decoded and re-encoded as PNG32" in report.read_text(encoding="utf-8")
    imported = tiles_of(server.target)
    for key, data in written.items():                                     # JPEG into PNG32: re-encoded
        assert imported[key][:4] == b"\x89PNG"
        assert np.array_equal(pixels(imported[key]), pixels(data))


@pytest.mark.parametrize("export_type,suffix", [("MBTILES", ".mbtiles"), ("GEOPACKAGE", ".gpkg")])
def test_export_opens_in_qgis_with_the_same_pixels(plugin, tmp_path, monkeypatch, export_type, suffix):
    monkeypatch.chdir(tmp_path)      # QGIS's statistics of a GeoPackage overview land in the working folder
    root = tmp_path / "server"
    tiles = {(level, row, col): cachebuilders.png_tile((40 * row % 256, 40 * col % 256, 50 * level, 255))
             for level in range(4) for row in range(2 ** level) for col in range(2 ** level)}
    service = cachebuilders.write_cache(root / "arcgiscache" / "Roads" / "Layers",
                                        cachebuilders.make_scheme("COMPACT_V2", "PNG", range(4)), tiles)
    out = tmp_path / "out"
    out.mkdir()
    results = run(EXPORT_ID, {"input_service": str(service), "target_cache_path": str(out),
                              "export_cache_type": export_type, "num_of_caching_service_instances": 1})
    assert Path(results["target_cache"]) == out / f"Roads{suffix}"
    layer = QgsRasterLayer(results["target_cache"], "export", "gdal")
    assert layer.isValid() and layer.crs().authid() == "EPSG:3857"
    half = 20037508.342787
    size = 2 * half / 8
    for row, col in ((2, 1), (5, 6)):
        box = QgsRectangle(-half + col * size, half - (row + 1) * size, -half + (col + 1) * size,
                           half - row * size)
        blocks = [layer.dataProvider().block(band, box, 256, 256) for band in (1, 2, 3)]   # kept alive
        bands = [np.frombuffer(bytes(block.data()), np.uint8).reshape(256, 256) for block in blocks]
        assert np.array_equal(np.dstack(bands), pixels(tiles[(3, row, col)])[..., :3])


def test_source_type_follows_open_formats(dialog, tmp_path):  # noqa: F811
    source_type = wrappers(dialog)["source_cache_type"]
    for name, index in (("a.mbtiles", 2), ("b.gpkg", 3)):
        (tmp_path / name).write_bytes(b"")
        dialog.setParameters({"source_tile_package": str(tmp_path / name)})
        assert source_type.parameterValue() == index
    (tmp_path / "tiles" / "0" / "0").mkdir(parents=True)
    dialog.setParameters({"source_cache_dataset": str(tmp_path / "tiles")})
    assert source_type.parameterValue() == 4
