"""The plugin object QGIS holds: translator, Processing provider and, with a GUI, the connections page.

qgis_process calls classFactory(None) then initProcessing(); QGIS Desktop calls initGui() only.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

I18N = Path(__file__).resolve().parent / "i18n"


def user_locale() -> str:
    """The locale QGIS translates into: "locale/userLocale" (QGIS keeps it in step), else the system's."""
    return QgsSettings().value("locale/userLocale", "", type=str) or QLocale().name()


def load_translator(locale: str | None = None, folder: Path | None = None) -> QTranslator | None:
    """Install i18n/map_server_cache_<locale>.qm (e.g. "de_CH", then "de") when one exists."""
    locale = locale or user_locale()
    folder = folder or I18N
    translator = QTranslator()
    for code in dict.fromkeys((locale, locale[:2])):
        if code and translator.load(str(folder / f"map_server_cache_{code}.qm")):
            QCoreApplication.installTranslator(translator)
            return translator
    return None


class MapServerCachePlugin:
    """Adds the provider to the Processing registry and, in QGIS Desktop, the Options page."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.options_factory = None
        self.translator = load_translator()

    def initProcessing(self):
        if self.provider is None:
            from .provider.provider import MapServerCacheProvider

            provider = MapServerCacheProvider()
            # The registry refuses (and deletes) a second provider with the same id.
            self.provider = provider if QgsApplication.processingRegistry().addProvider(provider) else None

    def initGui(self):
        self.initProcessing()
        if self.iface is not None:
            from .provider.options_page import ConnectionsOptionsFactory

            self.options_factory = ConnectionsOptionsFactory()
            self.iface.registerOptionsWidgetFactory(self.options_factory)

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.options_factory is not None and self.iface is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
