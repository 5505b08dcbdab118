"""Read the tiling scheme and full extent of a .tpkx from its root.json.

The document may be hostile like any cache file: its size is capped, NaN and Infinity are refused, and every
malformed value ends in a SchemeError naming the file and the JSON path of the problem. Values are checked
by the validators conf.xml uses (checks.py), so both files yield the same TilingScheme for the same cache.
"""

from __future__ import annotations

import json

from ..errors import SchemeError
from ..scheme import LOD, Extent, SpatialReference, StorageFormat, TilingScheme
from .checks import (
    MAX_LODS,
    checked_extent,
    checked_integer,
    checked_number,
    checked_scheme,
    checked_storage,
    checked_wkid,
)

# Real files are a few kilobytes; the cap bounds the memory a hostile file can take.
MAX_JSON_BYTES = 1024 * 1024


def parse_root_json(data: bytes, where: str) -> tuple[TilingScheme, Extent | None]:
    """Scheme and full extent from a .tpkx root.json; only the levels minLOD..maxLOD it carries are kept."""
    if len(data) > MAX_JSON_BYTES:
        raise SchemeError(f"{where}: file larger than {MAX_JSON_BYTES} bytes")
    try:
        root = json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise SchemeError(f"{where}: not valid JSON ({error})") from None
    root = _object(root, where, "the document")
    tile_info = _object(root.get("tileInfo"), where, "tileInfo")
    origin = _object(tile_info.get("origin"), where, "tileInfo.origin")
    image = _object(root.get("tileImageInfo", {}), where, "tileImageInfo")
    storage = _object(root.get("storageInfo", {}), where, "storageInfo")
    storage_name = storage.get("storageFormat", StorageFormat.COMPACT_V2.value)
    if not isinstance(storage_name, str):
        raise SchemeError(f"{where}: storageInfo.storageFormat is not a string")
    storage_format, packet_size = checked_storage(storage_name, storage.get("packetSize"), where)
    lods_json = tile_info.get("lods")
    if not isinstance(lods_json, list):
        raise SchemeError(f"{where}: tileInfo.lods is missing or not a list")
    if len(lods_json) > MAX_LODS:
        raise SchemeError(f"{where}: {len(lods_json)} levels of detail, at most {MAX_LODS} are supported")
    lods = [_lod_from_json(_object(item, where, f"tileInfo.lods[{i}]"), where, i)
            for i, item in enumerate(lods_json)]
    low, high = root.get("minLOD"), root.get("maxLOD")
    if low is not None and high is not None:
        low = checked_integer(low, where, "minLOD", 0, 999)
        high = checked_integer(high, where, "maxLOD", low, 999)
        lods = [lod for lod in lods if low <= lod.level <= high]
    tile_format = image.get("format", tile_info.get("format"))
    quality = image.get("compressionQuality", image.get("compression", tile_info.get("compressionQuality")))
    scheme = checked_scheme(
        where, _srs_from_json(tile_info.get("spatialReference"), where),
        checked_number(origin.get("x"), where, "tileInfo.origin.x"),
        checked_number(origin.get("y"), where, "tileInfo.origin.y"),
        tile_info.get("cols"), tile_info.get("rows"), tile_info.get("dpi", 96), lods, tile_format,
        quality, storage_format, packet_size)
    return scheme, _extent_from_json(root.get("fullExtent"), where)


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _object(value, where, what) -> dict:
    if not isinstance(value, dict):
        raise SchemeError(f"{where}: {what} is missing or not an object")
    return value


def _lod_from_json(item, where, index) -> LOD:
    what = f"tileInfo.lods[{index}]"
    return LOD(checked_integer(item.get("level"), where, what + ".level", 0, 999),
               checked_number(item.get("scale"), where, what + ".scale"),
               checked_number(item.get("resolution"), where, what + ".resolution"))


def _srs_from_json(value, where) -> SpatialReference:
    srs = _object(value, where, "tileInfo.spatialReference")
    wkt = srs.get("wkt")
    if wkt is not None and not isinstance(wkt, str):
        raise SchemeError(f"{where}: tileInfo.spatialReference.wkt is not a string")
    return SpatialReference(checked_wkid(srs.get("wkid"), where, "spatialReference.wkid"),
                            checked_wkid(srs.get("latestWkid"), where, "spatialReference.latestWkid"),
                            wkt or None)


def _extent_from_json(value, where) -> Extent | None:
    if value is None:
        return None
    extent = _object(value, where, "fullExtent")
    names = ("xmin", "ymin", "xmax", "ymax")
    values = [extent.get(name) for name in names]
    if any(v is None or v == "NaN" for v in values):
        return None
    return checked_extent([checked_number(v, where, f"fullExtent.{n}") for v, n in zip(values, names)], where)
