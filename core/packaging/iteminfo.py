"""What a tile package says about itself: esriinfo/iteminfo.xml (.tpk) or iteminfo.json (.tpkx), and for a
.tpk the service description tpkutils reads its bounds from.

ArcGIS writes the item's extent in geographic coordinates (WGS 84 longitude/latitude); ``geographic_extent``
projects the cache's extent there, sampling its edges so that a curved outline is covered.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from ..errors import PackageError
from ..gdalcalls import checked, osgeo_calls
from ..scheme import Extent, SpatialReference, gdal_srs

_EDGE_SAMPLES = 21


@dataclass(frozen=True)
class ItemInfo:
    """The package's name and description; extent in WGS 84 (None: unknown)."""

    name: str
    summary: str = ""
    tags: str = ""
    description: str = ""
    credits: str = ""
    extent: Extent | None = None
    guid: str = field(default_factory=lambda: str(uuid.uuid4()).upper())


def geographic_extent(extent: Extent | None, srs: SpatialReference) -> Extent | None:
    """``extent`` (in ``srs``) as WGS 84 longitude/latitude bounds; None when unknown."""
    if extent is None:
        return None
    from osgeo import osr

    source = gdal_srs(srs.user_input())
    if source is None:
        raise PackageError(f"cannot read the cache's spatial reference {srs.user_input()!r}")
    with osgeo_calls():
        wgs84 = osr.SpatialReference()
        wgs84.ImportFromEPSG(4326)
        for reference in (source, wgs84):
            reference.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = checked(PackageError, "cannot project the cache's extent to WGS 84",
                        osr.CoordinateTransformation, source, wgs84)
    xmin, ymin, xmax, ymax = extent
    steps = [i / (_EDGE_SAMPLES - 1) for i in range(_EDGE_SAMPLES)]
    points = [(xmin + (xmax - xmin) * t, y) for t in steps for y in (ymin, ymax)]
    points += [(x, ymin + (ymax - ymin) * t) for t in steps for x in (xmin, xmax)]
    projected = checked(PackageError, "cannot project the cache's extent to WGS 84",
                        transform.TransformPoints, points)
    lons, lats = [p[0] for p in projected], [p[1] for p in projected]
    return Extent(max(min(lons), -180.0), max(min(lats), -90.0), min(max(lons), 180.0), min(max(lats), 90.0))


def iteminfo_xml(item: ItemInfo) -> bytes:
    """esriinfo/iteminfo.xml of a .tpk, with the elements tpkutils and ArcGIS read."""
    def element(name: str, text: str) -> str:
        return f"<{name}>{escape(text)}</{name}>"

    extent = ""
    if item.extent is not None:
        extent = "<extent>" + "".join(element(name, repr(value)) for name, value in
                                      zip(("xmin", "ymin", "xmax", "ymax"), item.extent)) + "</extent>"
    keywords = "".join(element("typekeyword", word) for word in ("Data", "Tile Package", "tpk"))
    body = "\n".join([
        element("name", item.name), element("guid", item.guid), element("catalogpath", ""),
        element("snippet", item.summary), element("description", item.description),
        element("summary", item.summary), element("title", item.name), element("tags", item.tags),
        element("type", "Tile Package"), f"<typekeywords>{keywords}</typekeywords>",
        element("thumbnail", "thumbnail/thumbnail.png"), element("documentation", ""), element("url", ""),
        extent, element("spatialreference", "GCS_WGS_1984"), element("accessinformation", item.credits),
        element("licenseinfo", "")])
    return ("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<ESRI_ItemInformation Culture='en-US'>\n"
            f"{body}\n</ESRI_ItemInformation>\n").encode()


def iteminfo_json(item: ItemInfo) -> bytes:
    """iteminfo.json of a .tpkx, as the tile-package specification describes it."""
    document: dict = {
        "creator": "map_server_cache", "name": item.name, "guid": item.guid, "version": 1.0, "created": 0,
        "snippet": item.summary, "description": item.description, "summary": item.summary,
        "title": item.name, "tags": item.tags, "accessInformation": item.credits,
        "type": "Compact Tile Package", "typeKeywords": ["Compact Tile Package", "Tile Package", "tpkx"],
        "thumbnail": "./thumbnail.png"}
    if item.extent is not None:
        document["extent"] = {**dict(zip(("xmin", "ymin", "xmax", "ymax"), item.extent)),
                              "spatialReference": {"wkid": 4326, "latestWkid": 4326}}
    return json.dumps(document).encode("utf-8")


def item_pkinfo(item: ItemInfo) -> bytes:
    """esriinfo/item.pkinfo of a .tpk: the package's id, name and type, as ArcGIS 10.3 writes it."""
    return ("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<pkinfo Culture='en-US'>\n"
            f"<ID>{escape(item.guid)}</ID>\n<name>{escape(item.name)}</name>\n<version>10.3</version>\n"
            "<size>-1</size>\n<created></created>\n<type>Tile Package</type>\n<servable>false</servable>\n"
            "<packagelocation></packagelocation>\n<pkinfolocation></pkinfolocation>\n</pkinfo>\n").encode()


def conf_properties() -> bytes:
    """v101/<data frame>/conf.properties of a .tpk: the cache holds map tiles (ArcGIS writes this one key)."""
    return (b"<?xml version=\"1.0\" encoding=\"utf-8\" ?><PropertySet xsi:type='typens:PropertySet' "
            b"xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' "
            b"xmlns:xs='http://www.w3.org/2001/XMLSchema' "
            b"xmlns:typens='http://www.esri.com/schemas/ArcGIS/10.3'><PropertyArray "
            b"xsi:type='typens:ArrayOfPropertySetProperty'><PropertySetProperty "
            b"xsi:type='typens:PropertySetProperty'><Key>CacheTileContentType</Key>"
            b"<Value xsi:type='xs:string'>"
            b"Map</Value></PropertySetProperty></PropertyArray></PropertySet>")


def service_description_json(item: ItemInfo) -> bytes:
    """servicedescriptions/mapserver/mapserver.json of a .tpk: the geographic bounds (tpkutils needs them)."""
    corners = dict(zip(("xmin", "ymin", "xmax", "ymax"), item.extent or (-180.0, -90.0, 180.0, 90.0)))
    bounds = {**corners, "spatialReference": {"wkid": 4326}}
    document = {"name": item.name, "contents": {},
                "resourceInfo": {"geoFullExtent": bounds, "geoInitialExtent": bounds},
                "resources": [{"name": "layers", "contents": {"layers": []}},
                              {"name": "legend", "contents": {"layers": []}}]}
    return json.dumps(document).encode("utf-8")
