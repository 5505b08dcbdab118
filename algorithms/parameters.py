"""The import's parameters, shared by the import algorithm and its preview: names, definitions, help texts.

The names are arcpy's keywords in lower case and class attributes of both algorithms (ParameterNames). The
keyword parameters are declared with QGIS's own types (enum, boolean, string, integer), so that the dialog,
batch mode and the modeler show native widgets. The strings are translated in ImportParameters' context.
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
    QgsProperty,
)
from qgis.PyQt.QtCore import QCoreApplication, QVariant

from ..qgiscompat import (
    FILE_BEHAVIOR_FILE,
    FILE_BEHAVIOR_FOLDER,
    NUMBER_INTEGER,
    PARAMETER_ADVANCED,
    SOURCE_VECTOR_POLYGON,
)


def widget_metadata(wrapper: str) -> dict:
    """Metadata showing a parameter in the algorithm dialog with a wrapper of algorithms.widgets, named by its
    dotted path so that it is imported only when a dialog opens (never by qgis_process or processing.run)."""
    return {"widget_wrapper": {"class": f"{__package__}.widgets.{wrapper}"}}


def raw_values(parameters: dict, names, context) -> dict:
    """The values given for ``names`` as they are (data-defined ones evaluated, null variants None), for
    keywords.py to parse: QGIS's own readers take any word for true."""
    raw = {}
    for name in names:
        value = parameters.get(name)
        if isinstance(value, QgsProperty):
            value, _ = value.value(context.expressionContext(), None)
        if isinstance(value, QVariant):
            value = None if value.isNull() else value.value()
        raw[name] = value
    return raw


def described(parameter: QgsProcessingParameterDefinition, help_text: str, advanced: bool = False,
              widget: str | None = None) -> QgsProcessingParameterDefinition:
    """The parameter with its help text, flagged advanced, shown with a dialog wrapper when one is named."""
    parameter.setHelp(help_text)
    if widget is not None:
        parameter.setMetadata({**parameter.metadata(), **widget_metadata(widget)})
    if advanced:
        parameter.setFlags(parameter.flags() | PARAMETER_ADVANCED)
    return parameter


class ParameterNames:
    """The parameters' names, inherited by both algorithms (ImportMapServerCacheAlgorithm.SCALES)."""

    INPUT_SERVICE = "input_service"
    SOURCE_CACHE_TYPE = "source_cache_type"
    SOURCE_CACHE_DATASET = "source_cache_dataset"
    SOURCE_TILE_PACKAGE = "source_tile_package"
    UPLOAD_DATA_TO_SERVER = "upload_data_to_server"
    SCALES = "scales"
    NUM_OF_CACHING_SERVICE_INSTANCES = "num_of_caching_service_instances"
    IMPORT_EXTENT = "import_extent"
    AREA_OF_INTEREST = "area_of_interest"
    OVERWRITE = "overwrite"
    INPUTS = (INPUT_SERVICE, SOURCE_CACHE_TYPE, SOURCE_CACHE_DATASET, SOURCE_TILE_PACKAGE,
              UPLOAD_DATA_TO_SERVER, SCALES, NUM_OF_CACHING_SERVICE_INSTANCES, IMPORT_EXTENT,
              AREA_OF_INTEREST, OVERWRITE)
    REPORT = "report"


