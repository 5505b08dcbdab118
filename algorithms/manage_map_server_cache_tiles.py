"""Manage Map Server Cache Tiles: parameters in, one call of core.execution.manage.manage_tiles, progress,
warnings and cancel out. The map is drawn by drawing.renderer (QGIS's renderer), named to core by its
import path so that threads and worker processes alike can open it."""

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

from ..qgiscompat import ALGORITHM_CAN_CANCEL
from .cache_layer import cache_layer
from .caching_algorithm import CachingAlgorithm, FeedbackProgress
from .keywords import UPDATE_MODES, WAIT_WORDS, KeywordError, parse_manage_keywords
from .manage_parameters import ManageParameterNames, ManageParameters
from .manage_report import COUNTS, ManageReport
from .parameters import raw_values
from .spatial import limits

PLUGIN_PACKAGE = __package__.rpartition(".")[0]
DRAWER = f"{PLUGIN_PACKAGE}.drawing.renderer:open_drawer"
# Threads or processes for num_of_caching_service_instances > 1; measured in README ("Draw a QGIS map").
EXECUTOR = "processes"


class ManageMapServerCacheTilesAlgorithm(CachingAlgorithm, ManageParameterNames):
    """Esri's "Manage Map Server Cache Tiles" drawing the cache from a QGIS project."""

    TARGET_CACHE = "target_cache"
    TARGET_LAYER = "target_layer"

    def tr(self, text):
        return QCoreApplication.translate("ManageMapServerCacheTilesAlgorithm", text)

    def createInstance(self):
        return ManageMapServerCacheTilesAlgorithm()

    def name(self):
        return "managemapservercachetiles"

    def displayName(self):
        return self.tr("Manage Map Server Cache Tiles")

    def tags(self):
        return self.tr("arcgis,esri,arcpy,tile,cache,bundle,draw,render,seed,update,delete").split(",")

    def flags(self):
        return super().flags() | ALGORITHM_CAN_CANCEL

    def shortDescription(self):
        return self.tr("Draws, fills in or deletes the tiles of an ArcGIS Server service cache from a QGIS "
                       "project.")

    def shortHelpString(self):
        return self.tr(
            "Draws the tiles of a map service cache on disk with QGIS's own map renderer, from a QGIS "
            "project (the one the cache remembers, or in_map), as ArcGIS Server's tool of the same name "
            "does from a map document. Tiles are drawn in the cache's spatial reference at each level's "
            "resolution and DPI, several at once (supertiles) so that nothing shows a seam; labels are "
            "never cut. Layers hidden at a scale stay hidden.\n\n"
            "RECREATE_ALL_TILES replaces the tiles, RECREATE_EMPTY_TILES draws those missing (it finishes "
            "an interrupted run), DELETE_TILES removes them; always within the area of interest, else the "
            "update extent, else the cache's full extent. Tiles where nothing is drawn are not stored.\n\n"
            "Parameters take arcpy's words as well: RECREATE_ALL_TILES, WAIT / DO_NOT_WAIT, scales as "
            "\"500000;250000\".")

    def initAlgorithm(self, config=None):
        for parameter in ManageParameters().definitions():
            self.addParameter(parameter)
        self.addOutput(QgsProcessingOutputFolder(self.TARGET_CACHE, self.tr("Cache folder")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.TARGET_LAYER, self.tr("Updated cache")))
        for name, description in zip(COUNTS, (self.tr("Tiles drawn"), self.tr("Empty tiles"),
                                              self.tr("Tiles skipped"), self.tr("Tiles deleted"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def checkParameterValues(self, parameters, context):
        try:
            options = self._keyword_options(parameters, context)
        except KeywordError as error:
            return False, str(error)
        canonical = {**parameters, self.SCALES: ";".join(f"{scale:g}" for scale in options["scales"] or ()),
                     self.UPDATE_MODE: UPDATE_MODES.index(options["mode"]),
                     self.WAIT_FOR_JOB_COMPLETION: WAIT_WORDS.index(options["wait"]),
                     self.NUM_OF_CACHING_SERVICE_INSTANCES: options["workers"]}
        ok, message = super().checkParameterValues(canonical, context)
        if not ok:
            return ok, message
        try:
            self._checked(self._request(parameters, context, None, options))
        except QgsProcessingException as error:
            return False, str(error)
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.execution.manage import manage_tiles

        feedback = feedback or QgsProcessingFeedback()
        try:
            options = self._keyword_options(parameters, context)
        except KeywordError as error:
            raise QgsProcessingException(str(error)) from None
        request = self._request(parameters, context, feedback, options)
        checked = self._checked(request)
        if options["wait"] == "DO_NOT_WAIT":
            feedback.pushInfo(self.tr("wait_for_job_completion is DO_NOT_WAIT: tiles are drawn by this QGIS, "
                                      "so the tool returns when they are done."))
        feedback.pushInfo(self.tr("{mode} in {target}, map {project} (theme: {theme})").format(
            mode=request.mode.name, target=checked.folder, project=checked.project or "-",
            theme=checked.map_theme or "-"))
        try:
            result = manage_tiles(request, FeedbackProgress(feedback))
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        report = ManageReport(result, {name: parameters.get(name) for name in self.INPUTS})
        for line in report.summary_lines():
            feedback.pushInfo(line)
        outputs = {self.TARGET_CACHE: str(result.target), **report.counts(),
                   self.TARGET_LAYER: cache_layer(result.target, parameters.get(self.REPORT),
                                                  self.TARGET_LAYER, context, feedback)}
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            report.write_html(report_path)
            outputs[self.REPORT] = report_path
        return outputs

    def _request(self, parameters, context, feedback, options: dict):
        """The core ManageRequest the parameters describe."""
        from ..core.execution.manage import ManageRequest
        from ..core.planning.draw_plan import UpdateMode
        from ..settings import connection_scheduler

        target = self._target_folder(parameters, context)
        extent, area = limits(self, parameters, context, feedback, target, self.UPDATE_EXTENT,
                              self.AREA_OF_INTEREST)
        project = self.parameterAsFile(parameters, self.IN_MAP, context) or None
        theme = self.parameterAsString(parameters, self.MAP_THEME, context).strip() or None
        service = self.parameterAsString(parameters, self.INPUT_SERVICE, context)
        return ManageRequest(target=target, scales=options["scales"], mode=UpdateMode[options["mode"]],
                             workers=options["workers"], extent=extent, area_of_interest=area,
                             project=project, map_theme=theme, drawer=DRAWER, executor=EXECUTOR,
                             scheduler=connection_scheduler(service, target))

    @staticmethod
    def _checked(request):
        """core's checks, then the map's (it loads whole, the theme exists) unless tiles are only deleted."""
        from ..core.errors import CacheError
        from ..core.execution.manage import check_manage
        from ..drawing.project import check_map_theme, open_project

        try:
            checked = check_manage(request)
            if checked.project is not None:
                project = open_project(checked.project)
                try:
                    check_map_theme(project, checked.map_theme)
                finally:
                    project.clear()
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        return checked

    def _keyword_options(self, parameters, context) -> dict:
        """The keyword parameters parsed from their raw values (data-defined ones evaluated)."""
        return parse_manage_keywords(raw_values(parameters, self.KEYWORDS, context))

    def _target_folder(self, parameters, context) -> Path:
        from ..core.errors import CacheError
        from ..core.sources.services import resolve_input_service
        from ..settings import all_connections

        value = self.parameterAsString(parameters, self.INPUT_SERVICE, context)
        try:
            return resolve_input_service(value, all_connections())
        except CacheError as error:
            raise QgsProcessingException(f"{self.INPUT_SERVICE}: {error}") from None
