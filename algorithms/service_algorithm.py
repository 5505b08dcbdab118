"""What the algorithms working on one service's cache in place share: the Toolbox group, the icon, the
library check and ``input_service`` resolved to the data-frame folder."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .dependencies import missing_libraries

ICON = Path(__file__).resolve().parents[1] / "icon.svg"
INPUT_SERVICE = "input_service"


class ServiceCacheAlgorithm(QgsProcessingAlgorithm):
    """Base of Convert Map Server Cache Storage Format and Manage Map Server Cache Status."""

    INPUT_SERVICE = INPUT_SERVICE

    def group(self):
        return QCoreApplication.translate("ServiceCacheAlgorithm", "Caching")

    def groupId(self):
        return "caching"

    def icon(self):
        return QIcon(str(ICON))

    def canExecute(self):
        missing = missing_libraries()
        if missing:
            return False, QCoreApplication.translate(
                "ServiceCacheAlgorithm", "This algorithm needs these Python libraries, which are missing: "
                "{}").format(", ".join(missing))
        return True, ""

    def service_folder(self, parameters, context) -> Path:
        """The service's data-frame folder, from a folder or a service string and the server connections."""
        from ..core.errors import CacheError
        from ..core.sources.services import resolve_input_service
        from ..settings import all_connections

        value = self.parameterAsString(parameters, self.INPUT_SERVICE, context)
        if not value.strip():
            raise QgsProcessingException(QCoreApplication.translate(
                "ServiceCacheAlgorithm", "input_service: give the service whose cache to use"))
        try:
            return resolve_input_service(value, all_connections())
        except CacheError as error:
            raise QgsProcessingException(f"{self.INPUT_SERVICE}: {error}") from None
