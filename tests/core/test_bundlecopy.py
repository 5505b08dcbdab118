"""Whole-bundle copies (core/storage/bundlecopy.py): the kernel copy agrees with the buffered one, a refused
kernel copy falls back, ``flush`` decides the fsyncs, and a copy's files are recognised byte for byte."""

import errno
import mmap
import os
import zipfile

import pytest
from cachebuilders import make_scheme, png_tile, write_cache, write_tiles

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.formats.zipfs import ZipFS
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.storage import BundleKey, bundlecopy, compact, copy_bundle
from map_server_cache.core.storage.layouts import open_storage

COMPACT = [StorageFormat.COMPACT, StorageFormat.COMPACT_V2]
KEY = BundleKey(4, 0, 0)


def png(seed: int, size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + (seed.to_bytes(4, "little") * (size // 4 + 1))[:size]


def source_storage(folder, storage_format):
    """A bundle whose last record is a 1-byte tile, so the heads of ``length`` bytes pass the file's end."""
    storage = open_storage(DirectoryFS(folder), storage_format)
    storage.durable = False
    write_tiles(storage, {(4, row, col): png(row * 128 + col, 50 + 37 * col) for row in range(3)
                          for col in range(60)})
    with storage.writer(KEY) as writer:
        writer.put(100, 100, b"\x89")
    return storage


def copied(source, folder, monkeypatch, kernel: bool):
    """(tile heads, the copied files' bytes) of a copy_bundle with or without the kernel's copy."""
    with monkeypatch.context() as patch:
        if not kernel:
            patch.setattr(compact, "copy_and_gather", lambda *args: None)
        target = open_storage(DirectoryFS(folder), source.storage_format)
        heads = []
        tiles = copy_bundle(source, KEY, target, accept=lambda head: heads.append(head) or True)
    return tiles, sorted(heads), [target.fs.path(path).read_bytes() for path in target.bundle_files(KEY)]


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="the kernel copy needs copy_file_range")
@pytest.mark.parametrize("window", ["default", "smallest"])
@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_kernel_copy_agrees_with_the_buffered_copy(tmp_path, monkeypatch, storage_format, window):
    """Also with the smallest memory-map window, so that heads straddle windows."""
    if window == "smallest":
        monkeypatch.setattr(bundlecopy, "MAP_WINDOW", mmap.ALLOCATIONGRANULARITY)
    source = source_storage(tmp_path / "source", storage_format)
    calls, real = [], os.copy_file_range
    monkeypatch.setattr(os, "copy_file_range", lambda *args: calls.append(args) or real(*args))
    kernel = copied(source, tmp_path / "kernel", monkeypatch, True)
    assert calls                                         # the bundle file went through the kernel
    buffered = copied(source, tmp_path / "buffered", monkeypatch, False)
    assert kernel == buffered
    assert kernel[2] == [source.fs.path(path).read_bytes() for path in source.bundle_files(KEY)]
    assert b"\x89" in kernel[1]                          # the last tile's head, cut at the end of the file
    for length in (3, 30):
        assert (source.stream(KEY, length).heads == source.tile_heads(KEY, length).heads).all()


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="the kernel copy needs copy_file_range")
@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=str)
@pytest.mark.parametrize("storage_format", COMPACT, ids=lambda f: f.name)
def test_package_entries_are_copied_by_the_kernel(tmp_path, monkeypatch, storage_format, compression):
    """A bundle inside a package: a STORED entry is a byte range of the package, copied from its offset;
    a DEFLATEd one is inflated to a plain file first. Either way the copy equals the buffered one."""
    folder = source_storage(tmp_path / "folder", storage_format)
    package = tmp_path / "package.tpk"
    with zipfile.ZipFile(package, "w", compression) as archive:
        archive.writestr("readme.txt", b"x" * 1000)              # the bundle does not start the package
        for path in folder.bundle_files(KEY):
            archive.write(folder.fs.path(path), path)
    with ZipFS(package) as fs:
        source = open_storage(fs, storage_format)
        expected = copied(source, tmp_path / "buffered", monkeypatch, False)
        offsets, real = [], os.copy_file_range
        monkeypatch.setattr(os, "copy_file_range", lambda *args: offsets.append(args[3]) or real(*args))
        assert copied(source, tmp_path / "kernel", monkeypatch, True) == expected
    assert expected[2] == [folder.fs.path(path).read_bytes() for path in folder.bundle_files(KEY)]
    assert offsets and (min(offsets) > 1000) is (compression == zipfile.ZIP_STORED)


