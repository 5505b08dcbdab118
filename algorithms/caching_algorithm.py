"""What every algorithm of the plugin shares: the Toolbox group, the icon, the library check and the
feedback core reports through; and, for the tools working on one service's cache, ``input_service``
resolved to the data-frame folder."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .dependencies import missing_libraries

ICON = Path(__file__).resolve().parents[1] / "icon.svg"
INPUT_SERVICE = "input_service"

class FeedbackProgress:
    """core.engine's Progress protocol on a QgsProcessingFeedback."""

    def __init__(self, feedback: QgsProcessingFeedback):
        self.feedback = feedback

    def message(self, text: str) -> None:
        self.feedback.pushInfo(text)

    def warning(self, text: str) -> None:
        self.feedback.pushWarning(text)

    def progress(self, done: int, total: int) -> None:
        if total > 0:
            self.feedback.setProgress(100.0 * done / total)

    def is_cancelled(self) -> bool:
        return self.feedback.isCanceled()


class CachingAlgorithm(QgsProcessingAlgorithm):
    """Base of every algorithm: the *Caching* group, the plugin's icon, and no run without the libraries."""

    def group(self):
        return QCoreApplication.translate("CachingAlgorithm", "Caching")

    def groupId(self):
        return "caching"

    def icon(self):
        return QIcon(str(ICON))

    def canExecute(self):
        missing = missing_libraries()
        if missing:
            return False, QCoreApplication.translate(
                "CachingAlgorithm", "This algorithm needs these Python libraries, which are missing: "
                "{}").format(", ".join(missing))
        return True, ""


class ServiceCacheAlgorithm(CachingAlgorithm):
    """Base of the tools that work on one service's cache in place (Convert, Cache Status)."""

    INPUT_SERVICE = INPUT_SERVICE

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
