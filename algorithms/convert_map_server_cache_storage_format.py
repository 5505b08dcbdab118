"""Convert Map Server Cache Storage Format: parameters in, one call of core's convert_storage, progress,
cancel and a short report out. ``storage_format`` is ours (arcpy's tool has none any more): empty follows
ArcGIS's rule (exploded and compact V1 → compact V2, compact V2 → exploded)."""

from __future__ import annotations

import html
from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFolder,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..qgiscompat import NUMBER_INTEGER, PARAMETER_ADVANCED
from .caching_algorithm import FeedbackProgress, ServiceCacheAlgorithm
from .keywords import KeywordError, parse_all, parse_choice, parse_workers
from .parameters import described, raw_values
from .report import _definitions, _heading

STORAGE_FORMATS = ("COMPACT", "COMPACT_V2", "EXPLODED")   # storage_format, in the enum's order


class ConvertMapServerCacheStorageFormatAlgorithm(ServiceCacheAlgorithm):
    """Esri's "Convert Map Server Cache Storage Format" (ArcGIS Server), in place and online."""

    NUM_OF_CACHING_SERVICE_INSTANCES = "num_of_caching_service_instances"
    STORAGE_FORMAT = "storage_format"
    REPORT = "report"
    TARGET_CACHE = "target_cache"
    CONVERTED = "converted"

    def tr(self, text):
        return QCoreApplication.translate("ConvertMapServerCacheStorageFormatAlgorithm", text)

    def createInstance(self):
        return ConvertMapServerCacheStorageFormatAlgorithm()

    def name(self):
        return "convertmapservercachestorageformat"

    def displayName(self):
        return self.tr("Convert Map Server Cache Storage Format")

    def tags(self):
        return self.tr("arcgis,esri,arcpy,tile,cache,bundle,compact,exploded,storage,convert").split(",")

    def shortDescription(self):
        return self.tr("Converts a service's cache between exploded, compact and compact V2 storage, in "
                       "place.")

    def shortHelpString(self):
        return self.tr(
            "Converts the storage of a map or image service cache on disk, as ArcGIS Server's tool of the "
            "same name does: the tiles are repacked with their bytes unchanged, never re-encoded.\n\n"
            "Storage format empty: ArcGIS's rule, exploded and compact (V1) become compact V2, compact V2 "
            "becomes exploded. Or choose COMPACT, COMPACT_V2 or EXPLODED.\n\n"
            "The cache stays readable throughout: the converted cache is built in a hidden folder beside "
            "the data-frame folder, then the two are exchanged in one step, then the old one is removed. "
            "Readers see the old storage or the new one, with conf.xml always matching the files. Imports "
            "into the same service wait until the conversion ends. Free space of about the size of the "
            "tiles is needed (checked before starting). If the conversion is stopped, even by a crash, "
            "running it again finishes it.")

    def initAlgorithm(self, config=None):
        service = QgsProcessingParameterString(self.INPUT_SERVICE, self.tr("Input service"))
        self.addParameter(described(service, self.tr(
            "The service whose cache is converted: its cache folder (the data-frame folder holding conf.xml, "
            "or the service folder above it) or a string such as GIS Servers/<connection>/[<folder>/]"
            "<service>.MapServer."), widget="service.ServiceWidgetWrapper"))
        storage = QgsProcessingParameterEnum(
            self.STORAGE_FORMAT, self.tr("Storage format"),
            [self.tr("Compact (COMPACT)"), self.tr("Compact V2 (COMPACT_V2)"),
             self.tr("Exploded (EXPLODED)")],
            optional=True)
        self.addParameter(described(storage, self.tr(
            "The storage to convert to. Empty: ArcGIS's rule (exploded and compact become compact V2, "
            "compact V2 becomes exploded).")))
        workers = QgsProcessingParameterNumber(
            self.NUM_OF_CACHING_SERVICE_INSTANCES, self.tr("Number of parallel workers"), NUMBER_INTEGER,
            optional=True, minValue=1)
        workers.setFlags(workers.flags() | PARAMETER_ADVANCED)
        self.addParameter(described(workers, self.tr(
            "How many worker processes repack bundles at the same time. Empty: one per processor core.")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Conversion report"), self.tr("HTML files (*.html)"),
            defaultValue=QgsProcessing.TEMPORARY_OUTPUT, optional=True, createByDefault=True))
        self.addOutput(QgsProcessingOutputFolder(self.TARGET_CACHE, self.tr("Converted cache folder")))
        self.addOutput(QgsProcessingOutputNumber(self.CONVERTED, self.tr("Tiles converted")))

    def checkParameterValues(self, parameters, context):
        try:
            request = self.convert_request(parameters, context)
        except QgsProcessingException as error:
            return False, str(error)
        canonical = {**parameters, self.NUM_OF_CACHING_SERVICE_INSTANCES: request.workers,
                     self.STORAGE_FORMAT: None if request.storage_format is None else
                     STORAGE_FORMATS.index(_keyword(request.storage_format))}
        ok, message = super().checkParameterValues(canonical, context)
        if not ok:
            return ok, message
        from ..core.errors import CacheError
        from ..core.execution.convert import check_convert, check_space

        try:
            folder, current, target = check_convert(request)
            if target is not current:
                check_space(folder, target)
        except (CacheError, OSError) as error:
            return False, str(error)
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.execution.convert import convert_storage

        feedback = feedback or QgsProcessingFeedback()
        request = self.convert_request(parameters, context)
        try:
            result = convert_storage(request, FeedbackProgress(feedback))
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        converted = result.imported.written if result.imported is not None else 0
        if result.imported is not None:
            feedback.pushInfo(self.tr("Converted {tiles} tiles of {folder} from {source} to {target} in "
                                      "{seconds:.1f} s").format(
                tiles=converted, folder=result.folder, source=_keyword(result.source_format),
                target=_keyword(result.target_format), seconds=result.seconds))
        outputs = {self.TARGET_CACHE: str(result.folder), self.CONVERTED: converted}
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report:
            self._write_report(report, result, converted)
            outputs[self.REPORT] = report
        return outputs

    def convert_request(self, parameters, context):
        """The core ConvertRequest the parameters describe; QgsProcessingException naming a bad value."""
        from ..core.execution.convert import ConvertRequest
        from ..core.scheme import StorageFormat

        raw = raw_values(parameters, (self.STORAGE_FORMAT, self.NUM_OF_CACHING_SERVICE_INSTANCES), context)
        try:
            options = parse_all(raw, {
                "storage": (self.STORAGE_FORMAT, lambda value: parse_choice(value, STORAGE_FORMATS, "")),
                "workers": (self.NUM_OF_CACHING_SERVICE_INSTANCES, parse_workers)})
        except KeywordError as error:
            raise QgsProcessingException(str(error)) from None
        storage = StorageFormat[options["storage"]] if options["storage"] else None
        return ConvertRequest(self.service_folder(parameters, context), storage, options["workers"])

    def _write_report(self, path: str, result, converted: int) -> None:
        title = html.escape(self.tr("Convert Map Server Cache Storage Format"))
        imported = result.imported
        items = [(self.tr("Cache folder"), result.folder),
                 (self.tr("Storage before"), _keyword(result.source_format)),
                 (self.tr("Storage after"), _keyword(result.target_format)),
                 (self.tr("Tiles converted"), converted),
                 (self.tr("Damaged tiles not carried over"),
                  imported.damaged if imported is not None else 0),
                 (self.tr("Bytes written"), imported.bytes_written if imported is not None else 0),
                 (self.tr("Finished an interrupted conversion first"),
                  self.tr("yes") if result.finished_earlier else self.tr("no")),
                 (self.tr("Seconds"), f"{result.seconds:.1f}")]
        Path(path).write_text("\n".join([
            "<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>{title}</title></head><body>",
            f"<h1>{title}</h1>", _heading(self.tr("Result")), _definitions(items), "</body></html>"]),
            encoding="utf-8")


def _keyword(storage_format) -> str:
    """COMPACT, COMPACT_V2 or EXPLODED for a core StorageFormat."""
    return storage_format.name
