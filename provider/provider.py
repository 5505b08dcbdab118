"""MapServerCacheProvider: the "Map Server Cache" group of the Processing Toolbox (id "mapservercache")."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..algorithms.convert_map_server_cache_storage_format import ConvertMapServerCacheStorageFormatAlgorithm
from ..algorithms.create_map_server_cache import CreateMapServerCacheAlgorithm
from ..algorithms.create_map_tile_package import CreateMapTilePackageAlgorithm
from ..algorithms.export_map_server_cache import ExportMapServerCacheAlgorithm
from ..algorithms.import_map_server_cache import ImportMapServerCacheAlgorithm
from ..algorithms.manage_map_server_cache_status import ManageMapServerCacheStatusAlgorithm
from ..algorithms.manage_map_server_cache_tiles import ManageMapServerCacheTilesAlgorithm
from ..algorithms.preview_map_server_cache_import import PreviewMapServerCacheImportAlgorithm

ICON = Path(__file__).resolve().parents[1] / "icon.svg"


class MapServerCacheProvider(QgsProcessingProvider):
    """Registers the plugin's algorithms; holds no state of its own."""

    def tr(self, text):
        return QCoreApplication.translate("MapServerCacheProvider", text)

    def id(self):
        return "mapservercache"

    def name(self):
        return self.tr("Map Server Cache")

    def longName(self):
        return self.tr("Map Server Cache: Esri tile caches on disk")

    def icon(self):
        return QIcon(str(ICON))

    def svgIconPath(self):
        return str(ICON)

    def loadAlgorithms(self):
        self.addAlgorithm(ImportMapServerCacheAlgorithm())
        self.addAlgorithm(PreviewMapServerCacheImportAlgorithm())
        self.addAlgorithm(CreateMapServerCacheAlgorithm())
        self.addAlgorithm(ExportMapServerCacheAlgorithm())
        self.addAlgorithm(ConvertMapServerCacheStorageFormatAlgorithm())
        self.addAlgorithm(ManageMapServerCacheStatusAlgorithm())
        self.addAlgorithm(ManageMapServerCacheTilesAlgorithm())
        self.addAlgorithm(CreateMapTilePackageAlgorithm())
