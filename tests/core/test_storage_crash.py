"""A writer that dies at any moment leaves every tile old or new, and the next writer finishes its commit."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import map_server_cache
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.storage import BundleKey
from map_server_cache.core.storage.layouts import open_storage

compact = pytest.importorskip("mapproxy.cache.compact")
from mapproxy.cache.tile import Tile  # noqa: E402

COMPACT = [StorageFormat.COMPACT, StorageFormat.COMPACT_V2]
MAPPROXY = {StorageFormat.COMPACT: compact.CompactCacheV1, StorageFormat.COMPACT_V2: compact.CompactCacheV2}
KEY = BundleKey(2, 128, 0)
PLUGINS = Path(map_server_cache.__file__).parent.parent  # build/plugins, where the link lives
OLD = {(128 + i, i): b"old%d" % i * (i + 1) for i in range(0, 60, 3)}
NEW = {**{coord: b"new" + data for coord, data in list(OLD.items())[::2]},
       **{(200 + i, 100 + i): b"fresh%d" % i * 50 for i in range(10)}}

CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {plugins!r})
    from map_server_cache.core.formats.fs import DirectoryFS
    from map_server_cache.core.scheme import StorageFormat
    from map_server_cache.core.storage import BundleKey
    from map_server_cache.core.storage.layouts import open_storage

    storage = open_storage(DirectoryFS({root!r}), StorageFormat[{storage_format!r}])
    key = BundleKey(*{key!r})
    crash = {crash!r}

    def half_apply(key, payload, fh=None):
        if storage.storage_format is StorageFormat.COMPACT_V2:
            fh.seek(0)
            fh.write(payload[:len(payload) // 2])      # half the index rewritten
            fh.flush()
        else:
            bundlx = storage.real_file(storage.bundle_path(key, ".bundlx"))
            with open(str(bundlx) + ".new", "wb") as out:
                out.write(payload[60:])
            os.replace(str(bundlx) + ".new", bundlx)   # new index published, header not yet
        os._exit(9)

    if crash == "after_intent":
        storage.apply = lambda *args, **kwargs: os._exit(9)
    elif crash == "mid_apply":
        storage.apply = half_apply
    with storage.writer(key) as writer:
        for (row, col), data in {tiles!r}.items():
            if data is None:
                writer.delete(row, col)
            else:
                writer.put(row, col, data)
        if crash == "before_commit":
            writer._flush()
            writer._fh.flush()      # _flush may leave records in the file object's buffer (128 KiB from 3.14)
            os._exit(9)
""")


def make_storage(root, storage_format):
    storage = open_storage(DirectoryFS(root), storage_format)
    with storage.writer(KEY) as writer:
        for (row, col), data in OLD.items():
            writer.put(row, col, data)
    return storage


def run_child(root, storage_format, crash, tiles=NEW):
    script = CHILD.format(plugins=str(PLUGINS), root=str(root), storage_format=storage_format.name,
                          key=tuple(KEY), crash=crash, tiles=tiles)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


def tiles_now(storage):
    return storage.read_bundle(KEY)


def assert_old_or_new(found):
    for coord in set(OLD) | set(NEW):
        assert found.get(coord) in (OLD.get(coord), NEW.get(coord)), coord
    assert set(found) <= set(OLD) | set(NEW)


def recover(storage):
    with storage.writer(KEY):
        pass


def assert_mapproxy_agrees(root, storage_format, expected):
    cache = MAPPROXY[storage_format](str(root / "_alllayers"))
    for (row, col), data in expected.items():
        tile = Tile((col, row, KEY.level))
        assert cache.load_tile(tile) and tile.image_result.as_buffer().read() == data


@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_crash_between_append_and_commit_keeps_old_tiles(tmp_path, storage_format):
    storage = make_storage(tmp_path, storage_format)
    bundle = tmp_path / "_alllayers" / "L02" / "R0080C0000.bundle"
    size_before = bundle.stat().st_size
    assert run_child(tmp_path, storage_format, "before_commit").returncode == 9
    assert bundle.stat().st_size > size_before            # records appended...
    assert tiles_now(storage) == OLD                      # ...but nobody sees them
    recover(storage)
    assert tiles_now(storage) == OLD
    with storage.writer(KEY) as writer:                   # the next batch writes over them
        writer.put(130, 2, b"next")
    assert bundle.stat().st_size == size_before + 4 + 4
    expected = {**OLD, (130, 2): b"next"}
    assert tiles_now(storage) == expected
    assert_mapproxy_agrees(tmp_path, storage_format, expected)


