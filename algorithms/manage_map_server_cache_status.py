"""Manage Map Server Cache Status: parameters in, one call of core's bundle_status (and status_gpkg), the
GeoPackage loaded on the map styled by tile count, an HTML report out.

Without ArcGIS's status database the modes do this: REPORT_BUNDLE_STATUS writes ``Status.gpkg`` (one polygon
per bundle) into ``report_folder``; REBUILD_CACHE_STATUS writes the same ``Status.gpkg`` into the service's
cache folder (beside the data-frame folder, where ArcGIS keeps Status.gdb), replacing an earlier one;
DELETE_CACHE_STATUS removes that file. ArcGIS's own Status.gdb is never touched.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..qgiscompat import FILE_BEHAVIOR_FOLDER, NUMBER_INTEGER, PARAMETER_ADVANCED, SOURCE_VECTOR_POLYGON
from .caching_algorithm import FeedbackProgress, ServiceCacheAlgorithm
from .keywords import KeywordError, parse_all, parse_choice, parse_scales, parse_workers
from .parameters import described, raw_values
from .report import ImportReport
from .spatial import limits
from .status_report import StatusReport

MANAGE_MODES = ("REBUILD_CACHE_STATUS", "DELETE_CACHE_STATUS", "REPORT_BUNDLE_STATUS")
STATUS_FILE = "Status.gpkg"


class TileCountStyle(QgsProcessingLayerPostProcessorInterface):
    """Styles the loaded Status.gpkg: bundles graduated by tile count, few light, many dark."""

    def postProcessLayer(self, layer, context, feedback):
        from qgis.core import QgsClassificationQuantile, QgsGraduatedSymbolRenderer, QgsStyle

        renderer = QgsGraduatedSymbolRenderer("tiles")
        renderer.setClassificationMethod(QgsClassificationQuantile())
        ramp = QgsStyle.defaultStyle().colorRamp("Blues")
        if ramp is not None:
            renderer.setSourceColorRamp(ramp)
        renderer.updateClasses(layer, 5)
        layer.setRenderer(renderer)
        layer.setOpacity(0.7)
        layer.triggerRepaint()


class ManageMapServerCacheStatusAlgorithm(ServiceCacheAlgorithm):
    """Esri's "Manage Map Server Cache Status" (ArcGIS Server), with a GeoPackage for Status.gdb."""

    MANAGE_MODE = "manage_mode"
    SCALES = "scales"
    NUM_OF_CACHING_SERVICE_INSTANCES = "num_of_caching_service_instances"
    REPORT_FOLDER = "report_folder"
    AREA_OF_INTEREST = "area_of_interest"
    REPORT_EXTENT = "report_extent"
    INPUTS = (ServiceCacheAlgorithm.INPUT_SERVICE, MANAGE_MODE, SCALES, NUM_OF_CACHING_SERVICE_INSTANCES,
              REPORT_FOLDER, AREA_OF_INTEREST, REPORT_EXTENT)
    REPORT = "report"
    STATUS = "status"
    COUNTS = ("bundles", "tiles", "damaged")
    _styles: list = []   # post-processors must outlive processAlgorithm

    def tr(self, text):
        return QCoreApplication.translate("ManageMapServerCacheStatusAlgorithm", text)

    def createInstance(self):
        return ManageMapServerCacheStatusAlgorithm()

    def name(self):
        return "managemapservercachestatus"

    def displayName(self):
        return self.tr("Manage Map Server Cache Status")

    def tags(self):
        return self.tr("arcgis,esri,arcpy,tile,cache,bundle,status,report,geopackage").split(",")

    def shortDescription(self):
        return self.tr("Reports what a service's cache holds, bundle by bundle, as a GeoPackage and a "
                       "report.")

    def shortHelpString(self):
        return self.tr(
            "Reads every bundle of a map or image service cache on disk (or those of the chosen scales, "
            "extent or area of interest) and records its tiles, bytes, dead bytes (space no tile uses any "
            "more) and damaged tiles, as ArcGIS Server's tool of the same name does with Status.gdb.\n\n"
            "REPORT_BUNDLE_STATUS writes Status.gpkg, one polygon per bundle, into the report folder and "
            "loads it on the map, styled by tile count. REBUILD_CACHE_STATUS writes the same Status.gpkg "
            "into the service's cache folder (where ArcGIS keeps Status.gdb). DELETE_CACHE_STATUS removes "
            "that file. ArcGIS's Status.gdb is never changed. The HTML report has the totals per level and "
            "a coverage picture of each level.")

    def initAlgorithm(self, config=None):
        service = QgsProcessingParameterString(self.INPUT_SERVICE, self.tr("Input service"))
        self.addParameter(described(service, self.tr(
            "The service whose cache is read: its cache folder (the data-frame folder holding conf.xml, or "
            "the service folder above it) or a string such as GIS Servers/<connection>/[<folder>/]"
            "<service>.MapServer."), widget="service.ServiceWidgetWrapper"))
        self.addParameter(described(QgsProcessingParameterEnum(
            self.MANAGE_MODE, self.tr("Manage mode"),
            [self.tr("Rebuild cache status (REBUILD_CACHE_STATUS)"),
             self.tr("Delete cache status (DELETE_CACHE_STATUS)"),
             self.tr("Report bundle status (REPORT_BUNDLE_STATUS)")], defaultValue=2), self.tr(
            "REPORT_BUNDLE_STATUS (the default): Status.gpkg in the report folder. REBUILD_CACHE_STATUS: "
            "Status.gpkg in the service's cache folder. DELETE_CACHE_STATUS: remove that file.")))
        scales = QgsProcessingParameterString(self.SCALES, self.tr("Scales"), optional=True)
        self.addParameter(described(scales, self.tr(
            "The scales of the levels to read, separated by semicolons. Empty: every level."),
            widget="scales.ScalesWidgetWrapper"))
        workers = QgsProcessingParameterNumber(
            self.NUM_OF_CACHING_SERVICE_INSTANCES, self.tr("Number of parallel readers"), NUMBER_INTEGER,
            optional=True, minValue=1)
        workers.setFlags(workers.flags() | PARAMETER_ADVANCED)
        self.addParameter(described(workers, self.tr(
            "How many bundles are read at the same time (threads). Empty: 4.")))
        self.addParameter(described(QgsProcessingParameterFile(
            self.REPORT_FOLDER, self.tr("Report folder"), FILE_BEHAVIOR_FOLDER, optional=True), self.tr(
            "Where REPORT_BUNDLE_STATUS writes Status.gpkg (an existing one is replaced).")))
        self.addParameter(described(QgsProcessingParameterFeatureSource(
            self.AREA_OF_INTEREST, self.tr("Area of interest"), [SOURCE_VECTOR_POLYGON], optional=True),
            self.tr("Only bundles intersecting these polygons, in any CRS.")))
        self.addParameter(described(QgsProcessingParameterExtent(
            self.REPORT_EXTENT, self.tr("Report extent"), optional=True), self.tr(
            "Only bundles intersecting this rectangle, in any CRS. An area of interest takes precedence.")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Status report"), self.tr("HTML files (*.html)"),
            defaultValue=QgsProcessing.TEMPORARY_OUTPUT, optional=True, createByDefault=True))
        self.addOutput(QgsProcessingOutputVectorLayer(self.STATUS, self.tr("Bundle status")))
        for name, description in zip(self.COUNTS, (self.tr("Bundles"), self.tr("Tiles"),
                                                   self.tr("Damaged tiles"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def checkParameterValues(self, parameters, context):
        try:
            options = self._options(parameters, context)
            folder = self.service_folder(parameters, context)
            self._status_path(options, folder)
        except QgsProcessingException as error:
            return False, str(error)
        canonical = {**parameters, self.MANAGE_MODE: MANAGE_MODES.index(options["mode"]),
                     self.SCALES: ";".join(f"{scale:g}" for scale in options["scales"] or ()),
                     self.NUM_OF_CACHING_SERVICE_INSTANCES: options["workers"]}
        ok, message = super().checkParameterValues(canonical, context)
        if not ok or options["mode"] == "DELETE_CACHE_STATUS":
            return ok, message
        from ..core.errors import CacheError
        from ..core.reporting.bundle_status import selected_lods
        from ..core.sources.opening import open_cache

        try:
            with open_cache(folder) as cache:
                selected_lods(cache.scheme, options["scales"])
        except (CacheError, OSError) as error:
            return False, str(error)
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.reporting.bundle_status import StatusRequest, bundle_status
        from ..core.reporting.status_gpkg import write_status_gpkg

        feedback = feedback or QgsProcessingFeedback()
        options = self._options(parameters, context)
        folder = self.service_folder(parameters, context)
        path = self._status_path(options, folder)
        inputs = {name: ImportReport.describe(parameters.get(name)) for name in self.INPUTS}
        result, notes = None, []
        try:
            if options["mode"] == "DELETE_CACHE_STATUS":
                existed = path.exists()
                path.unlink(missing_ok=True)
                notes.append((self.tr("Removed {path}") if existed else self.tr("{path} did not exist: "
                              "nothing to remove")).format(path=path))
            else:
                extent, area = limits(self, parameters, context, feedback, folder, self.REPORT_EXTENT,
                                      self.AREA_OF_INTEREST)
                request = StatusRequest(folder, options["scales"], options["workers"], extent, area)
                result = bundle_status(request, FeedbackProgress(feedback))
                write_status_gpkg(result, path)
                notes.append(self.tr("Wrote {path}: {count} bundles").format(
                    path=path, count=len(result.bundles)))
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        for note in notes:
            feedback.pushInfo(note)
        counts = {"bundles": 0, "tiles": 0, "damaged": 0}
        if result is not None:
            counts = {"bundles": len(result.bundles), "tiles": sum(b.tiles for b in result.bundles),
                      "damaged": sum(b.damaged for b in result.bundles)}
        outputs: dict = {**counts, self.STATUS: str(path) if result is not None else None}
        if result is not None and context.project() is not None:
            self._load(path, context)
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report:
            StatusReport(result, options["mode"], inputs, notes).write_html(report)
            outputs[self.REPORT] = report
        return outputs

    def _load(self, path: Path, context) -> None:
        """Status.gpkg on the map when the run ends, styled by tile count."""
        details = QgsProcessingContext.LayerDetails(self.tr("Bundle status"), context.project(), self.STATUS)
        details.layerTypeHint = QgsProcessingUtils.LayerHint.Vector
        style = TileCountStyle()
        ManageMapServerCacheStatusAlgorithm._styles.append(style)
        details.setPostProcessor(style)
        context.addLayerToLoadOnCompletion(str(path), details)

    def _options(self, parameters, context) -> dict:
        raw = raw_values(parameters, (self.MANAGE_MODE, self.SCALES, self.NUM_OF_CACHING_SERVICE_INSTANCES),
                         context)
        try:
            options = parse_all(raw, {
                "mode": (self.MANAGE_MODE, lambda value: parse_choice(value, MANAGE_MODES, MANAGE_MODES[2])),
                "scales": (self.SCALES, parse_scales),
                "workers": (self.NUM_OF_CACHING_SERVICE_INSTANCES, parse_workers)})
        except KeywordError as error:
            raise QgsProcessingException(str(error)) from None
        options["report_folder"] = self.parameterAsFile(parameters, self.REPORT_FOLDER, context)
        return options

    def _status_path(self, options: dict, folder: Path) -> Path:
        """Where the mode writes or removes Status.gpkg; QgsProcessingException without a report folder."""
        if options["mode"] != "REPORT_BUNDLE_STATUS":
            return folder.parent / STATUS_FILE
        report_folder = options["report_folder"]
        if not report_folder:
            raise QgsProcessingException(self.tr(
                "report_folder: REPORT_BUNDLE_STATUS needs a folder to write Status.gpkg into"))
        if not Path(report_folder).is_dir():
            raise QgsProcessingException(self.tr("report_folder: {path} is not a folder").format(
                path=report_folder))
        return Path(report_folder) / STATUS_FILE
