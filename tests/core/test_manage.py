"""Manage Map Server Cache Tiles with a deterministic numpy drawer: every tile equals the drawer's pixels of
exactly its extent, in every storage and format; the three modes; errors before writing; conf.cdi."""

import hashlib

import drawkit
import numpy as np
import pytest
from cachebuilders import make_scheme, png_tile, write_tiles
from crashkit import check_peers, read_tiles
from drawkit import FULL, LEVELS, SPEC, PolygonDrawer, expected_pixels, expected_tile, make_drawn_cache
from osgeo import ogr

from map_server_cache.core.errors import CacheError, SelectionError, TileFormatError
from map_server_cache.core.execution.manage import ManageRequest, check_manage, manage_tiles
from map_server_cache.core.formats.conf import read_conf_cdi
from map_server_cache.core.formats.conf_write import write_conf_xml
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.formats.tileformats import decode
from map_server_cache.core.planning.draw_plan import UpdateMode, supertile_size
from map_server_cache.core.scheme import Extent
from map_server_cache.core.sources.opening import open_cache
from map_server_cache.core.storage.layouts import open_storage

STORAGES = ["EXPLODED", "COMPACT", "COMPACT_V2"]
FORMATS = ["PNG", "PNG8", "PNG24", "PNG32", "JPEG", "MIXED"]


def request(folder, **options):
    return ManageRequest(folder, **{"drawer": SPEC, "workers": 1, "supertile_pixels": 512, **options})


def scheme_of(folder):
    with open_cache(folder) as cache:
        return cache.scheme


def scale(folder, level):
    return next(lod.scale for lod in scheme_of(folder).lods if lod.level == level)


def selected(folder, level, extent=FULL):
    """Every tile of a level sharing area with extent."""
    scheme = scheme_of(folder)
    lod = next(lod for lod in scheme.lods if lod.level == level)
    row_min, row_max, col_min, col_max = scheme.tile_range(lod, extent)
    return [(level, row, col) for row in range(row_min, row_max + 1) for col in range(col_min, col_max + 1)]


def expected(folder, tiles):
    scheme = scheme_of(folder)
    found = {tile: expected_tile(scheme, *tile) for tile in tiles}
    return {tile: data for tile, data in found.items() if data is not None}


@pytest.mark.parametrize(("storage", "fmt"), [("COMPACT_V2", fmt) for fmt in FORMATS] +
                         [(storage, "PNG") for storage in STORAGES if storage != "COMPACT_V2"])
def test_every_tile_is_the_drawing_of_its_extent(tmp_path, storage, fmt):
    folder = make_drawn_cache(tmp_path, storage, fmt, quality=60 if fmt in ("JPEG", "MIXED") else None)
    result = manage_tiles(request(folder, scales=[scale(folder, 3)]))
    tiles = selected(folder, 3)
    assert read_tiles(folder) == expected(folder, tiles)
    assert result.drawn == len(expected(folder, tiles)) and result.drawn + result.empty == len(tiles)
    assert result.empty > 0                                   # empty tiles are not stored
    if fmt not in ("JPEG", "MIXED"):                          # lossless: the very pixels come back
        scheme = scheme_of(folder)
        for tile, data in read_tiles(folder).items():
            assert np.array_equal(decode(data, 256, 256), expected_pixels(scheme, *tile)), tile
    # MapProxy (V1, V2) and GDAL ESRIC (V2). GDAL 3.6's ESRIC reads a paletted tile's indices as grey (later
    # versions expand the colour table) and an RGB tile as opaque (its tRNS key colour ignored): PNG8, PNG24
    # and PNG (paletted here) are left to MapProxy.
    check_peers(folder, read_tiles(folder), gdal=fmt in ("PNG32", "JPEG", "MIXED"))


def test_half_pixel_shift_fails_the_check(tmp_path):
    """The check above sees a grid moved by half a pixel: the tiles differ from the shifted drawing."""
    folder = make_drawn_cache(tmp_path, "COMPACT_V2", "PNG32")
    manage_tiles(request(folder, scales=[scale(folder, 4)]))
    tiles = read_tiles(folder)
    scheme = scheme_of(folder)
    shifted = {tile: expected_tile(scheme, *tile, shift=0.5) for tile in tiles}
    assert tiles == {tile: expected_tile(scheme, *tile) for tile in tiles}
    assert sum(tiles[tile] != shifted[tile] for tile in tiles) > len(tiles) // 2


