"""Whole-bundle copies: the fast path of full imports, where a source bundle lands where the target has none.

The source is copied once (``TileStorage.stream``) into temporary files beside the target's, by the kernel
where both are plain files (``copy_and_gather``), its index and records checked as a reader would; the files
are then renamed into place in the order the layout needs (V1: the .bundlx last), so readers see either no
bundle or the whole one. ``link``: the target's files are hard links of the source's (checked the same way,
published the same way), for a throw-away staged target that is read and removed, never written again: an
export packaging its tiles (a write into a linked file would change the source).
"""

from __future__ import annotations

import contextlib
import errno
import io
import mmap
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np

from ..atomic import publish, temporary_path
from .base import HEAD_LENGTH, READ_CHUNK, BundleKey, FileSink, TileHeads, TileStorage
from .byterows import take_rows


def copy_bundle(source: TileStorage, source_key: BundleKey, target: TileStorage,
                target_key: BundleKey | None = None,
                accept: Callable[[bytes], bool] | None = None,
                before_publish: Callable[[BundleCopy], None] | None = None,
                flush: bool = True) -> list[tuple[int, int]] | None:
    """``copy_whole_bundle`` giving the (row, col) of the copied tiles as a list of pairs."""
    tiles = copy_whole_bundle(source, source_key, target, target_key, accept, before_publish, flush)
    return None if tiles is None else list(zip(*tiles.T.tolist()))


def copy_whole_bundle(source: TileStorage, source_key: BundleKey, target: TileStorage,
                      target_key: BundleKey | None = None,
                      accept: Callable[[bytes], bool] | None = None,
                      before_publish: Callable[[BundleCopy], None] | None = None,
                      flush: bool = True, link: bool = False) -> np.ndarray | None:
    """Copy a whole bundle as files when the target has none there yet (fast path of full imports).

    Both storages must be of the same layout; ``target_key`` may differ in level only (renumbered levels).
    Under the target bundle's lock, the source is read once: its files go to temporary names while the
    index and records are checked as ``iter_bundle`` checks them, and ``accept`` (a test of a tile's first
    HEAD_LENGTH bytes, all of it when shorter; called once per distinct head) sees every tile. Then the files
    are renamed into place in the order written (V1: .bundlx last); ``before_publish`` is called just before,
    lock held, with every file written and closed (a MERGE journals the copy there). ``flush`` (and a durable
    target): each file is on disk before it is renamed, so a power cut cannot leave an empty bundle in place;
    without, the system writes them back later, as ``cp`` leaves them. Returns the (row, col)
    of the copied tiles as an (n, 2) array (no Python object per tile: a bundle holds up to 16 384), or None
    when the target bundle exists or a tile is refused (use a writer instead). ``link``: hard links instead
    of copies where the file system allows them (see the module docstring), else copies.
    """
    target_key = target_key or source_key
    if type(source) is not type(target):
        raise ValueError(f"cannot copy a {type(source).__name__} bundle into a {type(target).__name__}")
    if target_key[1:] != source_key[1:]:
        raise ValueError(f"bundle {source_key} can only be copied to the same rows and columns")
    with target.lock(target_key):
        target.recover(target_key)
        target.refresh(target_key)
        if target.bundle_exists(target_key):
            return None
        copy = BundleCopy(target, source.level_path(source_key.level), target.level_path(target_key.level),
                          flush and target.durable)
        try:
            linked = link and copy.link_all(source, source_key)
            heads = source.stream(source_key, HEAD_LENGTH, None if linked else copy)
            if accept is not None and not all(map(accept, distinct_heads(heads))):
                return None
            if before_publish is not None:
                before_publish(copy)
            copy.publish()
        finally:
            copy.discard()
            target.refresh(target_key)
    return heads.tiles


def distinct_heads(heads: TileHeads) -> list[bytes]:
    """Each different head once, cut to its tile's size."""
    length = heads.heads.shape[1]
    full = heads.sizes >= length
    row_type = np.dtype(f"<u{length}") if length in (1, 2, 4, 8) else np.dtype((np.void, length))
    rows = np.ascontiguousarray(heads.heads[full]).view(row_type).ravel()
    distinct = [row.tobytes() for row in np.unique(rows)]
    short = {bytes(row[:size]) for row, size in zip(heads.heads[~full], heads.sizes[~full].tolist())}
    return distinct + sorted(short)


def copy_sink(copy: FileSink | None, relpath: str) -> AbstractContextManager[BinaryIO | None]:
    """``copy.file(relpath)``, or a context giving None when there is no copy."""
    return contextlib.nullcontext() if copy is None else copy.file(relpath)


