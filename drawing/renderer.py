"""The QGIS map renderer as core's Drawer: one render job per supertile, in the cache's CRS and DPI.

As QGIS's XYZ tiles algorithm does, the map settings are built once per drawer and each supertile is one
QgsMapRendererCustomPainterJob; partial labels are off. Every drawer reads the project into its own
QgsProject, so a drawer owns its layers on whatever thread or process runs it. The supertile is drawn with a
margin of MARGIN pixels on every side and cropped, so that symbols of features just outside it (markers, wide
lines) still reach its edge; labels are bounded to the supertile itself (the label boundary), so none is cut
at its edge and each is placed once per supertile. A spawned worker process without a QgsApplication starts
QGIS headless once (``ensure_qgis``) and keeps it for the process's life.
"""

from __future__ import annotations

import os
import threading

import numpy as np
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsGeometry,
    QgsMapRendererCustomPainterJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage, QPainter

from ..core.scheme import Extent, TilingScheme
from ..qgiscompat import LABELS_PARTIAL_CANDIDATES
from .preflight import client_facts, problems
from .project import DrawingError, check_map_theme, open_project, visible_layers

MARGIN = 32   # pixels drawn around a supertile and cropped away
_started: list[QgsApplication] = []
_start_lock = threading.Lock()


def ensure_qgis() -> None:
    """Start QGIS headless in this process unless an application already runs (QGIS, qgis_process, tests)."""
    with _start_lock:
        if QgsApplication.instance() is not None:
            return
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        application = QgsApplication([], False)
        application.initQgis()
        _started.append(application)


class QgisDrawer:
    """Draws supertiles of one project (and map theme) in a cache's spatial reference and DPI."""

    def __init__(self, project: QgsProject, map_theme: str | None, crs: QgsCoordinateReferenceSystem,
                 dpi: int):
        self._project = project
        self._settings = _map_settings(project, map_theme, crs, dpi)
        self._context = QgsExpressionContext()
        self._context.appendScope(QgsExpressionContextUtils.globalScope())
        self._context.appendScope(QgsExpressionContextUtils.projectScope(self._project))

    def draw(self, extent: Extent, width: int, height: int, scale: float) -> np.ndarray:
        """The map over ``extent`` as (height, width, 4) straight-alpha RGBA, row 0 north.

        ``scale`` is the cache's; QGIS derives the same scale from extent, size and DPI and hides the layers
        (and rules) out of their scale range as it does on screen.
        """
        settings = self._settings
        pixel_x = (extent.xmax - extent.xmin) / width
        pixel_y = (extent.ymax - extent.ymin) / height
        settings.setExtent(QgsRectangle(extent.xmin - MARGIN * pixel_x, extent.ymin - MARGIN * pixel_y,
                                        extent.xmax + MARGIN * pixel_x, extent.ymax + MARGIN * pixel_y))
        settings.setOutputSize(QSize(width + 2 * MARGIN, height + 2 * MARGIN))
        settings.setLabelBoundaryGeometry(QgsGeometry.fromRect(
            QgsRectangle(extent.xmin, extent.ymin, extent.xmax, extent.ymax)))
        context = QgsExpressionContext(self._context)
        context.appendScope(QgsExpressionContextUtils.mapSettingsScope(settings))
        settings.setExpressionContext(context)
        image = QImage(width + 2 * MARGIN, height + 2 * MARGIN, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor(0, 0, 0, 0))
        dots_per_metre = round(settings.outputDpi() / 0.0254)
        image.setDotsPerMeterX(dots_per_metre)
        image.setDotsPerMeterY(dots_per_metre)
        painter = QPainter(image)
        try:
            QgsMapRendererCustomPainterJob(settings, painter).renderSynchronously()
        finally:
            painter.end()
        return _rgba(image, MARGIN, MARGIN, width, height)

    def close(self) -> None:
        self._settings.setLayers([])
        self._project.clear()


def _map_settings(project: QgsProject, map_theme: str | None, crs: QgsCoordinateReferenceSystem,
                  dpi: int) -> QgsMapSettings:
    """The settings every supertile shares: layers (and the theme's styles), CRS, DPI, flags, labelling."""
    settings = QgsMapSettings()
    settings.setLayers(visible_layers(project, map_theme))
    if map_theme:
        settings.setLayerStyleOverrides(project.mapThemeCollection().mapThemeStyleOverrides(map_theme))
    settings.setDestinationCrs(crs)
    settings.setTransformContext(project.transformContext())
    settings.setEllipsoid(project.ellipsoid())
    settings.setOutputDpi(dpi)
    settings.setOutputImageFormat(QImage.Format.Format_ARGB32_Premultiplied)
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    settings.setFlag(Qgis.MapSettingsFlag.Antialiasing, True)
    settings.setFlag(Qgis.MapSettingsFlag.RenderMapTile, True)
    labelling = settings.labelingEngineSettings()
    labelling.setFlag(LABELS_PARTIAL_CANDIDATES, False)
    settings.setLabelingEngineSettings(labelling)
    return settings


def _rgba(image: QImage, left: int, top: int, width: int, height: int) -> np.ndarray:
    """The width×height pixels from (left, top) of a QImage as (height, width, 4) uint8 straight-alpha RGBA (a
    copy, independent of the image): Qt converts the whole image, numpy crops it (no QImage copy)."""
    converted = image.convertToFormat(QImage.Format.Format_RGBA8888)
    stride = converted.bytesPerLine()
    bits = converted.constBits()
    bits.setsize(stride * converted.height())
    rows = np.frombuffer(bits, np.uint8).reshape(converted.height(), stride)
    return rows[top:top + height, left * 4:(left + width) * 4].reshape(height, width, 4).copy()


def open_drawer(project: str, map_theme: str | None, scheme: TilingScheme) -> QgisDrawer:
    """The drawer factory core names as ``map_server_cache.drawing.renderer:open_drawer``."""
    ensure_qgis()
    crs = QgsCoordinateReferenceSystem(scheme.spatial_reference.user_input())
    if not crs.isValid():
        raise DrawingError(f"The cache's spatial reference {scheme.spatial_reference.user_input()[:80]!r} "
                           "is unknown to QGIS.")
    opened = open_project(project)
    try:
        check_map_theme(opened, map_theme)
    except DrawingError as error:
        opened.clear()
        del opened      # not kept alive by the traceback: QGIS objects must go before QGIS exits
        raise DrawingError(str(error)) from None
    return QgisDrawer(opened, map_theme, crs, scheme.dpi)


def worker_problems(project: str, map_theme: str | None, facts: dict) -> str:
    """A Dask worker's drawing pre-flight (core calls it by this module's name, with ``client_facts()`` of
    the client): QGIS started here, then what ``preflight.problems`` finds missing."""
    ensure_qgis()
    return problems(project, map_theme, facts)


__all__ = ["QgisDrawer", "client_facts", "ensure_qgis", "open_drawer", "worker_problems"]
