"""Validators of tiling-scheme values, shared by the conf.xml and root.json readers.

Each takes a raw value (XML text or a JSON value) and returns the checked value, or raises a SchemeError
naming ``where`` (the file) and what is wrong, so both readers give the same scheme and the same messages.
"""

from __future__ import annotations

import math

from ..errors import SchemeError
from ..scheme import Extent, StorageFormat, TilingScheme, normalise_tile_format

MAX_LODS = 256
MAX_TILE_PIXELS = 8192
# Bounds that keep tile maths finite: coordinates in any map unit, resolutions in map units per pixel.
MAX_COORDINATE = 1e15
RESOLUTION_RANGE = (1e-10, 1e10)


def checked_number(value, where, what) -> float:
    """A finite float from XML text or a JSON number (booleans refused)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        problem = "missing" if value is None else f"{value!r}, not a number"
        raise SchemeError(f"{where}: {what} is {problem}") from None
    if not math.isfinite(number):
        raise SchemeError(f"{where}: {what} is not a finite number ({value!r})")
    return number


def checked_integer(value, where, what, low, high) -> int:
    number = (value if isinstance(value, int) and not isinstance(value, bool)
              else checked_number(value, where, what))
    if number != int(number) or not low <= number <= high:
        raise SchemeError(f"{where}: {what} must be a whole number in [{low}, {high}], not {value!r}")
    return int(number)


def checked_wkid(value, where, what):
    """A WKID: absent (None, empty) or a positive whole number."""
    return None if value in (None, "") else checked_integer(value, where, what, 1, 1 << 31)


def checked_storage(name, packet_size, where) -> tuple[StorageFormat, int]:
    if not name:
        return StorageFormat.EXPLODED, 0
    try:
        storage_format = StorageFormat(name)
    except ValueError:
        raise SchemeError(f"{where}: unknown storage format {name!r}") from None
    if storage_format is StorageFormat.EXPLODED:
        return storage_format, 0
    if packet_size in (None, ""):
        return storage_format, 128
    return storage_format, checked_integer(packet_size, where, "packet size", 1, 1 << 16)


def checked_scheme(where, srs, origin_x, origin_y, cols, rows, dpi, lods, tile_format, quality,
                   storage_format, packet_size) -> TilingScheme:
    """Validate the pieces shared by conf.xml and root.json and build the scheme."""
    if srs.wkid is None and srs.latest_wkid is None and not srs.wkt:
        raise SchemeError(f"{where}: spatial reference has neither WKID nor WKT")
    if not lods:
        raise SchemeError(f"{where}: no levels of detail")
    if len(lods) > MAX_LODS:
        raise SchemeError(f"{where}: {len(lods)} levels of detail, at most {MAX_LODS} are supported")
    low, high = RESOLUTION_RANGE
    for lod in lods:
        if not low <= lod.resolution <= high or not 0 < lod.scale <= MAX_COORDINATE:
            raise SchemeError(f"{where}: level {lod.level} has resolution {lod.resolution!r} or scale "
                              f"{lod.scale!r} out of range (resolution {low:g} to {high:g}, scale above 0)")
    if abs(origin_x) > MAX_COORDINATE or abs(origin_y) > MAX_COORDINATE:
        raise SchemeError(f"{where}: tile origin {(origin_x, origin_y)} out of range")
    if len({lod.level for lod in lods}) != len(lods) or len({lod.resolution for lod in lods}) != len(lods):
        raise SchemeError(f"{where}: two levels of detail share a level id or a resolution")
    if not isinstance(tile_format, str) or not tile_format.strip():
        raise SchemeError(f"{where}: tile image format is missing")
    return TilingScheme(
        spatial_reference=srs, origin_x=origin_x, origin_y=origin_y,
        tile_cols=checked_integer(cols, where, "tile columns", 1, MAX_TILE_PIXELS),
        tile_rows=checked_integer(rows, where, "tile rows", 1, MAX_TILE_PIXELS),
        dpi=checked_integer(dpi, where, "DPI", 1, 10000),
        lods=tuple(lods), tile_format=normalise_tile_format(tile_format),
        compression_quality=None if quality in (None, "") else checked_integer(quality, where,
                                                                               "compression quality", 0, 100),
        storage_format=storage_format, packet_size=packet_size)


def checked_extent(values, where) -> Extent:
    extent = Extent(*values)
    if any(abs(value) > MAX_COORDINATE for value in extent):
        raise SchemeError(f"{where}: extent {tuple(extent)} out of range")
    if extent.xmin > extent.xmax or extent.ymin > extent.ymax:
        raise SchemeError(f"{where}: extent has its minimum above its maximum {tuple(extent)}")
    return extent
