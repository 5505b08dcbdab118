"""Create Map Tile Package's parameters: arcpy's names (in_map, service_type, output_file, format_type, ...)
plus map_theme; definitions and help texts, translated in TilePackageParameters' context."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..qgiscompat import FILE_BEHAVIOR_FILE, NUMBER_INTEGER, SOURCE_VECTOR_POLYGON
from .keywords import PACKAGE_FORMAT_TYPES
from .parameters import described


class TilePackageParameterNames:
    """The parameters' names, inherited by the algorithm."""

    IN_MAP = "in_map"
    SERVICE_TYPE = "service_type"
    OUTPUT_FILE = "output_file"
    FORMAT_TYPE = "format_type"
    LEVEL_OF_DETAIL = "level_of_detail"
    SERVICE_FILE = "service_file"
    SUMMARY = "summary"
    TAGS = "tags"
    EXTENT = "extent"
    COMPRESSION_QUALITY = "compression_quality"
    PACKAGE_TYPE = "package_type"
    MIN_LEVEL_OF_DETAIL = "min_level_of_detail"
    AREA_OF_INTEREST = "area_of_interest"
    MAP_THEME = "map_theme"
    REPORT = "report"
    INPUTS = (IN_MAP, SERVICE_TYPE, OUTPUT_FILE, FORMAT_TYPE, LEVEL_OF_DETAIL, SERVICE_FILE, SUMMARY, TAGS,
              EXTENT, COMPRESSION_QUALITY, PACKAGE_TYPE, MIN_LEVEL_OF_DETAIL, AREA_OF_INTEREST, MAP_THEME)
    KEYWORDS = (SERVICE_TYPE, FORMAT_TYPE, PACKAGE_TYPE, LEVEL_OF_DETAIL, MIN_LEVEL_OF_DETAIL,
                COMPRESSION_QUALITY)


class TilePackageParameters(TilePackageParameterNames):
    """The definitions, made afresh for each algorithm instance (so in the current language)."""

    def tr(self, text):
        return QCoreApplication.translate("TilePackageParameters", text)

    def definitions(self) -> list[QgsProcessingParameterDefinition]:
        return [
            described(QgsProcessingParameterFile(
                self.IN_MAP, self.tr("Input map (QGIS project)"), FILE_BEHAVIOR_FILE, optional=True,
                fileFilter=self.tr("QGIS projects (*.qgz *.qgs *.QGZ *.QGS)")), self.tr(
                "The QGIS project (.qgz, .qgs) whose map is drawn into the package. Empty: the project open "
                "in QGIS, which must be saved (the map is read from its file).")),
            described(QgsProcessingParameterEnum(
                self.SERVICE_TYPE, self.tr("Tiling scheme"),
                [self.tr("ArcGIS Online / Bing Maps / Google Maps (ONLINE)"),
                 self.tr("Of an existing service (EXISTING)")], defaultValue=0), self.tr(
                "ONLINE: the ArcGIS Online / Bing Maps / Google Maps scheme (Web Mercator, levels 0 to 23), "
                "whatever the map's CRS; the map is drawn in Web Mercator. EXISTING: the scheme of the "
                "service file (a conf.xml, or a cache folder or tile package), so that the package lines up "
                "with that service's tiles.")),
            described(QgsProcessingParameterFileDestination(
                self.OUTPUT_FILE, self.tr("Output tile package"),
                self.tr("Tile packages (*.tpkx *.tpk)")), self.tr(
                "The package to write: a .tpkx for package type tpkx, a .tpk for tpk. An existing package is "
                "replaced in one step once the new one is complete.")),
            described(QgsProcessingParameterEnum(
                self.FORMAT_TYPE, self.tr("Tiling format"), list(PACKAGE_FORMAT_TYPES), defaultValue=0),
                self.tr("The tiles' image format: PNG (the smallest of PNG8, PNG24 and PNG32 that keeps each "
                        "tile's colours and transparency), PNG8, PNG24, PNG32, JPEG or MIXED (JPEG where a "
                        "tile is opaque, PNG where it is not).")),
            described(QgsProcessingParameterNumber(
                self.LEVEL_OF_DETAIL, self.tr("Maximum level of detail"), NUMBER_INTEGER, defaultValue=1,
                minValue=0, maxValue=63), self.tr(
                "The finest level drawn, by its number in the tiling scheme (ONLINE: 0 to 23). Every level "
                "from the minimum to this one is drawn.")),
            described(QgsProcessingParameterFile(
                self.SERVICE_FILE, self.tr("Service file (conf.xml)"), FILE_BEHAVIOR_FILE, optional=True,
                fileFilter=self.tr("Tiling schemes (*.xml *.XML);;Tile packages (*.tpk *.tpkx)")), self.tr(
                "For EXISTING: the tiling scheme to use, a conf.xml file, a tile package, or (typed in) the "
                "folder of a cache. Ignored for ONLINE.")),
            described(QgsProcessingParameterString(self.SUMMARY, self.tr("Summary"), optional=True),
                      self.tr("The summary written into the package's item information.")),
            described(QgsProcessingParameterString(self.TAGS, self.tr("Tags"), optional=True),
                      self.tr("Tags written into the package's item information, separated by commas or "
                              "semicolons.")),
            described(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent"), optional=True), self.tr(
                "A rectangle, in any CRS, limiting the tiles drawn: every tile touching it. Empty: the "
                "full extent of the map's visible layers.")),
            described(QgsProcessingParameterNumber(
                self.COMPRESSION_QUALITY, self.tr("Compression quality"), NUMBER_INTEGER, defaultValue=75,
                optional=True, minValue=0, maxValue=100), self.tr(
                "JPEG quality, 1 to 100, for the JPEG and MIXED formats (0: the default 75); ignored for "
                "PNG formats.")),
            described(QgsProcessingParameterEnum(
                self.PACKAGE_TYPE, self.tr("Package type"), ["tpk", "tpkx"], defaultValue=1), self.tr(
                "tpkx: a compact tile package per Esri's open specification (compact V2 bundles), read by "
                "ArcGIS Pro, Field Maps, ArcGIS Online and GDAL 3.8+. tpk: the older tile package "
                "(compact V1 bundles), read by ArcMap and ArcGIS Runtime.")),
            described(QgsProcessingParameterNumber(
                self.MIN_LEVEL_OF_DETAIL, self.tr("Minimum level of detail"), NUMBER_INTEGER,
                defaultValue=0, minValue=0, maxValue=63), self.tr(
                "The coarsest level drawn, by its number in the tiling scheme; at most the maximum level.")),
            described(QgsProcessingParameterFeatureSource(
                self.AREA_OF_INTEREST, self.tr("Area of interest"), [SOURCE_VECTOR_POLYGON], optional=True),
                self.tr("Polygons limiting the tiles drawn, in any CRS: every tile touching them. Takes "
                        "precedence over the extent.")),
            described(QgsProcessingParameterString(self.MAP_THEME, self.tr("Map theme"), optional=True),
                      self.tr("A map theme of the project: its layers and styles are drawn. Empty: the "
                              "layers visible in the saved project."), advanced=True),
            described(QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("Report"), self.tr("HTML files (*.html)"),
                defaultValue=QgsProcessing.TEMPORARY_OUTPUT, optional=True, createByDefault=True), self.tr(
                "An HTML page with the counts level by level, a coverage picture per level and a few of the "
                "tiles, read back from the package.")),
        ]
