"""Tiling schemes for new caches, computed the way ArcGIS's Create Map Server Cache computes them.

- Resolution from scale: ``scale * (1 / (dpi * 39.37))`` metres per pixel (ArcGIS counts 39.37 inches to
  the metre, and multiplies by that factor: this reproduces the ArcGIS Online scheme's published
  resolutions bit for bit), then divided by the map unit's length in metres; for a geographic system a
  degree is ``semi-major axis * pi / 180`` metres (the ArcGIS Online scales then give WGS84_V2's
  0.703125 / 2**k degrees).
- STANDARD scales: 1:1,000,000 halved or doubled, starting at the one closest to the scale at which the
  map's full extent fits one tile, then ``num_of_scales`` levels, each half the previous one.
- Default tile origin: the upper-left corner of the XY domain ArcGIS gives the spatial reference (see
  ``default_tile_origin``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import SchemeError
from .gdalcalls import attempt, osgeo_calls
from .scheme import LOD, Extent, SpatialReference, StorageFormat, TilingScheme, gdal_srs

INCHES_PER_METRE = 39.37
STANDARD_BASE_SCALE = 1_000_000.0
TILE_SIZES = (128, 256, 512, 1024)
TILE_FORMATS = ("PNG", "PNG8", "PNG24", "PNG32", "JPEG", "MIXED")
MAX_SCALES = 64
WEB_MERCATOR_HALF_WORLD = 20037508.342787

# The ArcGIS Online / Bing / Google scheme: LODs 0-23 as Esri publishes them.
ARCGISONLINE_SCALES: tuple[float, ...] = (
    591657527.591555, 295828763.795777, 147914381.897889, 73957190.948944, 36978595.474472,
    18489297.737236, 9244648.868618, 4622324.434309, 2311162.217155, 1155581.108577, 577790.554289,
    288895.277144, 144447.638572, 72223.819286, 36111.909643, 18055.954822, 9027.977411, 4513.988705,
    2256.994353, 1128.497176, 564.248588, 282.124294, 141.062147, 70.5310735)
BUILTIN_SCHEMES = ("ARCGISONLINE_SCHEME", "WGS84_V2_SCHEME")

# Upper-left corners of ArcGIS's default XY domains (as its spatial references print them).
_WEB_MERCATOR_ORIGIN = (-20037700.0, 30241100.0)
_GEOGRAPHIC_ORIGIN = (-400.0, 400.0)
# UTM-like Transverse Mercator (scale factor 0.9996, metres): the domain's corner relative to the false
# origin, e.g. UTM (-5120900, 9998100), NZTM 2000 (-4020900, 19998100).
_UTM_OFFSET = (-5620900.0, 9998100.0)
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


@dataclass(frozen=True)
class MapUnits:
    """Length of one map unit in metres along the equator, and whether the system is geographic."""

    metres: float
    geographic: bool


@dataclass(frozen=True)
class NewScheme:
    """What Create Map Server Cache's NEW tiling scheme is made of; ``origin`` None = ArcGIS's default."""

    spatial_reference: SpatialReference
    scales: tuple[float, ...]
    dpi: int = 96
    tile_size: tuple[int, int] = (256, 256)
    origin: tuple[float, float] | None = None
    tile_format: str = "PNG"
    compression_quality: int = 75
    storage_format: StorageFormat = StorageFormat.COMPACT


def map_units(srs: SpatialReference) -> MapUnits:
    """The spatial reference's unit (GDAL reads the WKT or the WKID); SchemeError when GDAL cannot."""
    if srs.codes() & {3857}:
        return MapUnits(1.0, False)
    definition = srs.user_input()
    ref = gdal_srs(definition) if definition else None
    if ref is None and srs.wkt and definition != srs.wkt:
        ref = gdal_srs(srs.wkt)
    if ref is None:
        raise SchemeError(f"spatial reference {definition or srs!r} unknown to GDAL: its units are unknown")
    with osgeo_calls():
        if ref.IsGeographic():
            semi_major = attempt(ref.GetSemiMajor)
            return MapUnits((semi_major or 6378137.0) * math.pi / 180.0, True)
        metres = attempt(ref.GetLinearUnits)
    if not metres or not math.isfinite(metres) or metres <= 0:
        raise SchemeError(f"spatial reference {definition!r}: no linear unit")
    return MapUnits(float(metres), False)


def resolution_for_scale(scale: float, dpi: int, units: MapUnits) -> float:
    """Map units per pixel at 1:scale, as ArcGIS computes it (see the module's docstring)."""
    metres = scale * (1.0 / (dpi * INCHES_PER_METRE))
    return metres if units.metres == 1.0 else metres / units.metres


