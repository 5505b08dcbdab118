"""The open tile formats an export can end in, and which writer makes each from a finished cache folder."""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path

from ..scheme import Extent
from .sqlite_write import write_geopackage, write_mbtiles
from .tile_folder_write import write_tile_folder


class OpenOutput(enum.Enum):
    """An open format: its file suffix ("" for a folder)."""

    MBTILES = ".mbtiles"
    GEOPACKAGE = ".gpkg"
    TILE_FOLDER = ""

    @property
    def suffix(self) -> str:
        return self.value


def write_open_output(kind: OpenOutput, cache_folder: Path, destination: Path, name: str,
                      extent: Extent | None, rows: str, is_cancelled: Callable[[], bool]) -> Path:
    """Write ``destination`` (a new file replacing any earlier one, or a new folder) from the cache folder;
    ``name``: the layer's name (MBTiles name, GeoPackage table); ``rows``: a tile folder's XYZ or TMS."""
    if kind is OpenOutput.MBTILES:
        return write_mbtiles(cache_folder, destination, name, extent, is_cancelled)
    if kind is OpenOutput.GEOPACKAGE:
        return write_geopackage(cache_folder, destination, name, extent, is_cancelled)
    return write_tile_folder(cache_folder, destination, rows, is_cancelled)
