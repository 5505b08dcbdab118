"""Tiling schemes for new caches: resolutions exactly as ArcGIS computes them, STANDARD scales, origins."""

import doctest
import math

import pytest

from map_server_cache.core import schemes as schemes_module
from map_server_cache.core.errors import SchemeError
from map_server_cache.core.formats.conf import read_conf_xml
from map_server_cache.core.scheme import Extent, SpatialReference, StorageFormat
from map_server_cache.core.schemes import (
    ARCGISONLINE_SCALES,
    NewScheme,
    build_scheme,
    builtin_scheme,
    default_tile_origin,
    extent_scale,
    fallback_tile_origin,
    map_units,
    parse_tile_origin,
    parse_tile_size,
    resolution_for_scale,
    standard_scales,
    with_image_and_storage,
)

# Esri's published ArcGIS Online resolutions (the World_Street_Map / ArcGIS 10.1 conf.xml values).
PUBLISHED_RESOLUTIONS = (
    156543.03392800014, 78271.51696399994, 39135.75848200009, 19567.87924099992, 9783.93962049996,
    4891.96981024998, 2445.98490512499, 1222.992452562495, 611.4962262813797, 305.74811314055756,
    152.87405657041106, 76.43702828507324, 38.21851414253662, 19.10925707126831, 9.554628535634155,
    4.77731426794937, 2.388657133974685, 1.1943285668550503, 0.5971642835598172, 0.29858214164761665,
    0.14929107082380833, 0.07464553541190416, 0.03732276770595208, 0.01866138385297604)
WEB_MERCATOR = SpatialReference(wkid=102100, latest_wkid=3857)
WGS84 = SpatialReference(wkid=4326, latest_wkid=4326)
UTM32 = SpatialReference(wkid=25832, latest_wkid=25832)


def test_doctests():
    assert doctest.testmod(schemes_module).failed == 0


def test_arcgisonline_scales_give_the_published_resolutions_bit_for_bit():
    scheme = build_scheme(NewScheme(WEB_MERCATOR, ARCGISONLINE_SCALES))
    assert [lod.resolution for lod in scheme.lods] == list(PUBLISHED_RESOLUTIONS)


def test_builtin_arcgisonline_scheme():
    scheme = builtin_scheme("arcgisonline_scheme")
    assert (scheme.origin_x, scheme.origin_y) == (-20037508.342787, 20037508.342787)
    assert (scheme.tile_cols, scheme.tile_rows, scheme.dpi) == (256, 256, 96)
    assert [lod.level for lod in scheme.lods] == list(range(24))
    assert scheme.lods[0].scale == 591657527.591555 and scheme.lods[0].resolution == 156543.03392800014
    assert [lod.resolution for lod in scheme.lods] == list(PUBLISHED_RESOLUTIONS)


def test_the_arcgis_10_1_sample_has_the_resolutions_we_compute(samples):
    """A cache ArcGIS Server 10.1 made: every level's resolution is what we compute from its scale."""
    scheme = read_conf_xml(samples / "arcgis-10.1-compact-v1-jpeg" / "Conf.xml")
    units = map_units(scheme.spatial_reference)
    for lod in scheme.lods:
        assert math.isclose(resolution_for_scale(lod.scale, scheme.dpi, units), lod.resolution, rel_tol=1e-15)


def test_degrees_as_arcgis_converts_them_wgs84_v2_is_the_power_of_two_grid():
    scheme = builtin_scheme("WGS84_V2_SCHEME")
    assert (scheme.origin_x, scheme.origin_y) == (-180.0, 90.0)
    assert scheme.spatial_reference.wkid == 4326
    assert [lod.scale for lod in scheme.lods[:3]] == [
        295828763.7957775, 147914381.89788875, 73957190.94894437]
    for level, lod in enumerate(scheme.lods):
        assert math.isclose(lod.resolution, 0.703125 / 2 ** level, rel_tol=1e-12)
    # level 0: two 256-pixel tiles span the 360 degrees, one the 180 degrees of latitude
    assert math.isclose(scheme.lods[0].resolution * 256 * 2, 360.0, rel_tol=1e-12)


def test_degrees_follow_the_datum_semi_major_axis():
    units = map_units(WGS84)
    assert units.geographic and units.metres == 6378137.0 * math.pi / 180
    assert resolution_for_scale(1e6, 96, units) == 1e6 * (1 / (96 * 39.37)) / units.metres


def test_feet_are_converted():
    feet = SpatialReference(wkid=2263)   # NAD83 / New York Long Island (ftUS)
    units = map_units(feet)
    assert math.isclose(units.metres, 1200 / 3937, rel_tol=1e-12)
    expected = 1e6 / (96 * 39.37) / (1200 / 3937)
    assert math.isclose(resolution_for_scale(1e6, 96, units), expected, rel_tol=1e-12)


def test_standard_scales_as_esri_documents_them():
    # Esri's example: a map at 1:121,000,000 and three levels → 128M, 64M, 32M
    assert standard_scales(121e6, 3) == (128e6, 64e6, 32e6)
    assert standard_scales(1.4e6, 2) == (1e6, 5e5)
    assert standard_scales(700_000, 3) == (5e5, 2.5e5, 1.25e5)
    with pytest.raises(SchemeError, match="num_of_scales"):
        standard_scales(1e6, 0)


