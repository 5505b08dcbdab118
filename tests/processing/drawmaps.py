"""A small label-free QGIS map written to a temporary folder for the drawing tests.

GeoPackage layers in Web Mercator around (0, 0): semi-transparent polygons with 1 px outlines, lines 1.3 px
wide and a layer shown only at large scales, saved as a .qgz with one map theme ("lines only").
"""

from __future__ import annotations

from pathlib import Path

import cachebuilders
import numpy as np
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsLineSymbol,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsMapThemeCollection,
    QgsMarkerSymbol,
    QgsProject,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage

from map_server_cache.core.scheme import Extent

CRS = "EPSG:3857"
# Extent of the map's features (metres); the tests' caches cover it with a few supertiles.
MAP_EXTENT = (-9000.0, -7000.0, 9000.0, 7000.0)
DETAIL_MAX_SCALE_DENOMINATOR = 40000.0   # the "detail" layer shows at 1:40 000 and larger only
THEME = "lines only"

POLYGONS = [
    "POLYGON((-8000 -6000, 1000 -6500, 2500 3000, -6000 6500, -8000 -6000))",
    "POLYGON((-2000 -3000, 8500 -2000, 7000 6000, 0 4000, -2000 -3000))",
]
LINES = [
    "LINESTRING(-9000 -7000, 9000 7000)",
    "LINESTRING(-9000 5000, -3000 -1000, 2000 4000, 9000 -6000)",
    "LINESTRING(-7000 0, 7000 300)",
]
DETAIL = ["POLYGON((-1500 -1500, 1500 -1500, 1500 1500, -1500 1500, -1500 -1500))"]


def _layer(folder: Path, name: str, kind: str, wkts: list[str]) -> QgsVectorLayer:
    memory = QgsVectorLayer(f"{kind}?crs={CRS}", name, "memory")
    features = []
    for wkt in wkts:
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    memory.dataProvider().addFeatures(features)
    path = folder / f"{name}.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        memory, str(path), QgsProject.instance().transformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    layer = QgsVectorLayer(str(path), name, "ogr")
    assert layer.isValid()
    return layer


def make_map(folder: Path, name: str = "map.qgz") -> Path:
    """Write the test map's layers and project into ``folder``; returns the project path."""
    folder.mkdir(parents=True, exist_ok=True)
    polygons = _layer(folder, "areas", "Polygon", POLYGONS)
    fill = QgsFillSymbol.createSimple({"color": "40,120,200,110", "outline_color": "20,40,90,255",
                                       "outline_width": "1", "outline_width_unit": "Pixel"})
    polygons.setRenderer(QgsSingleSymbolRenderer(fill))
    lines = _layer(folder, "roads", "LineString", LINES)
    line = QgsLineSymbol.createSimple({"color": "200,40,30,255", "width": "1.3", "width_unit": "Pixel"})
    lines.setRenderer(QgsSingleSymbolRenderer(line))
    detail = _layer(folder, "detail", "Polygon", DETAIL)
    detail.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(
        {"color": "20,160,60,230", "outline_style": "no"})))
    detail.setScaleBasedVisibility(True)
    detail.setMinimumScale(DETAIL_MAX_SCALE_DENOMINATOR)   # QGIS: "minimum" = most zoomed out
    detail.setMaximumScale(0)
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem(CRS))
    for layer in (polygons, lines, detail):   # each added on top: detail drawn last
        project.addMapLayer(layer)
    root = project.layerTreeRoot()
    theme = QgsMapThemeCollection.MapThemeRecord()
    theme.setLayerRecords([QgsMapThemeCollection.MapThemeLayerRecord(lines)])
    project.mapThemeCollection().insert(THEME, theme)
    assert root.findLayer(lines.id()) is not None
    path = folder / name
    assert project.write(str(path)), project.error()
    project.clear()
    return path


def make_cache(folder: Path, storage: str = "COMPACT_V2", tile_format: str = "PNG32", levels=range(13, 16),
               quality: int | None = None, extent=MAP_EXTENT) -> tuple[Path, object]:
    """An empty Web Mercator cache (conf.xml, conf.cdi = ``extent``, _alllayers/) in ``folder``/Layers,
    as Create Map Server Cache writes it; returns (data-frame folder, scheme)."""
    from map_server_cache.core.formats.conf_write import write_conf_cdi, write_conf_xml

    scheme = cachebuilders.make_scheme(storage, tile_format, levels, quality=quality)
    layers = folder / "Layers"
    (layers / "_alllayers").mkdir(parents=True)
    write_conf_xml(scheme, layers / "conf.xml")
    write_conf_cdi(Extent(*extent), layers / "conf.cdi", scheme.spatial_reference)
    return layers, scheme


