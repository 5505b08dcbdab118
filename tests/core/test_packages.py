"""Tile packages read in place: ZipFS over STORED and DEFLATEd entries, .tpk, .tpkx; hostile zips refused."""

import multiprocessing
import pickle
import stat
import struct
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # cachebuilders, until tests/conftest.py adds tests/core

from cachebuilders import make_scheme, make_tpk, make_tpkx, png_tile, write_cache  # noqa: E402

from map_server_cache.core.errors import PackageError, SchemeError  # noqa: E402
from map_server_cache.core.formats import zipfs, zipindex  # noqa: E402
from map_server_cache.core.formats.fs import DirectoryFS  # noqa: E402
from map_server_cache.core.formats.zipfs import ZipFS  # noqa: E402
from map_server_cache.core.sources.packages import open_tpk, open_tpkx  # noqa: E402
from map_server_cache.core.storage.layouts import open_storage  # noqa: E402

SAMPLE_TPK = "arcgis-10.3-tpk-v1-png8/states_filled.tpk"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def all_tiles(storage) -> dict:
    """{(level, row, col): bytes} of every tile, read bundle by bundle."""
    tiles = {}
    for level in storage.levels():
        for key in storage.bundles(level):
            tiles.update({(level, row, col): data for (row, col), data in storage.read_bundle(key).items()})
    return tiles


