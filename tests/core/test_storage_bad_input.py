"""Damaged bundles end in a StorageError naming the file and the problem, whichever way they are read."""

import struct
import zipfile

import pytest

from map_server_cache.core.errors import StorageError
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.formats.zipfs import ZipFS
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.storage import BundleKey, copy_bundle
from map_server_cache.core.storage.layouts import open_storage

KEY = BundleKey(0, 0, 0)
V2_DATA = 64 + 131072
V1_DATA = 60 + 65536


def v2_bundle(tmp_path, tiles=None):
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.COMPACT_V2)
    storage.durable = False
    with storage.writer(KEY) as writer:
        for (row, col), data in (tiles or {(0, 0): b"A" * 100, (1, 2): b"B" * 200}).items():
            writer.put(row, col, data)
    return storage, tmp_path / "_alllayers" / "L00" / "R0000C0000.bundle"


def v1_bundle(tmp_path):
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.COMPACT)
    storage.durable = False
    with storage.writer(KEY) as writer:
        writer.put(0, 0, b"A" * 100)
        writer.put(1, 2, b"B" * 200)
    bundle = tmp_path / "_alllayers" / "L00" / "R0000C0000.bundle"
    return storage, bundle, bundle.with_suffix(".bundlx")


def patch(path, offset, data):
    with open(path, "r+b") as fp:
        fp.seek(offset)
        fp.write(data)


def v2_entry(row, col):
    return 64 + 8 * (row * 128 + col)


def v1_entry(row, col):
    return 16 + 5 * (col * 128 + row)


def record_reads(storage, path, tile=(1, 2)):
    """The calls reading tile records: the readers, tile_heads, and copy_bundle (into a folder beside)."""
    target = open_storage(DirectoryFS(path.parents[2] / "copy"), storage.storage_format)
    return [lambda: storage.read_bundle(KEY), lambda: storage.get_tile(0, *tile),
            lambda: storage.tile_heads(KEY), lambda: copy_bundle(storage, KEY, target)]


def nothing_copied(path):
    """No file but the lock in the copy target of ``record_reads``."""
    return not [p for p in (path.parents[2] / "copy").rglob("*") if p.is_file() and p.suffix != ".lock"]


def all_reads_fail(storage, path, message, tile=(1, 2), also_index_only=True):
    """Every read path raises a StorageError naming ``path`` and matching ``message``."""
    calls = record_reads(storage, path, tile)
    if also_index_only:
        calls.append(lambda: storage.bundle_tiles(KEY))
    for call in calls:
        with pytest.raises(StorageError, match=message) as caught:
            call()
        assert str(path) in str(caught.value)
    assert nothing_copied(path)
    before = path.read_bytes()
    with pytest.raises(StorageError, match=message):
        with storage.writer(KEY) as writer:
            writer.put(5, 5, b"new")
    assert path.read_bytes() == before, "a writer must leave a damaged bundle untouched"


@pytest.mark.parametrize("size", [0, 10, 63, 64, 1000, V2_DATA - 1])
def test_v2_truncated(tmp_path, size):
    storage, bundle = v2_bundle(tmp_path)
    bundle.write_bytes(bundle.read_bytes()[:size])
    all_reads_fail(storage, bundle, "truncated|ends inside", also_index_only=size >= 64)


def test_v2_truncated_records(tmp_path):
    storage, bundle = v2_bundle(tmp_path)
    bundle.write_bytes(bundle.read_bytes()[:-50])
    all_reads_fail(storage, bundle, r"row 1, column 2: .*past the end of the file")


@pytest.mark.parametrize("field, value", [(0, 2), (3, 4), (6, 41), (12, 131071)])
def test_v2_garbage_header(tmp_path, field, value):
    storage, bundle = v2_bundle(tmp_path)
    offsets = [0, 4, 8, 12, 16, 24, 32, 40, 44, 48, 52, 56, 60]
    patch(bundle, offsets[field], struct.pack("<I", value))
    all_reads_fail(storage, bundle, "not a compact V2 bundle header")


def test_v2_random_header(tmp_path):
    storage, bundle = v2_bundle(tmp_path)
    patch(bundle, 0, b"\xde\xad\xbe\xef" * 16)
    all_reads_fail(storage, bundle, "not a compact V2 bundle header")