def block_extent(scheme, lod, row: int, col: int, rows: int, cols: int) -> Extent:
    """The union of the tiles' extents of a block of rows × cols tiles whose top left tile is (row, col)."""
    top_left = scheme.tile_bounds(lod, row, col)
    bottom_right = scheme.tile_bounds(lod, row + rows - 1, col + cols - 1)
    return Extent(top_left.xmin, bottom_right.ymin, bottom_right.xmax, top_left.ymax)


def reference_render(project_path: Path, extent: Extent, width: int, height: int, dpi: int = 96,
                     map_theme: str | None = None) -> np.ndarray:
    """QGIS's own render of exactly ``extent`` (a sequential job, no margin, no cropping) as straight RGBA."""
    project = QgsProject()
    assert project.read(str(project_path))
    root = project.layerTreeRoot()
    if map_theme:
        layers = project.mapThemeCollection().mapThemeVisibleLayers(map_theme)
    else:
        layers = [layer for layer in root.layerOrder() if layer in set(root.checkedLayers())]
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(QgsCoordinateReferenceSystem(CRS))
    settings.setOutputDpi(dpi)
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    settings.setFlag(Qgis.MapSettingsFlag.Antialiasing, True)
    settings.setExtent(QgsRectangle(*extent))
    settings.setOutputSize(QSize(width, height))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage().convertToFormat(QImage.Format.Format_RGBA8888)
    del job
    settings.setLayers([])
    project.clear()
    bits = image.constBits()
    bits.setsize(image.bytesPerLine() * height)
    rows = np.frombuffer(bits, np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, :width * 4].reshape(height, width, 4).copy()


def differing_share(first: np.ndarray, second: np.ndarray, threshold: int = 2) -> float:
    """The share of pixels whose RGBA values differ by more than ``threshold`` in some channel."""
    difference = np.abs(first.astype(np.int16) - second.astype(np.int16)).max(axis=2)
    return float((difference > threshold).mean())


def draw_in_fresh_process(project_path: str, scheme, extent: Extent, width: int, height: int,
                          scale: float) -> tuple[bool, np.ndarray]:
    """Run in a spawned worker: whether QGIS was already running there, and the drawer's pixels."""
    from qgis.core import QgsApplication

    from map_server_cache.drawing.renderer import open_drawer

    had_qgis = QgsApplication.instance() is not None
    drawer = open_drawer(project_path, None, scheme)
    try:
        return had_qgis, drawer.draw(extent, width, height, scale)
    finally:
        drawer.close()


LABEL_COLOUR = (255, 0, 255)


def make_label_map(folder: Path) -> Path:
    """Points (no marker) labelled with long magenta text, on a line crossing x = 0 at several heights."""
    from qgis.core import QgsPalLayerSettings, QgsTextFormat, QgsVectorLayerSimpleLabeling
    from qgis.PyQt.QtGui import QColor as Colour

    folder.mkdir(parents=True, exist_ok=True)
    wkts = [f"POINT({x} {y})" for y in range(-6000, 6001, 600) for x in (-900, -300, 300, 900)]
    points = _layer(folder, "places", "Point", wkts)
    points.setRenderer(QgsSingleSymbolRenderer(QgsMarkerSymbol.createSimple(
        {"name": "circle", "size": "0", "color": "0,0,0,0", "outline_style": "no"})))
    labels = QgsPalLayerSettings()
    labels.isExpression = True
    labels.fieldName = "'Label crossing the edge'"
    text = QgsTextFormat()
    text.setColor(Colour(*LABEL_COLOUR))
    text.setSize(11)
    labels.setFormat(text)
    points.setLabeling(QgsVectorLayerSimpleLabeling(labels))
    points.setLabelsEnabled(True)
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem(CRS))
    project.addMapLayer(points)
    path = folder / "labels.qgz"
    assert project.write(str(path)), project.error()
    project.clear()
    return path
