"""Tiling scheme: level matching, tile maths at exact edges, and compare() on every kind of difference."""

import dataclasses
import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from map_server_cache.core import compatibility as compatibility_module
from map_server_cache.core import scheme as scheme_module
from map_server_cache.core.compatibility import (
    Difference,
    compare,
    format_differences,
    same_spatial_reference,
)
from map_server_cache.core.errors import SelectionError
from map_server_cache.core.scheme import LOD, Extent, SpatialReference, StorageFormat, TilingScheme

WEB_MERCATOR_ORIGIN = 20037508.342787001
WEB_MERCATOR_LODS = tuple(LOD(level, 591657527.591555 / 2**level, 156543.03392800014 / 2**level)
                          for level in range(20))


def web_mercator(**changes) -> TilingScheme:
    scheme = TilingScheme(SpatialReference(wkid=102100, latest_wkid=3857), -WEB_MERCATOR_ORIGIN,
                          WEB_MERCATOR_ORIGIN, 256, 256, 96, WEB_MERCATOR_LODS, "PNG", 0,
                          StorageFormat.COMPACT_V2, 128)
    return dataclasses.replace(scheme, **changes)


def test_doctests():
    assert doctest.testmod(scheme_module).failed == 0
    assert doctest.testmod(compatibility_module).failed == 0


def test_lods_sorted_by_resolution_descending():
    scheme = web_mercator(lods=tuple(reversed(WEB_MERCATOR_LODS)))
    assert [lod.level for lod in scheme.lods] == list(range(20))
    assert scheme == web_mercator()


def test_lod_for_resolution_matches_noise_not_level_id():
    scheme = web_mercator(lods=(LOD(7, 2311162.217155, 611.49622628137968),))
    # another file spells the resolution with different rounding; its LevelID would be 0 in a package
    assert scheme.lod_for_resolution(611.496226281380).level == 7
    assert scheme.lod_for_resolution(611.5) is None
    assert scheme.lod_for_resolution(305.74811314055756) is None


def test_lod_for_scale_absorbs_conf_xml_rounding():
    scheme = web_mercator()
    assert scheme.lod_for_scale(591657527.59155).level == 0
    assert scheme.lod_for_scale(591657527.591555 * (1 + 5e-5)).level == 0
    assert scheme.lod_for_scale(591657527.591555 * 1.01) is None
    assert scheme.lod_for_scale(4513.988705).level == 17


def test_tile_bounds_web_mercator_level_0_is_the_world():
    scheme = web_mercator()
    bounds = scheme.tile_bounds(scheme.lods[0], 0, 0)
    assert bounds.xmin == -WEB_MERCATOR_ORIGIN and bounds.ymax == WEB_MERCATOR_ORIGIN
    assert bounds.xmax == pytest.approx(WEB_MERCATOR_ORIGIN)
    assert bounds.ymin == pytest.approx(-WEB_MERCATOR_ORIGIN)


def test_tile_range_of_a_tile_is_that_tile_only():
    scheme = web_mercator()
    for lod in scheme.lods[:18]:
        for row, col in ((0, 0), (3, 5), (2**lod.level - 1, 2**lod.level - 1)):
            if row >= 2**lod.level or col >= 2**lod.level:
                continue
            assert scheme.tile_range(lod, scheme.tile_bounds(lod, row, col)) == (row, row, col, col)


def test_tile_range_clamps_at_zero_and_is_empty_before_origin():
    scheme = web_mercator()
    lod = scheme.lods[1]
    assert scheme.tile_range(lod, Extent(-3e7, -1, -1, 3e7)) == (0, 0, 0, 0)
    row_min, row_max, col_min, col_max = scheme.tile_range(lod, Extent(-5e7, 0, -4e7, 1))
    assert col_max < col_min


def test_tile_range_refuses_non_finite_extent():
    scheme = web_mercator()
    with pytest.raises(SelectionError, match="not a finite number"):
        scheme.tile_range(scheme.lods[1], Extent(0.0, 0.0, float("nan"), 1.0))


def test_tile_range_of_a_point_takes_its_tile():
    scheme = web_mercator()
    lod = scheme.lods[1]
    assert scheme.tile_range(lod, Extent(1e6, 1e6, 1e6, 1e6)) == (0, 0, 1, 1)


@given(st.integers(2, 19), st.integers(0, 4096), st.integers(0, 4096), st.integers(1, 40), st.integers(1, 40))
def test_tile_range_of_block_of_tiles(level, row, col, rows, cols):
    scheme = web_mercator()
    lod = scheme.lods[level]
    first = scheme.tile_bounds(lod, row, col)
    last = scheme.tile_bounds(lod, row + rows - 1, col + cols - 1)
    extent = Extent(first.xmin, last.ymin, last.xmax, first.ymax)
    assert scheme.tile_range(lod, extent) == (row, row + rows - 1, col, col + cols - 1)