class BundleCopy:
    """Where ``TileStorage.stream`` writes a bundle's files: temporary names beside the target ones (synced
    when ``flush``), renamed into place by ``publish`` in the order they were written."""

    def __init__(self, target: TileStorage, source_level: str, target_level: str, flush: bool = True):
        self.target, self.source_level, self.target_level = target, source_level, target_level
        self.flush = flush
        self.files: list[tuple[Path, Path]] = []      # (temporary, destination)
        self._folders: set[Path] = set()

    @contextlib.contextmanager
    def file(self, relpath: str) -> Iterator[BinaryIO]:
        """A new file standing for the source's ``relpath`` in the target."""
        destination = self.target.real_file(self.target_level + relpath[len(self.source_level):])
        if destination.parent not in self._folders:
            destination.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(destination.parent)
        temporary = temporary_path(destination)   # one copy at a time: lock held
        self.files.append((temporary, destination))
        with open(temporary, "wb") as fp:
            yield fp
            fp.flush()
            if self.flush:
                os.fsync(fp.fileno())

    def link_all(self, source: TileStorage, key: BundleKey) -> bool:
        """Hard-link each file of the source bundle at its temporary name; False (nothing left) when a file
        is not a plain file or the file system refuses (another device, no links): copy instead."""
        for relpath in source.bundle_files(key):
            real = source.fs.real_path(relpath)
            if real is None:
                self.discard()
                return False
            destination = self.target.real_file(self.target_level + relpath[len(self.source_level):])
            destination.parent.mkdir(parents=True, exist_ok=True)
            temporary = temporary_path(destination)
            temporary.unlink(missing_ok=True)             # a killed copy's leftover (the lock is held)
            try:
                os.link(real, temporary)
            except OSError:
                self.discard()
                return False
            self.files.append((temporary, destination))
        return True

    def publish(self) -> None:
        for temporary, destination in self.files:
            publish(temporary, destination)
        self.files.clear()

    def discard(self) -> None:
        """Remove the temporary files not published."""
        for temporary, _ in self.files:
            temporary.unlink(missing_ok=True)
        self.files.clear()


def same_bundle_files(source: TileStorage, source_key: BundleKey, target: TileStorage,
                      target_key: BundleKey) -> bool:
    """True when the target bundle's files hold byte for byte the source bundle's (what a whole-bundle copy
    publishes), file by file in the layout's order."""
    pairs = list(zip(source.bundle_files(source_key), target.bundle_files(target_key)))
    try:
        if any(source.fs.size(mine) != target.fs.size(theirs) for mine, theirs in pairs):
            return False
        for mine, theirs in pairs:
            with source.fs.open(mine) as one, target.fs.open(theirs) as other:
                while True:
                    chunk = one.read(READ_CHUNK)
                    if chunk != other.read(READ_CHUNK):
                        return False
                    if not chunk:
                        break
    except FileNotFoundError:
        return False
    return bool(pairs)


# copy_file_range refuses some pairs of files (other file systems on older kernels, some network ones).
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF}
# Tile heads are read through maps of this many bytes (a multiple of every mmap.ALLOCATIONGRANULARITY):
# a copy thread adds at most this much to the process's resident size (4 MiB: as fast as 16 MiB, measured).
MAP_WINDOW = 4 * 1024 * 1024


def copy_and_gather(fp: BinaryIO, starts: np.ndarray, width: int, sink: BinaryIO) -> np.ndarray | None:
    """``gather`` of a file while copying it whole to the plain file ``sink``, by the kernel (copy_file_range:
    the bytes never pass through this process), the heads read through memory maps. ``fp`` is a plain file
    or a range of one (a STORED package entry: ``byte_range``). None when it is neither or the kernel cannot
    copy between the two (the caller reads and writes itself then)."""
    source = _byte_range(fp)
    if source is None or not _plain(sink) or not hasattr(os, "copy_file_range"):
        return None
    fd, offset, size = source
    target = sink.fileno()
    sink.flush()
    done = 0
    try:
        while done < size:
            copied = os.copy_file_range(fd, target, size - done, offset + done, done)
            if not copied:
                break
            done += copied
    except OSError as error:
        if error.errno not in _NO_KERNEL_COPY:
            raise
        os.ftruncate(target, 0)
        return None
    return _mapped_heads(fd, offset, done, starts, width)


def _mapped_heads(fd: int, offset: int, size: int, starts: np.ndarray, width: int) -> np.ndarray:
    """The ``width`` bytes at each of ``starts`` (sorted) of the ``size`` bytes at ``offset`` in a file, zero
    past them, through memory maps of MAP_WINDOW bytes: the pages touched leave this process's memory with
    each map instead of piling up over a whole bundle."""
    out = np.zeros((len(starts), width), np.uint8)
    absolute, end = starts + offset, offset + size
    for window in np.unique(absolute[absolute < end] // MAP_WINDOW).tolist():
        begin = window * MAP_WINDOW
        first, last = np.searchsorted(absolute, (begin, begin + MAP_WINDOW)).tolist()
        length = min(MAP_WINDOW + width, end - begin)
        with mmap.mmap(fd, length, access=mmap.ACCESS_READ, offset=begin) as mapped:
            data = np.frombuffer(mapped, np.uint8)
            out[first:last] = take_rows(data, absolute[first:last] - begin, width)
            del data                                            # the map closes only without views
    return out


def _byte_range(file) -> tuple[int, int, int] | None:
    """(descriptor, offset, size) of what ``file`` reads when that is a range of a plain file, else None."""
    if _plain(file):
        return file.fileno(), 0, os.fstat(file.fileno()).st_size
    byte_range = getattr(file, "byte_range", None)
    return byte_range() if byte_range is not None else None


def _plain(file) -> bool:
    return isinstance(getattr(file, "raw", None), io.FileIO)
