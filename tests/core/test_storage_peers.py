"""Cross-checks with real peers: MapProxy's compact caches, GDAL's ESRIC driver, plain files (exploded)."""

import io
import random

import numpy as np
import pytest
from PIL import Image

from map_server_cache.core.conf_write import write_conf_xml
from map_server_cache.core.fs import DirectoryFS
from map_server_cache.core.scheme import LOD, SpatialReference, StorageFormat, TilingScheme
from map_server_cache.core.storage import BundleKey, open_storage

compact = pytest.importorskip("mapproxy.cache.compact")
from cachebuilders import osgeo_exceptions, write_tiles  # noqa: E402
from mapproxy.cache.tile import Tile  # noqa: E402
from mapproxy.image import ImageResult  # noqa: E402

MAPPROXY = {StorageFormat.COMPACT: compact.CompactCacheV1, StorageFormat.COMPACT_V2: compact.CompactCacheV2}
COMPACT = list(MAPPROXY)
FIRST_RESOLUTION = 156543.03392804097
WEB_MERCATOR_HALF = FIRST_RESOLUTION * 256 / 2


def tile_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(rng.randrange(1, 20000))


def sample_tiles(seed: int = 1) -> dict:
    """Tiles over two levels and three bundles, with bundle-edge rows and columns."""
    rng = random.Random(seed)
    coords = [(3, 0, 0), (3, 7, 5), (3, 127, 0), (3, 0, 127), (3, 128, 3), (3, 200, 255), (3, 130, 129),
              (4, 255, 255), (4, 1, 300)]
    return {coord: tile_bytes(rng) for coord in coords}


def mapproxy_read(cache, level, row, col):
    tile = Tile((col, row, level))
    if not cache.load_tile(tile):
        return None
    return tile.image_result.as_buffer().read()


def mapproxy_write(cache, tiles):
    for (level, row, col), data in tiles.items():
        assert cache.store_tile(Tile((col, row, level), ImageResult(io.BytesIO(data))))


@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_mapproxy_reads_what_we_write(tmp_path, storage_format):
    storage = open_storage(DirectoryFS(tmp_path), storage_format)
    tiles = sample_tiles()
    write_tiles(storage, tiles)
    updates = {coord: data[::-1] + b"x" for coord, data in list(tiles.items())[::3]}
    write_tiles(storage, updates)           # repointed records: MapProxy must follow the new index
    tiles.update(updates)
    cache = MAPPROXY[storage_format](str(tmp_path / "_alllayers"))
    for (level, row, col), data in tiles.items():
        assert mapproxy_read(cache, level, row, col) == data
    for level, row, col in [(3, 1, 0), (3, 129, 3), (4, 0, 0), (5, 0, 0)]:
        assert mapproxy_read(cache, level, row, col) is None


@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_we_read_what_mapproxy_writes(tmp_path, storage_format):
    cache = MAPPROXY[storage_format](str(tmp_path / "_alllayers"))
    tiles = sample_tiles(2)
    mapproxy_write(cache, tiles)
    updates = {coord: b"new" + data for coord, data in list(tiles.items())[1::2]}
    mapproxy_write(cache, updates)
    tiles.update(updates)
    removed = (3, 7, 5)
    assert cache.remove_tile(Tile((removed[2], removed[1], removed[0])))
    del tiles[removed]
    storage = open_storage(DirectoryFS(tmp_path), storage_format)
    found = {(level, row, col): data for level in storage.levels() for key in storage.bundles(level)
             for (row, col), data in storage.read_bundle(key).items()}
    assert found == tiles
    assert all(storage.get_tile(*coord) == data for coord, data in tiles.items())
    assert storage.get_tile(*removed) is None
    # ...and we can keep writing into MapProxy's bundles, MapProxy following.
    with storage.writer(BundleKey(3, 0, 0)) as writer:
        assert writer.get(0, 0) == tiles[(3, 0, 0)]
        writer.put(0, 0, b"ours")
        writer.put(*removed[1:], b"back")
    assert mapproxy_read(cache, 3, 0, 0) == b"ours"
    assert mapproxy_read(cache, *removed) == b"back"
    assert mapproxy_read(cache, 3, 0, 127) == tiles[(3, 0, 127)]


def web_mercator_scheme(levels: int, tile_format: str = "PNG") -> TilingScheme:
    lods = tuple(LOD(level, 591657527.591555 / 2 ** level, FIRST_RESOLUTION / 2 ** level)
                 for level in range(levels))
    return TilingScheme(SpatialReference(102100, 3857), -WEB_MERCATOR_HALF, WEB_MERCATOR_HALF, 256, 256, 96,
                        lods, tile_format, None, StorageFormat.COMPACT_V2, 128)


def random_png(rng: np.random.Generator) -> tuple[bytes, np.ndarray]:
    pixels = rng.integers(0, 256, (256, 256, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, "PNG")
    return out.getvalue(), pixels


def test_gdal_esric_reads_our_v2_cache(tmp_path):
    pytest.importorskip("osgeo.gdal")
    rng = np.random.default_rng(5)
    scheme = web_mercator_scheme(3)
    write_conf_xml(scheme, tmp_path / "conf.xml")
    storage = open_storage(DirectoryFS(tmp_path), scheme)
    coords = [(0, 0, 0), (1, 0, 1), (1, 1, 0), (2, 3, 3), (2, 0, 2)]
    expected, tiles = {}, {}
    for coord in coords:
        tiles[coord], expected[coord] = random_png(rng)
    write_tiles(storage, tiles)
    write_tiles(storage, {(2, 3, 3): tiles[(2, 0, 2)]})      # a repointed tile
    expected[(2, 3, 3)] = expected[(2, 0, 2)]
    with osgeo_exceptions("gdal") as gdal:
        dataset = gdal.Open(str(tmp_path / "conf.xml"))
        assert dataset.GetDriver().ShortName == "ESRIC"
        assert dataset.RasterCount == 4
        for (level, row, col), pixels in expected.items():
            bands = []
            for number in range(1, 5):
                band = dataset.GetRasterBand(number)
                if level != 2:
                    band = band.GetOverview(1 - level)
                bands.append(band.ReadAsArray(col * 256, row * 256, 256, 256))
            assert np.array_equal(np.dstack(bands), pixels), (level, row, col)
        empty = dataset.GetRasterBand(1).ReadAsArray(256, 256, 256, 256)
        assert not empty.any()


def test_exploded_files_are_where_arcgis_puts_them(tmp_path):
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    tiles = {(3, 0, 0): b"\x89PNG" + b"a", (3, 10, 171): b"\xff\xd8" + b"b",
             (12, 3000, 4095): b"\x89PNG" + b"c"}
    write_tiles(storage, tiles)
    for (level, row, col), data in tiles.items():
        ext = "png" if data.startswith(b"\x89PNG") else "jpg"
        path = tmp_path / "_alllayers" / f"L{level:02d}" / f"R{row:08x}" / f"C{col:08x}.{ext}"
        assert path.read_bytes() == data
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    tile_files = [f for f in files if not f.endswith(".lock")]
    assert tile_files == ["_alllayers/L03/R00000000/C00000000.png", "_alllayers/L03/R0000000a/C000000ab.jpg",
                          "_alllayers/L12/R00000bb8/C00000fff.png"]