class ImportParameters(ParameterNames):
    """The parameters' definitions, made afresh for each algorithm instance (so in the current language)."""

    def tr(self, text):
        return QCoreApplication.translate("ImportParameters", text)

    def definitions(self, report_description: str,
                    report_help: str) -> list[QgsProcessingParameterDefinition]:
        """The parameters of an import (INPUTS) in dialog order, then the report's in the caller's words."""
        return [*self.inputs(), self.report(report_description, report_help)]

    def report(self, description: str, help_text: str) -> QgsProcessingParameterFileDestination:
        """The report's HTML file destination (a temporary file unless given)."""
        parameter = QgsProcessingParameterFileDestination(
            self.REPORT, description, self.tr("HTML files (*.html)"),
            defaultValue=QgsProcessing.TEMPORARY_OUTPUT, optional=True, createByDefault=True)
        parameter.setHelp(help_text)
        return parameter

    def inputs(self) -> list[QgsProcessingParameterDefinition]:
        """The parameters of INPUTS, in that order."""
        return [
            described(QgsProcessingParameterString(self.INPUT_SERVICE, self.tr("Input service")), self.tr(
                "The service whose cache receives the tiles: its cache folder (the data-frame folder holding "
                "conf.xml, or the service folder above it) or a string such as GIS Servers/<connection>/"
                "[<folder>/]<service>.MapServer, resolved through the server connections of the plugin "
                "settings or of the MAP_SERVER_CACHE_SERVERS environment variable."),
                widget="service.ServiceWidgetWrapper"),
            described(QgsProcessingParameterEnum(
                self.SOURCE_CACHE_TYPE, self.tr("Source cache type"),
                [self.tr("Cache dataset (CACHE_DATASET)"), self.tr("Tile package (TILE_PACKAGE)")],
                defaultValue=0), self.tr("Where the tiles come from: a cache folder (CACHE_DATASET) or a "
                                         "tile package (TILE_PACKAGE)."),
                widget="source_type.SourceTypeWidgetWrapper"),
            described(QgsProcessingParameterFile(
                self.SOURCE_CACHE_DATASET, self.tr("Source cache dataset"),
                FILE_BEHAVIOR_FOLDER, optional=True), self.tr(
                "The cache folder to import from, usually one exported earlier: the folder named after the "
                "data frame (holding conf.xml), or the service folder above it. Used with CACHE_DATASET.")),
            described(QgsProcessingParameterFile(
                self.SOURCE_TILE_PACKAGE, self.tr("Source tile package"),
                FILE_BEHAVIOR_FILE, optional=True,
                fileFilter=self.tr("Tile packages (*.tpk *.tpkx *.TPK *.TPKX)")), self.tr(
                "The tile package (.tpk or .tpkx) to import from. Used with TILE_PACKAGE; a package is "
                "always staged in the server's uploads folder first.")),
            described(QgsProcessingParameterBoolean(
                self.UPLOAD_DATA_TO_SERVER, self.tr("Upload data to server"), defaultValue=False), self.tr(
                "Copy the source into the server's uploads folder (arcgissystem/arcgisuploads) and import "
                "from the copy, which is removed afterwards (UPLOAD_DATA). Off by default (DO_NOT_UPLOAD)."),
                advanced=True),
            described(QgsProcessingParameterString(self.SCALES, self.tr("Scales"), optional=True), self.tr(
                "The scales of the levels to import, separated by semicolons (e.g. 500000;250000), or a list "
                "of numbers from Python. Every scale must be one the target caches. Empty: every level that "
                "source and target share."), widget="scales.ScalesWidgetWrapper"),
            described(QgsProcessingParameterNumber(
                self.NUM_OF_CACHING_SERVICE_INSTANCES, self.tr("Number of parallel workers"),
                NUMBER_INTEGER, optional=True, minValue=1), self.tr(
                "How many worker processes of the local pool import tiles at the same time, each owning "
                "whole bundles (bundles copied whole as files, on as many threads); on a Dask cluster (a "
                "scheduler named for the service's connection), how many tasks are in flight at once. "
                "Empty: one process per processor core, or every worker thread of the cluster."),
                advanced=True),
            described(QgsProcessingParameterExtent(
                self.IMPORT_EXTENT, self.tr("Import extent"), optional=True), self.tr(
                "Import only the tiles that intersect this rectangle, given in any CRS. Empty: the full "
                "extent of the target service. An area of interest takes precedence.")),
            described(QgsProcessingParameterFeatureSource(
                self.AREA_OF_INTEREST, self.tr("Area of interest"),
                [SOURCE_VECTOR_POLYGON], optional=True), self.tr(
                "Polygons limiting the import, in any CRS (all features are united; \"selected features "
                "only\" is honoured). Tiles on the boundary are clipped: a pixel is imported when its centre "
                "lies inside.")),
            described(QgsProcessingParameterBoolean(
                self.OVERWRITE, self.tr("Overwrite tiles"), defaultValue=False), self.tr(
                "On (OVERWRITE): imported pixels replace the target's, transparent ones included. Off "
                "(MERGE, the default): imported tiles are blended over the target's tiles.")),
        ]