def extent_scale(extent: Extent, tile_size: tuple[int, int], dpi: int, units: MapUnits) -> float:
    """The scale at which the whole extent fits in one tile."""
    cols, rows = tile_size
    per_pixel = max((extent.xmax - extent.xmin) / cols, (extent.ymax - extent.ymin) / rows)
    if not per_pixel > 0 or not math.isfinite(per_pixel):
        raise SchemeError(f"map extent {tuple(extent)} is empty: no STANDARD scales can be chosen")
    return per_pixel * units.metres * dpi * INCHES_PER_METRE


def standard_scales(start_scale: float, count: int) -> tuple[float, ...]:
    """``count`` scales 1:1,000,000 * 2**k, halving, from the one closest (by ratio) to ``start_scale``.

    >>> standard_scales(121_000_000, 3)
    (128000000.0, 64000000.0, 32000000.0)
    """
    if not 1 <= count <= MAX_SCALES:
        raise SchemeError(f"num_of_scales must be 1 to {MAX_SCALES}, not {count}")
    first = round(math.log2(start_scale / STANDARD_BASE_SCALE))
    return tuple(math.ldexp(STANDARD_BASE_SCALE, first - index) for index in range(count))


def default_tile_origin(srs: SpatialReference, units: MapUnits | None = None) -> tuple[float, float] | None:
    """The origin ArcGIS picks: the upper-left of the spatial reference's default XY domain, known here for
    Web Mercator, geographic systems and UTM-like Transverse Mercator; None for other systems."""
    if srs.codes() & {3857}:
        return _WEB_MERCATOR_ORIGIN
    if (units or map_units(srs)).geographic:
        return _GEOGRAPHIC_ORIGIN
    ref = gdal_srs(srs.user_input()) or (gdal_srs(srs.wkt) if srs.wkt else None)
    if ref is None:
        return None
    with osgeo_calls():
        method = (attempt(ref.GetAttrValue, "PROJECTION") or "").lower()
        values = {name: attempt(ref.GetProjParm, name, 0.0) or 0.0
                  for name in ("scale_factor", "false_easting", "false_northing")}
        metres = attempt(ref.GetLinearUnits)
    if method == "transverse_mercator" and values["scale_factor"] == 0.9996 and metres == 1.0:
        return (values["false_easting"] + _UTM_OFFSET[0], values["false_northing"] + _UTM_OFFSET[1])
    return None


def fallback_tile_origin(extent: Extent) -> tuple[float, float]:
    """For systems whose ArcGIS domain is not known here: a point beyond the upper-left of the map's full
    extent (as ArcGIS does for a map without a coordinate system), a whole 100 000 units out."""
    step = 100_000.0
    return (math.floor(extent.xmin / step) * step - step, math.ceil(extent.ymax / step) * step + step)


def parse_tile_size(text) -> tuple[int, int]:
    """"256 x 256" (also "256x256", "256 by 256", "256") → (cols, rows); sizes 128, 256, 512 or 1024."""
    value = str(text).strip().lower()
    match = re.fullmatch(r"(\d+)\s*(?:(?:x|by|\*)\s*(\d+))?", value)
    if match is None:
        raise SchemeError(f"tile_size {text!r}: give it as \"256 x 256\" ({_sizes()})")
    cols, rows = int(match.group(1)), int(match.group(2) or match.group(1))
    if cols not in TILE_SIZES or rows not in TILE_SIZES:
        raise SchemeError(f"tile_size {text!r}: each side must be one of {_sizes()}")
    return cols, rows


def parse_tile_origin(text) -> tuple[float, float] | None:
    """"x y" (also "x,y" or "x;y") in map units → (x, y); empty → None (ArcGIS's default)."""
    value = str(text or "").strip()
    if not value:
        return None
    match = re.fullmatch(rf"({_NUMBER})\s*[,; ]\s*({_NUMBER})", value)
    if match is None:
        raise SchemeError(f"tile_origin {text!r}: give two numbers \"x y\" in the map's units")
    x, y = float(match.group(1)), float(match.group(2))
    if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > 1e15:
        raise SchemeError(f"tile_origin {text!r}: coordinates out of range")
    return x, y


