"""The source cache type as a drop-down that follows the file chosen: a .tpk/.tpkx in the tile package field
selects TILE_PACKAGE, an .mbtiles MBTILES, a .gpkg GEOPACKAGE; a folder in the cache dataset field
TILE_FOLDER when it holds {z} folders and no conf.xml, else CACHE_DATASET. Anything else (a folder given as
the package, a package as the dataset) leaves the type alone, and the check before the run names it."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtWidgets import QComboBox

from ...core.sources.open_formats import is_tile_folder
from ...core.sources.opening import PACKAGE_SUFFIXES
from ..keywords import SOURCE_TYPES, KeywordError, parse_source_type
from .standard_only import StandardDialogWidgetWrapper

SOURCE_FIELDS = {"source_cache_dataset": "CACHE_DATASET", "source_tile_package": "TILE_PACKAGE"}
FILE_TYPES = {**{suffix: "TILE_PACKAGE" for suffix in PACKAGE_SUFFIXES}, ".mbtiles": "MBTILES",
              ".gpkg": "GEOPACKAGE"}


class SourceTypeWidgetWrapper(StandardDialogWidgetWrapper):
    """`source_cache_type`: the enum's options; set from the source fields when they name a fitting file."""

    def createWidget(self):
        combo = QComboBox()
        combo.addItems(self.parameterDefinition().options())
        combo.currentIndexChanged.connect(lambda _index: self.widgetValueHasChanged.emit(self))
        return combo

    def postInitialize(self, wrappers):
        for wrapper in wrappers:
            if wrapper.parameterDefinition().name() in SOURCE_FIELDS:
                wrapper.widgetValueHasChanged.connect(self.follow_source)

    def follow_source(self, wrapper):
        """Select the type the file just chosen in a source field is, when it fits that field."""
        field = wrapper.parameterDefinition().name()
        path = Path(str(wrapper.parameterValue() or "").strip())
        if not path.name:
            return
        if field == "source_tile_package" and path.suffix.lower() in FILE_TYPES:
            self.setValue(FILE_TYPES[path.suffix.lower()])
        elif field == "source_cache_dataset" and path.is_dir():
            self.setValue("TILE_FOLDER" if is_tile_folder(path) else SOURCE_FIELDS[field])

    def setValue(self, value):
        """An index, or a keyword as arcpy writes it; a value neither is leaves the choice as it is."""
        try:
            self.widget.setCurrentIndex(SOURCE_TYPES.index(parse_source_type(value)))
        except KeywordError:
            pass

    def value(self):
        return self.widget.currentIndex()
