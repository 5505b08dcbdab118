"""Exploded caches list each row folder once per storage object, and afresh under a bundle's lock."""

import collections

from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.storage import BundleKey, copy_bundle
from map_server_cache.core.storage.layouts import open_storage

PNG = b"\x89PNG\r\n\x1a\n"


class CountingFS(DirectoryFS):
    """A folder that counts how often each path is listed."""

    def __init__(self, root):
        super().__init__(root)
        self.listed = collections.Counter()

    def listdir(self, relpath):
        self.listed[relpath] += 1
        return super().listdir(relpath)


def wide_level(root):
    """Level 3: rows 0-2 over five 128-column blocks, plus an upper-case row folder and file names and a
    tile in both extensions (a MIXED leftover). Returns {(row, col): bytes} as a reader must see them."""
    level = root / "_alllayers" / "L03"
    tiles = {}
    for row in range(3):
        for col in range(0, 640, 9):
            (level / f"R{row:08x}").mkdir(parents=True, exist_ok=True)
            data = PNG + bytes([row, col % 256])
            (level / f"R{row:08x}" / f"C{col:08x}.png").write_bytes(data)
            tiles[(row, col)] = data
    (level / "R000000AB").mkdir()
    (level / "R000000AB" / "C000001FF.JPG").write_bytes(b"\xff\xd8\xff upper")
    tiles[(171, 511)] = b"\xff\xd8\xff upper"
    (level / "R00000001" / "C00000000.jpg").write_bytes(b"\xff\xd8\xff newer")   # beside C00000000.png
    tiles[(1, 0)] = b"\xff\xd8\xff newer"
    return tiles


def test_each_row_folder_listed_once(tmp_path):
    tiles = wide_level(tmp_path)
    fs = CountingFS(tmp_path)
    storage = open_storage(fs, StorageFormat.EXPLODED)
    keys = storage.bundles(3)
    assert keys == [BundleKey(3, 0, col0) for col0 in range(0, 640, 128)] + [BundleKey(3, 128, 384)]
    found = {}
    for _ in range(2):
        for key in keys:
            bundle = storage.read_bundle(key)
            heads = storage.tile_heads(key)
            assert storage.bundle_tiles(key) == sorted(bundle) == list(map(tuple, heads.tiles.tolist()))
            assert len(storage.bundle_files(key)) == len(bundle) and storage.bundle_exists(key)
            found.update(bundle)
    assert found == tiles
    rows = {path: count for path, count in fs.listed.items() if "/R" in path}
    assert set(rows.values()) == {1}, rows                      # every row folder once, whatever the width
    assert "_alllayers/L03/R00000001" in rows and "_alllayers/L03/R000000AB" in rows
    assert storage.bundle_files(BundleKey(3, 0, 0))[:2] == ["_alllayers/L03/R00000000/C00000000.png",
                                                            "_alllayers/L03/R00000000/C00000009.png"]


def test_writes_and_other_processes_files_are_seen(tmp_path):
    wide_level(tmp_path / "source")
    source = open_storage(DirectoryFS(tmp_path / "source"), StorageFormat.EXPLODED)
    target = open_storage(DirectoryFS(tmp_path / "target"), StorageFormat.EXPLODED)
    key = BundleKey(3, 0, 128)
    assert target.bundles(3) == [] and not target.bundle_exists(key)     # listings remembered: empty
    with target.writer(key) as writer:                                   # this object writes
        writer.put(2, 130, PNG + b"mine")
    assert target.read_bundle(key) == {(2, 130): PNG + b"mine"}
    other = tmp_path / "target" / "_alllayers" / "L03" / "R00000001" / "C00000200.png"
    other.parent.mkdir()
    other.write_bytes(PNG + b"other")                                    # another process writes
    assert target.bundle_tiles(BundleKey(3, 0, 512)) == []               # unlocked: the remembered state
    assert copy_bundle(source, BundleKey(3, 0, 512), target) is None     # under the lock: seen, kept
    assert other.read_bytes() == PNG + b"other"
    with target.writer(BundleKey(3, 0, 512)) as writer:
        assert writer.get(1, 512) == PNG + b"other"
    assert copy_bundle(source, BundleKey(3, 0, 0), target) == source.bundle_tiles(BundleKey(3, 0, 0))
    assert target.read_bundle(BundleKey(3, 0, 0)) == source.read_bundle(BundleKey(3, 0, 0))
