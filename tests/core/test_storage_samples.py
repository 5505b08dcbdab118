"""Every tile of the real Esri caches in ../shared/samples, read byte-exactly by both read paths."""

import struct

import pytest

from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.formats.zipfs import ZipFS
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.storage import BundleKey, copy_bundle
from map_server_cache.core.storage.layouts import open_storage

JPEG_SOI = b"\xff\xd8"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_all(storage):
    tiles = {}
    for level in storage.levels():
        for key in storage.bundles(level):
            bundle = storage.read_bundle(key)
            assert sorted(bundle) == storage.bundle_tiles(key)
            heads = storage.tile_heads(key)
            assert list(map(tuple, heads.tiles.tolist())) == sorted(bundle)
            assert heads.sizes.tolist() == [len(bundle[tile]) for tile in sorted(bundle)]
            assert [bytes(head) for head in heads.heads] == [bundle[tile][:8] for tile in sorted(bundle)]
            for (row, col), data in bundle.items():
                assert storage.get_tile(level, row, col) == data
                tiles[(level, row, col)] = data
    return tiles


def v1_tiles_by_hand(bundle: bytes, bundlx: bytes, row0: int = 0, col0: int = 0) -> dict:
    """An independent reading of a V1 bundle, straight from FORMATS.md."""
    tiles = {}
    for position in range(16384):
        offset = int.from_bytes(bundlx[16 + 5 * position:21 + 5 * position], "little")
        size = struct.unpack_from("<I", bundle, offset)[0]
        if size:
            tiles[(row0 + position % 128, col0 + position // 128)] = bundle[offset + 4:offset + 4 + size]
    return tiles


def test_compact_v2_jpeg_sample(samples):
    storage = open_storage(DirectoryFS(samples / "esri-compactcache-v2-jpeg"), StorageFormat.COMPACT_V2)
    tiles = read_all(storage)
    assert storage.levels() == [0, 1, 2]
    counts = {level: sum(1 for key in tiles if key[0] == level) for level in (0, 1, 2)}
    assert counts == {0: 1, 1: 4, 2: 16}
    assert set(tiles) == {(level, row, col) for level in (0, 1, 2)
                          for row in range(2 ** level) for col in range(2 ** level)}
    assert all(data.startswith(JPEG_SOI) for data in tiles.values())
    for level in (0, 1, 2):
        raw = (samples / "esri-compactcache-v2-jpeg" / "_alllayers" / f"L{level:02d}" / "R0000C0000.bundle")
        data = raw.read_bytes()
        for (lv, row, col), tile in tiles.items():
            if lv == level:
                entry = struct.unpack_from("<Q", data, 64 + 8 * (row * 128 + col))[0]
                offset, size = entry & (2 ** 40 - 1), entry >> 40
                assert tile == data[offset:offset + size]


def test_compact_v1_arcgis_10_1_sample(samples):
    root = samples / "arcgis-10.1-compact-v1-jpeg"
    storage = open_storage(DirectoryFS(root), StorageFormat.COMPACT)
    tiles = read_all(storage)
    assert storage.levels() == [5, 6]
    level5 = {(row, col) for level, row, col in tiles if level == 5}
    assert level5 == {(row, col) for row in range(10, 14) for col in range(4, 11)}
    assert sum(1 for key in tiles if key[0] == 6) == 84
    assert len(tiles[(5, 12, 7)]) == 6342
    assert len(tiles[(6, 25, 17)]) == 6308
    assert all(data.startswith(JPEG_SOI) for data in tiles.values())
    for level in (5, 6):
        folder = root / "_alllayers" / f"L{level:02d}"
        expected = v1_tiles_by_hand((folder / "R0000C0000.bundle").read_bytes(),
                                    (folder / "R0000C0000.bundlx").read_bytes())
        assert storage.read_bundle(BundleKey(level, 0, 0)) == expected


def test_compact_v1_inside_a_tpk_read_in_place(samples):
    package = samples / "arcgis-10.3-tpk-v1-png8" / "states_filled.tpk"
    with ZipFS(package, "v101/Layers") as fs:
        storage = open_storage(fs, StorageFormat.COMPACT)
        tiles = read_all(storage)
        assert storage.levels() == [0, 1, 2, 3, 4]
        counts = [sum(1 for key in tiles if key[0] == level) for level in range(5)]
        assert counts == [1, 1, 2, 4, 16]
        assert all(data.startswith(PNG_SIGNATURE) for data in tiles.values())
        for level in range(5):
            relpath = f"_alllayers/L{level:02d}/R0000C0000"
            with fs.open(relpath + ".bundle") as bundle, fs.open(relpath + ".bundlx") as bundlx:
                expected = v1_tiles_by_hand(bundle.read(), bundlx.read())
            assert {(row, col): data for (lv, row, col), data in tiles.items() if lv == level} == expected


def test_bundles_copied_whole_out_of_a_tpk(samples, tmp_path):
    package = samples / "arcgis-10.3-tpk-v1-png8" / "states_filled.tpk"
    target = open_storage(DirectoryFS(tmp_path), StorageFormat.COMPACT)
    with ZipFS(package, "v101/Layers") as fs:
        source = open_storage(fs, StorageFormat.COMPACT)
        for level in source.levels():
            key = BundleKey(level, 0, 0)
            renumbered = BundleKey(level + 2, 0, 0)
            assert copy_bundle(source, key, target, renumbered) == source.bundle_tiles(key)
            assert target.read_bundle(renumbered) == source.read_bundle(key)
            with fs.open(f"_alllayers/L{level:02d}/R0000C0000.bundle") as original:
                assert (tmp_path / "_alllayers" / f"L{level + 2:02d}" / "R0000C0000.bundle").read_bytes() \
                    == original.read()


@pytest.mark.parametrize("sample, storage_format", [
    ("esri-compactcache-v2-jpeg", StorageFormat.COMPACT_V2),
    ("arcgis-10.1-compact-v1-jpeg", StorageFormat.COMPACT),
])
def test_samples_copy_and_rewrite(samples, tmp_path, storage_format, sample):
    """A sample bundle copied whole, then rewritten tile by tile, reads the same everywhere."""
    source = open_storage(DirectoryFS(samples / sample), storage_format)
    copied = open_storage(DirectoryFS(tmp_path / "copied"), storage_format)
    rewritten = open_storage(DirectoryFS(tmp_path / "rewritten"), storage_format)
    for level in source.levels():
        for key in source.bundles(level):
            expected = source.read_bundle(key)
            assert copy_bundle(source, key, copied) == sorted(expected)
            with rewritten.writer(key) as writer:
                for (row, col), data in expected.items():
                    writer.put(row, col, data)
            assert copied.read_bundle(key) == expected
            assert rewritten.read_bundle(key) == expected
