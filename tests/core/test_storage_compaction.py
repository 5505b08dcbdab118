"""Dead space stays bounded: rewriting tiles appends records, and a writer whose batch leaves more dead than
live bytes compacts the bundle (compact_writer.py). Bundles stay within twice their live bytes, V2's slack
field says how many bytes are dead, every peer reads the same tiles, and a compaction killed at any of its
fsyncs, renames or unlinks leaves every tile old or new."""

from __future__ import annotations

import functools
import signal
import struct
from pathlib import Path

import crashkit
import pytest
from cachebuilders import make_scheme, png_tile, write_cache

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.sources.opening import open_cache
from map_server_cache.core.storage import compact_v1, compact_v2
from map_server_cache.core.storage.base import BundleKey
from map_server_cache.core.storage.layouts import open_storage

SIZE = 256   # GDAL's ESRIC driver misreads caches of 16-pixel tiles
COMPACT = ["COMPACT", "COMPACT_V2"]
KEY = BundleKey(8, 0, 0)


@functools.cache                   # both layouts' tests build the same tiles: encode each once
def tile(version: int, row: int, col: int, alpha: int = 255, noise: int = 0) -> bytes:
    """Tile bytes differing by version and position; ``noise`` random-ish pixels make them larger."""
    import numpy as np

    pixels = np.empty((SIZE, SIZE, 4), np.uint8)
    pixels[...] = (version * 37 % 256, row % 256, col % 256, alpha)
    if noise:
        rng = np.random.default_rng(version * 100003 + row * 131 + col)
        pixels[:noise, :, :3] = rng.integers(0, 256, (noise, SIZE, 3), dtype=np.uint8)
    return png_tile(pixels)


def bundle_sizes(folder: Path) -> dict[BundleKey, tuple[int, int]]:
    """Each bundle's (file size, live bytes): header and index (V1: its zero table too) plus the records
    of the tiles our reader finds, size prefixes included."""
    sizes = {}
    with open_cache(folder) as cache:
        storage = cache.storage
        v2 = isinstance(storage, compact_v2.CompactV2Storage)
        start = compact_v2.DATA_START if v2 else compact_v1.DATA_START
        for level in storage.levels():
            for key in storage.bundles(level):
                live = start + sum(4 + len(data) for data in storage.read_bundle(key).values())
                sizes[key] = (storage.real_file(storage.bundle_path(key)).stat().st_size, live)
    return sizes


def v2_slack(path: Path) -> int:
    return struct.unpack_from("<4I3Q", path.read_bytes(), 0)[4]


@pytest.mark.parametrize("storage", COMPACT)
def test_rewrites_keep_bundles_within_twice_their_live_bytes(tmp_path, storage):
    scheme = make_scheme(storage, "PNG32", levels=range(9), tile_size=SIZE)
    cells = [(row, col) for row in range(0, 12) for col in range(0, 10)]
    folder = write_cache(tmp_path / "Layers", scheme, {(8, r, c): tile(0, r, c) for r, c in cells})
    target = open_storage(DirectoryFS(folder), scheme)
    compactions = 0
    expected = {(8, r, c): tile(0, r, c) for r, c in cells}
    for version in range(1, 11):
        rewritten = cells if version % 3 else cells[::2]          # whole bundle or half of it
        with target.writer(KEY) as writer:
            for row, col in rewritten:
                expected[(8, row, col)] = tile(version, row, col, noise=version % 4)
                writer.put(row, col, expected[(8, row, col)])
        compactions += writer.compactions
        (size, live), = bundle_sizes(folder).values()
        assert size <= 2 * live, f"version {version}: {size} bytes for {live} live"
        if storage == "COMPACT_V2":
            assert v2_slack(folder / "_alllayers" / "L08" / "R0000C0000.bundle") == size - live
        assert crashkit.read_tiles(folder) == expected
    assert compactions >= 3
    crashkit.check_peers(folder, expected)


def test_a_v2_reader_holding_the_bundle_reads_old_tiles_through_a_compaction(tmp_path):
    """A reader that opened the bundle and read its index before the compaction reads every record behind
    that index afterwards, whole and as it was (V2 compacts into a new file renamed over the old one)."""
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(9), tile_size=SIZE)
    cells = [(row, col) for row in range(0, 16) for col in range(0, 16)]
    folder = write_cache(tmp_path / "Layers", scheme, {(8, r, c): tile(0, r, c) for r, c in cells})
    path = folder / "_alllayers" / "L08" / "R0000C0000.bundle"
    target = open_storage(DirectoryFS(folder), scheme)
    with open(path, "rb") as reader:
        index = compact_v2.parse_index(reader.read(compact_v2.DATA_START), path.stat().st_size, "reader", KEY)
        with target.writer(KEY) as writer:                  # every tile twice: the second commit compacts
            for version in (1, 2):
                for row, col in cells:
                    writer.put(row, col, tile(version, row, col, noise=2))
                writer.commit()
        assert writer.compactions == 1
        for row, col in cells:
            entry = int(index[row * 128 + col])
            read = compact_v2.read_record(reader, entry, 1 << 40, "reader", row, col)
            assert read == tile(0, row, col), f"tile {row}, {col}: another tile's bytes"
    assert crashkit.read_tiles(folder) == {(8, r, c): tile(2, r, c, noise=2) for r, c in cells}
    (size, live), = bundle_sizes(folder).values()
    assert size == live and v2_slack(path) == 0


