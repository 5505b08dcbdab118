"""Does a source cache fit its target? compare() lists every difference of tiling scheme that would make
its tiles land in the wrong place or the wrong format; format_differences() says them to the user."""

from __future__ import annotations

from typing import NamedTuple

from .gdalcalls import attempt
from .scheme import WEB_MERCATOR_CODES, SpatialReference, TilingScheme, gdal_srs, normalise_tile_format

# Tile origins may differ by float noise; allow this fraction of a pixel of the finest level.
_ORIGIN_PIXEL_TOL = 0.01


class Difference(NamedTuple):
    """One way a source cache does not fit its target; a value of None means "missing"."""

    name: str
    source_value: object
    target_value: object


def same_spatial_reference(a: SpatialReference, b: SpatialReference) -> bool:
    """Same WKID/LatestWKID (Web Mercator aliases are one; a WKT-only side is identified by GDAL),
    else GDAL's IsSame on the two definitions."""
    codes_a, codes_b = a.codes(), b.codes()
    if codes_a and codes_b:
        return bool(codes_a & codes_b)
    if a.wkt and b.wkt and a.wkt.strip() == b.wkt.strip():
        return True
    srs_a, srs_b = _osr(a), _osr(b)
    if srs_a is None or srs_b is None:
        return False
    codes_a, codes_b = codes_a or _identify(srs_a), codes_b or _identify(srs_b)
    if codes_a and codes_b:
        return bool(codes_a & codes_b)
    return bool(attempt(srs_a.IsSame, srs_b))


def _osr(reference: SpatialReference):
    """GDAL spatial reference, None when GDAL cannot read the definition (whatever its exception mode)."""
    definition = reference.user_input()
    return gdal_srs(definition) if definition else None


def _identify(srs) -> frozenset[int]:
    """Codes of a WKT-only definition: its own AUTHORITY node (ArcGIS 10.x writes one), else the EPSG
    codes GDAL matches with full confidence."""
    own = srs.GetAuthorityCode(None)
    if own and own.isdigit() and (srs.GetAuthorityName(None) or "").upper() in ("EPSG", "ESRI"):
        return SpatialReference(int(own)).codes()
    matches = attempt(srs.FindMatches) or []
    codes = set()
    for match, confidence in matches:
        code = match.GetAuthorityCode(None)
        if confidence >= 100 and code and code.isdigit():
            codes.add(3857 if int(code) in WEB_MERCATOR_CODES else int(code))
    return frozenset(codes)


def compare(source: TilingScheme, target: TilingScheme, *, storage: bool = True) -> list[Difference]:
    """Every way source does not fit target; [] means its tiles can go into target as they are.

    ``storage`` False leaves the storage format and packet size out: the engine then moves tiles one by
    one between layouts (an export into a new storage), their bytes unchanged.

    Each source level must exist in the target (by resolution); target levels the source lacks are fine.
    Tile image formats are compared by name after normalisation: "PNG" (ArcGIS picks the depth) is not
    "PNG32".
    Compression quality is not compared: tiles keep their own bytes.
    """
    differences = []
    if not same_spatial_reference(source.spatial_reference, target.spatial_reference):
        differences.append(Difference("spatial reference", _describe_srs(source.spatial_reference),
                                      _describe_srs(target.spatial_reference)))
    finest = min((lod.resolution for lod in source.lods + target.lods), default=1.0)
    tolerance = max(finest * _ORIGIN_PIXEL_TOL, 1e-9 * max(abs(target.origin_x), abs(target.origin_y)))
    if (abs(source.origin_x - target.origin_x) > tolerance
            or abs(source.origin_y - target.origin_y) > tolerance):
        differences.append(Difference("tile origin", (source.origin_x, source.origin_y),
                                      (target.origin_x, target.origin_y)))
    if (source.tile_cols, source.tile_rows) != (target.tile_cols, target.tile_rows):
        differences.append(Difference("tile size", f"{source.tile_cols}x{source.tile_rows}",
                                      f"{target.tile_cols}x{target.tile_rows}"))
    if source.dpi != target.dpi:
        differences.append(Difference("DPI", source.dpi, target.dpi))
    for lod in source.lods:
        if target.lod_for_resolution(lod.resolution) is None:
            differences.append(Difference(f"level {lod.level} (1:{lod.scale:,.0f}) resolution",
                                          lod.resolution, None))
    if storage and source.storage_format is not target.storage_format:
        differences.append(Difference("storage format", source.storage_format.value,
                                      target.storage_format.value))
    elif storage and source.packet_size != target.packet_size:
        differences.append(Difference("packet size", source.packet_size, target.packet_size))
    if normalise_tile_format(source.tile_format) != normalise_tile_format(target.tile_format):
        differences.append(Difference("tile image format", source.tile_format, target.tile_format))
    return differences


def _describe_srs(reference: SpatialReference) -> str:
    if reference.wkid is not None or reference.latest_wkid is not None:
        codes = [str(code) for code in (reference.wkid, reference.latest_wkid) if code is not None]
        return "WKID " + "/".join(dict.fromkeys(codes))
    wkt = reference.wkt or "none"
    return wkt if len(wkt) <= 80 else wkt[:77] + "..."


def format_differences(differences, source_name: str = "source", target_name: str = "target") -> str:
    """One line per difference, both values shown.

    >>> print(format_differences([Difference("DPI", 96, 90), Difference("level 3 resolution", 0.5, None)]))
    - DPI: source 96, target 90
    - level 3 resolution: source 0.5, target missing
    """
    def show(value):
        return "missing" if value is None else str(value)

    return "\n".join(f"- {d.name}: {source_name} {show(d.source_value)}, {target_name} {show(d.target_value)}"
                     for d in differences)
