"""Levels, tile ranges, area-of-interest classification and pixel masks, checked against shapely."""

import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import shapely
from cachebuilders import osgeo_exceptions
from shapely.geometry import MultiPolygon, Point, Polygon, box

from map_server_cache.core.errors import SelectionError
from map_server_cache.core.planning.area import AreaOfInterest, TileClass, pixel_mask
from map_server_cache.core.planning.levels import select_levels
from map_server_cache.core.planning.selection import TileRange, classify_tiles, tile_range
from map_server_cache.core.scheme import LOD, Extent, SpatialReference, TilingScheme, grid_tile_bounds

WEB_MERCATOR = TilingScheme(
    SpatialReference(102100, 3857), -20037508.342787, 20037508.342787, 256, 256, 96,
    tuple(LOD(i, 591657527.591555 / 2 ** i, 156543.03392800014 / 2 ** i) for i in range(20)), "PNG")
# New Zealand Transverse Mercator, as LINZ's NZTM tiling scheme (origin far to the south-west).
NZTM = TilingScheme(
    SpatialReference(2193, 2193), -4020900.0, 19998100.0, 256, 256, 90,
    (LOD(0, 32000000.0, 8466.683600033867), LOD(5, 1000000.0, 264.5833625010584),
     LOD(9, 62500.0, 16.536460156316), LOD(12, 7500.0, 2.1166709000084668)), "PNG32")


def _wobbly_ring(cx, cy, radius, n, seed, wobble=0.08):
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = radius * (1 + wobble * np.sin(5 * angles) + 0.02 * rng.standard_normal(n))
    return list(zip(cx + r * np.cos(angles), cy + r * np.sin(angles)))


def _multipolygon_with_hole(cx, cy, size):
    shell = _wobbly_ring(cx, cy, size, 180, 1)
    hole = _wobbly_ring(cx + 0.1 * size, cy - 0.05 * size, 0.35 * size, 40, 2)
    island = _wobbly_ring(cx + 1.6 * size, cy + 0.9 * size, 0.3 * size, 25, 3)
    return MultiPolygon([Polygon(shell, [hole]), Polygon(island)])


def _expected_classes(polygon, scheme, lod, rows, cols):
    """Brute force per tile: INSIDE when the tile is covered, BOUNDARY when it shares area, else OUTSIDE.

    Neighbouring tile bounds computed from floats overlap by ~1e-14 of a tile; such slivers do not count.
    """
    size = 256 * lod.resolution
    r, c = np.meshgrid(np.asarray(rows), np.asarray(cols), indexing="ij")
    xmin, ymax = scheme.origin_x + c * size, scheme.origin_y - r * size
    boxes = shapely.box(xmin, ymax - size, xmin + size, ymax)
    shapely.prepare(polygon)
    inside = shapely.contains(polygon, boxes)
    overlap = shapely.intersects(polygon, boxes) & ~inside
    slivers = overlap.copy()
    slivers[overlap] = shapely.area(shapely.intersection(polygon, boxes[overlap])) <= 1e-10 * shapely.area(
        boxes[overlap])
    overlap &= ~slivers
    return np.where(inside, TileClass.INSIDE, np.where(overlap, TileClass.BOUNDARY, TileClass.OUTSIDE))


def _classes_of(selection, rows, cols):
    out = np.zeros((len(rows), len(cols)), dtype=np.uint8)
    for (row0, col0), bundle in selection.bundles.items():
        for i, r in enumerate(rows):
            if row0 <= r < row0 + 128:
                for j, c in enumerate(cols):
                    if col0 <= c < col0 + 128:
                        out[i, j] = bundle.status(r, c)
    return out


# ---------------------------------------------------------------------------------------------- levels

def _package(lods):
    """A source with the target's grid and the given levels (as a tile package would carry them)."""
    return TilingScheme(WEB_MERCATOR.spatial_reference, WEB_MERCATOR.origin_x, WEB_MERCATOR.origin_y,
                        256, 256, 96, tuple(lods), "PNG")


def test_levels_pair_by_resolution_not_level_id():
    package = _package(LOD(i, lod.scale * (1 + 3e-5), lod.resolution * (1 + 1e-9))
                       for i, lod in enumerate(WEB_MERCATOR.lods[2:6]))
    chosen = select_levels(package, WEB_MERCATOR)
    assert [(s.level, t.level) for s, t in chosen.pairs] == [(0, 2), (1, 3), (2, 4), (3, 5)]
    assert chosen.skipped == []


def test_requested_scales_tolerate_rounding_and_report_missing_source_levels():
    package = _package(WEB_MERCATOR.lods[3:5])
    scales = [73957190.948944 * 1.00004, 9244648.868618, 591657527.591555 / 8]
    pairs, skipped = select_levels(package, WEB_MERCATOR, scales=scales)
    assert [t.level for _s, t in pairs] == [3]
    assert [round(scale) for scale, _why in skipped] == [9244649]
    assert "source has no level" in skipped[0][1]