def test_default_supertile_over_several_levels(tmp_path):
    """The default supertile (8×8 tiles of 256 pixels: 2048 pixels) over several levels."""
    folder = make_drawn_cache(tmp_path, "COMPACT", "PNG")
    assert supertile_size(scheme_of(folder)) == 8
    levels = LEVELS[:3]
    result = manage_tiles(ManageRequest(folder, drawer=SPEC, workers=2,
                                        scales=[scale(folder, level) for level in levels]))
    tiles = [tile for level in levels for tile in selected(folder, level)]
    assert read_tiles(folder) == expected(folder, tiles)
    assert [level.level for level in result.levels] == list(levels)
    assert result.extent == FULL and read_conf_cdi(folder / "conf.cdi") == FULL
    assert len(result.samples) == 5 and all(tile in read_tiles(folder) for tile in result.samples)
    assert all(level.tiles_per_second > 0 for level in result.levels)


@pytest.mark.parametrize(("tile_size", "pixels", "side"), [(256, 2048, 8), (512, 2048, 4), (256, 1024, 4),
                                                           (256, 300, 1), (16, 4096, 128)])
def test_supertile_side_is_a_power_of_two_within_the_pixels_and_a_bundle(tile_size, pixels, side):
    assert supertile_size(make_scheme(tile_size=tile_size), pixels) == side


def junk(level, row, col):
    return png_tile((level, row % 256, col % 256, 255), 256)


def test_recreate_all_replaces_inside_and_leaves_outside(tmp_path):
    folder = make_drawn_cache(tmp_path, "COMPACT_V2", "PNG")
    storage = open_storage(DirectoryFS(folder), scheme_of(folder))
    area = Extent(-1e6, -1e6, 3e6, 2e6)
    inside, level4 = selected(folder, 4, area), selected(folder, 4)
    outside = [tile for tile in level4 if tile not in inside]
    write_tiles(storage, {tile: junk(*tile) for tile in level4})
    result = manage_tiles(request(folder, scales=[scale(folder, 4)], extent=area))
    drawn = expected(folder, inside)
    assert read_tiles(folder) == {**{tile: junk(*tile) for tile in outside}, **drawn}   # an empty one removed
    assert (result.drawn, result.empty, result.skipped) == (len(drawn), len(inside) - len(drawn), 0)


def test_recreate_empty_draws_only_what_is_missing(tmp_path, monkeypatch):
    folder = make_drawn_cache(tmp_path, "EXPLODED", "PNG")
    tiles = selected(folder, 5)
    full = expected(folder, tiles)
    storage = open_storage(DirectoryFS(folder), scheme_of(folder))
    kept = dict(list(full.items())[::3])                   # present before: left as they are, even when junk
    write_tiles(storage, {tile: junk(*tile) for tile in kept})
    draws = []

    def draw(self, extent, width, height, scale):
        draws.append(extent)
        return drawkit.draw(extent, width, height)

    monkeypatch.setattr(PolygonDrawer, "draw", draw)
    result = manage_tiles(request(folder, scales=[scale(folder, 5)], mode=UpdateMode.RECREATE_EMPTY_TILES))
    assert read_tiles(folder) == {**full, **{tile: junk(*tile) for tile in kept}}
    assert result.skipped == len(kept) and result.drawn == len(full) - len(kept)
    again = len(draws)
    result = manage_tiles(request(folder, scales=[scale(folder, 5)], mode=UpdateMode.RECREATE_EMPTY_TILES))
    assert result.drawn == 0 and result.skipped == len(full)
    assert len(draws) - again < again                      # only supertiles holding an empty tile are drawn


