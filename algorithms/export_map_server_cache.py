"""Export Map Server Cache: parameters in, one call of core.execution.export.export_cache, progress and
cancel out. Keyword values go through keywords.parse_export_keywords (arcpy's words and QGIS's forms);
checkParameterValues runs core's own checks (check_export) so the dialog refuses bad input before Run."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
)
from qgis.PyQt.QtCore import QCoreApplication

from .caching_algorithm import CachingAlgorithm, FeedbackProgress
from .export_parameters import ExportParameterNames, ExportParameters
from .export_report import ExportReport
from .keywords import (
    COPY_WORDS,
    EXPORT_TYPES,
    STORAGE_TYPES,
    TILE_ROW_ORDERS,
    KeywordError,
    parse_export_keywords,
)
from .parameters import raw_values
from .spatial import limits


class ExportMapServerCacheAlgorithm(CachingAlgorithm, ExportParameterNames):
    """Esri's "Export Map Server Cache" (ArcGIS Server) with the same parameter names and keywords."""

    TARGET_CACHE = "target_cache"
    COUNTS = ("exported", "clipped", "skipped", "damaged")

    def tr(self, text):
        return QCoreApplication.translate("ExportMapServerCacheAlgorithm", text)

    def createInstance(self):
        return ExportMapServerCacheAlgorithm()

    def name(self):
        return "exportmapservercache"

    def displayName(self):
        return self.tr("Export Map Server Cache")

    def tags(self):
        return self.tr("arcgis,esri,arcpy,tile,cache,tpk,tpkx,bundle,export,package").split(",")

    def shortDescription(self):
        return self.tr("Exports tiles of an ArcGIS Server service cache as a cache folder or a tile package.")

    def shortHelpString(self):
        return self.tr(
            "Copies tiles of a map or image service cache on disk into a cache folder or a tile package, "
            "as ArcGIS Server's tool of the same name does. The service is only read.\n\n"
            "A cache dataset (CACHE_DATASET) goes to <target cache path>/<service cache folder>/<data "
            "frame> in the chosen storage format (COMPACT, COMPACT_V2 or EXPLODED): tiles keep their bytes. "
            "A tile package (TILE_PACKAGE) is a .tpk for COMPACT and a .tpkx for COMPACT_V2, with item info "
            "(summary, tags, extent) and a thumbnail drawn from the tiles; an exploded package is refused."
            "\n\n"
            "Choose the levels by scale, limit the export to an extent or to polygons (tiles on the boundary "
            "are clipped pixel by pixel). An earlier export in the same place is blended into (MERGE) or its "
            "tiles replaced (OVERWRITE). COPY_DATA writes in the server's output folder "
            "(arcgissystem/arcgisoutput) first, then copies the result to the target.\n\n"
            "MBTILES, GEOPACKAGE and TILE_FOLDER write the tiles for QGIS, GDAL and web maps: an MBTiles "
            "file (rows flipped, TMS), a GeoPackage tile table (the cache's own grid as its tile matrix "
            "set) or a {z}/{x}/{y} folder (XYZ or TMS rows). MBTiles and tile folders take the ArcGIS "
            "Online grid (Web Mercator, 256 px): each level goes to the zoom of the same resolution.")

    def initAlgorithm(self, config=None):
        for parameter in ExportParameters().definitions():
            self.addParameter(parameter)
        self.addOutput(QgsProcessingOutputFile(self.TARGET_CACHE,
                                               self.tr("Exported cache folder or package")))
        for name, description in zip(self.COUNTS, (
                self.tr("Tiles exported"), self.tr("Tiles clipped"), self.tr("Tiles skipped"),
                self.tr("Damaged tiles"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def checkParameterValues(self, parameters, context):
        try:
            options = self._keyword_options(parameters, context)
        except KeywordError as error:
            return False, str(error)
        canonical = {**parameters, self.EXPORT_CACHE_TYPE: EXPORT_TYPES.index(options["export_type"]),
                     self.STORAGE_FORMAT_TYPE: STORAGE_TYPES.index(options["storage"]),
                     self.COPY_DATA_FROM_SERVER: options["copy_data"], self.OVERWRITE: options["overwrite"],
                     self.SCALES: ";".join(f"{scale:g}" for scale in options["scales"] or ()),
                     self.NUM_OF_CACHING_SERVICE_INSTANCES: options["workers"],
                     self.TILE_ROW_ORDER: TILE_ROW_ORDERS.index(options["tile_rows"])}
        ok, message = super().checkParameterValues(canonical, context)
        if not ok:
            return ok, message
        from ..core.errors import CacheError
        from ..core.execution.export import check_export

        try:
            check_export(self._request(parameters, context, options, None, None))
        except (CacheError, OSError, QgsProcessingException) as error:
            return False, str(error)
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.execution.export import export_cache

        feedback = feedback or QgsProcessingFeedback()
        try:
            options = self._keyword_options(parameters, context)
        except KeywordError as error:
            raise QgsProcessingException(str(error)) from None
        source = self._service(parameters, context)
        extent, area = self._limits(parameters, context, feedback, source)
        request = self._request(parameters, context, options, extent, area)
        feedback.pushInfo(self.tr("Exporting {source} into {target} as {kind} ({storage}, {copy})").format(
            source=request.source, target=request.target_cache_path, kind=options["export_type"],
            storage=options["storage"], copy=COPY_WORDS[0] if request.copy_data else COPY_WORDS[1]))
        try:
            result = export_cache(request, FeedbackProgress(feedback))
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        report = ExportReport(result.imported, {name: parameters.get(name) for name in self.INPUTS})
        for line in report.summary_lines():
            feedback.pushInfo(line)
        counts = report.counts()
        outputs = {self.TARGET_CACHE: str(result.output), "exported": counts["imported"],
                   "clipped": counts["clipped"], "skipped": counts["skipped"], "damaged": counts["damaged"]}
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            report.write_html(report_path)
            outputs[self.REPORT] = report_path
        return outputs

    def _request(self, parameters, context, options: dict, extent, area):
        """The core ExportRequest the parameters describe."""
        from ..core.execution.export import ExportRequest, ExportType
        from ..core.scheme import StorageFormat
        from ..settings import connection_scheduler, flush_new_bundles

        source = self._service(parameters, context)
        target = self.parameterAsFile(parameters, self.TARGET_CACHE_PATH, context)
        if not target:
            raise QgsProcessingException(self.tr("{name}: give the folder to export into").format(
                name=self.TARGET_CACHE_PATH))
        return ExportRequest(
            source=source, target_cache_path=Path(target), export_type=ExportType[options["export_type"]],
            storage_format=StorageFormat[options["storage"]], copy_data=options["copy_data"],
            scales=options["scales"], workers=options["workers"], extent=extent, area_of_interest=area,
            overwrite=options["overwrite"], flush_new_bundles=flush_new_bundles(),
            tile_rows=options["tile_rows"],
            scheduler=connection_scheduler(self.parameterAsString(parameters, self.INPUT_SERVICE, context),
                                           source))

    def _keyword_options(self, parameters, context) -> dict:
        """The keyword parameters parsed from their raw values (data-defined ones evaluated)."""
        return parse_export_keywords(raw_values(parameters, self.KEYWORDS, context))

    def _service(self, parameters, context) -> Path:
        """The service's data-frame folder, from a folder or a service string and the server connections."""
        from ..core.errors import CacheError
        from ..core.sources.services import resolve_input_service
        from ..settings import all_connections

        value = self.parameterAsString(parameters, self.INPUT_SERVICE, context)
        try:
            return resolve_input_service(value, all_connections())
        except CacheError as error:
            raise QgsProcessingException(f"{self.INPUT_SERVICE}: {error}") from None

    def _limits(self, parameters, context, feedback, service: Path):
        """(extent, area of interest WKB) in the service cache's CRS, each None when not given."""
        return limits(self, parameters, context, feedback, service, self.EXPORT_EXTENT, self.AREA_OF_INTEREST)