@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_intent_left_behind_is_redone(tmp_path, storage_format):
    storage = make_storage(tmp_path, storage_format)
    assert run_child(tmp_path, storage_format, "after_intent").returncode == 9
    intent = tmp_path / "_alllayers" / "L02" / "R0080C0000.intent"
    assert intent.exists()
    assert tiles_now(storage) == OLD                      # decided but not applied: readers see old
    recover(storage)
    assert not intent.exists()
    expected = {**OLD, **NEW}
    assert tiles_now(storage) == expected
    assert_mapproxy_agrees(tmp_path, storage_format, expected)


@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_crash_in_the_middle_of_applying(tmp_path, storage_format):
    storage = make_storage(tmp_path, storage_format)
    assert run_child(tmp_path, storage_format, "mid_apply").returncode == 9
    assert_old_or_new(tiles_now(storage))
    with storage.writer(KEY) as writer:                   # the redo happens before anything else
        assert writer.get(*next(iter(NEW))) == next(iter(NEW.values()))
        writer.put(250, 120, b"after")
    expected = {**OLD, **NEW, (250, 120): b"after"}
    assert tiles_now(storage) == expected
    assert_mapproxy_agrees(tmp_path, storage_format, expected)


# A delete batch: most old tiles removed (so the commit also compacts), a few rewritten.
DELETES = {coord: None if index < 15 else b"new" + OLD[coord] for index, coord in enumerate(OLD)}


@pytest.mark.parametrize("crash", ["before_commit", "after_intent", "mid_apply"])
@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_crash_in_a_delete_commit(tmp_path, storage_format, crash):
    """Killed at each step of a commit that empties index entries: every tile old or new (present or
    removed), readable by MapProxy, and the next writer finishes (or drops) the batch as a whole."""
    storage = make_storage(tmp_path, storage_format)
    assert run_child(tmp_path, storage_format, crash, DELETES).returncode == 9
    new = {coord: data for coord, data in DELETES.items() if data is not None}
    found = tiles_now(storage)
    for coord, data in found.items():
        assert data in (OLD[coord], DELETES[coord]), coord
    recover(storage)
    expected = OLD if crash == "before_commit" else new
    assert tiles_now(storage) == expected
    assert_mapproxy_agrees(tmp_path, storage_format, expected)
    cache = MAPPROXY[storage_format](str(tmp_path / "_alllayers"))
    for row, col in set(OLD) - set(expected):
        assert not cache.load_tile(Tile((col, row, KEY.level)))


def test_exploded_delete_interrupted_between_two_files_keeps_the_tile(tmp_path, monkeypatch):
    """A tile a crash left as two files (MIXED: .png and a newer .jpg) loses the older file first: a delete
    stopped between the two leaves the tile as it was (the newer file counts), never the older version."""
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    folder = tmp_path / "_alllayers" / "L01" / "R00000000"
    folder.mkdir(parents=True)
    (folder / "C00000000.png").write_bytes(b"\x89PNG older")
    os.utime(folder / "C00000000.png", ns=(10**18, 10**18))
    (folder / "C00000000.jpg").write_bytes(b"\xff\xd8\xff newer")
    unlink, calls = Path.unlink, []

    def unlink_once(path, missing_ok=False):     # the process dies at its second unlink
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink_once)
    with pytest.raises(KeyboardInterrupt):
        with storage.writer(BundleKey(1, 0, 0)) as writer:
            writer.delete(0, 0)
    monkeypatch.setattr(Path, "unlink", unlink)
    storage.refresh(BundleKey(1, 0, 0))
    assert storage.read_bundle(BundleKey(1, 0, 0)) == {(0, 0): b"\xff\xd8\xff newer"}
    with storage.writer(BundleKey(1, 0, 0)) as writer:
        writer.delete(0, 0)
    assert storage.read_bundle(BundleKey(1, 0, 0)) == {} and not folder.exists()