def build_scheme(new: NewScheme, units: MapUnits | None = None) -> TilingScheme:
    """The TilingScheme of a NEW cache; SchemeError for bad scales, DPI, quality, format or origin."""
    units = units or map_units(new.spatial_reference)
    scales = _checked_scales(new.scales)
    if not 1 <= new.dpi <= 10000:
        raise SchemeError(f"dots_per_inch must be 1 to 10000, not {new.dpi}")
    if not 0 <= new.compression_quality <= 100:
        raise SchemeError(f"tile_compression_quality must be 0 to 100, not {new.compression_quality}")
    tile_format = new.tile_format.strip().upper()
    if tile_format not in TILE_FORMATS:
        raise SchemeError(f"cache_tile_format {new.tile_format!r}: use one of {', '.join(TILE_FORMATS)}")
    origin = new.origin or default_tile_origin(new.spatial_reference, units)
    if origin is None:
        raise SchemeError("no default tile origin is known for this spatial reference: give tile_origin")
    lods = tuple(LOD(level, scale, resolution_for_scale(scale, new.dpi, units))
                 for level, scale in enumerate(scales))
    return TilingScheme(
        spatial_reference=new.spatial_reference, origin_x=float(origin[0]), origin_y=float(origin[1]),
        tile_cols=new.tile_size[0], tile_rows=new.tile_size[1], dpi=new.dpi, lods=lods,
        tile_format=tile_format,
        compression_quality=new.compression_quality if tile_format in ("JPEG", "MIXED") else 0,
        storage_format=new.storage_format,
        packet_size=0 if new.storage_format is StorageFormat.EXPLODED else 128)


def builtin_scheme(name: str, tile_format: str = "PNG", compression_quality: int = 75,
                   storage_format: StorageFormat = StorageFormat.COMPACT) -> TilingScheme:
    """ARCGISONLINE_SCHEME (Web Mercator, LODs 0-23, 256 px, 96 DPI) or WGS84_V2_SCHEME (WGS 84, origin
    -180, 90, 24 levels from 1:295,828,763.7957775 halved exactly: 0.703125 degrees halved per level)."""
    key = name.strip().upper()
    if key == "ARCGISONLINE_SCHEME":
        srs = SpatialReference(wkid=102100, latest_wkid=3857)
        scales, origin = ARCGISONLINE_SCALES, (-WEB_MERCATOR_HALF_WORLD, WEB_MERCATOR_HALF_WORLD)
    elif key == "WGS84_V2_SCHEME":
        srs = SpatialReference(wkid=4326, latest_wkid=4326)
        scales = tuple(math.ldexp(ARCGISONLINE_SCALES[0], -level) for level in range(1, 25))
        origin = (-180.0, 90.0)
    else:
        raise SchemeError(f"predefined_tiling_scheme {name!r}: not a conf.xml file nor one of "
                          f"{', '.join(BUILTIN_SCHEMES)}")
    return build_scheme(NewScheme(srs, scales, 96, (256, 256), origin, tile_format, compression_quality,
                                  storage_format))


def with_image_and_storage(scheme: TilingScheme, tile_format: str | None, compression_quality: int | None,
                           storage_format: StorageFormat | None) -> TilingScheme:
    """A predefined scheme with the format, quality and storage the user gave (None keeps the file's)."""
    fmt = (tile_format or scheme.tile_format).strip().upper()
    if fmt not in TILE_FORMATS:
        raise SchemeError(f"cache_tile_format {fmt!r}: use one of {', '.join(TILE_FORMATS)}")
    storage = storage_format or scheme.storage_format
    quality = compression_quality if compression_quality is not None else scheme.compression_quality
    if fmt in ("JPEG", "MIXED") and not quality:
        quality = 75
    return TilingScheme(
        spatial_reference=scheme.spatial_reference, origin_x=scheme.origin_x, origin_y=scheme.origin_y,
        tile_cols=scheme.tile_cols, tile_rows=scheme.tile_rows, dpi=scheme.dpi, lods=scheme.lods,
        tile_format=fmt, compression_quality=quality if fmt in ("JPEG", "MIXED") else 0,
        storage_format=storage, packet_size=0 if storage is StorageFormat.EXPLODED else 128)


def _checked_scales(scales) -> tuple[float, ...]:
    values = [float(scale) for scale in scales]
    if not values:
        raise SchemeError("no scales: give at least one scale")
    if len(values) > MAX_SCALES:
        raise SchemeError(f"{len(values)} scales, at most {MAX_SCALES} are supported")
    bad = [scale for scale in values if not (math.isfinite(scale) and 0 < scale <= 1e15)]
    if bad:
        raise SchemeError(f"scale {bad[0]!r} is not a positive number")
    ordered = sorted(values, reverse=True)
    repeated = [a for a, b in zip(ordered, ordered[1:]) if math.isclose(a, b, rel_tol=1e-9)]
    if repeated:
        raise SchemeError(f"scale {repeated[0]:g} is given twice")
    return tuple(ordered)


def _sizes() -> str:
    return ", ".join(f"{size} x {size}" for size in TILE_SIZES)


def check_origin_covers(scheme: TilingScheme, extent: Extent) -> None:
    """SchemeError when the map's full extent reaches left of or above the tile origin: ArcGIS draws tiles
    only to the lower right of the origin."""
    if extent.xmin < scheme.origin_x or extent.ymax > scheme.origin_y:
        raise SchemeError(f"tile origin ({scheme.origin_x!r}, {scheme.origin_y!r}) is not above and left of "
                          f"the map's full extent {tuple(extent)}: tiles are only made below and right of "
                          "the origin")