def tiles_for(levels, colour=(0, 128, 255, 255)) -> dict:
    """A few tiles per level, spread over two bundles from level 7 on."""
    tiles = {}
    for level in levels:
        side = 2 ** level
        for row, col in {(0, 0), (side // 2, side // 3), (side - 1, side - 1)}:
            tiles[(level, row, col)] = png_tile((level * 40 % 256, row % 256, col % 256, 255), size=8)
    return tiles


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """tempfile's folder redirected to an empty folder of this test, to see what is left behind."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_sample_tpk_every_tile_read_in_place(samples, tmp_path):
    path = samples / SAMPLE_TPK
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path)
    with open_tpk(path) as dataset:
        extracted = open_storage(DirectoryFS(tmp_path / "v101" / "Layers"), dataset.scheme)
        expected = all_tiles(extracted)
        tiles = all_tiles(dataset.storage)
        assert dataset.storage.levels() == [0, 1, 2, 3, 4]
        assert dataset.root == f"{path}!v101/Layers"
        assert dataset.extent is not None
        assert dataset.fs.real_path("_alllayers/L04/R0000C0000.bundle") is None
    counts = [sum(1 for level, _, _ in tiles if level == wanted) for wanted in range(5)]
    assert counts == [1, 1, 2, 4, 16]
    assert tiles == expected
    assert all(data.startswith(PNG_SIGNATURE) for data in tiles.values())


def test_tpkx_round_trip_with_absolute_levels(tmp_path):
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(3, 6))
    tiles = tiles_for(range(3, 6))
    path = make_tpkx(tmp_path / "a.tpkx", write_cache(tmp_path / "Layers", scheme, tiles))
    with open_tpkx(path) as dataset:
        assert [lod.level for lod in dataset.scheme.lods] == [3, 4, 5]
        assert dataset.storage.levels() == [3, 4, 5]
        assert dataset.fs.exists("tile/L05") and not dataset.fs.exists("tile/L00")
        assert all_tiles(dataset.storage) == tiles
        assert dataset.storage.get_tile(5, 31, 31) == tiles[(5, 31, 31)]
        assert dataset.extent is not None
        assert dataset.root == str(path)


def test_deflated_tpk_with_junk_entries_leaves_no_temp_folder(tmp_path, private_temp):
    scheme = make_scheme("COMPACT", "PNG", levels=range(0, 3))
    tiles = tiles_for(range(0, 3))
    cache = write_cache(tmp_path / "Layers", scheme, tiles)
    path = make_tpk(tmp_path / "a.tpk", cache, deflate=True, junk=True)
    with open_tpk(path) as dataset:
        assert all_tiles(dataset.storage) == tiles
        assert ".DS_Store" in dataset.fs.junk and "__MACOSX/v101/._conf.xml" in dataset.fs.junk
        assert ".DS_Store" not in dataset.fs.listdir("")
        bundle = dataset.fs.real_path("_alllayers/L02/R0000C0000.bundle")
        assert bundle is not None and bundle.is_file() and private_temp in bundle.parents
    assert list(private_temp.iterdir()) == []
    with dataset.fs.open("conf.xml") as f:  # still usable after close(): inflates anew
        assert f.read(5) == b"<?xml"
    dataset.close()
    assert list(private_temp.iterdir()) == []


def test_threads_inflate_each_deflated_entry_once_into_one_folder(tmp_path, private_temp, monkeypatch):
    """Copy threads read DEFLATEd entries of one ZipFS at once: one temp folder, each entry inflated once."""
    payloads = {f"e{i}.bin": bytes(range(i, 256)) * 1024 for i in range(4)}
    path = tmp_path / "d.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in payloads.items():
            archive.writestr(name, payload)
    mkdtemp, inflate_stream, inflated = tempfile.mkdtemp, zipfs._inflate_stream, []

    def slow_mkdtemp(*args, **kwargs):
        time.sleep(0.05)                       # widen the window in which a second thread would make one too
        return mkdtemp(*args, **kwargs)

    def counted(fp, out, entry, where):
        inflated.append(entry.filename)
        time.sleep(0.05)
        inflate_stream(fp, out, entry, where)

    monkeypatch.setattr(tempfile, "mkdtemp", slow_mkdtemp)
    monkeypatch.setattr(zipfs, "_inflate_stream", counted)
    names = sorted(payloads) * 4
    barrier = threading.Barrier(len(names))

    def read(name):
        barrier.wait()
        with fs.open(name) as f:
            return f.read() == payloads[name] and fs.real_path(name).read_bytes() == payloads[name]

    with ZipFS(path) as fs, ThreadPoolExecutor(len(names)) as pool:
        assert all(pool.map(read, names))
        assert len(list(private_temp.iterdir())) == 1
    assert sorted(inflated) == sorted(payloads)
    assert list(private_temp.iterdir()) == []


KEPT_OPEN = []


def read_without_closing(path):
    """What a pool worker does: open the source once, keep it for later units, never close it."""
    KEPT_OPEN.append(open_tpk(path))
    assert KEPT_OPEN[-1].storage.get_tile(0, 0, 0)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_worker_process_that_never_closes_leaves_no_temp_folder(tmp_path, private_temp):
    cache = write_cache(tmp_path / "Layers", make_scheme("COMPACT", "PNG", levels=[0]), tiles_for([0]))
    path = make_tpk(tmp_path / "a.tpk", cache, deflate=True)
    worker = multiprocessing.get_context("fork").Process(target=read_without_closing, args=(path,))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    assert list(private_temp.iterdir()) == []


def test_zipfs_contract_over_stored_entries(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("top/x/data.bin", bytes(range(256)) * 4)
        archive.writestr("top/empty/", b"")
        archive.writestr("elsewhere.txt", b"not under the prefix")
    with ZipFS(path, "top") as fs:
        assert fs.listdir("") == ["empty", "x"] and fs.listdir("x") == ["data.bin"]
        assert fs.listdir("nope") == []
        assert fs.exists("x/data.bin") and fs.exists("empty") and not fs.exists("elsewhere.txt")
        assert fs.size("x/data.bin") == 1024
        assert fs.describe("x/data.bin") == f"{path}!top/x/data.bin"
        assert fs.real_path("x/data.bin") is None
        with fs.open("x/data.bin") as f:
            assert f.seekable() and f.read(3) == b"\0\1\2"
            assert f.seek(-2, 2) == 1022 and f.read(10) == b"\xfe\xff" and f.read() == b""
            f.seek(256)
            buffer = bytearray(4)
            assert f.readinto(buffer) == 4 and buffer == b"\0\1\2\3" and f.tell() == 260
            with pytest.raises(OSError):
                f.seek(-1)
        with pytest.raises(FileNotFoundError, match="top/missing"):
            fs.open("missing")
        copy = pickle.loads(pickle.dumps(fs))
        assert copy.describe("x") == fs.describe("x") and copy.size("x/data.bin") == 1024


def zip_with(path: Path, *entries) -> Path:
    """A zip of (ZipInfo or name, bytes) entries written as given, names not sanitised."""
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(("name", "reason"), [
    ("v101/Layers/../../evil.txt", "'..'"),
    ("/etc/passwd", "absolute"),
    ("v101\\..\\evil.txt", "backslash"),
    ("C:/Windows/evil.txt", "drive letter"),
    (symlink_entry("v101/Layers/conf.xml"), "symbolic link"),
])
def test_unsafe_entry_names_are_refused(tmp_path, name, reason):
    path = zip_with(tmp_path / "bad.tpk", ("v101/Layers/conf.cdi", b"<EnvelopeN/>"), (name, b"x"))
    with pytest.raises(PackageError, match=reason) as caught:
        open_tpk(path)
    assert str(path) in str(caught.value)


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "a.tpk"
    path.write_bytes(b"this is no zip file" * 100)
    with pytest.raises(PackageError, match="not a zip") as caught:
        open_tpk(path)
    assert str(path) in str(caught.value)


def test_truncated_central_directory_is_refused(tmp_path):
    good = make_tpkx(tmp_path / "good.tpkx", write_cache(tmp_path / "Layers", make_scheme(levels=[0]),
                                                          tiles_for([0])))
    data = good.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    directory = struct.unpack_from("<L", data, end + 16)[0]
    cuts = {"cut-end.tpkx": data[:-30], "cut-directory.tpkx": data[:directory + 50] + data[end:]}
    for name, cut in cuts.items():
        path = tmp_path / name
        path.write_bytes(cut)
        with pytest.raises(PackageError) as caught:
            open_tpkx(path)
        assert str(path) in str(caught.value)


def test_missing_conf_xml_and_two_roots(tmp_path):
    none = zip_with(tmp_path / "none.tpk", ("v101/Layers/conf.cdi", b"<EnvelopeN/>"))
    with pytest.raises(SchemeError, match="no v101/<folder>/conf.xml") as caught:
        open_tpk(none)
    assert str(none) in str(caught.value)
    two = zip_with(tmp_path / "two.tpk", ("v101/A/conf.xml", b"<CacheInfo/>"), ("v101/B/Conf.xml", b"<x/>"))
    with pytest.raises(PackageError, match="A, B") as caught:
        open_tpk(two)
    assert str(two) in str(caught.value)
    no_root_json = zip_with(tmp_path / "a.tpkx", ("tile/L00/R0000C0000.bundle", b""))
    with pytest.raises(SchemeError, match="no root.json"):
        open_tpkx(no_root_json)


def test_duplicate_and_conflicting_entries_are_refused(tmp_path):
    with pytest.warns(UserWarning):
        twice = zip_with(tmp_path / "twice.zip", ("a/b", b"1"), ("a/b", b"2"))
    with pytest.raises(PackageError, match="twice"):
        ZipFS(twice)
    with pytest.raises(PackageError, match="which is a file"):
        ZipFS(zip_with(tmp_path / "under-file.zip", ("a", b"1"), ("a/b", b"2")))


def test_entry_count_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(zipindex, "MAX_ENTRIES", 2)
    path = zip_with(tmp_path / "many.zip", *[(f"f{i}", b"") for i in range(3)])
    with pytest.raises(PackageError, match="too large"):
        ZipFS(path)


def test_zip64_local_headers_are_read_by_their_own_extra_length(tmp_path):
    path = tmp_path / "zip64.zip"
    payload = bytes(range(256)) * 16
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("first.bin", b"before")
        with archive.open("data.bin", "w", force_zip64=True) as entry:
            entry.write(payload)
    with ZipFS(path) as fs, fs.open("data.bin") as f:
        f.seek(4000)
        assert f.read() == payload[4000:]


def test_zip64_directory_claiming_a_billion_entries_is_refused(tmp_path):
    data = zip_with(tmp_path / "small.zip", ("a.bin", b"x")).read_bytes()
    end = data.rindex(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<2L", data, end + 12)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 10**9, 10**9, cd_size, cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    path = tmp_path / "huge.zip"
    path.write_bytes(data[:end] + record + locator + data[end:])
    with pytest.raises(PackageError, match="1000000000 entries") as caught:
        ZipFS(path)
    assert str(path) in str(caught.value)


def patched(path: Path, old: bytes, new: bytes, count: int = 1) -> Path:
    data = path.read_bytes()
    assert data.count(old) >= count
    path.write_bytes(data.replace(old, new, count))
    return path


def test_damaged_deflate_data_and_lying_sizes_are_refused(tmp_path, private_temp):
    payload = bytes(range(256)) * 64
    path = tmp_path / "d.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.bin", payload)
    info = zipfile.ZipFile(path).getinfo("big.bin")
    declared = struct.pack("<L", info.file_size)
    shrunk = patched(path, declared, struct.pack("<L", 100), count=2)
    with ZipFS(shrunk) as fs, pytest.raises(PackageError, match="past its declared size"):
        fs.open("big.bin")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.bin", payload)
    crc = struct.pack("<L", info.CRC)
    with ZipFS(patched(path, crc, b"\0\0\0\0", count=2)) as fs, pytest.raises(PackageError, match="CRC"):
        fs.open("big.bin")
    assert list(private_temp.iterdir()) == []


def test_local_header_is_checked(tmp_path):
    path = zip_with(tmp_path / "a.zip", ("data.bin", b"payload"))
    with ZipFS(patched(path, b"PK\x03\x04", b"PK\x03\x05")) as fs:
        with pytest.raises(PackageError, match="no local file header") as caught:
            fs.open("data.bin")
    assert f"{path}!data.bin" in str(caught.value)
