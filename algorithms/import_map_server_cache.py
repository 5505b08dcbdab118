"""Import Map Server Cache: parameters in, one call of core.engine.import_cache, progress and cancel out.

The parameters are defined in algorithms.parameters; their raw values go through algorithms.keywords, which
also takes arcpy's words. checkParameterValues turns those words into QGIS's canonical forms before QGIS's
own checks run. Everything is read in processAlgorithm, so processing.run raises with the actual message.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFolder,
    QgsProcessingOutputNumber,
    QgsProcessingOutputRasterLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from .cache_layer import cache_layer
from .caching_algorithm import CachingAlgorithm, FeedbackProgress
from .keywords import OVERWRITE_WORDS, SOURCE_TYPES, TILE_ROW_ORDERS, KeywordError, parse_keyword_parameters
from .parameters import ImportParameters, ParameterNames, raw_values
from .report import ImportReport
from .spatial import limits

PACKAGE_SUFFIXES = (".tpk", ".tpkx")



class ImportMapServerCacheAlgorithm(CachingAlgorithm, ParameterNames):
    """Esri's "Import Map Server Cache" (ArcGIS Server) with the same parameter names and keywords."""

    TARGET_CACHE = "target_cache"
    TARGET_LAYER = "target_layer"
    COUNTS = ("imported", "blended", "clipped", "skipped", "damaged")

    def tr(self, text):
        return QCoreApplication.translate("ImportMapServerCacheAlgorithm", text)

    def createInstance(self):
        return ImportMapServerCacheAlgorithm()

    def name(self):
        return "importmapservercache"

    def displayName(self):
        return self.tr("Import Map Server Cache")

    def tags(self):
        return self.tr("arcgis,esri,arcpy,tile,cache,tpk,tpkx,bundle,import,merge,overwrite").split(",")

    def shortDescription(self):
        return self.tr("Imports tiles from a cache folder or a tile package into an ArcGIS Server "
                       "service cache.")

    def shortHelpString(self):
        return self.tr(
            "Copies tiles from an exported cache folder or a tile package (.tpk, .tpkx) into the cache of "
            "a map or image service on disk, as ArcGIS Server's tool of the same name does. Source and "
            "target must share tiling scheme, storage format and tile format.\n\n"
            "Choose the levels by scale, limit the import to an extent or to polygons (tiles on the "
            "boundary are clipped pixel by pixel), and either blend the new tiles over the old ones "
            "(MERGE, the default) or replace them (OVERWRITE).\n\n"
            "Parameters take arcpy's words as well: CACHE_DATASET / TILE_PACKAGE, UPLOAD_DATA / "
            "DO_NOT_UPLOAD, OVERWRITE / MERGE, and scales as \"500000;250000\".")

    def initAlgorithm(self, config=None):
        self.add_parameters(self.tr("Import report"), self.tr(
            "An HTML page with the counts of the import, level by level."))
        self.addOutput(QgsProcessingOutputFolder(self.TARGET_CACHE, self.tr("Target cache folder")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.TARGET_LAYER, self.tr("Updated target cache")))
        for name, description in zip(self.COUNTS, (
                self.tr("Tiles imported"), self.tr("Tiles blended"), self.tr("Tiles clipped"),
                self.tr("Tiles skipped"), self.tr("Damaged source tiles"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def add_parameters(self, report_description: str, report_help: str) -> None:
        """The import's parameters (INPUTS) and the report's, with this algorithm's words for the report;
        shared with the preview."""
        for parameter in ImportParameters().definitions(report_description, report_help):
            self.addParameter(parameter)

    def checkParameterValues(self, parameters, context):
        try:
            options = self._keyword_options(parameters, context)
            source = self._source_path(parameters, context, options["source_type"])
        except (KeywordError, QgsProcessingException) as error:
            return False, str(error)
        canonical = {**parameters, self.SOURCE_CACHE_TYPE: SOURCE_TYPES.index(options["source_type"]),
                     self.UPLOAD_DATA_TO_SERVER: options["upload"], self.OVERWRITE: options["overwrite"],
                     self.SCALES: ";".join(f"{scale:g}" for scale in options["scales"] or ()),
                     self.NUM_OF_CACHING_SERVICE_INSTANCES: options["workers"],
                     self.TILE_ROW_ORDER: TILE_ROW_ORDERS.index(options["tile_rows"])}
        ok, message = super().checkParameterValues(canonical, context)
        if not ok:
            return ok, message
        try:
            target = self._target_folder(parameters, context)
        except QgsProcessingException as error:
            return False, str(error)
        return self._check_import(target, source, options)

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.execution.engine import import_cache

        feedback = feedback or QgsProcessingFeedback()
        request = self.import_request(parameters, context, feedback)
        feedback.pushInfo(self.tr("Importing {source} into {target} ({mode})").format(
            source=request.source, target=request.target,
            mode=OVERWRITE_WORDS[0] if request.overwrite else OVERWRITE_WORDS[1]))
        try:
            result = import_cache(request, FeedbackProgress(feedback))
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        report = ImportReport(result, {name: parameters.get(name) for name in self.INPUTS})
        for line in report.summary_lines():
            feedback.pushInfo(line)
        outputs = {self.TARGET_CACHE: str(result.target), **report.counts(),
                   self.TARGET_LAYER: self._target_layer(result.target, parameters, context, feedback)}
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            report.write_html(report_path)
            outputs[self.REPORT] = report_path
        return outputs

    @staticmethod
    def _check_import(target: Path, source: Path, options: dict) -> tuple[bool, str]:
        """What the engine checks before it writes (compatibility every difference at once, scales, both
        caches readable), with its messages, so that the dialog shows them before Run."""
        from ..core.errors import CacheError
        from ..core.execution.engine import ImportRequest, SourceType, check_import

        try:
            check_import(ImportRequest(target, source, SourceType[options["source_type"]],
                                       scales=options["scales"], tile_rows=options["tile_rows"]))
        except (CacheError, OSError) as error:
            return False, str(error)
        return True, ""

    def import_request(self, parameters, context, feedback):
        """The core ImportRequest the parameters describe (also the preview's)."""
        from ..core.execution.engine import ImportRequest, SourceType
        from ..settings import connection_scheduler, flush_new_bundles

        try:
            options = self._keyword_options(parameters, context)
        except KeywordError as error:
            raise QgsProcessingException(str(error)) from None
        target = self._target_folder(parameters, context)
        extent, area_of_interest = self._limits(parameters, context, feedback, target)
        return ImportRequest(
            target=target, source=self._source_path(parameters, context, options["source_type"]),
            source_type=SourceType[options["source_type"]], upload=options["upload"],
            scales=options["scales"], workers=options["workers"], extent=extent,
            area_of_interest=area_of_interest, overwrite=options["overwrite"],
            flush_new_bundles=flush_new_bundles(), tile_rows=options["tile_rows"],
            scheduler=connection_scheduler(
                self.parameterAsString(parameters, self.INPUT_SERVICE, context), target))

    def _target_layer(self, folder: Path, parameters, context, feedback) -> str | None:
        return cache_layer(folder, parameters.get(self.REPORT), self.TARGET_LAYER, context, feedback)

    def _keyword_options(self, parameters, context) -> dict:
        """The keyword parameters parsed from their raw values (data-defined ones evaluated)."""
        return parse_keyword_parameters(raw_values(parameters, (
            self.SOURCE_CACHE_TYPE, self.UPLOAD_DATA_TO_SERVER, self.OVERWRITE, self.SCALES,
            self.NUM_OF_CACHING_SERVICE_INSTANCES, self.TILE_ROW_ORDER), context))

    def _source_path(self, parameters, context, source_type: str) -> Path:
        """The source folder or file the type asks for; it must be given, exist and be of that kind."""
        folder = source_type in ("CACHE_DATASET", "TILE_FOLDER")
        name = self.SOURCE_CACHE_DATASET if folder else self.SOURCE_TILE_PACKAGE
        kind = {"CACHE_DATASET": self.tr("a cache folder"),
                "TILE_FOLDER": self.tr("a {z}/{x}/{y} tile folder"),
                "TILE_PACKAGE": self.tr("a tile package (.tpk or .tpkx)"),
                "MBTILES": self.tr("an MBTiles file"),
                "GEOPACKAGE": self.tr("a GeoPackage file")}[source_type]
        text = self.parameterAsFile(parameters, name, context)
        if not text:
            raise QgsProcessingException(self.tr("source_cache_type is {type}: give {name}, {kind}").format(
                type=source_type, name=name, kind=kind))
        path = Path(text)
        suffix = path.suffix.lower()
        if folder and path.is_file() and suffix in PACKAGE_SUFFIXES:
            raise QgsProcessingException(self.tr(
                "{name}: {path} is a tile package, not a folder: give it as source_tile_package, with "
                "source_cache_type TILE_PACKAGE").format(name=name, path=path))
        if folder and path.is_file() and suffix in (".mbtiles", ".gpkg"):
            raise QgsProcessingException(self.tr(
                "{name}: {path} is a file, not a folder: give it as source_tile_package, with "
                "source_cache_type {other}").format(
                name=name, path=path, other="MBTILES" if suffix == ".mbtiles" else "GEOPACKAGE"))
        if source_type == "TILE_PACKAGE" and path.is_dir():
            raise QgsProcessingException(self.tr(
                "{name}: {path} is a folder, not a .tpk or .tpkx file: give it as source_cache_dataset, with "
                "source_cache_type CACHE_DATASET").format(name=name, path=path))
        if not folder and path.is_dir():
            raise QgsProcessingException(self.tr(
                "{name}: {path} is a folder, not a file: give it as source_cache_dataset, with "
                "source_cache_type CACHE_DATASET or TILE_FOLDER").format(name=name, path=path))
        if folder and not path.is_dir():
            raise QgsProcessingException(self.tr("{name}: {path} is not a folder").format(
                name=name, path=path))
        if source_type == "TILE_PACKAGE" and not (path.is_file() and path.suffix.lower() in PACKAGE_SUFFIXES):
            raise QgsProcessingException(self.tr("{name}: {path} is not a .tpk or .tpkx file").format(
                name=name, path=path))
        if not folder and not path.is_file():
            raise QgsProcessingException(self.tr("{name}: {path} is not a file").format(name=name, path=path))
        return path

    def _target_folder(self, parameters, context) -> Path:
        """The target's data-frame folder, from a folder or a service string and the server connections."""
        from ..core.errors import CacheError
        from ..core.sources.services import resolve_input_service
        from ..settings import all_connections

        value = self.parameterAsString(parameters, self.INPUT_SERVICE, context)
        try:
            return resolve_input_service(value, all_connections())
        except CacheError as error:
            raise QgsProcessingException(f"{self.INPUT_SERVICE}: {error}") from None

    def _limits(self, parameters, context, feedback, target: Path):
        """(extent, area of interest WKB) in the target cache's CRS, each None when not given."""
        return limits(self, parameters, context, feedback, target, self.IMPORT_EXTENT, self.AREA_OF_INTEREST)