@pytest.mark.parametrize("error", [errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP])
def test_refused_kernel_copy_falls_back_to_reading_and_writing(tmp_path, monkeypatch, error):
    source = source_storage(tmp_path / "source", StorageFormat.COMPACT_V2)
    expected = copied(source, tmp_path / "buffered", monkeypatch, False)

    def refuse(*args):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    assert copied(source, tmp_path / "fallback", monkeypatch, True) == expected


def test_other_kernel_copy_errors_are_raised_and_leave_nothing(tmp_path, monkeypatch):
    source = source_storage(tmp_path / "source", StorageFormat.COMPACT_V2)

    def disk_full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "copy_file_range", disk_full, raising=False)
    target = open_storage(DirectoryFS(tmp_path / "target"), StorageFormat.COMPACT_V2)
    with pytest.raises(OSError, match="space"):
        copy_bundle(source, KEY, target)
    left = [path for path in (tmp_path / "target").rglob("*") if path.suffix != ".lock" and path.is_file()]
    assert not left


def counting_fsyncs(monkeypatch) -> list:
    calls, real = [], os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(os.readlink(f"/proc/self/fd/{fd}")) or real(fd))
    return calls


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names fsynced files through /proc")
@pytest.mark.parametrize("flush", [True, False])
def test_flush_decides_whether_copied_files_are_synced(tmp_path, monkeypatch, flush):
    source = source_storage(tmp_path / "source", StorageFormat.COMPACT)
    target = open_storage(DirectoryFS(tmp_path / "target"), StorageFormat.COMPACT)
    synced = counting_fsyncs(monkeypatch)
    assert copy_bundle(source, KEY, target, flush=flush)
    assert len([name for name in synced if name.endswith(".tmp")]) == (2 if flush else 0)   # .bundle, .bundlx


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names fsynced files through /proc")
@pytest.mark.parametrize("flush", [True, False])
def test_import_flushes_new_bundles_only_when_asked(tmp_path, monkeypatch, flush):
    scheme = make_scheme("COMPACT_V2", levels=range(4))
    tile = png_tile((10, 20, 30, 255), 16)
    source = write_cache(tmp_path / "source", scheme, {(3, row, 0): tile for row in range(3)})
    target = write_cache(tmp_path / "target", scheme, {})
    synced = counting_fsyncs(monkeypatch)
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1,
                                        flush_new_bundles=flush))
    assert result.copied_raw == 3
    assert any(name.endswith(".bundle.tmp") for name in synced) is flush


@pytest.mark.parametrize("storage_format", COMPACT)
def test_same_bundle_files_is_byte_equality_of_every_file(tmp_path, storage_format):
    """What a run again of a MERGE takes as its published whole-bundle copy: every file of the target
    bundle equal to the source's, the V1 .bundlx included."""
    source = source_storage(tmp_path / "source", storage_format)
    target = open_storage(DirectoryFS(tmp_path / "target"), storage_format)
    assert not bundlecopy.same_bundle_files(source, KEY, target, KEY)            # no target bundle
    assert copy_bundle(source, KEY, target) is not None
    assert bundlecopy.same_bundle_files(source, KEY, target, KEY)
    assert not bundlecopy.same_bundle_files(source, KEY, target, BundleKey(4, 0, 128))
    data = target.get_tile(4, 0, 1)
    with target.writer(KEY) as writer:                                           # the same bytes, rewritten
        writer.put(0, 1, data)
    assert not bundlecopy.same_bundle_files(source, KEY, target, KEY)
    last = target.real_file(target.bundle_files(KEY)[-1])
    copy_bundle(source, KEY, open_storage(DirectoryFS(tmp_path / "other"), storage_format))
    other = open_storage(DirectoryFS(tmp_path / "other"), storage_format)
    with open(other.real_file(other.bundle_files(KEY)[-1]), "r+b") as file:      # same size, one byte off
        file.seek(-1, os.SEEK_END)
        byte = file.read(1)
        file.seek(-1, os.SEEK_END)
        file.write(bytes([byte[0] ^ 1]))
    assert last.exists() and not bundlecopy.same_bundle_files(source, KEY, other, KEY)