def test_unknown_scale_lists_the_target_scales():
    with pytest.raises(SelectionError) as caught:
        select_levels(WEB_MERCATOR, WEB_MERCATOR, scales=[123456])
    assert "123456" in str(caught.value)
    assert "591657527.591555, 295828763.795777" in str(caught.value)


# ---------------------------------------------------------------------------------------------- ranges

@pytest.mark.parametrize("scheme", [WEB_MERCATOR, SimpleNamespace(origin_x=0.0, origin_y=0.0, tile_cols=256,
                                                                   tile_rows=256, lods=())])
def test_tile_range_stops_at_an_exact_tile_edge(scheme):
    lod = LOD(0, 1.0, 1 / 256)
    ox, oy = scheme.origin_x, scheme.origin_y
    assert tile_range(scheme, lod, Extent(ox, oy - 2.0, ox + 3.0, oy)) == (0, 1, 0, 2)
    assert tile_range(scheme, lod, Extent(ox + 0.5, oy - 2.5, ox + 0.75, oy - 1.0)) == (1, 2, 0, 0)
    assert tile_range(scheme, lod, Extent(ox - 9.0, oy + 1.0, ox - 1.0, oy + 5.0)).empty


def test_range_only_selection_and_bundle_filter():
    limit = TileRange(100, 300, 120, 140)
    selection = classify_tiles(WEB_MERCATOR, WEB_MERCATOR.lods[10], limit, bundles=[(128, 128), (512, 0)])
    assert set(selection.bundles) == {(128, 128)}
    assert selection.inside == 128 * 13 and selection.boundary == 0 and selection.outside == 0
    bundle = selection.get(128, 128)
    assert bundle.status(200, 140) == TileClass.INSIDE and bundle.status(200, 141) == TileClass.OUTSIDE
    assert not bundle.whole


# ---------------------------------------------------------------------------------------------- areas

def test_multipart_area_with_hole_matches_shapely_per_tile():
    polygon = _multipolygon_with_hole(1.2e6, 5.1e6, 2.2e5)
    aoi = AreaOfInterest(shapely.to_wkb(polygon))
    lod = WEB_MERCATOR.lods[15]
    selection = classify_tiles(WEB_MERCATOR, lod, aoi=aoi)
    rows = range(selection.limit.row_min - 2, selection.limit.row_max + 3)
    cols = range(selection.limit.col_min - 2, selection.limit.col_max + 3)
    assert len(rows) > 256 and len(cols) > 256            # several bundles
    expected = _expected_classes(polygon, WEB_MERCATOR, lod, rows, cols)
    np.testing.assert_array_equal(_classes_of(selection, rows, cols), expected)
    assert selection.inside == np.count_nonzero(expected == TileClass.INSIDE)
    assert selection.boundary == np.count_nonzero(expected == TileClass.BOUNDARY)
    assert selection.outside == selection.limit.tile_count - selection.inside - selection.boundary


def test_bundles_wholly_inside_are_marked_whole():
    polygon = Polygon(_wobbly_ring(-3.3e6, -2.1e6, 9e5, 300, 4))
    aoi = AreaOfInterest(shapely.to_wkb(polygon))
    lod = WEB_MERCATOR.lods[14]
    selection = classify_tiles(WEB_MERCATOR, lod, aoi=aoi)
    whole = [key for key, bundle in selection.bundles.items() if bundle.whole]
    assert len(whole) > 4
    for row0, col0 in whole:
        xmin, ymin, _, _ = grid_tile_bounds(WEB_MERCATOR, lod, row0 + 127, col0)
        _, _, xmax, ymax = grid_tile_bounds(WEB_MERCATOR, lod, row0, col0 + 127)
        assert polygon.contains(box(xmin, ymin, xmax, ymax))
    partial = [bundle for bundle in selection.bundles.values() if not bundle.whole]
    assert all(bundle.count(TileClass.INSIDE) + bundle.count(TileClass.BOUNDARY) > 0 for bundle in partial)


def test_area_limited_by_range_and_bundles():
    polygon = _multipolygon_with_hole(1.2e6, 5.1e6, 2.2e5)
    aoi = AreaOfInterest(shapely.to_wkb(polygon))
    lod = WEB_MERCATOR.lods[13]
    full = classify_tiles(WEB_MERCATOR, lod, aoi=aoi)
    some = sorted(full.bundles)[::2]
    bounds = full.limit
    limit = TileRange(bounds.row_min + 20, bounds.row_max, bounds.col_min, bounds.col_max - 30)
    keys = [SimpleNamespace(level=13, row0=row0, col0=col0) for row0, col0 in some]     # BundleKey-like
    part = classify_tiles(WEB_MERCATOR, lod, limit, aoi=aoi, bundles=keys)
    assert set(part.bundles) <= set(some)
    for (row0, col0), bundle in part.bundles.items():
        for r in range(row0, row0 + 128):
            for c in range(col0, col0 + 128):
                in_limit = limit.row_min <= r <= limit.row_max and limit.col_min <= c <= limit.col_max
                assert bundle.status(r, c) == (full.get(row0, col0).status(r, c) if in_limit else 0)