def test_extent_scale_is_the_scale_at_which_the_extent_fits_one_tile():
    units = map_units(WEB_MERCATOR)
    extent = Extent(0, 0, 256 * 1000.0, 100.0)          # 1000 m per pixel across one tile
    assert math.isclose(extent_scale(extent, (256, 256), 96, units), 1000 * 96 * 39.37)
    with pytest.raises(SchemeError, match="empty"):
        extent_scale(Extent(0, 0, 0, 0), (256, 256), 96, units)


@pytest.mark.parametrize("srs, origin", [
    (WEB_MERCATOR, (-20037700.0, 30241100.0)),
    (SpatialReference(wkid=3857), (-20037700.0, 30241100.0)),
    (WGS84, (-400.0, 400.0)),
    (UTM32, (-5120900.0, 9998100.0)),
    (SpatialReference(wkid=32633), (-5120900.0, 9998100.0)),
    (SpatialReference(wkid=2193), (-4020900.0, 19998100.0)),       # NZTM 2000, as ArcGIS 10.0 wrote it
])
def test_default_origin_is_the_upper_left_of_arcgis_xy_domain(srs, origin):
    assert default_tile_origin(srs) == origin


def test_nztm_sample_origin_matches(samples):
    scheme = read_conf_xml(samples / "conf-xml-variants" / "arcgis_10.0_conf.xml")
    assert default_tile_origin(scheme.spatial_reference) == (scheme.origin_x, scheme.origin_y)


def test_unknown_domain_needs_an_origin_or_falls_back():
    lambert = SpatialReference(wkid=2154)
    assert default_tile_origin(lambert) is None
    with pytest.raises(SchemeError, match="give tile_origin"):
        build_scheme(NewScheme(lambert, (1e6,)))
    assert fallback_tile_origin(Extent(150_000, 6_000_000, 1_250_000, 7_150_000)) == (0.0, 7_300_000.0)


@pytest.mark.parametrize("text, expected", [
    ("256 x 256", (256, 256)), ("512x512", (512, 512)), (" 1024 by 1024 ", (1024, 1024)), ("128", (128, 128)),
    ("256 x 512", (256, 512))])
def test_tile_size(text, expected):
    assert parse_tile_size(text) == expected


@pytest.mark.parametrize("text", ["300 x 300", "256 x", "big", "0 x 0", ""])
def test_bad_tile_size(text):
    with pytest.raises(SchemeError, match="tile_size"):
        parse_tile_size(text)


@pytest.mark.parametrize("text, expected", [
    ("-20037508.342787 20037508.342787", (-20037508.342787, 20037508.342787)), ("1e3,-2", (1000.0, -2.0)),
    ("  ", None), (None, None), ("-400; 400", (-400.0, 400.0))])
def test_tile_origin(text, expected):
    assert parse_tile_origin(text) == expected


@pytest.mark.parametrize("text", ["1 2 3", "x y", "1", "nan 1", "1e400 0"])
def test_bad_tile_origin(text):
    with pytest.raises(SchemeError, match="tile_origin"):
        parse_tile_origin(text)


def test_custom_scales_sorted_and_checked():
    scheme = build_scheme(NewScheme(UTM32, (5000, 20000, 10000), dpi=120, tile_size=(512, 512),
                                    tile_format="jpeg", compression_quality=60,
                                    storage_format=StorageFormat.EXPLODED))
    assert [lod.scale for lod in scheme.lods] == [20000, 10000, 5000]
    assert [lod.level for lod in scheme.lods] == [0, 1, 2]
    assert scheme.lods[0].resolution == 20000 * (1 / (120 * 39.37))
    assert (scheme.tile_format, scheme.compression_quality, scheme.packet_size) == ("JPEG", 60, 0)
    for scales, problem in [((), "no scales"), ((1000, 1000.0), "twice"), ((-5,), "positive"),
                            ((math.inf,), "positive")]:
        with pytest.raises(SchemeError, match=problem):
            build_scheme(NewScheme(UTM32, scales))
    with pytest.raises(SchemeError, match="cache_tile_format"):
        build_scheme(NewScheme(UTM32, (1000,), tile_format="GIF"))
    with pytest.raises(SchemeError, match="dots_per_inch"):
        build_scheme(NewScheme(UTM32, (1000,), dpi=0))
    with pytest.raises(SchemeError, match="tile_compression_quality"):
        build_scheme(NewScheme(UTM32, (1000,), compression_quality=101))


def test_png_caches_state_quality_zero_as_arcgis_does():
    assert build_scheme(NewScheme(UTM32, (1000,), tile_format="PNG8")).compression_quality == 0


def test_predefined_scheme_takes_given_format_and_storage():
    base = builtin_scheme("ARCGISONLINE_SCHEME", "PNG", 75, StorageFormat.COMPACT)
    changed = with_image_and_storage(base, "MIXED", None, StorageFormat.COMPACT_V2)
    assert (changed.tile_format, changed.compression_quality, changed.storage_format) == (
        "MIXED", 75, StorageFormat.COMPACT_V2)
    assert changed.lods == base.lods
    assert with_image_and_storage(base, None, None, None) == base
    with pytest.raises(SchemeError, match="predefined_tiling_scheme"):
        builtin_scheme("BING")
