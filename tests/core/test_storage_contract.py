"""The storage contract, the same for exploded, compact V1 and compact V2."""

import os
import struct
import threading
from pathlib import Path

import pytest
from cachebuilders import write_tiles

from map_server_cache.core.errors import StorageError
from map_server_cache.core.formats.fs import DirectoryFS, ReadOnlyFS
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.storage import (
    BundleKey,
    bundle_key,
    compact,
    compact_v1_format,
    compact_v2,
    copy_bundle,
)
from map_server_cache.core.storage.layouts import open_storage

FORMATS = [StorageFormat.EXPLODED, StorageFormat.COMPACT, StorageFormat.COMPACT_V2]


def png(seed: int, size: int = 100) -> bytes:
    """Bytes that sniff as PNG and differ by seed (the storage never decodes them)."""
    body = (seed.to_bytes(4, "little") * (size // 4 + 1))[:size]
    return b"\x89PNG\r\n\x1a\n" + body


def jpg(seed: int, size: int = 100) -> bytes:
    return b"\xff\xd8\xff\xe0" + (seed.to_bytes(4, "little") * (size // 4 + 1))[:size]


@pytest.fixture(params=FORMATS, ids=lambda f: f.name)
def storage(request, tmp_path):
    store = open_storage(DirectoryFS(tmp_path), request.param)
    store.durable = False
    return store


def everything(storage):
    found = {}
    for level in storage.levels():
        for key in storage.bundles(level):
            found.update({(level, row, col): data for (row, col), data in storage.read_bundle(key).items()})
    return found


def test_bundle_key_rounds_down_to_the_block():
    assert bundle_key(3, 130, 5) == BundleKey(3, 128, 0)
    assert bundle_key(3, 127, 255) == BundleKey(3, 0, 128)


def test_round_trip(storage):
    tiles = {(2, 0, 0): png(1), (2, 1, 3): png(2, 5000), (2, 127, 127): png(3), (2, 128, 0): png(4),
             (5, 300, 700): png(5, 70000), (5, 301, 700): png(6, 1)}
    write_tiles(storage, tiles)
    assert storage.levels() == [2, 5]
    assert storage.bundles(2) == [BundleKey(2, 0, 0), BundleKey(2, 128, 0)]
    assert storage.bundles(5) == [BundleKey(5, 256, 640)]
    assert everything(storage) == tiles
    for (level, row, col), data in tiles.items():
        assert storage.get_tile(level, row, col) == data
    assert storage.get_tile(2, 0, 1) is None
    assert storage.get_tile(9, 0, 0) is None
    assert storage.bundle_tiles(BundleKey(2, 0, 0)) == [(0, 0), (1, 3), (127, 127)]
    assert storage.bundle_tiles(BundleKey(2, 256, 0)) == []
    assert storage.read_bundle(BundleKey(2, 256, 0)) == {}


def test_overwrite_repoints_and_keeps_others(storage):
    write_tiles(storage, {(1, 0, 0): png(1), (1, 0, 1): png(2)})
    key = BundleKey(1, 0, 0)
    with storage.writer(key) as writer:
        assert writer.get(0, 0) == png(1)
        assert writer.get(5, 5) is None
        writer.put(0, 0, png(10, 300))
        assert writer.get(0, 0) == png(10, 300)          # pending bytes visible to the writer
        if storage.storage_format is not StorageFormat.EXPLODED:  # exploded tiles land at put()
            assert storage.get_tile(1, 0, 0) == png(1)   # ...compact ones only at commit
        writer.put(0, 0, png(11, 50))                    # twice in one batch: the last one wins
        writer.put(7, 9, png(12))
    assert storage.read_bundle(key) == {(0, 0): png(11, 50), (0, 1): png(2), (7, 9): png(12)}


def test_writer_reads_back_after_large_batches(storage, monkeypatch):
    """Pending tiles are read back from the buffer and, once flushed, from the file."""
    key = BundleKey(0, 0, 0)
    tiles = {(row, col): png(row * 128 + col, 3000) for row in range(10) for col in range(20)}
    with storage.writer(key) as writer:
        if hasattr(writer, "FLUSH_SIZE"):
            monkeypatch.setattr(writer, "FLUSH_SIZE", 64 * 1024)
        for (row, col), data in tiles.items():
            writer.put(row, col, data)
        assert all(writer.get(row, col) == data for (row, col), data in tiles.items())
    assert storage.read_bundle(key) == tiles
    assert all(storage.get_tile(0, row, col) == data for (row, col), data in tiles.items())


def test_explicit_commit_then_more(storage):
    key = BundleKey(4, 128, 256)
    with storage.writer(key) as writer:
        writer.put(130, 260, png(1))
        writer.commit()
        assert storage.get_tile(4, 130, 260) == png(1)
        writer.put(130, 260, png(2))
        writer.put(131, 260, png(3))
    assert storage.read_bundle(key) == {(130, 260): png(2), (131, 260): png(3)}


def test_failed_batch_changes_nothing(storage):
    write_tiles(storage, {(1, 0, 0): png(1)})
    with pytest.raises(RuntimeError):
        with storage.writer(BundleKey(1, 0, 0)) as writer:
            writer.put(0, 0, png(2))
            writer.put(0, 1, png(3))
            raise RuntimeError("boom")
    if storage.storage_format is not StorageFormat.EXPLODED:  # exploded tiles land at put()
        assert everything(storage) == {(1, 0, 0): png(1)}
    with pytest.raises(RuntimeError):
        with storage.writer(BundleKey(1, 128, 0)) as writer:
            writer.put(128, 0, png(4))
            raise RuntimeError("boom")
    if storage.storage_format is not StorageFormat.EXPLODED:
        assert storage.bundles(1) == [BundleKey(1, 0, 0)]


def test_empty_writer_creates_nothing(storage):
    with storage.writer(BundleKey(3, 0, 0)) as writer:
        assert writer.get(0, 0) is None
    assert storage.bundles(3) == []
    assert storage.read_bundle(BundleKey(3, 0, 0)) == {}


def test_bad_puts_are_refused(storage):
    with storage.writer(BundleKey(1, 0, 0)) as writer:
        with pytest.raises(ValueError, match="outside bundle"):
            writer.put(128, 0, png(1))
        with pytest.raises(ValueError, match="non-empty"):
            writer.put(0, 0, b"")


def test_delete_removes_tiles_and_keeps_the_others(storage, tmp_path):
    tiles = {(2, row, col): png(row * 200 + col, 3000) for row in range(4) for col in range(4)}
    tiles[(2, 9, 0)] = png(99)
    write_tiles(storage, tiles)
    key = BundleKey(2, 0, 0)
    gone = [(row, col) for row in range(4) for col in range(3)] + [(9, 0), (50, 50)]   # (50, 50): missing
    with storage.writer(key) as writer:
        writer.put(3, 3, png(7))
        for row, col in gone:
            writer.delete(row, col)
        assert writer.get(0, 0) is None and writer.get(3, 3) == png(7)
        writer.put(0, 0, png(8))                        # put after delete: the tile is back
        with pytest.raises(ValueError, match="outside bundle"):
            writer.delete(128, 0)
    expected = {(2, row, 3): data for (_, row, col), data in tiles.items() if col == 3}
    expected.update({(2, 3, 3): png(7), (2, 0, 0): png(8)})
    assert everything(storage) == expected
    assert storage.get_tile(2, 1, 1) is None and storage.get_tile(2, 9, 0) is None
    level = tmp_path / "_alllayers" / "L02"
    if storage.storage_format is StorageFormat.EXPLODED:
        assert not (level / "R00000009").exists()       # the emptied row folder went with its last tile
        assert sorted(path.name for path in level.iterdir()) == [f"R{row:08x}" for row in range(4)]
    else:                                               # dead space stays bounded: compacted
        live = sum(len(data) + 4 for data in expected.values())
        bundle = level / "R0000C0000.bundle"
        header = (compact_v2.DATA_START if storage.storage_format is StorageFormat.COMPACT_V2
                  else compact_v1_format.DATA_START)
        assert bundle.stat().st_size - header - live <= live
    with storage.writer(key) as writer:                 # every tile deleted: an empty, readable bundle
        for row, col in storage.bundle_tiles(key):
            writer.delete(row, col)
    assert everything(storage) == {}
    assert storage.bundle_tiles(key) == []


def test_delete_in_an_absent_bundle_creates_nothing(storage):
    with storage.writer(BundleKey(3, 0, 0)) as writer:
        writer.delete(0, 0)
    assert storage.bundles(3) == []


def heads_of(tiles: dict, length: int = 8) -> tuple:
    """What tile_heads should say of {(row, col): bytes}: tiles, sizes, heads (zero-padded)."""
    order = sorted(tiles)
    return order, [len(tiles[tile]) for tile in order], [tiles[tile][:length].ljust(length, b"\0")
                                                          for tile in order]


@pytest.mark.parametrize("chunk", [None, 37], ids=["1MiB-reads", "37-byte-reads"])
def test_tile_heads(storage, tmp_path, monkeypatch, chunk):
    """Heads and sizes as the tiles' bytes say; tiny reads cut heads and records at read boundaries."""
    if chunk:
        monkeypatch.setattr(compact, "READ_CHUNK", chunk)
    key = BundleKey(2, 128, 0)
    tiles = {(128, 0): png(1, 5000), (130, 7): b"\xff\xd8\xff", (255, 127): b"\xff\xd8",
             (200, 64): jpg(2, 70000)}
    write_tiles(storage, {(2, *tile): data for tile, data in tiles.items()})
    write_tiles(storage, {(2, 128, 0): png(3, 50)})             # compact: the old record stays as dead space
    tiles[(128, 0)] = png(3, 50)
    for length in (8, 3, 20):
        heads = storage.tile_heads(key, length)
        assert heads.heads.dtype == "uint8" and heads.heads.shape == (4, length)
        found = ([tuple(tile) for tile in heads.tiles.tolist()], heads.sizes.tolist(),
                 [bytes(head) for head in heads.heads])
        assert found == heads_of(tiles, length)
    empty = storage.tile_heads(BundleKey(2, 0, 0))
    assert empty.tiles.shape == (0, 2) and empty.sizes.shape == (0,) and empty.heads.shape == (0, 8)
    target = open_storage(DirectoryFS(tmp_path / "target"), storage.storage_format)
    assert copy_bundle(storage, key, target, accept=lambda head: True) == sorted(tiles)
    for relpath in storage.bundle_files(key):
        assert target.fs.path(relpath).read_bytes() == storage.fs.path(relpath).read_bytes()


def test_bundle_files_copy_into_an_empty_target(storage, tmp_path):
    tiles = {(3, 1, 1): png(1), (3, 2, 5): png(2, 900)}
    write_tiles(storage, tiles)
    target = open_storage(DirectoryFS(tmp_path / "target"), storage.storage_format)
    seen = []
    assert copy_bundle(storage, BundleKey(3, 0, 0), target, BundleKey(6, 0, 0), seen.append) is None
    assert seen == [png(1)[:8]]                                  # once per distinct head, refused
    assert target.bundles(6) == [] and not [p for p in (tmp_path / "target").rglob("*") if p.is_file()
                                            and p.suffix != ".lock"]
    copied = copy_bundle(storage, BundleKey(3, 0, 0), target, BundleKey(6, 0, 0), lambda head: True)
    assert copied == [(1, 1), (2, 5)]
    assert target.read_bundle(BundleKey(6, 0, 0)) == {(1, 1): png(1), (2, 5): png(2, 900)}
    assert copy_bundle(storage, BundleKey(3, 0, 0), target, BundleKey(6, 0, 0)) is None
    with target.writer(BundleKey(6, 0, 0)) as writer:
        writer.put(1, 1, png(3))
    assert target.get_tile(6, 1, 1) == png(3) and target.get_tile(6, 2, 5) == png(2, 900)


class PackageLike(ReadOnlyFS):
    """A read-only view that is not a plain folder (as a zip is)."""

    def describe(self, relpath):
        return f"/x/a.tpkx!{relpath}"


def test_writing_into_a_package_is_refused():
    store = open_storage(PackageLike(), StorageFormat.COMPACT_V2)
    with pytest.raises(StorageError, match="cannot write"):
        store.writer(BundleKey(0, 0, 0)).__enter__()


def test_unknown_storage_format(tmp_path):
    with pytest.raises(StorageError, match="unknown cache storage format"):
        open_storage(DirectoryFS(tmp_path), "esriMapCacheStorageModeSomething")


def test_v2_header_fields(tmp_path):
    store = open_storage(DirectoryFS(tmp_path), StorageFormat.COMPACT_V2)
    write_tiles(store, {(0, 0, 0): png(1, 500), (0, 3, 4): png(2, 2000)})
    write_tiles(store, {(0, 3, 4): png(3, 100)})
    path = tmp_path / "_alllayers" / "L00" / "R0000C0000.bundle"
    fields = struct.unpack("<4I3Q6I", path.read_bytes()[:64])
    assert fields == (3, 16384, 508, 5, 0, path.stat().st_size, 40, 131092, 3, 16, 16384, 5, 131072)


def test_v1_header_fields_and_bundlx(tmp_path):
    store = open_storage(DirectoryFS(tmp_path), StorageFormat.COMPACT)
    write_tiles(store, {(0, 130, 260): png(1, 500), (0, 140, 300): png(2, 2000)})
    write_tiles(store, {(0, 140, 300): png(3, 100), (0, 141, 300): png(4, 10)})
    bundle = tmp_path / "_alllayers" / "L00" / "R0080C0100.bundle"
    data = bundle.read_bytes()
    assert struct.unpack("<4I3Q5I", data[:60]) == (3, 16384, 2008, 5, 12, len(data), 40, 16,
                                                   128, 255, 256, 383)
    assert data[60:60 + 65536] == bytes(65536)
    bundlx = bundle.with_suffix(".bundlx").read_bytes()
    assert len(bundlx) == 81952
    assert bundlx[:16] == struct.pack("<4I", 3, 16, 16384, 5)
    assert bundlx[-16:] == struct.pack("<4I", 0, 16, 16, 0)
    def entry(position):
        return int.from_bytes(bundlx[16 + 5 * position:21 + 5 * position], "little")

    assert entry(0) == 60 and entry(16383) == 60 + 4 * 16383           # empty: into the zero table
    record = entry((260 - 256) * 128 + (130 - 128))                      # column-major
    assert data[record:record + 4 + 508] == struct.pack("<I", 508) + png(1, 500)


def test_exploded_layout_and_mixed_extensions(tmp_path):
    store = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    key = BundleKey(3, 0, 128)
    with store.writer(key) as writer:
        writer.put(10, 171, png(1), "png")
    level = tmp_path / "_alllayers" / "L03"
    assert (level / "R0000000a" / "C000000ab.png").read_bytes() == png(1)
    with store.writer(key) as writer:
        writer.put(10, 171, jpg(2), "jpg")
    assert sorted(os.listdir(level / "R0000000a")) == ["C000000ab.jpg"]
    assert store.get_tile(3, 10, 171) == jpg(2)
    with store.writer(key) as writer:
        writer.put(10, 171, png(3))                      # extension sniffed from the bytes
    assert sorted(os.listdir(level / "R0000000a")) == ["C000000ab.png"]


def test_exploded_reads_upper_case_names(tmp_path):
    folder = tmp_path / "_alllayers" / "L01" / "R0000000A"
    folder.mkdir(parents=True)
    (folder / "C000000FF.JPG").write_bytes(jpg(1))
    store = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    assert store.bundles(1) == [BundleKey(1, 0, 128)]
    assert store.read_bundle(BundleKey(1, 0, 128)) == {(10, 255): jpg(1)}
    assert store.get_tile(1, 10, 255) == jpg(1)


def test_exploded_crash_leftover_newer_file_wins(tmp_path):
    store = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    folder = tmp_path / "_alllayers" / "L01" / "R00000000"
    folder.mkdir(parents=True)
    (folder / "C00000000.png").write_bytes(png(1))
    os.utime(folder / "C00000000.png", ns=(1_000_000_000, 1_000_000_000))
    (folder / "C00000000.jpg").write_bytes(jpg(2))
    assert store.get_tile(1, 0, 0) == jpg(2)
    assert store.read_bundle(BundleKey(1, 0, 0)) == {(0, 0): jpg(2)}


@pytest.mark.slow
def test_full_v2_bundle_speed(tmp_path, capsys):
    """Measured, not asserted: a full 16 384-tile V2 bundle of ~20 KB tiles, written and read back."""
    import time

    noise = os.urandom(44000)
    tiles = {(row, col): noise[(row * 131 + col) % 20000:][:18000 + (row * 7 + col) % 4000]
             for row in range(128) for col in range(128)}
    megabytes = sum(map(len, tiles.values())) / 1e6
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.COMPACT_V2)
    key = BundleKey(0, 0, 0)
    start = time.perf_counter()
    with storage.writer(key) as writer:
        for (row, col), data in tiles.items():
            writer.put(row, col, data)
    written = time.perf_counter() - start
    start = time.perf_counter()
    found = storage.read_bundle(key)
    read = time.perf_counter() - start
    assert found == tiles
    start = time.perf_counter()
    with storage.writer(key) as writer:
        for row in range(0, 128, 4):
            for col in range(128):
                writer.put(row, col, writer.get(row, col)[::-1])
    rewritten = time.perf_counter() - start
    with capsys.disabled():
        print(f"\nV2 bundle, 16384 tiles, {megabytes:.0f} MB: write {written:.2f} s "
              f"({megabytes / written:.0f} MB/s), read_bundle {read:.2f} s ({megabytes / read:.0f} MB/s), "
              f"get+put of 4096 tiles {rewritten:.2f} s")


def test_index_read_ahead_asks_for_each_index_and_tolerates_what_is_missing(storage, monkeypatch):
    """Planning first hints every index it is about to read (a cold disk then reads them all at once): a
    compact layout asks for the bytes ``bundle_positions`` reads; missing bundles and exploded ask nothing."""
    write_tiles(storage, {(3, 0, 0): png(1), (3, 200, 5): png(2)})
    asked = []
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, offset, length, advice: asked.append(
        (os.readlink(f"/proc/self/fd/{fd}"), offset, length, advice)))
    keys = [BundleKey(3, 0, 0), BundleKey(3, 128, 0), BundleKey(3, 256, 256)]    # the last is missing
    storage.will_read_indexes(keys)
    if storage.storage_format is StorageFormat.EXPLODED:
        assert asked == []
        return
    expected = [storage.real_file(storage.index_span(key)[0]) for key in keys[:2]]
    assert [Path(name) for name, *_ in asked] == expected
    assert {(offset, advice) for _, offset, _, advice in asked} == {(0, os.POSIX_FADV_WILLNEED)}
    length = storage.index_span(keys[0])[1]
    assert length == (compact_v2.DATA_START if storage.storage_format is StorageFormat.COMPACT_V2 else
                      compact_v1_format.BUNDLX_SIZE)
    assert all(requested == length for *_, requested, _ in asked)
    assert [tuple(row) for row in storage.bundle_positions(keys[0])] == [(0, 0)]


def test_exploded_neighbours_share_a_row_folder_one_emptying_it(tmp_path):
    """Writers of two blocks in one row (two locks, one row folder): one deletes its tile, emptying the folder
    and removing it, while the other writes; neither fails nor loses a tile."""
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    storage.durable = False
    errors = []

    def churn(col0):
        try:
            for version in range(150):
                with storage.writer(BundleKey(1, 0, col0)) as writer:
                    writer.put(0, col0 + 1, png(version))
                with storage.writer(BundleKey(1, 0, col0)) as writer:
                    writer.delete(0, col0 + 1)
            with storage.writer(BundleKey(1, 0, col0)) as writer:
                writer.put(0, col0 + 1, png(col0))
        except Exception as error:          # noqa: BLE001 - reported below, with the thread's block
            errors.append((col0, error))

    threads = [threading.Thread(target=churn, args=(col0,)) for col0 in (0, 128)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert everything(storage) == {(1, 0, 1): png(0), (1, 0, 129): png(128)}
