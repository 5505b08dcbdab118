"""Packages against real peers: MapProxy reads the bundles of our .tpk/.tpkx, once extracted, exactly as we
read them in place; ESRIC opens a .tpkx (GDAL 3.8+); .tpkx bundles stay unextracted."""

import io
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))  # cachebuilders, until tests/conftest.py adds tests/core

from cachebuilders import (  # noqa: E402
    make_scheme,
    make_tpk,
    make_tpkx,
    png_tile,
    write_cache,
)

from map_server_cache.core.gdalcalls import checked  # noqa: E402
from map_server_cache.core.sources.packages import open_tpk, open_tpkx  # noqa: E402

mapproxy_compact = pytest.importorskip("mapproxy.cache.compact")
mapproxy_tile = pytest.importorskip("mapproxy.cache.tile")

LEVELS = range(6, 9)
TILE = 16
SCHEME_V2 = make_scheme("COMPACT_V2", levels=LEVELS, tile_size=TILE)


def sample_tiles() -> dict:
    """Tiles over two bundles per level from level 8 on (256 tiles across), in distinct colours."""
    rng = np.random.default_rng(7)
    tiles = {}
    for level in LEVELS:
        side = 2 ** level
        for row, col in {(0, 0), (1, 2), (side // 2, side - 1), (side - 1, side // 3)}:
            pixels = rng.integers(0, 256, (TILE, TILE, 4), dtype=np.uint8)
            tiles[(level, row, col)] = png_tile(pixels)
    return tiles


def read_in_place(dataset, tiles) -> dict:
    return {coord: dataset.storage.get_tile(*coord) for coord in tiles}


def read_with_mapproxy(cache, tiles) -> dict:
    found = {}
    for level, row, col in tiles:
        tile = mapproxy_tile.Tile((col, row, level))
        assert cache.load_tile(tile), (level, row, col)
        found[(level, row, col)] = tile.image_result.as_buffer().read()
    return found


def test_tpk_bundles_read_alike_by_mapproxy_v1(tmp_path):
    tiles = sample_tiles()
    cache = write_cache(tmp_path / "Layers", make_scheme("COMPACT", levels=LEVELS, tile_size=TILE), tiles)
    path = make_tpk(tmp_path / "a.tpk", cache, root="Cache Root")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "x")
    peer = mapproxy_compact.CompactCacheV1(str(tmp_path / "x" / "v101" / "Cache Root" / "_alllayers"))
    with open_tpk(path) as dataset:
        assert read_in_place(dataset, tiles) == tiles
    assert read_with_mapproxy(peer, tiles) == tiles


def test_tpkx_bundles_read_alike_by_mapproxy_v2(tmp_path):
    tiles = sample_tiles()
    cache = write_cache(tmp_path / "Layers", SCHEME_V2, tiles)
    path = make_tpkx(tmp_path / "a.tpkx", cache)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "x")
    peer = mapproxy_compact.CompactCacheV2(str(tmp_path / "x" / "tile"))
    with open_tpkx(path) as dataset:
        assert read_in_place(dataset, tiles) == tiles
    assert read_with_mapproxy(peer, tiles) == tiles


def test_sample_tpk_read_alike_by_mapproxy_v1(samples, tmp_path):
    path = samples / "arcgis-10.3-tpk-v1-png8" / "states_filled.tpk"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path)
    peer = mapproxy_compact.CompactCacheV1(str(tmp_path / "v101" / "Layers" / "_alllayers"))
    with open_tpk(path) as dataset:
        storage = dataset.storage
        mine = {(level, row, col): data for level in storage.levels() for key in storage.bundles(level)
                for (row, col), data in storage.read_bundle(key).items()}
    assert len(mine) == 24
    assert read_with_mapproxy(peer, mine) == mine


def test_tpkx_bundles_are_read_without_extraction(tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    tiles = sample_tiles()
    path = make_tpkx(tmp_path / "a.tpkx", write_cache(tmp_path / "Layers", SCHEME_V2, tiles))
    with open_tpkx(path) as dataset:
        bundles = [f"tile/L{level:02d}/{name}" for level in LEVELS
                   for name in dataset.fs.listdir(f"tile/L{level:02d}")]
        assert len(bundles) == 5
        assert all(dataset.fs.real_path(bundle) is None for bundle in bundles)
        assert read_in_place(dataset, tiles) == tiles
        assert list(temp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Layers", "a.tpkx", "temp"]


def test_gdal_esric_opens_tpkx(tmp_path):
    gdal = pytest.importorskip("osgeo.gdal")
    tiles = sample_tiles()
    path = make_tpkx(tmp_path / "a.tpkx", write_cache(tmp_path / "Layers", SCHEME_V2, tiles))
    try:
        raster = checked(RuntimeError, f"GDAL cannot open {path.name}", gdal.OpenEx, str(path),
                         gdal.OF_RASTER, ["ESRIC"])
    except RuntimeError as error:
        if int(gdal.VersionInfo()) < 3080000:
            pytest.skip(f"GDAL {gdal.__version__}: the ESRIC driver reads .tpkx only from GDAL 3.8 ({error})")
        raise
    x0, dx, _, y0, _, dy = raster.GetGeoTransform()
    with open_tpkx(path) as dataset:
        finest = dataset.scheme.lods[-1]
        for (level, row, col), data in tiles.items():
            if level != finest.level:
                continue
            bounds = dataset.scheme.tile_bounds(finest, row, col)
            left, top = round((bounds.xmin - x0) / dx), round((bounds.ymax - y0) / dy)
            bands = [raster.GetRasterBand(band).ReadAsArray(left, top, TILE, TILE) for band in range(1, 5)]
            window = np.dstack(bands)
            assert np.array_equal(window, np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")))