@pytest.mark.parametrize("offset, size, problem", [
    (10 ** 9, 10, "past the end of the file"),
    (V2_DATA + 4, 2 ** 24 - 1, "past the end of the file"),      # the largest size V2 can express
    (100, 10, "into the header or index"),
])
def test_v2_index_entry_out_of_bounds(tmp_path, offset, size, problem):
    storage, bundle = v2_bundle(tmp_path)
    patch(bundle, v2_entry(1, 2), struct.pack("<Q", offset | size << 40))
    all_reads_fail(storage, bundle, f"row 1, column 2: index entry .*{problem}")


def test_v2_size_prefix_disagrees(tmp_path):
    storage, bundle = v2_bundle(tmp_path)
    entry = struct.unpack_from("<Q", bundle.read_bytes(), v2_entry(1, 2))[0]
    patch(bundle, (entry & (2 ** 40 - 1)) - 4, struct.pack("<I", 199))
    for call in record_reads(storage, bundle):
        with pytest.raises(StorageError, match=r"row 1, column 2: size prefix 199 disagrees .*\(200\)"):
            call()
    assert nothing_copied(bundle)
    assert storage.get_tile(0, 0, 0) == b"A" * 100


@pytest.mark.parametrize("size", [0, 81951, 81953, 200000])
def test_v1_wrong_bundlx_size(tmp_path, size):
    storage, bundle, bundlx = v1_bundle(tmp_path)
    bundlx.write_bytes((bundlx.read_bytes() + bytes(size))[:size])
    all_reads_fail(storage, bundlx, f"must be 81952 bytes, not {size}")


@pytest.mark.parametrize("size", [0, 59, 60, V1_DATA - 1])
def test_v1_truncated_bundle(tmp_path, size):
    storage, bundle, _ = v1_bundle(tmp_path)
    bundle.write_bytes(bundle.read_bytes()[:size])
    all_reads_fail(storage, bundle, "truncated compact V1 bundle")


def test_v1_index_offset_past_end(tmp_path):
    storage, bundle, bundlx = v1_bundle(tmp_path)
    patch(bundlx, v1_entry(1, 2), (10 ** 9).to_bytes(5, "little"))
    all_reads_fail(storage, bundle, "row 1, column 2: index offset 1000000000 points past the end")


@pytest.mark.parametrize("claimed, problem", [(0xFFFFFFF0, "absurd size"), (100000, "past the end")])
def test_v1_record_size_out_of_bounds(tmp_path, claimed, problem):
    storage, bundle, bundlx = v1_bundle(tmp_path)
    offset = int.from_bytes(bundlx.read_bytes()[v1_entry(1, 2):v1_entry(1, 2) + 5], "little")
    patch(bundle, offset, struct.pack("<I", claimed))
    for call in record_reads(storage, bundle):
        with pytest.raises(StorageError, match=f"row 1, column 2: record at {offset} claims .*{problem}"):
            call()
    assert nothing_copied(bundle)


def test_damaged_bundle_inside_a_package_names_the_entry(tmp_path):
    _, bundle = v2_bundle(tmp_path / "cache")
    package = tmp_path / "damaged.tpkx"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("tile/L00/R0000C0000.bundle", bundle.read_bytes()[:-50])
    with ZipFS(package) as fs:
        storage = open_storage(fs, StorageFormat.COMPACT_V2, "tile")
        for call in (storage.read_bundle, storage.tile_heads):
            with pytest.raises(StorageError, match=r"damaged\.tpkx!tile/L00/R0000C0000\.bundle: .*past the"):
                call(KEY)
        assert storage.get_tile(0, 0, 0) == b"A" * 100


def test_damaged_intent_file_is_reported_not_applied(tmp_path):
    storage, bundle = v2_bundle(tmp_path)
    before = bundle.read_bytes()
    intent = bundle.with_suffix(".intent")
    intent.write_bytes(b"MSCI" + bytes(100))
    with pytest.raises(StorageError, match="damaged commit intent file"):
        with storage.writer(KEY) as writer:
            writer.put(0, 0, b"x")
    assert bundle.read_bytes() == before
    assert storage.read_bundle(KEY) == {(0, 0): b"A" * 100, (1, 2): b"B" * 200}


def test_exploded_tile_file_too_large(tmp_path, monkeypatch):
    from map_server_cache.core.storage import exploded

    monkeypatch.setattr(exploded, "MAX_TILE_SIZE", 10)
    tile = tmp_path / "_alllayers" / "L00" / "R00000000" / "C00000001.png"
    tile.parent.mkdir(parents=True)
    tile.write_bytes(b"\x89PNG" + bytes(20))
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    for call in record_reads(storage, tile, (0, 1)):
        with pytest.raises(StorageError, match=r"C00000001\.png: tile file larger than 10 bytes"):
            call()
    assert nothing_copied(tile)