@pytest.mark.parametrize("storage", STORAGES)
def test_delete_tiles_touching_the_area(tmp_path, storage):
    folder = make_drawn_cache(tmp_path, storage, "PNG32")
    manage_tiles(request(folder, scales=[scale(folder, 3), scale(folder, 5)]))
    before = read_tiles(folder)
    triangle = ogr.CreateGeometryFromWkt("POLYGON ((-2e6 -2e6, 1e6 -2e6, -2e6 1e6, -2e6 -2e6))")
    result = manage_tiles(request(folder, scales=[scale(folder, 5)], mode=UpdateMode.DELETE_TILES,
                                  area_of_interest=bytes(triangle.ExportToWkb()), project=None))
    after = read_tiles(folder)
    box = set(selected(folder, 5, Extent(-2e6, -2e6, 1e6, 1e6)))
    assert result.deleted == len(before) - len(after) > 0
    assert all(after[tile] == before[tile] for tile in after)                # the others untouched
    assert set(before) - set(after) <= box                                   # only tiles of the envelope...
    assert box & set(after)                                                  # ...touching the triangle
    assert not set(selected(folder, 5, Extent(-1.6e6, -1.6e6, -1.5e6, -1.5e6))) & set(after)
    assert {tile for tile in after if tile[0] == 3} == {tile for tile in before if tile[0] == 3}
    assert read_conf_cdi(folder / "conf.cdi") == FULL                        # never shrunk
    check_peers(folder, after)                                               # MapProxy, GDAL (V2)


def test_threads_and_processes_write_identical_bytes(tmp_path):
    def run(name, executor):
        folder = make_drawn_cache(tmp_path / name, "COMPACT_V2", "PNG8")
        manage_tiles(request(folder, scales=[scale(folder, 4), scale(folder, 5)], workers=2,
                             executor=executor))
        return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted((folder / "_alllayers").rglob("*.bundle"))}

    threads, processes = run("threads", "threads"), run("processes", "processes")
    assert threads == processes and len(threads) > 1


def test_the_cache_grows_conf_cdi_to_what_was_drawn(tmp_path):
    folder = make_drawn_cache(tmp_path, "COMPACT_V2", "PNG", extent=Extent(-1e6, -1e6, 1e6, 1e6))
    wider = Extent(-5e6, -5e6, 5e6, 5e6)
    result = manage_tiles(request(folder, scales=[scale(folder, 3)], extent=wider))
    assert read_conf_cdi(folder / "conf.cdi") == result.extent == wider


def test_checks_before_writing(tmp_path):
    folder = make_drawn_cache(tmp_path, "COMPACT_V2", "PNG")
    with pytest.raises(SelectionError, match="no level at scale 1:12345"):
        check_manage(request(folder, scales=[12345]))
    with pytest.raises(SelectionError, match="outside the cache's tiling grid"):
        check_manage(request(folder, extent=Extent(-3e7, 2.1e7, -2.5e7, 2.5e7)))
    with pytest.raises(CacheError, match="unknown executor"):
        check_manage(request(folder, executor="gpu"))
    with pytest.raises(CacheError, match="elsewhere.qgz: the QGIS project .* not found"):
        check_manage(request(folder, project=str(tmp_path / "elsewhere.qgz")))
    (folder / ".map_server_cache" / "map.json").unlink()
    with pytest.raises(CacheError, match="no map to draw"):
        check_manage(request(folder))
    check_manage(request(folder, mode=UpdateMode.DELETE_TILES))        # deleting needs no map
    scheme = scheme_of(folder)
    write_conf_xml(type(scheme)(**{**scheme.__dict__, "tile_format": "LERC"}), folder / "conf.xml")
    with pytest.raises(TileFormatError, match="LERC cannot be drawn"):
        check_manage(request(folder, project=str(tmp_path / "map.qgz")))
    assert not any((folder / "_alllayers").iterdir())


def test_remembered_theme_and_request_override(tmp_path, monkeypatch):
    folder = make_drawn_cache(tmp_path)
    from map_server_cache.core.sources.remembered_map import remember_map
    remember_map(folder, tmp_path / "map.qgz", "summer")
    assert check_manage(request(folder)).map_theme == "summer"
    assert check_manage(request(folder, map_theme="winter")).map_theme == "winter"
    other = tmp_path / "other.qgs"
    other.write_text("")
    checked = check_manage(request(folder, project=str(other)))
    assert (checked.project, checked.map_theme) == (str(other), None)