@pytest.mark.parametrize("storage", COMPACT)
def test_ten_merges_keep_bundles_within_twice_their_live_bytes(tmp_path, storage):
    """Ten MERGE imports of the same semi-transparent update over the same bundles."""
    scheme = make_scheme(storage, "PNG32", levels=range(9), tile_size=SIZE)
    old = {(8, r, c): tile(0, r, c, noise=4) for r in range(0, 8) for c in range(0, 8)}
    old.update({(8, r, c): tile(0, r, c, noise=4) for r in range(128, 132) for c in range(0, 4)})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, old)
    update = {cell: tile(1, *cell[1:], alpha=90) for cell in old}
    source = write_cache(tmp_path / "src" / "Layers", scheme, update)
    before = crashkit.read_tiles(target)
    for run in range(10):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, overwrite=False, workers=1))
        for key, (size, live) in bundle_sizes(target).items():
            assert size <= 2 * live, f"merge {run + 1}, {key}: {size} bytes for {live} live"
    tiles = crashkit.read_tiles(target)
    assert set(tiles) == set(before) and tiles != before
    crashkit.check_peers(target, tiles, sample=12)


def compaction_case(folder: Path, storage: str) -> tuple[Path, Path, dict, dict]:
    """A target whose one bundle already holds dead bytes (its first tiles) and a source rewriting every tile
    again: importing it compacts. Returns (target, source, old tiles, new tiles)."""
    scheme = make_scheme(storage, "PNG32", levels=range(9), tile_size=SIZE)
    cells = [(8, r, c) for r in range(0, 16) for c in range(0, 16)]
    target = write_cache(folder / "target" / "Layers", scheme, {cell: tile(0, *cell[1:]) for cell in cells})
    first = write_cache(folder / "first" / "Layers", scheme,
                        {cell: tile(1, *cell[1:], noise=1) for cell in cells})
    import_cache(ImportRequest(target, first, SourceType.CACHE_DATASET, workers=1))
    (size, live), = bundle_sizes(target).values()
    assert size <= 2 * live, "not compacted yet: the next rewrite makes the dead bytes pass the live ones"
    new = {cell: tile(2, *cell[1:], noise=1) for cell in cells}
    source = write_cache(folder / "source" / "Layers", scheme, new)
    return target, source, crashkit.read_tiles(target), new


def crash_points(calls: int, every: bool) -> list[str]:
    points = [f"{number}:{when}" for number in range(1, calls + 1) for when in ("before", "after")]
    return points if every else points[len(points) // 2::max(1, len(points) // 6)]


@pytest.mark.parametrize("storage", COMPACT)
@pytest.mark.parametrize("every", [pytest.param(True, marks=pytest.mark.stress), False],
                         ids=["every", "some"])
def test_compaction_killed_at_each_step_leaves_old_or_new(tmp_path, storage, every):
    """SIGKILL just before or after each fsync, rename, unlink or truncate of an import that compacts (every
    one under ``--run-stress``, a spread of those of the compaction otherwise): every tile is old or new,
    peers agree, and the import run again gives the new tiles in a compact bundle."""
    target, source, old, new = compaction_case(tmp_path / "case", storage)
    finished = crashkit.copy_cache(target, tmp_path / "finished" / "Layers")
    child = crashkit.start_import(crashkit.ImportSpec(str(finished), str(source)))
    code, details, err = crashkit.finish(child)
    assert code == 0, err
    assert crashkit.read_tiles(finished) == new
    (size, live), = bundle_sizes(finished).values()
    assert size == live, "the uninterrupted import compacted the bundle"
    for point in crash_points(details["calls"], every):
        trial = crashkit.copy_cache(target, tmp_path / point.replace(":", "-") / "Layers")
        child = crashkit.start_import(crashkit.ImportSpec(str(trial), str(source)), crash_at=point)
        code, _, err = crashkit.finish(child)
        crashkit.wait_group_gone(child.pid, 60)
        assert code in (-signal.SIGKILL, 0), err
        tiles = crashkit.read_tiles(trial)
        crashkit.check_old_or_new(tiles, old, new, f"{trial} (crash point {point})")
        crashkit.check_peers(trial, tiles, sample=8)
        import_cache(ImportRequest(trial, source, SourceType.CACHE_DATASET, workers=1))
        assert crashkit.read_tiles(trial) == new, f"crash point {point}: the re-run differs"
        for key, (size, live) in bundle_sizes(trial).items():
            assert size <= 2 * live, f"crash point {point}, {key}: {size} bytes for {live} live"
        assert not [path for path in (trial / "_alllayers").rglob("*") if path.name.startswith(".")]
