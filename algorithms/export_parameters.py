"""Export Map Server Cache's parameters: arcpy's names and keywords, definitions and help texts.

Keyword parameters use QGIS's own types (enum, boolean, string, integer) so that the dialog, batch mode and
the modeler show native widgets; their raw values are parsed by keywords.parse_export_keywords, which also
takes arcpy's words. The strings are translated in ExportParameters' context.
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
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

from ..qgiscompat import FILE_BEHAVIOR_FOLDER, NUMBER_INTEGER, SOURCE_VECTOR_POLYGON
from .parameters import described


class ExportParameterNames:
    """The parameters' names, arcpy's keywords in lower case."""

    INPUT_SERVICE = "input_service"
    TARGET_CACHE_PATH = "target_cache_path"
    EXPORT_CACHE_TYPE = "export_cache_type"
    COPY_DATA_FROM_SERVER = "copy_data_from_server"
    STORAGE_FORMAT_TYPE = "storage_format_type"
    SCALES = "scales"
    NUM_OF_CACHING_SERVICE_INSTANCES = "num_of_caching_service_instances"
    AREA_OF_INTEREST = "area_of_interest"
    EXPORT_EXTENT = "export_extent"
    OVERWRITE = "overwrite"
    INPUTS = (INPUT_SERVICE, TARGET_CACHE_PATH, EXPORT_CACHE_TYPE, COPY_DATA_FROM_SERVER, STORAGE_FORMAT_TYPE,
              SCALES, NUM_OF_CACHING_SERVICE_INSTANCES, AREA_OF_INTEREST, EXPORT_EXTENT, OVERWRITE)
    KEYWORDS = (EXPORT_CACHE_TYPE, COPY_DATA_FROM_SERVER, STORAGE_FORMAT_TYPE, OVERWRITE, SCALES,
                NUM_OF_CACHING_SERVICE_INSTANCES)
    REPORT = "report"


class ExportParameters(ExportParameterNames):
    """The definitions, made afresh for each algorithm instance (so in the current language)."""

    def tr(self, text):
        return QCoreApplication.translate("ExportParameters", text)

    def definitions(self) -> list[QgsProcessingParameterDefinition]:
        """INPUTS in arcpy's order, then the report."""
        report = QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Export report"), self.tr("HTML files (*.html)"),
            defaultValue=QgsProcessing.TEMPORARY_OUTPUT, optional=True, createByDefault=True)
        report.setHelp(self.tr("An HTML page with the counts of the export, level by level."))
        return [*self.inputs(), report]

    def inputs(self) -> list[QgsProcessingParameterDefinition]:
        return [
            described(QgsProcessingParameterString(self.INPUT_SERVICE, self.tr("Input service")), self.tr(
                "The service whose cache tiles are exported: its cache folder (the data-frame folder holding "
                "conf.xml, or the service folder above it) or a string such as GIS Servers/<connection>/"
                "[<folder>/]<service>.MapServer, resolved through the plugin's server connections. It is "
                "only read."), widget="service.ServiceWidgetWrapper"),
            described(QgsProcessingParameterFile(
                self.TARGET_CACHE_PATH, self.tr("Target cache path"), FILE_BEHAVIOR_FOLDER), self.tr(
                "An existing folder receiving the export: a cache dataset goes to <target cache path>/"
                "<service cache folder>/<data frame> (as in arcgiscache), a tile package to <target cache "
                "path>/<service cache folder>.tpk or .tpkx.")),
            described(QgsProcessingParameterEnum(
                self.EXPORT_CACHE_TYPE, self.tr("Export cache type"),
                [self.tr("Cache dataset (CACHE_DATASET)"), self.tr("Tile package (TILE_PACKAGE)")],
                defaultValue=0), self.tr(
                "A cache folder that other caches can import and GIS software can open (CACHE_DATASET), or "
                "one tile package file (TILE_PACKAGE): .tpk for COMPACT storage, .tpkx for COMPACT_V2.")),
            described(QgsProcessingParameterBoolean(
                self.COPY_DATA_FROM_SERVER, self.tr("Copy data from server"), defaultValue=False), self.tr(
                "Write the export in the server's output folder (arcgissystem/arcgisoutput) first and copy "
                "the result to the target cache path, then remove the staged copy (COPY_DATA); for a target "
                "the server account cannot write. Off: written in place (DO_NOT_COPY)."), advanced=True),
            described(QgsProcessingParameterEnum(
                self.STORAGE_FORMAT_TYPE, self.tr("Storage format"),
                [self.tr("Compact (COMPACT)"), self.tr("Compact V2 (COMPACT_V2)"),
                 self.tr("Exploded (EXPLODED)")], defaultValue=0), self.tr(
                "How the exported tiles are stored, whatever the service's storage: compact V1 bundles, "
                "compact V2 bundles or one file per tile. Tiles keep their bytes. A tile package cannot be "
                "exploded.")),
            described(QgsProcessingParameterString(self.SCALES, self.tr("Scales"), optional=True), self.tr(
                "The scales of the levels to export, separated by semicolons (e.g. 500000;250000), or a list "
                "of numbers from Python. Every scale must be one the service caches. Empty: every level."),
                widget="scales.ScalesWidgetWrapper"),
            described(QgsProcessingParameterNumber(
                self.NUM_OF_CACHING_SERVICE_INSTANCES, self.tr("Number of parallel workers"),
                NUMBER_INTEGER, optional=True, minValue=1), self.tr(
                "How many worker processes export tiles at the same time (on a Dask cluster named for the "
                "service's connection: tasks in flight). Empty: one per processor core."), advanced=True),
            described(QgsProcessingParameterFeatureSource(
                self.AREA_OF_INTEREST, self.tr("Area of interest"),
                [SOURCE_VECTOR_POLYGON], optional=True), self.tr(
                "Polygons limiting the export, in any CRS (all features united). Tiles on the boundary are "
                "clipped: a pixel is exported when its centre lies inside.")),
            described(QgsProcessingParameterExtent(
                self.EXPORT_EXTENT, self.tr("Export extent"), optional=True), self.tr(
                "Export only the tiles that intersect this rectangle, in any CRS. Empty: the service's full "
                "extent. An area of interest takes precedence.")),
            described(QgsProcessingParameterBoolean(
                self.OVERWRITE, self.tr("Overwrite tiles"), defaultValue=False), self.tr(
                "When an earlier export is in the same place: On (OVERWRITE), exported pixels replace its "
                "tiles; off (MERGE, the default), they are blended over them. Its other tiles stay.")),
        ]


