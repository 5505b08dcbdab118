"""Create Map Tile Package: parameters in, the QGIS project's extent read, one call of core's
create_tile_package (a staged cache drawn by Manage Map Server Cache Tiles' engine, then packaged), the
package out. The same preparation runs in checkParameterValues, so every problem is reported before
anything is written."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProject,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..qgiscompat import ALGORITHM_CAN_CANCEL
from .caching_algorithm import CachingAlgorithm, FeedbackProgress
from .keywords import (
    PACKAGE_FORMAT_TYPES,
    PACKAGE_SERVICE_TYPES,
    PACKAGE_TYPES,
    KeywordError,
    parse_tile_package_keywords,
)
from .manage_map_server_cache_tiles import DRAWER, EXECUTOR
from .manage_report import TilePackageReport
from .parameters import raw_values
from .spatial import cache_crs, limits_in_crs
from .tile_package_parameters import TilePackageParameterNames, TilePackageParameters


class CreateMapTilePackageAlgorithm(CachingAlgorithm, TilePackageParameterNames):
    """Esri's "Create Map Tile Package" drawing a QGIS project into a .tpkx or .tpk."""

    COUNTS = ("drawn", "empty")

    def tr(self, text):
        return QCoreApplication.translate("CreateMapTilePackageAlgorithm", text)

    def createInstance(self):
        return CreateMapTilePackageAlgorithm()

    def name(self):
        return "createmaptilepackage"

    def displayName(self):
        return self.tr("Create Map Tile Package")

    def tags(self):
        return self.tr("arcgis,esri,arcpy,tile,package,tpk,tpkx,draw,render,field maps,offline").split(",")

    def flags(self):
        return super().flags() | ALGORITHM_CAN_CANCEL

    def shortDescription(self):
        return self.tr("Draws a QGIS project into an ArcGIS tile package (.tpkx or .tpk).")

    def shortHelpString(self):
        return self.tr(
            "Draws the map of a QGIS project into a tile package, as ArcGIS's tool of the same name does "
            "from a map: a .tpkx (Esri's open compact tile package, read by ArcGIS Pro, Field Maps, ArcGIS "
            "Online and GDAL 3.8+) or a .tpk (compact V1, read by ArcMap and ArcGIS Runtime), with the "
            "summary, tags, extent and a thumbnail in its item information.\n\n"
            "The tiling scheme is ArcGIS Online's (ONLINE) or that of an existing service (EXISTING: a "
            "conf.xml, a cache folder or a tile package). Levels min_level_of_detail to level_of_detail "
            "are drawn over the extent (default: the map's full extent) or the area of interest, by the "
            "same renderer as Manage Map Server Cache Tiles: the package's tiles are the tiles that tool "
            "draws into a cache of the same scheme. The tiles are drawn into a hidden folder beside the "
            "output, which is removed afterwards; the package appears whole or not at all.\n\n"
            "Parameters take arcpy's words as well: ONLINE / EXISTING, PNG ... MIXED, tpk / tpkx.")

    def initAlgorithm(self, config=None):
        for parameter in TilePackageParameters().definitions():
            self.addParameter(parameter)
        for name, description in zip(self.COUNTS, (self.tr("Tiles drawn"), self.tr("Empty tiles"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def checkParameterValues(self, parameters, context):
        try:
            options = self._keyword_options(parameters, context)
        except KeywordError as error:
            return False, str(error)
        canonical = {**parameters, self.SERVICE_TYPE: PACKAGE_SERVICE_TYPES.index(options["service_type"]),
                     self.FORMAT_TYPE: PACKAGE_FORMAT_TYPES.index(options["format_type"]),
                     self.PACKAGE_TYPE: PACKAGE_TYPES.index(options["package_type"]),
                     self.LEVEL_OF_DETAIL: options["level_of_detail"],
                     self.MIN_LEVEL_OF_DETAIL: options["min_level_of_detail"],
                     self.COMPRESSION_QUALITY: options["compression_quality"]}
        ok, message = super().checkParameterValues(canonical, context)
        if not ok:
            return ok, message
        from ..core.errors import CacheError
        from ..core.execution.tile_package import check_tile_package

        try:
            check_tile_package(self._request(parameters, context, options, None))
        except (CacheError, OSError, QgsProcessingException) as error:
            return False, str(error)
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.execution.tile_package import create_tile_package

        feedback = feedback or QgsProcessingFeedback()
        try:
            options = self._keyword_options(parameters, context)
        except KeywordError as error:
            raise QgsProcessingException(str(error)) from None
        request = self._request(parameters, context, options, feedback)
        feedback.pushInfo(self.tr("Drawing {project} into {output} (scheme {scheme}, levels {low} to {high}, "
                                  "{fmt})").format(
            project=request.project, output=request.output_file, scheme=options["service_type"],
            low=request.min_level_of_detail, high=request.level_of_detail, fmt=options["format_type"]))
        try:
            result = create_tile_package(request, FeedbackProgress(feedback))
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        report = TilePackageReport(result, {name: parameters.get(name) for name in self.INPUTS})
        for line in report.summary_lines():
            feedback.pushInfo(line)
        outputs = {self.OUTPUT_FILE: str(result.output), "drawn": result.drawn.drawn,
                   "empty": result.drawn.empty}
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            report.write_html(report_path)
            outputs[self.REPORT] = report_path
        return outputs

    def _request(self, parameters, context, options: dict, feedback):
        """The core TilePackageRequest the parameters describe; the map's project opened and checked."""
        from ..core.errors import CacheError
        from ..core.execution.tile_package import ServiceType, TilePackageRequest, package_scheme
        from ..core.packaging.package import PackageKind
        from ..drawing.project import check_map_theme, full_extent, open_project

        project_path = self._project_path(parameters, context)
        output = self.parameterAsFileOutput(parameters, self.OUTPUT_FILE, context)
        if not output:
            raise QgsProcessingException(self.tr("{name}: give the tile package to write").format(
                name=self.OUTPUT_FILE))
        service_file = self.parameterAsFile(parameters, self.SERVICE_FILE, context).strip() or None
        theme = self.parameterAsString(parameters, self.MAP_THEME, context).strip() or None
        kind = PackageKind[options["package_type"]]
        service_type = ServiceType[options["service_type"]]
        try:
            scheme = package_scheme(service_type, Path(service_file) if service_file else None,
                                    options["format_type"], options["compression_quality"], kind)
            crs = cache_crs(scheme.spatial_reference, self.SERVICE_FILE)
            project = open_project(project_path)
            try:
                check_map_theme(project, theme)
                extent, area = limits_in_crs(self, parameters, context, feedback, lambda: crs, self.EXTENT,
                                             self.AREA_OF_INTEREST)
                if extent is None:
                    extent = full_extent(project, theme, crs)
            finally:
                project.clear()
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        return TilePackageRequest(
            project=project_path, output_file=Path(output), extent=extent,
            level_of_detail=options["level_of_detail"], min_level_of_detail=options["min_level_of_detail"],
            service_type=service_type, service_file=Path(service_file) if service_file else None,
            format_type=options["format_type"], compression_quality=options["compression_quality"],
            package_type=kind, area_of_interest=area, map_theme=theme,
            summary=self.parameterAsString(parameters, self.SUMMARY, context),
            tags=self.parameterAsString(parameters, self.TAGS, context), drawer=DRAWER, executor=EXECUTOR)

    def _project_path(self, parameters, context) -> str:
        """in_map, else the open project's file, which must be saved."""
        path = self.parameterAsFile(parameters, self.IN_MAP, context).strip()
        if path:
            return path
        project = QgsProject.instance()
        if not project.fileName():
            raise QgsProcessingException(self.tr(
                "{name}: no project is open from a file: give the QGIS project, or save the open one "
                "first").format(name=self.IN_MAP))
        if project.isDirty():
            raise QgsProcessingException(self.tr(
                "{name}: the open project {path} has unsaved changes: save it first (the map is drawn from "
                "its file)").format(name=self.IN_MAP, path=project.fileName()))
        return project.fileName()

    def _keyword_options(self, parameters, context) -> dict:
        """The keyword parameters parsed from their raw values (data-defined ones evaluated)."""
        return parse_tile_package_keywords(raw_values(parameters, self.KEYWORDS, context))
