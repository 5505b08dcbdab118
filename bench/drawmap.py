"""A realistic QGIS map for the drawing benchmarks, generated deterministically: thousands of features in
Web Mercator over about 50 × 36 km: land-use polygons (semi-transparent fills, 1 px outlines, labelled),
roads (lines 1.3 px and 2.5 px wide, by class) and points (circle markers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsPointXY,
    QgsProject,
    QgsRendererCategory,
    QgsSingleSymbolRenderer,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)

CRS = "EPSG:3857"
EXTENT = (-25000.0, -18000.0, 25000.0, 18000.0)
COUNTS = {"polygons": 2300, "roads": 3800, "points": 6000}


def _write(folder: Path, name: str, kind: str, geometries, classes) -> QgsVectorLayer:
    memory = QgsVectorLayer(f"{kind}?crs={CRS}&field=class:integer&field=name:string", name, "memory")
    features = []
    for index, (geometry, kind_class) in enumerate(zip(geometries, classes)):
        feature = QgsFeature(memory.fields())
        feature.setGeometry(geometry)
        feature.setAttributes([int(kind_class), f"{name[:1].upper()}{index}"])
        features.append(feature)
    memory.dataProvider().addFeatures(features)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    path = folder / f"{name}.gpkg"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(memory, str(path),
                                                      QgsProject.instance().transformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return QgsVectorLayer(str(path), name, "ogr")


def make_realistic_map(folder: Path, seed: int = 18) -> Path:
    """Write the layers and map.qgz into ``folder``; returns the project's path."""
    folder.mkdir(parents=True, exist_ok=True)
    random = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = EXTENT
    polygons = []
    for _ in range(COUNTS["polygons"]):
        cx, cy = random.uniform(xmin, xmax), random.uniform(ymin, ymax)
        angles = np.sort(random.uniform(0, 2 * np.pi, 7))
        radii = random.uniform(150, 700, 7)
        ring = [QgsPointXY(cx + r * np.cos(a), cy + r * np.sin(a)) for a, r in zip(angles, radii)]
        polygons.append(QgsGeometry.fromPolygonXY([ring + ring[:1]]))
    roads = []
    for _ in range(COUNTS["roads"]):
        x, y = random.uniform(xmin, xmax), random.uniform(ymin, ymax)
        steps = random.normal(0, 400, (12, 2)).cumsum(axis=0)
        roads.append(QgsGeometry.fromPolylineXY([QgsPointXY(x + dx, y + dy) for dx, dy in steps]))
    points = [QgsGeometry.fromPointXY(QgsPointXY(random.uniform(xmin, xmax), random.uniform(ymin, ymax)))
              for _ in range(COUNTS["points"])]
    areas = _write(folder, "landuse", "Polygon", polygons, random.integers(0, 3, len(polygons)))
    colours = ("120,180,90,140", "200,170,120,140", "90,140,210,140")
    areas.setRenderer(QgsCategorizedSymbolRenderer("class", [
        QgsRendererCategory(index, QgsFillSymbol.createSimple(
            {"color": colour, "outline_color": "60,60,60,255", "outline_width": "1",
             "outline_width_unit": "Pixel"}), str(index)) for index, colour in enumerate(colours)]))
    labels = QgsPalLayerSettings()
    labels.fieldName = "name"
    areas.setLabeling(QgsVectorLayerSimpleLabeling(labels))
    areas.setLabelsEnabled(True)
    lines = _write(folder, "roads", "LineString", roads, random.integers(0, 2, len(roads)))
    lines.setRenderer(QgsCategorizedSymbolRenderer("class", [
        QgsRendererCategory(0, QgsLineSymbol.createSimple({"color": "200,60,40,255", "width": "1.3",
                                                           "width_unit": "Pixel"}), "minor"),
        QgsRendererCategory(1, QgsLineSymbol.createSimple({"color": "240,160,40,255", "width": "2.5",
                                                           "width_unit": "Pixel"}), "major")]))
    markers = _write(folder, "places", "Point", points, np.zeros(len(points), int))
    markers.setRenderer(QgsSingleSymbolRenderer(QgsMarkerSymbol.createSimple(
        {"name": "circle", "color": "30,30,30,220", "size": "4", "size_unit": "Pixel"})))
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem(CRS))
    for layer in (areas, lines, markers):       # each added on top
        project.addMapLayer(layer)
    path = folder / "map.qgz"
    assert project.write(str(path)), project.error()
    project.clear()
    return path
