"""The extent and area of interest, given in any CRS, brought into the CRS of the target cache for core/."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingException,
    QgsRectangle,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..qgiscompat import POLYGON_GEOMETRY, WKB_MULTIPOLYGON, WKB_POLYGON


def target_crs(target_folder) -> QgsCoordinateReferenceSystem:
    """The CRS of the cache in a data-frame folder, from its conf.xml."""
    from ..core.errors import CacheError
    from ..core.formats.conf import find_conf_xml, read_conf_xml

    try:
        conf = find_conf_xml(target_folder)
        return cache_crs(read_conf_xml(conf).spatial_reference, str(conf))
    except CacheError as error:
        raise QgsProcessingException(str(error)) from None


def cache_crs(spatial_reference, where: str) -> QgsCoordinateReferenceSystem:
    """The QGIS CRS of a cache's SpatialReference: EPSG/ESRI code (102100 → EPSG:3857), else its WKT."""
    crs = QgsCoordinateReferenceSystem(spatial_reference.user_input())
    if not crs.isValid() and spatial_reference.wkt:
        crs = QgsCoordinateReferenceSystem.fromWkt(spatial_reference.wkt)
    if not crs.isValid():
        raise QgsProcessingException(QCoreApplication.translate(
            "spatial", "{where}: QGIS does not know the cache's spatial reference (WKID {wkid}, latest "
                       "WKID {latest}), so the extent or area of interest cannot be transformed to "
                       "it").format(
            where=where, wkid=spatial_reference.wkid, latest=spatial_reference.latest_wkid))
    return crs


def extent_in_crs(rectangle: QgsRectangle, rectangle_crs: QgsCoordinateReferenceSystem,
                  crs: QgsCoordinateReferenceSystem, transform_context):
    """core's Extent of the bounding box of `rectangle` in `crs` (no valid CRS: already in `crs`)."""
    from ..core.scheme import Extent

    if rectangle_crs.isValid() and rectangle_crs != crs:
        transform = QgsCoordinateTransform(rectangle_crs, crs, transform_context)
        try:
            rectangle = transform.transformBoundingBox(rectangle)
        except QgsCsException as error:
            raise QgsProcessingException(QCoreApplication.translate(
                "spatial", "The import extent cannot be transformed from {source} to {target}: "
                           "{error}").format(source=rectangle_crs.authid(), target=crs.authid(),
                                             error=error)) from None
    return Extent(rectangle.xMinimum(), rectangle.yMinimum(), rectangle.xMaximum(), rectangle.yMaximum())


def limits(algorithm, parameters, context, feedback, cache_folder, extent_name: str, area_name: str):
    """(extent, area of interest WKB) of an algorithm's extent and polygon parameters, in the CRS of the cache
    in ``cache_folder``; each None when not given (the import's and the export's)."""
    return limits_in_crs(algorithm, parameters, context, feedback, lambda: target_crs(cache_folder),
                         extent_name, area_name)


def limits_in_crs(algorithm, parameters, context, feedback,
                  crs_of: Callable[[], QgsCoordinateReferenceSystem], extent_name: str, area_name: str):
    """limits() into the CRS ``crs_of()`` gives (asked only when an extent or area is given)."""
    from .report import ImportReport

    rectangle = None
    if parameters.get(extent_name) not in (None, ""):
        rectangle = algorithm.parameterAsExtent(parameters, extent_name, context)
        rectangle = None if rectangle.isNull() else rectangle
    source = algorithm.parameterAsSource(parameters, area_name, context)
    if rectangle is None and source is None:
        return None, None
    crs = crs_of()
    extent = area = None
    if rectangle is not None:
        rectangle_crs = algorithm.parameterAsExtentCrs(parameters, extent_name, context)
        extent = extent_in_crs(rectangle, rectangle_crs, crs, context.transformContext())
    if source is not None:
        area = area_of_interest_wkb(source, crs, context.transformContext(), feedback,
                                    ImportReport.describe(parameters.get(area_name)))
    return extent, area


def area_of_interest_wkb(source, crs: QgsCoordinateReferenceSystem, transform_context, feedback,
                         name: str) -> bytes:
    """Every polygon of a feature source, transformed to `crs` and unioned, as 2D (Multi)Polygon WKB.

    The source is what QGIS hands the algorithm, so "selected features only" is already applied.
    """
    request = QgsFeatureRequest().setNoAttributes().setDestinationCrs(crs, transform_context)
    geometries = []
    try:
        for feature in source.getFeatures(request):
            if feedback is not None and feedback.isCanceled():
                break
            geometry = feature.geometry()
            if not geometry.isNull() and not geometry.isEmpty():
                geometries.append(geometry.makeValid())
    except QgsCsException as error:
        raise QgsProcessingException(QCoreApplication.translate(
            "spatial", "The area of interest {name} cannot be transformed to {target}: {error}").format(
            name=name, target=crs.authid(), error=error)) from None
    polygons = _polygons(QgsGeometry.unaryUnion(geometries)) if geometries else None
    if polygons is None:
        raise QgsProcessingException(QCoreApplication.translate(
            "spatial", "The area of interest {name} holds no polygon (with “selected features only”, select "
                       "some polygons first)").format(name=name))
    return bytes(polygons.asWkb())


def _polygons(geometry: QgsGeometry) -> QgsGeometry | None:
    """The polygonal part of a geometry, curves made straight, Z and M dropped; None when nothing is left."""
    if geometry.isNull() or geometry.isEmpty():
        return None
    flat = geometry.constGet().segmentize()
    flat.dropZValue()
    flat.dropMValue()
    result = QgsGeometry(flat)
    polygonal = (WKB_POLYGON, WKB_MULTIPOLYGON)
    if QgsWkbTypes.flatType(result.wkbType()) not in polygonal:
        result = result.convertToType(POLYGON_GEOMETRY, True)
    if result is None or result.isNull() or result.isEmpty():
        return None
    return result
