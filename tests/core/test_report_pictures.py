"""Per-tile outcomes from the workers, the regions read before and after, and the coverage maps drawn from
them (core.reporting): sizes capped, outcomes coloured, the most important outcome kept when tiles share
a pixel."""

from __future__ import annotations

import base64
import io

import numpy as np
from cachebuilders import make_scheme, png_tile, write_cache
from PIL import Image

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.execution.snapshots import MAX_SIDE, LevelPictures, Pictures
from map_server_cache.core.planning.units import (
    OUTCOME_CODES,
    outcome_grid,
    pack_outcomes,
    unpack_outcomes,
)
from map_server_cache.core.reporting.pictures import COLOURS, coverage_map, data_uri, on_checkerboard
from map_server_cache.core.scheme import Extent

SIZE = 32
RED, BLUE = (220, 30, 30, 255), (30, 60, 220, 255)
CODE = {name: OUTCOME_CODES.index(name) for name in OUTCOME_CODES}


def half_blue() -> bytes:
    pixels = np.zeros((SIZE, SIZE, 4), np.uint8)
    pixels[:, :SIZE // 2] = BLUE
    return png_tile(pixels)


def test_packed_outcomes_round_trip_and_stay_small():
    grid = outcome_grid()
    grid[3:40, 7:90] = CODE["blended"]
    packed = pack_outcomes(grid)
    assert len(packed) < 300
    assert (unpack_outcomes(packed) == grid).all()


def test_an_import_records_each_tiles_outcome_and_the_region_before_and_after(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG32", range(0, 4), tile_size=SIZE)
    world = Extent(-20037508.34, -20037508.34, 20037508.34, 20037508.34)
    target = write_cache(tmp_path / "target", scheme, {(2, row, col): png_tile(RED, SIZE)
                                                       for row in range(2) for col in range(4)}, world)
    source = write_cache(tmp_path / "source", scheme, {(2, row, col): half_blue()
                                                       for row in range(4) for col in range(4)})
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    level = result.pictures.levels[2]
    codes = unpack_outcomes(level.outcomes[(0, 0)])
    assert (codes[:2, :4] == CODE["blended"]).all()              # over the red tiles
    assert (codes[2:4, :4] == CODE["copied_raw"]).all()          # where the target had none
    assert np.count_nonzero(codes) == 16
    assert level.region == (0, 0, 4, 4)
    assert level.before.shape == level.after.shape == (4 * SIZE, 4 * SIZE, 4)
    assert (level.before[:2 * SIZE] == RED).all() and (level.before[2 * SIZE:, :, 3] == 0).all()
    assert (level.after[:, :SIZE // 2] == BLUE).all()
    assert (level.after[:SIZE, SIZE // 2:SIZE] == RED).all() and (level.after[3 * SIZE:, -1, 3] == 0).all()


def test_coverage_map_of_a_large_level_is_capped_and_keeps_damaged_tiles(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG32", range(12, 13))
    level = LevelPictures(scheme.lods[0], 12, region=(128, 128, 8, 8))
    copied = outcome_grid()
    copied[:] = CODE["copied_raw"]
    for row in range(10):
        for col in range(10):
            level.outcomes[(row * 128, col * 128)] = pack_outcomes(copied)
    damaged = copied.copy()
    damaged[5, 5] = CODE["damaged"]                              # one tile of 1 280 × 1 280
    level.outcomes[(9 * 128, 9 * 128)] = pack_outcomes(damaged)
    image = coverage_map(Pictures(scheme, []), level)
    assert max(image.size) <= MAX_SIDE and min(image.size) >= MAX_SIDE // 2
    colours = {colour for _count, colour in image.getcolors(1 << 16)}
    assert COLOURS["damaged"] in colours and COLOURS["copied_raw"] in colours
    assert COLOURS["blended"] not in colours


def test_coverage_map_of_a_small_level_draws_tiles_as_blocks():
    scheme = make_scheme("COMPACT_V2", "PNG32", range(1, 2))
    grid = outcome_grid()
    grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1] = (CODE["copied_raw"], CODE["blended"], CODE["clipped"],
                                                      CODE["skipped_outside"])
    level = LevelPictures(scheme.lods[0], 1, region=(0, 0, 2, 2), outcomes={(0, 0): pack_outcomes(grid)})
    image = coverage_map(Pictures(scheme, []), level)
    assert image.size == (192, 192)                              # 2 tiles and 1 of margin, 64 px each
    for (row, col), name in {(0, 0): "copied_raw", (0, 1): "blended", (1, 0): "clipped",
                             (1, 1): "skipped_outside", (2, 2): ""}.items():
        assert image.getpixel((col * 64 + 32, row * 64 + 32)) == COLOURS[name], name


def test_region_pictures_show_transparency_and_decode():
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[:, :32] = BLUE
    picture = on_checkerboard(rgba)
    uri = data_uri(picture, "JPEG")
    assert uri.startswith("data:image/jpeg;base64,")
    assert picture.getpixel((10, 10)) == BLUE[:3]
    assert picture.getpixel((40, 2)) in ((255, 255, 255), (220, 220, 220))
    decoded = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert decoded.size == (64, 64)
