"""QGIS entry point. Imports stay lazy so qgis_process and QGIS start fast and headless."""


def classFactory(iface):  # noqa: N802 - name fixed by QGIS
    from .plugin import MapServerCachePlugin

    return MapServerCachePlugin(iface)
