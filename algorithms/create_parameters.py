"""Create Map Server Cache's parameters: arcpy's names and keywords, QGIS's own types, help texts.

Keyword parameters are QGIS enums (dialog, batch and modeler show native widgets); arcpy's words ("NEW",
"COMPACT_V2", "256 x 256", "500000;250000") are parsed by ``CreateOptions.parse`` from the raw values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from qgis.core import (
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterMapTheme,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..qgiscompat import FILE_BEHAVIOR_FILE, FILE_BEHAVIOR_FOLDER, NUMBER_INTEGER
from .keywords import KeywordError, parse_choice, parse_scales, parse_whole_number
from .parameters import described

TILING_SCHEME_TYPES = ("NEW", "PREDEFINED")
SCALES_TYPES = ("STANDARD", "CUSTOM")
TILE_FORMATS = ("PNG", "PNG8", "PNG24", "PNG32", "JPEG", "MIXED")
STORAGE_FORMATS = ("COMPACT", "COMPACT_V2", "EXPLODED")
DEFAULT_NUM_OF_SCALES = 10
BUILTIN_SCHEMES = ("ARCGISONLINE_SCHEME", "WGS84_V2_SCHEME")   # core.schemes' names, known without core


class CreateParameterNames:
    INPUT_SERVICE = "input_service"
    SERVICE_CACHE_DIRECTORY = "service_cache_directory"
    TILING_SCHEME_TYPE = "tiling_scheme_type"
    SCALES_TYPE = "scales_type"
    NUM_OF_SCALES = "num_of_scales"
    DOTS_PER_INCH = "dots_per_inch"
    TILE_SIZE = "tile_size"
    PREDEFINED_TILING_SCHEME = "predefined_tiling_scheme"
    TILE_ORIGIN = "tile_origin"
    SCALES = "scales"
    CACHE_TILE_FORMAT = "cache_tile_format"
    TILE_COMPRESSION_QUALITY = "tile_compression_quality"
    STORAGE_FORMAT = "storage_format"
    IN_MAP = "in_map"
    MAP_THEME = "map_theme"
    KEYWORDS = (TILING_SCHEME_TYPE, SCALES_TYPE, NUM_OF_SCALES, DOTS_PER_INCH, SCALES, CACHE_TILE_FORMAT,
                TILE_COMPRESSION_QUALITY, STORAGE_FORMAT)


@dataclass(frozen=True)
class CreateOptions:
    """The keyword parameters parsed; ``*_given`` says whether the user set the value (PREDEFINED keeps the
    file's format and storage otherwise)."""

    tiling_scheme_type: str
    scales_type: str
    num_of_scales: int
    dots_per_inch: int
    scales: list[float] | None
    cache_tile_format: str
    tile_compression_quality: int
    storage_format: str
    format_given: bool
    quality_given: bool
    storage_given: bool

    @classmethod
    def parse(cls, raw: dict) -> CreateOptions:
        """From raw values keyed by arcpy's names; KeywordError naming the parameter."""
        names = CreateParameterNames
        parsers: dict[str, Callable[[object], Any]] = {
            names.TILING_SCHEME_TYPE: lambda v: parse_choice(v, TILING_SCHEME_TYPES, "NEW"),
            names.SCALES_TYPE: lambda v: parse_choice(v, SCALES_TYPES, "STANDARD"),
            names.NUM_OF_SCALES: lambda v: parse_whole_number(v, 1, 64, DEFAULT_NUM_OF_SCALES),
            names.DOTS_PER_INCH: lambda v: parse_whole_number(v, 1, 10000, 96),
            names.SCALES: parse_scales,
            names.CACHE_TILE_FORMAT: lambda v: parse_choice(v, TILE_FORMATS, "PNG"),
            names.TILE_COMPRESSION_QUALITY: lambda v: parse_whole_number(v, 0, 100, 75),
            names.STORAGE_FORMAT: lambda v: parse_choice(v, STORAGE_FORMATS, "COMPACT"),
        }
        values: dict[str, Any] = {}
        for name, parse in parsers.items():
            try:
                values[name] = parse(raw.get(name))
            except KeywordError as error:
                raise KeywordError(f"{name}: {error}") from None

        def given(name):
            return raw.get(name) not in (None, "")

        return cls(**values, format_given=given(names.CACHE_TILE_FORMAT),
                   quality_given=given(names.TILE_COMPRESSION_QUALITY),
                   storage_given=given(names.STORAGE_FORMAT))

    def canonical(self) -> dict:
        """The values in QGIS's forms (enum indexes), for QGIS's own parameter checks."""
        names = CreateParameterNames
        return {names.TILING_SCHEME_TYPE: TILING_SCHEME_TYPES.index(self.tiling_scheme_type),
                names.SCALES_TYPE: SCALES_TYPES.index(self.scales_type),
                names.NUM_OF_SCALES: self.num_of_scales, names.DOTS_PER_INCH: self.dots_per_inch,
                names.SCALES: ";".join(f"{scale:g}" for scale in self.scales or ()),
                names.CACHE_TILE_FORMAT: TILE_FORMATS.index(self.cache_tile_format),
                names.TILE_COMPRESSION_QUALITY: self.tile_compression_quality,
                names.STORAGE_FORMAT: STORAGE_FORMATS.index(self.storage_format)}


class CreateParameters(CreateParameterNames):
    """The definitions, made afresh for each algorithm instance (so in the current language)."""

    def tr(self, text):
        return QCoreApplication.translate("CreateParameters", text)

    def definitions(self) -> list[QgsProcessingParameterDefinition]:
        return [
            described(QgsProcessingParameterString(self.INPUT_SERVICE, self.tr("Input service")), self.tr(
                "The service to cache, as GIS Servers/<connection>/[<folder>/]<service>.MapServer (the "
                "connection's server directories then hold the cache, in arcgiscache) or <service>.MapServer "
                "with a service cache directory. The cache is created in <service cache directory>/"
                "[<folder>_]<service>/Layers.")),
            described(QgsProcessingParameterFile(
                self.SERVICE_CACHE_DIRECTORY, self.tr("Service cache directory"), FILE_BEHAVIOR_FOLDER,
                optional=True), self.tr(
                "The parent folder of the cache (a server's arcgiscache folder). Empty: the arcgiscache "
                "folder of the input service's server connection.")),
            described(QgsProcessingParameterEnum(
                self.TILING_SCHEME_TYPE, self.tr("Tiling scheme"), [self.tr("New (NEW)"),
                                                                    self.tr("Predefined (PREDEFINED)")],
                defaultValue=0), self.tr(
                "NEW: the tiling scheme is made from the parameters below. PREDEFINED: it is read from a "
                "tiling scheme file (conf.xml) or is one of the built-in schemes.")),
            described(QgsProcessingParameterEnum(
                self.SCALES_TYPE, self.tr("Scales type"), [self.tr("Standard (STANDARD)"),
                                                           self.tr("Custom (CUSTOM)")], defaultValue=0),
                self.tr("STANDARD: num_of_scales scales halving from the power-of-two multiple of "
                        "1:1,000,000 closest to the scale at which the map's full extent fills one tile. "
                        "CUSTOM: the scales given.")),
            described(QgsProcessingParameterNumber(
                self.NUM_OF_SCALES, self.tr("Number of scales"), NUMBER_INTEGER,
                defaultValue=DEFAULT_NUM_OF_SCALES, minValue=1, maxValue=64), self.tr(
                "How many STANDARD scales the cache has.")),
            described(QgsProcessingParameterNumber(
                self.DOTS_PER_INCH, self.tr("Dots (pixels) per inch"), NUMBER_INTEGER, defaultValue=96,
                minValue=1, maxValue=10000), self.tr(
                "The DPI of the intended screen; the tiles are drawn at it (96 by default).")),
            described(QgsProcessingParameterString(
                self.TILE_SIZE, self.tr("Tile size (in pixels)"), defaultValue="256 x 256"), self.tr(
                "Width and height of the tiles: 128 x 128, 256 x 256, 512 x 512 or 1024 x 1024.")),
            described(QgsProcessingParameterFile(
                self.PREDEFINED_TILING_SCHEME, self.tr("Predefined tiling scheme"), FILE_BEHAVIOR_FILE,
                optional=True, fileFilter=self.tr("Tiling schemes (*.xml *.XML)")), self.tr(
                "Used with PREDEFINED: a tiling scheme file (a cache's conf.xml), or ARCGISONLINE_SCHEME "
                "(Web Mercator, the ArcGIS Online / Bing / Google grid, 24 levels) or WGS84_V2_SCHEME "
                "(WGS 84, origin -180, 90, 0.703125 degrees at level 0).")),
            described(QgsProcessingParameterString(
                self.TILE_ORIGIN, self.tr("Tiling origin in map units"), optional=True), self.tr(
                "The upper-left corner of the tile grid as \"x y\" in the map's units. Empty: what ArcGIS "
                "picks, the upper-left corner of the spatial reference's XY domain (Web Mercator "
                "-20037700 30241100, geographic -400 400, UTM-like Transverse Mercator false origin "
                "-5620900 +9998100).")),
            described(QgsProcessingParameterString(self.SCALES, self.tr("Scales"), optional=True), self.tr(
                "Used with CUSTOM: the scales separated by semicolons, e.g. 500000;250000;125000.")),
            described(QgsProcessingParameterEnum(
                self.CACHE_TILE_FORMAT, self.tr("Cache tile format"), list(TILE_FORMATS), defaultValue=0),
                self.tr("The tiles' image format. With PREDEFINED, the file's format unless given.")),
            described(QgsProcessingParameterNumber(
                self.TILE_COMPRESSION_QUALITY, self.tr("Tile compression quality"), NUMBER_INTEGER,
                defaultValue=75, minValue=0, maxValue=100), self.tr(
                "JPEG quality (0-100) of JPEG and MIXED caches.")),
            described(QgsProcessingParameterEnum(
                self.STORAGE_FORMAT, self.tr("Storage format"), list(STORAGE_FORMATS), defaultValue=0),
                self.tr("COMPACT (bundles, ArcGIS 10.0-10.2), COMPACT_V2 (bundles, ArcGIS 10.3+; GDAL reads "
                        "them) or EXPLODED (a file per tile).")),
            described(QgsProcessingParameterFile(
                self.IN_MAP, self.tr("QGIS project"), FILE_BEHAVIOR_FILE, optional=True,
                fileFilter=self.tr("QGIS projects (*.qgz *.qgs *.QGZ *.QGS)")), self.tr(
                "The QGIS project the service draws (.qgz or .qgs); the cache remembers it. Empty: the "
                "project open in QGIS, which must be saved to a file.")),
            described(QgsProcessingParameterMapTheme(
                self.MAP_THEME, self.tr("Map theme"), optional=True), self.tr(
                "The project's map theme whose layers are drawn. Empty: the layers visible as saved.")),
        ]
