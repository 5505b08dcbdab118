"""Manage Map Server Cache Tiles' parameters: arcpy's names (input_service, scales, update_mode, ...) plus
in_map, map_theme and the report; definitions and help texts, translated in ManageParameters' context."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..qgiscompat import FILE_BEHAVIOR_FILE, NUMBER_INTEGER, SOURCE_VECTOR_POLYGON
from .parameters import described


class ManageParameterNames:
    """The parameters' names, inherited by the algorithm."""

    INPUT_SERVICE = "input_service"
    SCALES = "scales"
    UPDATE_MODE = "update_mode"
    NUM_OF_CACHING_SERVICE_INSTANCES = "num_of_caching_service_instances"
    AREA_OF_INTEREST = "area_of_interest"
    UPDATE_EXTENT = "update_extent"
    WAIT_FOR_JOB_COMPLETION = "wait_for_job_completion"
    IN_MAP = "in_map"
    MAP_THEME = "map_theme"
    INPUTS = (INPUT_SERVICE, SCALES, UPDATE_MODE, NUM_OF_CACHING_SERVICE_INSTANCES, AREA_OF_INTEREST,
              UPDATE_EXTENT, WAIT_FOR_JOB_COMPLETION, IN_MAP, MAP_THEME)
    KEYWORDS = (SCALES, UPDATE_MODE, NUM_OF_CACHING_SERVICE_INSTANCES, WAIT_FOR_JOB_COMPLETION)
    REPORT = "report"


class ManageParameters(ManageParameterNames):
    """The definitions, made afresh for each algorithm instance (so in the current language)."""

    def tr(self, text):
        return QCoreApplication.translate("ManageParameters", text)

    def definitions(self) -> list[QgsProcessingParameterDefinition]:
        report = QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Report"), self.tr("HTML files (*.html)"),
            defaultValue=QgsProcessing.TEMPORARY_OUTPUT, optional=True, createByDefault=True)
        report.setHelp(self.tr("An HTML page with the counts level by level, a coverage picture per level "
                               "and a few of the tiles drawn."))
        return [*self.inputs(), report]

    def inputs(self) -> list[QgsProcessingParameterDefinition]:
        return [
            described(QgsProcessingParameterString(self.INPUT_SERVICE, self.tr("Input service")), self.tr(
                "The service whose cache is drawn: its cache folder (the data-frame folder holding conf.xml, "
                "or the service folder above it) or a string such as GIS Servers/<connection>/[<folder>/]"
                "<service>.MapServer, resolved through the server connections."),
                widget="service.ServiceWidgetWrapper"),
            described(QgsProcessingParameterString(self.SCALES, self.tr("Scales"), optional=True), self.tr(
                "The scales of the levels to draw or delete, separated by semicolons (e.g. 500000;250000). "
                "Every scale must be one the cache has. Empty: every level of the cache."),
                widget="scales.CacheScalesWidgetWrapper"),
            described(QgsProcessingParameterEnum(
                self.UPDATE_MODE, self.tr("Update mode"),
                [self.tr("Recreate all tiles (RECREATE_ALL_TILES)"),
                 self.tr("Recreate empty tiles (RECREATE_EMPTY_TILES)"),
                 self.tr("Delete tiles (DELETE_TILES)")], defaultValue=0), self.tr(
                "RECREATE_ALL_TILES draws every tile of the chosen levels that touches the area of interest "
                "(else the extent, else the cache's full extent) and replaces what was there. "
                "RECREATE_EMPTY_TILES draws only the tiles the cache lacks: it finishes an interrupted run. "
                "DELETE_TILES removes the tiles that touch the area or extent. Tiles outside stay as they "
                "are. A tile where the map draws nothing is not stored.")),
            described(QgsProcessingParameterNumber(
                self.NUM_OF_CACHING_SERVICE_INSTANCES, self.tr("Number of caching service instances"),
                NUMBER_INTEGER, optional=True, minValue=-1), self.tr(
                "How many supertiles are drawn at the same time, each by its own copy of the map's layers; "
                "on a Dask cluster (a scheduler named for the service's connection), how many bundles its "
                "workers draw at once. Empty or -1: one per processor core, or every worker thread of the "
                "cluster."), advanced=True),
            described(QgsProcessingParameterFeatureSource(
                self.AREA_OF_INTEREST, self.tr("Area of interest"), [SOURCE_VECTOR_POLYGON], optional=True),
                self.tr("Polygons limiting the tiles drawn or deleted, in any CRS: every tile touching them. "
                        "Takes precedence over the update extent.")),
            described(QgsProcessingParameterExtent(
                self.UPDATE_EXTENT, self.tr("Update extent"), optional=True), self.tr(
                "A rectangle, in any CRS, limiting the tiles drawn or deleted. Empty: the cache's full "
                "extent (conf.cdi).")),
            described(QgsProcessingParameterEnum(
                self.WAIT_FOR_JOB_COMPLETION, self.tr("Wait for job completion"),
                [self.tr("Wait (WAIT)"), self.tr("Do not wait (DO_NOT_WAIT)")], defaultValue=0), self.tr(
                "Accepted for arcpy scripts. Tiles are drawn by this QGIS, not by a server job, so the tool "
                "always finishes the work before it returns; DO_NOT_WAIT only says so in the log. To go on "
                "working, run the tool in the background (the dialog does) or from qgis_process."),
                advanced=True),
            described(QgsProcessingParameterFile(
                self.IN_MAP, self.tr("Map (QGIS project)"), FILE_BEHAVIOR_FILE, optional=True,
                fileFilter=self.tr("QGIS projects (*.qgz *.qgs *.QGZ *.QGS)")), self.tr(
                "The QGIS project (.qgz, .qgs) to draw. Empty: the map the cache remembers (Create Map "
                "Server Cache records it). The project is read from its file: save it first.")),
            described(QgsProcessingParameterString(self.MAP_THEME, self.tr("Map theme"), optional=True),
                      self.tr("A map theme of the project: its layers and styles are drawn. Empty: the "
                              "theme the cache remembers, else the layers visible in the saved project.")),
        ]