def test_exploded_ignores_leftover_temporary_files(tmp_path):
    storage = open_storage(DirectoryFS(tmp_path), StorageFormat.EXPLODED)
    with storage.writer(BundleKey(1, 0, 0)) as writer:
        writer.put(0, 0, b"\x89PNG old")
    folder = tmp_path / "_alllayers" / "L01" / "R00000000"
    (folder / ".C00000000.png.4242.tmp").write_bytes(b"\x89PNG half")
    assert storage.read_bundle(BundleKey(1, 0, 0)) == {(0, 0): b"\x89PNG old"}
    assert storage.bundles(1) == [BundleKey(1, 0, 0)]


KILL_WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {plugins!r})
    from map_server_cache.core.formats.fs import DirectoryFS
    from map_server_cache.core.scheme import StorageFormat
    from map_server_cache.core.storage import BundleKey
    from map_server_cache.core.storage.layouts import open_storage

    storage = open_storage(DirectoryFS({root!r}), StorageFormat[{storage_format!r}])
    for version in range(1, 10 ** 6):
        with storage.writer(BundleKey(*{key!r})) as writer:
            for row, col in {coords!r}:
                writer.put(row, col, b"v%d-" % version * (1 + (row * col + version) % 500))
        print(version, flush=True)
""")


@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_sigkill_at_random_moments(tmp_path, storage_format):
    """Batches rewrite every tile with the next version; a kill leaves versions k or k+1, never garbage."""
    rng = random.Random(7)
    coords = [(KEY.row0 + rng.randrange(128), KEY.col0 + rng.randrange(128)) for _ in range(300)]
    coords = sorted(set(coords))
    storage = open_storage(DirectoryFS(tmp_path), storage_format)
    for trial in range(3):
        script = KILL_WRITER.format(plugins=str(PLUGINS), root=str(tmp_path), key=tuple(KEY),
                                    storage_format=storage_format.name, coords=coords)
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline(), "the writer process died on its own"  # one batch committed
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        versions = {data.split(b"-")[0] for data in tiles_now(storage).values()}
        assert len(versions) <= 2, versions
        recover(storage)
        found = tiles_now(storage)
        assert sorted(found) == coords
        versions = {data.split(b"-")[0] for data in found.values()}
        assert len(versions) == 1, (trial, versions)
        version = int(versions.pop()[1:])
        assert all(data == b"v%d-" % version * (1 + (row * col + version) % 500)
                   for (row, col), data in found.items())
        assert_mapproxy_agrees(tmp_path, storage_format, found)


PARALLEL_WRITER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {plugins!r})
    from map_server_cache.core.formats.fs import DirectoryFS
    from map_server_cache.core.scheme import StorageFormat
    from map_server_cache.core.storage import BundleKey
    from map_server_cache.core.storage.layouts import open_storage

    storage = open_storage(DirectoryFS({root!r}), StorageFormat[{storage_format!r}])
    while not os.path.exists({start!r}):
        time.sleep(0.001)
    for batch in range(20):
        with storage.writer(BundleKey(*{key!r})) as writer:
            for col in range(5):
                row, col = {row} + batch % 4, 5 * batch + col
                previous = writer.get(row, col) or b""
                writer.put(row, col, previous + b"{name}", "png")
""")


@pytest.mark.parametrize("storage_format", COMPACT + [StorageFormat.EXPLODED], ids=lambda f: f.name)
def test_parallel_writers_of_one_bundle_lose_nothing(tmp_path, storage_format):
    """Two processes read-modify-write overlapping tiles of one bundle; the lock serialises whole batches."""
    children = [subprocess.Popen([sys.executable, "-c", PARALLEL_WRITER.format(
        plugins=str(PLUGINS), root=str(tmp_path), storage_format=storage_format.name, key=tuple(KEY),
        row=KEY.row0, name=name, start=str(tmp_path / "start"))]) for name in ("a", "b")]
    time.sleep(0.5)
    (tmp_path / "start").touch()
    assert [child.wait(timeout=120) for child in children] == [0, 0]
    found = open_storage(DirectoryFS(tmp_path), storage_format).read_bundle(KEY)
    assert sorted(found) == sorted((KEY.row0 + batch % 4, 5 * batch + col)
                                   for batch in range(20) for col in range(5))
    assert all(sorted(data.decode()) == ["a", "b"] for data in found.values()), found
