"""drawing/renderer.py: a supertile drawn and cut equals QGIS's own render of each tile's extent.

Tolerance: at most TOLERANCE of a tile's pixels may differ by more than 2 (of 255) in some RGBA channel from
QGIS's render of exactly that tile. QGIS 3.22 antialiases hairlines and clipped outlines with pixels that
depend on where it clipped the line, so a supertile and a single-tile render differ on a few edge pixels.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

import cachebuilders
import numpy as np
import pytest
from drawmaps import (
    THEME,
    block_extent,
    differing_share,
    draw_in_fresh_process,
    make_map,
    reference_render,
)

from map_server_cache.core.scheme import Extent
from map_server_cache.drawing.renderer import open_drawer

TOLERANCE = 0.015
S = 4           # tiles per supertile side, as the engine asks
TILE = 256


@pytest.fixture(scope="module")
def map_path(qgis_app, tmp_path_factory):
    return make_map(tmp_path_factory.mktemp("map"))


@pytest.fixture(scope="module")
def scheme():
    return cachebuilders.make_scheme("COMPACT_V2", "PNG", range(12, 17))


def lod_of(scheme, level):
    return next(lod for lod in scheme.lods if lod.level == level)


def map_origin_supertile(scheme, lod):
    """The (row, col) of the supertile holding the map's centre, aligned on multiples of S."""
    row, _, col, _ = scheme.tile_range(lod, Extent(0.0, 0.0, 1.0, 1.0))
    return row - row % S, col - col % S


@pytest.fixture(scope="module")
def drawer(map_path, scheme):
    drawer = open_drawer(str(map_path), None, scheme)
    yield drawer
    drawer.close()


def tiles_of(supertile):
    for i in range(S):
        for j in range(S):
            yield i, j, supertile[i * TILE:(i + 1) * TILE, j * TILE:(j + 1) * TILE]


@pytest.mark.parametrize("level", [14, 15])
def test_every_tile_equals_qgis_render_of_its_extent(drawer, map_path, scheme, level):
    lod = lod_of(scheme, level)
    row, col = map_origin_supertile(scheme, lod)
    supertile = drawer.draw(block_extent(scheme, lod, row, col, S, S), S * TILE, S * TILE, lod.scale)

    assert supertile.shape == (S * TILE, S * TILE, 4) and supertile.dtype == np.uint8
    assert 0.02 < (supertile[..., 3] > 0).mean() < 1.0      # something drawn, transparent elsewhere
    for i, j, tile in tiles_of(supertile):
        reference = reference_render(map_path, scheme.tile_bounds(lod, row + i, col + j), TILE, TILE)
        assert differing_share(tile, reference) <= TOLERANCE, (level, i, j)


def test_a_half_pixel_shift_of_the_grid_fails_the_check(drawer, map_path, scheme):
    lod = lod_of(scheme, 14)
    row, _, col, _ = scheme.tile_range(lod, Extent(0.0, 0.0, 1.0, 1.0))   # the map's centre: lines, edges
    exact = scheme.tile_bounds(lod, row, col)
    tile = drawer.draw(exact, TILE, TILE, lod.scale)
    half = lod.resolution / 2
    shifted = Extent(exact.xmin + half, exact.ymin - half, exact.xmax + half, exact.ymax - half)

    assert differing_share(tile, reference_render(map_path, exact, TILE, TILE)) <= TOLERANCE
    assert differing_share(tile, reference_render(map_path, shifted, TILE, TILE)) > TOLERANCE


