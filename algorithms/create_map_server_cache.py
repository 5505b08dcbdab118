"""Create Map Server Cache: parameters in, the QGIS project read, one call of core's create_cache, folder out.

The project is opened and checked (broken layers, theme), its CRS and full extent taken by drawing.project;
the tiling scheme is made by core.schemes; the same preparation runs in checkParameterValues, so that every
problem is reported before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFolder,
    QgsProperty,
)
from qgis.PyQt.QtCore import QCoreApplication, QVariant

from .caching_algorithm import CachingAlgorithm
from .create_parameters import BUILTIN_SCHEMES, CreateOptions, CreateParameterNames, CreateParameters
from .keywords import KeywordError


class CreateMapServerCacheAlgorithm(CachingAlgorithm, CreateParameterNames):
    """Esri's "Create Map Server Cache" (ArcGIS Server) with arcpy's parameter names and keywords."""

    TARGET_CACHE = "target_cache"

    def tr(self, text):
        return QCoreApplication.translate("CreateMapServerCacheAlgorithm", text)

    def createInstance(self):
        return CreateMapServerCacheAlgorithm()

    def name(self):
        return "createmapservercache"

    def displayName(self):
        return self.tr("Create Map Server Cache")

    def tags(self):
        return self.tr("arcgis,esri,arcpy,tile,cache,tiling scheme,conf.xml,create,new").split(",")

    def shortDescription(self):
        return self.tr("Creates the tiling scheme and the empty folders of a map service cache drawn from a "
                       "QGIS project.")

    def shortHelpString(self):
        return self.tr(
            "Creates an empty ArcGIS Server cache for a QGIS project, as ArcGIS Server's tool of the same "
            "name does: <service cache directory>/[<folder>_]<service>/Layers with conf.xml (the tiling "
            "scheme), conf.cdi (the map's full extent) and an empty _alllayers folder. The cache remembers "
            "the project and map theme, so Manage Map Server Cache Tiles draws it without being told.\n\n"
            "The tiling scheme is NEW (scales STANDARD or CUSTOM, DPI, tile size, origin, image format, "
            "storage) or PREDEFINED: a conf.xml file, ARCGISONLINE_SCHEME or WGS84_V2_SCHEME. Resolutions "
            "are computed from the scales exactly as ArcGIS computes them, so a cache with the ArcGIS "
            "Online scales lines up with ArcGIS Online, Bing and Google tiles.\n\n"
            "An existing cache is never overwritten. Parameters take arcpy's words as well: NEW / "
            "PREDEFINED, STANDARD / CUSTOM, PNG ... MIXED, COMPACT / COMPACT_V2 / EXPLODED, tile sizes as "
            "\"256 x 256\" and scales as \"500000;250000\".")

    def initAlgorithm(self, config=None):
        for parameter in CreateParameters().definitions():
            self.addParameter(parameter)
        self.addOutput(QgsProcessingOutputFolder(self.TARGET_CACHE, self.tr("Created cache folder")))

    def checkParameterValues(self, parameters, context):
        """Our checks first (their messages name the file and the problem), then QGIS's own."""
        try:
            options = self._options(parameters, context)
            self._request(parameters, context, options, None)
        except (KeywordError, QgsProcessingException) as error:
            return False, str(error)
        canonical = {**parameters, **options.canonical()}
        if str(parameters.get(self.PREDEFINED_TILING_SCHEME) or "").strip().upper() in BUILTIN_SCHEMES:
            canonical[self.PREDEFINED_TILING_SCHEME] = None      # a name, not a file: QGIS's check skipped
        return super().checkParameterValues(canonical, context)

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.errors import CacheError
        from ..core.sources.creation import create_cache

        feedback = feedback or QgsProcessingFeedback()
        try:
            options = self._options(parameters, context)
        except KeywordError as error:
            raise QgsProcessingException(str(error)) from None
        request = self._request(parameters, context, options, feedback)
        try:
            folder = create_cache(request)
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        scheme = request.scheme
        feedback.pushInfo(self.tr("Created {folder}: {levels} levels from 1:{first:,.0f} to 1:{last:,.0f}, "
                                  "{cols} x {rows} px, {format}, origin {x} {y}").format(
            folder=folder, levels=len(scheme.lods), first=scheme.lods[0].scale, last=scheme.lods[-1].scale,
            cols=scheme.tile_cols, rows=scheme.tile_rows, format=scheme.tile_format,
            x=repr(scheme.origin_x), y=repr(scheme.origin_y)))
        return {self.TARGET_CACHE: str(folder)}

    def _options(self, parameters, context) -> CreateOptions:
        raw = {}
        for name in self.KEYWORDS:
            value = parameters.get(name)
            if isinstance(value, QgsProperty):
                value, _ = value.value(context.expressionContext(), None)
            if isinstance(value, QVariant):
                value = None if value.isNull() else value.value()
            raw[name] = value
        return CreateOptions.parse(raw)

    def _request(self, parameters, context, options: CreateOptions, feedback):
        """The core CreateRequest, after every check needing no writing (project, theme, scheme, target)."""
        from ..core.errors import CacheError
        from ..core.sources.creation import CreateRequest, check_create
        from ..settings import all_connections
        from .create_scheme import scheme_and_extent

        project_path = self._project_path(parameters, context)
        theme = self.parameterAsString(parameters, self.MAP_THEME, context).strip() or None
        directory = self.parameterAsFile(parameters, self.SERVICE_CACHE_DIRECTORY, context).strip()
        try:
            scheme, extent = scheme_and_extent(
                project_path, theme, options,
                tile_size=self.parameterAsString(parameters, self.TILE_SIZE, context),
                tile_origin=self.parameterAsString(parameters, self.TILE_ORIGIN, context),
                predefined=self.parameterAsFile(parameters, self.PREDEFINED_TILING_SCHEME, context),
                feedback=feedback)
            request = CreateRequest(self.parameterAsString(parameters, self.INPUT_SERVICE, context),
                                    Path(directory) if directory else None, scheme, extent, project_path,
                                    theme, all_connections())
            check_create(request)
        except (CacheError, OSError) as error:
            raise QgsProcessingException(str(error)) from None
        return request

    def _project_path(self, parameters, context) -> str:
        """in_map, else the file of the project open in QGIS (which must have been saved)."""
        path = self.parameterAsFile(parameters, self.IN_MAP, context).strip()
        if path:
            return str(Path(path).absolute())
        project = context.project()
        if project is None or not project.fileName():
            raise QgsProcessingException(self.tr(
                "in_map is empty and the project open in QGIS has not been saved to a file: save it, or "
                "give in_map (a .qgz or .qgs file)"))
        return project.absoluteFilePath() or project.fileName()
