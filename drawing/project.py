"""A QGIS project read for drawing: opened into its own QgsProject, checked, and described in core's terms.

Each caller gets a new QgsProject (never QgsProject.instance()), so that a drawer on a thread or in a worker
process owns its project and layers. Every message names the project file and, for broken layers, each layer.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapLayer,
    QgsProject,
    QgsRectangle,
)

from ..core.errors import CacheError
from ..core.scheme import Extent, SpatialReference
from ..qgiscompat import WKT1_ESRI

PROJECT_SUFFIXES = (".qgz", ".qgs")
_READ_LOCK = threading.Lock()


class DrawingError(CacheError, ValueError):
    """A QGIS project cannot be drawn: unreadable, broken layers, unknown map theme, no extent."""


def open_project(path: str) -> QgsProject:
    """A new QgsProject read from the .qgz/.qgs at ``path``.

    DrawingError naming the file when it cannot be read, or naming every broken layer.
    """
    file = Path(path)
    if file.suffix.lower() not in PROJECT_SUFFIXES:
        raise DrawingError(f"{path}: not a QGIS project (.qgz or .qgs).")
    if not file.is_file():
        raise DrawingError(f"{path}: the QGIS project does not exist.")
    project = QgsProject()
    problem = _read(project, file)
    if problem:
        project.clear()
        del project     # not kept alive by the traceback: QGIS objects must go before QGIS exits
        raise DrawingError(f"{path}: {problem}")
    return project


def _read(project: QgsProject, file: Path) -> str | None:
    """Read ``file`` into ``project``; what is wrong with it, None when it loaded whole.

    One read at a time in a process: two threads reading projects at once can deadlock in QGIS 3.22.
    """
    with _READ_LOCK:
        read = project.read(str(file))
    if not read:
        return f"cannot read the QGIS project ({project.error() or 'unreadable'})."
    broken = [f"{layer.name()!r} ({layer.publicSource()})"
              for layer in project.mapLayers().values() if not layer.isValid()]
    if broken:
        return f"{len(broken)} layer(s) cannot be loaded: {'; '.join(broken)}."
    return None


def map_themes(project: QgsProject) -> list[str]:
    return list(project.mapThemeCollection().mapThemes())


def check_map_theme(project: QgsProject, map_theme: str | None) -> None:
    """DrawingError when ``map_theme`` is given and the project lacks it (naming the known ones)."""
    if not map_theme:
        return
    known = map_themes(project)
    if map_theme not in known:
        listed = ", ".join(repr(name) for name in known) or "none"
        raise DrawingError(f"{project.fileName()}: no map theme {map_theme!r} "
                           f"(the project's themes: {listed}).")


def visible_layers(project: QgsProject, map_theme: str | None) -> list[QgsMapLayer]:
    """The layers the map shows, top first: the theme's, else those checked in the layer tree as saved."""
    if map_theme:
        check_map_theme(project, map_theme)
        return list(project.mapThemeCollection().mapThemeVisibleLayers(map_theme))
    root = project.layerTreeRoot()
    checked = set(root.checkedLayers())
    return [layer for layer in root.layerOrder() if layer in checked]


def map_crs(project: QgsProject) -> QgsCoordinateReferenceSystem:
    """The project's map CRS; DrawingError when the project has none."""
    crs = project.crs()
    if not crs.isValid():
        raise DrawingError(f"{project.fileName()}: the project has no valid coordinate reference system.")
    return crs


def full_extent(project: QgsProject, map_theme: str | None, crs: QgsCoordinateReferenceSystem) -> Extent:
    """The union of the visible layers' extents, transformed into ``crs``; DrawingError when it is empty."""
    total: Extent | None = None    # plain values: QgsRectangle.setMinimal is deprecated from QGIS 3.40 on
    for layer in visible_layers(project, map_theme):
        extent = layer.extent()
        if extent.isNull() or not _finite(extent):
            continue
        if layer.crs() != crs:
            transform = QgsCoordinateTransform(layer.crs(), crs, project.transformContext())
            transform.setBallparkTransformsAreAppropriate(True)
            extent = transform.transformBoundingBox(extent)
        if _finite(extent):
            box = Extent(extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
            total = box if total is None else total.union(box)
    if total is None:
        raise DrawingError(f"{project.fileName()}: the map's visible layers have no extent.")
    return total


def _finite(rectangle: QgsRectangle) -> bool:
    return all(map(math.isfinite, (rectangle.xMinimum(), rectangle.yMinimum(),
                                   rectangle.xMaximum(), rectangle.yMaximum())))


def spatial_reference(crs: QgsCoordinateReferenceSystem) -> SpatialReference:
    """The cache's spatial reference for a QGIS CRS: its EPSG/ESRI code (WKID = LatestWKID), else its WKT."""
    authority, _, code = crs.authid().partition(":")
    if authority.upper() in ("EPSG", "ESRI") and code.isdigit():
        wkid = int(code)
        if wkid == 3857:
            return SpatialReference(wkid=102100, latest_wkid=3857)
        return SpatialReference(wkid=wkid, latest_wkid=wkid)
    return SpatialReference(wkt=crs.toWkt(WKT1_ESRI))