def test_no_seam_across_a_supertile_edge(drawer, scheme):
    """Two neighbouring supertiles side by side equal a supertile drawn across their common edge."""
    lod = lod_of(scheme, 14)
    row, col = map_origin_supertile(scheme, lod)
    left = drawer.draw(block_extent(scheme, lod, row, col - S, S, S), S * TILE, S * TILE, lod.scale)
    right = drawer.draw(block_extent(scheme, lod, row, col, S, S), S * TILE, S * TILE, lod.scale)
    across = drawer.draw(block_extent(scheme, lod, row, col - S // 2, S, S), S * TILE, S * TILE, lod.scale)
    joined = np.concatenate([left, right], axis=1)[:, S // 2 * TILE:S // 2 * TILE + S * TILE]

    edge = slice(S // 2 * TILE - 4, S // 2 * TILE + 4)             # the columns beside the edge
    assert (across[:, edge, 3] > 0).any()
    assert differing_share(joined[:, edge], across[:, edge]) <= TOLERANCE
    assert differing_share(joined, across) <= TOLERANCE


def _green_share(pixels):
    """The share of pixels where the detail layer's green dominates the blue areas under it."""
    red, green, blue = (pixels[..., band].astype(int) for band in range(3))
    return float(((green > blue + 40) & (green > red + 40)).mean())


def test_layers_hidden_at_a_scale_stay_hidden(drawer, scheme):
    """The "detail" layer shows at 1:40 000 and larger: at level 15 (1:18 056), not at 13 (1:72 224)."""
    centre = {}
    for level in (13, 15):
        lod = lod_of(scheme, level)
        size = 3000.0
        centre[level] = drawer.draw(Extent(-size / 2, -size / 2, size / 2, size / 2),
                                    round(size / lod.resolution), round(size / lod.resolution), lod.scale)
    assert _green_share(centre[15]) > 0.3
    assert _green_share(centre[13]) == 0.0


def test_a_map_theme_draws_its_layers_only(map_path, scheme):
    lod = lod_of(scheme, 14)
    row, col = map_origin_supertile(scheme, lod)
    extent = block_extent(scheme, lod, row, col, S, S)
    drawer = open_drawer(str(map_path), THEME, scheme)
    try:
        lines = drawer.draw(extent, S * TILE, S * TILE, lod.scale)
    finally:
        drawer.close()
    reference = reference_render(map_path, extent, S * TILE, S * TILE, map_theme=THEME)
    assert differing_share(lines, reference) <= TOLERANCE
    assert 0 < (lines[..., 3] > 0).mean() < 0.05                     # lines only, no fills


def test_drawers_on_threads_draw_what_one_thread_draws(drawer, map_path, scheme):
    """Each thread's drawer owns its project and layers; all draw the same pixels."""
    lod = lod_of(scheme, 14)
    row, col = map_origin_supertile(scheme, lod)
    extent = block_extent(scheme, lod, row, col, S, S)
    expected = drawer.draw(extent, S * TILE, S * TILE, lod.scale)
    results: dict[int, np.ndarray] = {}

    def draw(index):
        own = open_drawer(str(map_path), None, scheme)
        try:
            for _ in range(2):
                results[index] = own.draw(extent, S * TILE, S * TILE, lod.scale)
        finally:
            own.close()

    threads = [threading.Thread(target=draw, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    for pixels in results.values():
        assert np.array_equal(pixels, expected)


def test_a_spawned_process_starts_qgis_and_draws_the_same(drawer, map_path, scheme):
    lod = lod_of(scheme, 14)
    row, col = map_origin_supertile(scheme, lod)
    extent = block_extent(scheme, lod, row, col, S, S)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        had_qgis, pixels = pool.submit(draw_in_fresh_process, str(map_path), scheme, extent,
                                       S * TILE, S * TILE, lod.scale).result(timeout=120)
    assert not had_qgis
    assert np.array_equal(pixels, drawer.draw(extent, S * TILE, S * TILE, lod.scale))


def test_an_unknown_theme_is_refused_when_the_drawer_opens(map_path, scheme):
    from map_server_cache.drawing.project import DrawingError

    with pytest.raises(DrawingError, match="no map theme 'Nope'"):
        open_drawer(str(map_path), "Nope", scheme)


def _label_pixels(pixels):
    red, green, blue, alpha = (pixels[..., band].astype(int) for band in range(4))
    return (alpha > 0) & (red > 150) & (blue > 150) & (green < 120)


def test_labels_are_never_cut_at_a_supertile_edge(qgis_app, tmp_path, scheme):
    """Labels of points beside x = 0, a supertile edge: each supertile draws a label whole or not at all,
    so no label pixel touches its edge, and some labels are drawn."""
    from drawmaps import make_label_map

    drawer = open_drawer(str(make_label_map(tmp_path / "labels")), None, scheme)
    try:
        lod = lod_of(scheme, 15)
        row, col = map_origin_supertile(scheme, lod)
        assert abs(scheme.tile_bounds(lod, row, col).xmin) < 1e-3     # col is a multiple of S
        drawn = 0
        for left in (col - S, col):
            for top in (row - S, row):
                extent = block_extent(scheme, lod, top, left, S, S)
                pixels = drawer.draw(extent, S * TILE, S * TILE, lod.scale)
                labels = _label_pixels(pixels)
                drawn += int(labels.sum())
                edges = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
                assert not edges.any(), (top, left)
        assert drawn > 0
    finally:
        drawer.close()