def test_extent_helpers():
    a = Extent(0, 0, 10, 10)
    assert a.union(Extent(5, -5, 20, 5)) == Extent(0, -5, 20, 10)
    assert a.intersects(Extent(9, 9, 11, 11))
    assert not a.intersects(Extent(10, 0, 11, 10))
    assert a.intersection(Extent(20, 20, 30, 30)) is None


@pytest.mark.parametrize("a, b", [(102100, 3857), (900913, 102100), (102113, 3857), (3857, 3857)])
def test_web_mercator_family_is_one_spatial_reference(a, b):
    assert same_spatial_reference(SpatialReference(wkid=a), SpatialReference(wkid=b))
    assert compare(web_mercator(spatial_reference=SpatialReference(a)),
                   web_mercator(spatial_reference=SpatialReference(b))) == []


def test_latest_wkid_counts():
    arcgis_10_1 = SpatialReference(wkid=102100, latest_wkid=3857)
    assert same_spatial_reference(arcgis_10_1, SpatialReference(wkid=3857))
    assert not same_spatial_reference(SpatialReference(wkid=2193), SpatialReference(wkid=2263))


NZTM_ESRI_WKT = (
    'PROJCS["NZGD_2000_New_Zealand_Transverse_Mercator",GEOGCS["GCS_NZGD_2000",DATUM["D_NZGD_2000",'
    'SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",1600000.0],PARAMETER["False_Northing",10000000.0],'
    'PARAMETER["Central_Meridian",173.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)


def test_wkt_only_compared_through_gdal():
    nztm = SpatialReference(wkt=NZTM_ESRI_WKT)
    assert same_spatial_reference(nztm, SpatialReference(wkid=2193))
    assert same_spatial_reference(nztm, SpatialReference(wkt=NZTM_ESRI_WKT + " "))
    assert not same_spatial_reference(nztm, SpatialReference(wkid=3857))
    assert not same_spatial_reference(SpatialReference(wkt="garbage"), SpatialReference(wkid=3857))


def test_arcgis_wkt_with_authority_node(samples):
    from map_server_cache.core.formats.conf import read_conf_xml

    wkt = read_conf_xml(samples / "conf-xml-variants" / "arcgis_10.0_conf.xml").spatial_reference.wkt
    assert same_spatial_reference(SpatialReference(wkt=wkt), SpatialReference(wkid=2193))
    web = read_conf_xml(samples / "esri-compactcache-v2-jpeg" / "conf.xml").spatial_reference.wkt
    assert same_spatial_reference(SpatialReference(wkt=web), SpatialReference(wkid=102100))


def test_compare_identical_and_noisy_schemes():
    lods = tuple(LOD(lod.level + 3, lod.scale * (1 + 1e-12), lod.resolution * (1 + 1e-9))
                 for lod in WEB_MERCATOR_LODS)
    noisy = web_mercator(origin_x=-20037508.34278924, lods=lods)
    assert compare(noisy, web_mercator()) == []


def test_compare_source_subset_of_levels_is_fine_but_not_the_reverse():
    few = web_mercator(lods=WEB_MERCATOR_LODS[3:6])
    assert compare(few, web_mercator()) == []
    differences = compare(web_mercator(), few)
    assert len(differences) == 17
    assert differences[0].target_value is None
    assert differences[0].source_value == WEB_MERCATOR_LODS[0].resolution


@pytest.mark.parametrize("change, name", [
    ({"spatial_reference": SpatialReference(wkid=4326)}, "spatial reference"),
    ({"origin_x": -20037000.0}, "tile origin"),
    ({"tile_cols": 512, "tile_rows": 512}, "tile size"),
    ({"dpi": 90}, "DPI"),
    ({"storage_format": StorageFormat.COMPACT}, "storage format"),
    ({"packet_size": 64}, "packet size"),
    ({"tile_format": "JPEG"}, "tile image format"),
    ({"tile_format": "PNG32"}, "tile image format"),
])
def test_compare_reports_each_difference(change, name):
    differences = compare(web_mercator(**change), web_mercator())
    assert [d.name for d in differences] == [name]


def test_compare_ignores_compression_quality_and_jpg_spelling():
    source = web_mercator(tile_format="jpg", compression_quality=90)
    assert compare(source, web_mercator(tile_format="JPEG")) == []


def test_format_differences_shows_both_values():
    differences = compare(web_mercator(dpi=90, tile_format="JPEG"), web_mercator())
    text = format_differences(differences, "tile package", "service")
    assert text.splitlines() == ["- DPI: tile package 90, service 96",
                                 "- tile image format: tile package JPEG, service PNG"]
    assert "missing" in format_differences([Difference("level 3 resolution", 0.5, None)])
