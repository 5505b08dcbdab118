"""The cache a tool wrote, offered as a raster layer output when GDAL can show it (its ESRIC driver reads
compact V2 caches only); shared by the import and Manage Map Server Cache Tiles."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingContext, QgsProcessingOutputLayerDefinition, QgsProcessingUtils
from qgis.PyQt.QtCore import QCoreApplication


def cache_layer(folder: Path, report, output_name: str, context, feedback) -> str | None:
    """The cache's conf.xml when GDAL can show the cache, else None with the reason in the log. Opened on
    completion when the report is ("Open output file after running"): ``report`` is its parameter value."""
    from ..core.errors import CacheError
    from ..core.formats.conf import find_conf_xml, read_conf_xml
    from ..core.scheme import StorageFormat

    try:
        conf = find_conf_xml(folder)
        storage = read_conf_xml(conf).storage_format
    except (CacheError, OSError) as error:
        feedback.pushWarning(QCoreApplication.translate(
            "cache_layer", "No layer of the target cache is offered: {error}").format(error=error))
        return None
    if storage is not StorageFormat.COMPACT_V2:
        kind = (QCoreApplication.translate("cache_layer", "exploded") if storage is StorageFormat.EXPLODED
                else QCoreApplication.translate("cache_layer", "compact V1"))
        feedback.pushInfo(QCoreApplication.translate(
            "cache_layer", "No layer of the target cache is offered: GDAL reads compact V2 caches only, and "
                           "this cache is stored {kind}").format(kind=kind))
        return None
    opened = isinstance(report, QgsProcessingOutputLayerDefinition)
    project = report.destinationProject if opened else None
    if project is not None:
        details = QgsProcessingContext.LayerDetails(folder.parent.name, project, output_name)
        details.layerTypeHint = QgsProcessingUtils.LayerHint.Raster
        context.addLayerToLoadOnCompletion(str(conf), details)
    return str(conf)