def test_area_touching_tile_edges_only_is_not_boundary():
    lod = WEB_MERCATOR.lods[8]
    corners = (box(*grid_tile_bounds(WEB_MERCATOR, lod, 90, 130)),
               box(*grid_tile_bounds(WEB_MERCATOR, lod, 93, 133)))
    square = shapely.union(*corners)
    aoi = AreaOfInterest(shapely.to_wkb(square.envelope))
    selection = classify_tiles(WEB_MERCATOR, lod, aoi=aoi)
    assert selection.inside == 16
    rows, cols = range(85, 100), range(125, 140)
    got = _classes_of(selection, rows, cols)
    assert np.count_nonzero(got == TileClass.INSIDE) == 16
    # Tiles sharing only an edge may be BOUNDARY (their masks are empty), never INSIDE.
    expected = _expected_classes(square.envelope, WEB_MERCATOR, lod, rows, cols)
    assert np.all((got == expected) | ((expected == TileClass.OUTSIDE) & (got == TileClass.BOUNDARY)))


def test_invalid_areas():
    with pytest.raises(SelectionError, match="not a WKB"):
        AreaOfInterest(b"\x01\x02garbage")
    with pytest.raises(SelectionError, match="Polygon"):
        AreaOfInterest(shapely.to_wkb(Point(1, 2)))
    bowtie = AreaOfInterest(shapely.to_wkb(Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])))
    assert bowtie.geometry.IsValid() and abs(bowtie.geometry.GetArea() - 50) < 1e-9
    overlapping = MultiPolygon([box(0, 0, 10, 10), box(5, 0, 15, 10)])
    merged = AreaOfInterest(shapely.to_wkb(overlapping))
    assert abs(merged.geometry.GetArea() - 150) < 1e-9
    mask = pixel_mask(merged, Extent(0, 0, 16, 10), 16, 10)
    assert mask[:, :15].all() and not mask[:, 15].any()


def test_invalid_wkb_with_ogr_exceptions_on():
    """QGIS 3.40's Processing leaves OGR's exceptions on (GdalUtils calls ogr.UseExceptions())."""
    with osgeo_exceptions("ogr"), pytest.raises(SelectionError, match="not a WKB"):
        AreaOfInterest(b"\x01\x02garbage")


def test_area_pickles_as_wkb():
    aoi = AreaOfInterest(shapely.to_wkb(_multipolygon_with_hole(0, 0, 100)))
    copy = pickle.loads(pickle.dumps(aoi))
    assert copy.wkb == aoi.wkb and copy.envelope == aoi.envelope
    assert len(pickle.dumps(aoi)) < len(aoi.wkb) + 200


# ---------------------------------------------------------------------------------------------- pixels

def _pixel_centres(bounds, width, height):
    xmin, ymin, xmax, ymax = bounds
    xs = xmin + (np.arange(width) + 0.5) * (xmax - xmin) / width
    ys = ymax - (np.arange(height) + 0.5) * (ymax - ymin) / height
    return np.meshgrid(xs, ys)


@pytest.mark.parametrize("scheme, level, centre, size", [
    (WEB_MERCATOR, 13, (1.2e6, 5.1e6), 3e4),
    (NZTM, 9, (1.75e6, 5.43e6), 2.5e4),            # Wellington area, NZTM 2193
])
def test_pixel_masks_follow_the_pixel_centre_rule(scheme, level, centre, size):
    polygon = _multipolygon_with_hole(centre[0], centre[1], size)
    aoi = AreaOfInterest(shapely.to_wkb(polygon))
    lod = next(lod for lod in scheme.lods if lod.level == level)
    selection = classify_tiles(scheme, lod, aoi=aoi)
    boundary = [t for b in selection.bundles.values() for t in b.tiles(TileClass.BOUNDARY)]
    assert len(boundary) > 20
    shapely.prepare(polygon)
    for row, col in boundary[:: max(1, len(boundary) // 40)]:
        bounds = grid_tile_bounds(scheme, lod, row, col)
        x, y = _pixel_centres(bounds, 256, 256)
        np.testing.assert_array_equal(pixel_mask(aoi, bounds, 256, 256), shapely.contains_xy(polygon, x, y))
    inside = [t for b in selection.bundles.values() for t in b.tiles(TileClass.INSIDE)][:5]
    assert all(pixel_mask(aoi.wkb, grid_tile_bounds(scheme, lod, r, c), 256, 256).all() for r, c in inside)


def test_pixel_mask_excludes_holes_and_handles_non_square_grids():
    hole = [(5.2, 3.3), (9.9, 3.1), (7.4, 7.8)]
    polygon = Polygon([(0.3, 0.2), (19.7, 0.4), (19.2, 9.6), (0.1, 9.9)], [hole])
    mask = pixel_mask(AreaOfInterest(shapely.to_wkb(polygon)), Extent(-1.0, -1.0, 21.0, 11.0), 44, 12)
    x, y = _pixel_centres((-1.0, -1.0, 21.0, 11.0), 44, 12)
    np.testing.assert_array_equal(mask, shapely.contains_xy(polygon, x, y))
    assert not pixel_mask(AreaOfInterest(shapely.to_wkb(polygon)), Extent(30, 30, 40, 40), 8, 8).any()
