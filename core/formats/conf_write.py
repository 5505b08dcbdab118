"""Write conf.xml and conf.cdi as ArcGIS 10.3+ lays them out, atomically (read back by ArcGIS, GDAL's ESRIC
driver and ``conf``)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..atomic import replace_file
from ..errors import SchemeError
from ..gdalcalls import checked
from ..scheme import Extent, SpatialReference, StorageFormat, TilingScheme, gdal_srs
from .conf import parse_conf_xml

_NAMESPACES = {
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xmlns:xs": "http://www.w3.org/2001/XMLSchema",
    "xmlns:typens": "http://www.esri.com/schemas/ArcGIS/10.3",
}


def write_conf_xml(scheme: TilingScheme, path) -> None:
    """Write conf.xml the way ArcGIS 10.3+ lays it out (read back by ArcGIS, GDAL's ESRIC driver and us)."""
    root = ET.Element("CacheInfo", {"xsi:type": "typens:CacheInfo", **_NAMESPACES})
    info = _sub(root, "TileCacheInfo", xsi_type="TileCacheInfo")
    info.append(_srs_element("SpatialReference", scheme.spatial_reference))
    origin = _sub(info, "TileOrigin", xsi_type="PointN")
    _sub(origin, "X", repr(float(scheme.origin_x)))
    _sub(origin, "Y", repr(float(scheme.origin_y)))
    _sub(info, "TileCols", str(scheme.tile_cols))
    _sub(info, "TileRows", str(scheme.tile_rows))
    _sub(info, "DPI", str(scheme.dpi))
    _sub(info, "PreciseDPI", str(scheme.dpi))
    lods = _sub(info, "LODInfos", xsi_type="ArrayOfLODInfo")
    for lod in scheme.lods:
        node = _sub(lods, "LODInfo", xsi_type="LODInfo")
        _sub(node, "LevelID", str(lod.level))
        _sub(node, "Scale", repr(float(lod.scale)))
        _sub(node, "Resolution", repr(float(lod.resolution)))
    image = _sub(root, "TileImageInfo", xsi_type="TileImageInfo")
    _sub(image, "CacheTileFormat", scheme.tile_format)
    if scheme.compression_quality is not None:
        _sub(image, "CompressionQuality", str(scheme.compression_quality))
    _sub(image, "Antialiasing", "false")
    storage = _sub(root, "CacheStorageInfo", xsi_type="CacheStorageInfo")
    _sub(storage, "StorageFormat", scheme.storage_format.value)
    _sub(storage, "PacketSize", str(scheme.packet_size))
    _write_xml(root, path)


def with_storage_format(data: bytes, storage_format: StorageFormat, where: str) -> bytes:
    """conf.xml's bytes with another storage format and its packet size (128 compact, 0 exploded), every
    other byte kept (elements this plugin does not model, comments, layout); checked by reading it back."""
    packet = b"0" if storage_format is StorageFormat.EXPLODED else b"128"
    value = storage_format.value.encode()
    element = re.compile(rb"(<StorageFormat\b[^>]*>)[^<]*(</StorageFormat>)")
    if element.search(data):
        data = element.sub(lambda m: m.group(1) + value + m.group(2), data, count=1)
        packet_element = re.compile(rb"(<PacketSize\b[^>]*>)[^<]*(</PacketSize>)")
        if packet_element.search(data):
            data = packet_element.sub(lambda m: m.group(1) + packet + m.group(2), data, count=1)
        else:
            data = data.replace(b"</StorageFormat>",
                                b"</StorageFormat><PacketSize>" + packet + b"</PacketSize>", 1)
    else:
        closing = data.rfind(b"</")
        if closing < 0:
            raise SchemeError(f"{where}: not a conf.xml document")
        storage = (b'<CacheStorageInfo xsi:type="typens:CacheStorageInfo"><StorageFormat>' + value
                   + b"</StorageFormat><PacketSize>" + packet + b"</PacketSize></CacheStorageInfo>")
        data = data[:closing] + storage + data[closing:]
    if parse_conf_xml(data, where).storage_format is not storage_format:
        raise SchemeError(f"{where}: cannot set the storage format to {storage_format.value}")
    return data


def write_conf_cdi(extent: Extent, path, spatial_reference: SpatialReference | None = None) -> None:
    """Write conf.cdi: the envelope of cached data, with its spatial reference when given."""
    root = ET.Element("EnvelopeN", {"xsi:type": "typens:EnvelopeN", **_NAMESPACES})
    for name, value in zip(("XMin", "YMin", "XMax", "YMax"), extent):
        _sub(root, name, repr(float(value)))
    if spatial_reference is not None:
        root.append(_srs_element("SpatialReference", spatial_reference))
    _write_xml(root, path)


def _sub(parent, name, text=None, xsi_type=None):
    node = ET.SubElement(parent, name, {"xsi:type": f"typens:{xsi_type}"} if xsi_type else {})
    node.text = text
    return node


def _srs_element(name, srs: SpatialReference):
    """SpatialReference with a WKT always present (GDAL's ESRIC reads only the WKT; default would be 4326)."""
    wkt = srs.wkt or _esri_wkt(srs)
    kind = "Geographic" if wkt.lstrip().upper().startswith("GEOGCS") else "Projected"
    node = ET.Element(name, {"xsi:type": f"typens:{kind}CoordinateSystem"})
    _sub(node, "WKT", wkt)
    if srs.wkid is not None:
        _sub(node, "WKID", str(srs.wkid))
    if srs.latest_wkid is not None:
        _sub(node, "LatestWKID", str(srs.latest_wkid))
    return node


def _esri_wkt(srs: SpatialReference) -> str:
    ref = gdal_srs(srs.user_input())
    if ref is None:
        raise SchemeError(f"spatial reference {srs.user_input()!r} unknown to GDAL: no WKT")
    return checked(SchemeError, f"spatial reference {srs.user_input()!r}: no ESRI WKT",
                   ref.ExportToWkt, ["FORMAT=WKT1_ESRI"], succeeded=bool)


def _write_xml(root, path) -> None:
    ET.indent(root, "  ")
    # readers (ArcGIS, another import) see the old file or the new one, never half
    replace_file(Path(path), ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
