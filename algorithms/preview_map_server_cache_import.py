"""Preview Map Server Cache Import: the import's parameters in, its plan out as a report; nothing is written.

It shares every input parameter, keyword and check with the import algorithm (it is one), and runs
core.execution.preview instead of the engine: no staging, journal, lock or tile is written.
"""

from __future__ import annotations

from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsProcessingOutputNumber
from qgis.PyQt.QtCore import QCoreApplication

from .caching_algorithm import FeedbackProgress
from .import_map_server_cache import ImportMapServerCacheAlgorithm
from .report import ImportReport


class PreviewMapServerCacheImportAlgorithm(ImportMapServerCacheAlgorithm):
    """What ``mapservercache:importmapservercache`` would do with the same parameters, as a report."""

    BYTES = "bytes_to_write"

    def tr(self, text):
        """This class's own strings; the ones it inherits keep the import algorithm's translations."""
        translated = QCoreApplication.translate("PreviewMapServerCacheImportAlgorithm", text)
        return translated if translated != text else super().tr(text)

    def createInstance(self):
        return PreviewMapServerCacheImportAlgorithm()

    def name(self):
        return "previewmapservercacheimport"

    def displayName(self):
        return self.tr("Preview Map Server Cache Import")

    def tags(self):
        return self.tr("arcgis,esri,tile,cache,tpk,tpkx,bundle,import,preview,plan,dry run").split(",")

    def shortDescription(self):
        return self.tr("Shows what an import of a cache folder or tile package into a service cache would "
                       "do, without changing anything.")

    def shortHelpString(self):
        return self.tr(
            "Takes the parameters of Import Map Server Cache and plans that import without writing a tile: "
            "the report tells per level how many tiles and bundles would be copied, blended, clipped or "
            "skipped and how many bytes would be written, with a map of the planned outcomes.\n\n"
            "Copies are counted with the exact size of their source tiles; blends and clips are estimated "
            "by the size of their source tiles, since the result depends on pixels. Source tiles that are "
            "opaque by their format (JPEG, PNG without alpha) replace the target's tiles.\n\n"
            "Neither the target cache nor the source is changed: no journal, lock or uploads copy is made.")

    def initAlgorithm(self, config=None):
        self.add_parameters(self.tr("Preview report"), self.tr(
            "An HTML page with the planned counts, level by level, and a map of the planned outcomes."))
        for name, description in zip(self.COUNTS, (
                self.tr("Tiles to write"), self.tr("Tiles to blend"), self.tr("Tiles to clip"),
                self.tr("Tiles to skip"), self.tr("Damaged source tiles"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))
        self.addOutput(QgsProcessingOutputNumber(self.BYTES, self.tr("Bytes to write (estimated in part)")))

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.execution.preview import preview_import

        feedback = feedback or QgsProcessingFeedback()
        request = self.import_request(parameters, context, feedback)
        feedback.pushInfo(self.tr("Planning the import of {source} into {target}; nothing is written").format(
            source=request.source, target=request.target))
        try:
            result = preview_import(request, FeedbackProgress(feedback))
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        report = ImportReport(result, {name: parameters.get(name) for name in self.INPUTS}, preview=True)
        for line in report.summary_lines():
            feedback.pushInfo(line)
        outputs = {**report.counts(), self.BYTES: result.bytes_written}
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            report.write_html(report_path)
            outputs[self.REPORT] = report_path
        return outputs
