"""Read the files describing a cache: conf.xml (ArcGIS 9.2 → 10.x) and conf.cdi (``conf_write`` writes them).

Input may be hostile (caches come from anywhere): XML with a DTD is refused before any entity can expand,
sizes are capped, and every malformed value ends in a SchemeError naming the file and the problem. Values are
checked by ``checks``, shared with root_json.py, which reads the same scheme from a .tpkx.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.parsers import expat

from ..errors import SchemeError
from ..scheme import LOD, Extent, SpatialReference, TilingScheme
from .checks import (
    checked_extent,
    checked_integer,
    checked_number,
    checked_scheme,
    checked_storage,
    checked_wkid,
)

# Real files are a few kilobytes; the cap bounds the memory a hostile file can take.
MAX_XML_BYTES = 1024 * 1024


class _Node:
    """An XML element reduced to what conf files use: local name, text and children."""

    __slots__ = ("name", "text", "children")

    def __init__(self, name):
        self.name = name.rpartition(":")[2]
        self.text: list[str] = []
        self.children: list[_Node] = []

    def child(self, name):
        return next((node for node in self.children if node.name == name), None)

    def value(self, name):
        node = self.child(name)
        return None if node is None else "".join(node.text).strip()


def _parse_xml(data, where) -> _Node:
    """Parse with expat, refusing any DOCTYPE (billion laughs, external entities) before it takes effect."""
    if len(data) > MAX_XML_BYTES:
        raise SchemeError(f"{where}: file larger than {MAX_XML_BYTES} bytes")
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Node] = []
    roots: list[_Node] = []

    def refuse(*_args):
        raise SchemeError(f"{where}: DTDs and entity declarations are not allowed")

    def start(name, _attrs):
        node = _Node(name)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(_name):
        stack.pop()

    def chars(text):
        if stack:
            stack[-1].text.append(text)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise SchemeError(f"{where}: not well-formed XML ({error})") from None
    except SchemeError:
        raise
    except (LookupError, ValueError) as error:  # an unknown, wrong or multi-byte encoding in the declaration
        raise SchemeError(f"{where}: unreadable text encoding ({error})") from None
    return roots[0]


def find_conf_xml(folder) -> Path:
    """The folder's conf.xml whatever its case (ArcGIS 10.1 writes "Conf.xml"); SchemeError when none."""
    folder = Path(folder)
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if entry.name.lower() == "conf.xml"]
    except OSError as error:
        raise SchemeError(f"{folder}: cannot list folder ({error.strerror})") from None
    if not names:
        raise SchemeError(f"{folder}: no conf.xml in this folder")
    return folder / ("conf.xml" if "conf.xml" in names else sorted(names)[0])


def _read(path) -> bytes:
    try:
        if os.path.getsize(path) > MAX_XML_BYTES:
            raise SchemeError(f"{path}: file larger than {MAX_XML_BYTES} bytes")
        return Path(path).read_bytes()
    except OSError as error:
        raise SchemeError(f"{path}: cannot read ({error.strerror or error})") from None


def read_conf_xml(path) -> TilingScheme:
    return parse_conf_xml(_read(path), str(path))


def parse_conf_xml(data: bytes, where: str) -> TilingScheme:
    """TilingScheme from conf.xml bytes; a missing CacheStorageInfo (before 10.0) means exploded."""
    root = _parse_xml(data, where)
    if root.name != "CacheInfo":
        raise SchemeError(f"{where}: root element is {root.name}, not CacheInfo")
    info = _required(root, "TileCacheInfo", where)
    origin = _required(info, "TileOrigin", where, "TileCacheInfo/")
    lod_infos = _required(info, "LODInfos", where, "TileCacheInfo/")
    lods = [_lod_from_xml(node, where) for node in lod_infos.children if node.name == "LODInfo"]
    image = _required(root, "TileImageInfo", where)
    if not image.value("CacheTileFormat"):
        raise SchemeError(f"{where}: missing TileImageInfo/CacheTileFormat")
    storage = root.child("CacheStorageInfo")
    storage_format, packet_size = checked_storage(storage and storage.value("StorageFormat"),
                                                  storage and storage.value("PacketSize"), where)
    return checked_scheme(
        where, _srs_from_xml(_required(info, "SpatialReference", where, "TileCacheInfo/"), where),
        checked_number(origin.value("X"), where, "TileOrigin/X"),
        checked_number(origin.value("Y"), where, "TileOrigin/Y"),
        info.value("TileCols"), info.value("TileRows"), info.value("DPI"), lods,
        image.value("CacheTileFormat"), image.value("CompressionQuality"), storage_format, packet_size)


def _required(node, name, where, prefix=""):
    found = node.child(name)
    if found is None:
        raise SchemeError(f"{where}: missing {prefix}{name}")
    return found


def _lod_from_xml(node, where) -> LOD:
    return LOD(checked_integer(node.value("LevelID"), where, "LODInfo/LevelID", 0, 999),
               checked_number(node.value("Scale"), where, "LODInfo/Scale"),
               checked_number(node.value("Resolution"), where, "LODInfo/Resolution"))


def _srs_from_xml(node, where) -> SpatialReference:
    return SpatialReference(checked_wkid(node.value("WKID"), where, "SpatialReference/WKID"),
                            checked_wkid(node.value("LatestWKID"), where, "SpatialReference/LatestWKID"),
                            node.value("WKT") or None)


def read_conf_cdi(path) -> Extent | None:
    """Extent of cached data; None when the file (any case of its name) is absent or the envelope empty."""
    path = Path(path)
    if not path.exists():
        try:
            path = next(p for p in path.parent.iterdir() if p.name.lower() == path.name.lower())
        except (OSError, StopIteration):
            return None
    return parse_conf_cdi(_read(path), str(path))


def parse_conf_cdi(data: bytes, where: str) -> Extent | None:
    """EnvelopeN XMin..YMax → Extent; None for an empty envelope (ArcGIS writes NaN)."""
    root = _parse_xml(data, where)
    if root.name != "EnvelopeN":
        raise SchemeError(f"{where}: root element is {root.name}, not EnvelopeN")
    names = ("XMin", "YMin", "XMax", "YMax")
    values = [root.value(name) for name in names]
    if any(value is not None and value.lower() == "nan" for value in values):
        return None
    return checked_extent([checked_number(v, where, n) for v, n in zip(values, names)], where)


