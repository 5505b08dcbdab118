"""Compact cache V2 (ArcGIS 10.3+, .tpkx): one ``R####C####.bundle`` per 128×128 tiles.

64-byte header, then 16 384 little-endian u64 index entries, row-major (``(row % 128) * 128 + col % 128``):
low 40 bits the offset of the tile bytes, high 24 bits their size (0 = missing). Each record is
``[u32 size][bytes]``; the index points past the size prefix. New records are appended and the index
repointed; old bytes become dead space, as ArcGIS and MapProxy do.

Header written: version 3, record count 16 384 (as MapProxy and Esri's sample writer), largest live tile,
offset size 5, slack (bytes after the index that no entry points at: dead records, kept true by the writer),
file size, user-header offset 40 and size 131 092, then 3, 16, 16 384, 5 and the index size 131 072. Readers
check only version, offset size, user-header offset and index size (ArcGIS's own files leave the other fields
at odd values); GDAL's ESRIC driver checks the same ones.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from ..atomic import replace_file, sync_folder
from ..errors import StorageError
from ..scheme import StorageFormat
from .base import (
    BUNDLE_SIZE,
    TILES_PER_BUNDLE,
    BundleKey,
    FileSink,
    TileHeads,
    bundle_key,
    make_heads,
)
from .bundlecopy import copy_sink
from .compact import CompactStorage, bad_record, coalesced_reads, copy_ranges, gather, read_exact
from .compact_writer import CompactWriter

HEADER = struct.Struct("<4I3Q6I")
INDEX_SIZE = TILES_PER_BUNDLE * 8
DATA_START = HEADER.size + INDEX_SIZE
OFFSET_MASK = (1 << 40) - 1
_U32 = struct.Struct("<I")


def _header(max_size: int, file_size: int, slack: int = 0) -> bytes:
    return HEADER.pack(3, TILES_PER_BUNDLE, max_size, 5, slack, file_size, 40, INDEX_SIZE + 20,
                       3, 16, TILES_PER_BUNDLE, 5, INDEX_SIZE)


def _entry_problem(offset: int, size: int, file_size: int) -> str:
    where_to = "into the header or index" if offset < DATA_START + 4 else \
        f"past the end of the file ({file_size} bytes)"
    return f"index entry (offset {offset}, size {size}) points {where_to}"


def _check_header(header: bytes, where: str) -> None:
    if len(header) < HEADER.size:
        raise StorageError(f"{where}: truncated compact V2 bundle ({len(header)} bytes, no full header)")
    fields = HEADER.unpack_from(header)
    version, offset_bytes, user_header_offset, index_size = fields[0], fields[3], fields[6], fields[12]
    if (version, offset_bytes, user_header_offset, index_size) != (3, 5, 40, INDEX_SIZE):
        raise StorageError(f"{where}: not a compact V2 bundle header (version {version}, offset size "
                           f"{offset_bytes}, user-header offset {user_header_offset}, index size "
                           f"{index_size}; expected 3, 5, 40, {INDEX_SIZE})")


def parse_index(data: bytes, file_size: int, where: str, key: BundleKey) -> np.ndarray:
    """The checked index of a bundle from its first DATA_START bytes: u64 entries, 0 where missing."""
    _check_header(data, where)
    if len(data) < DATA_START:
        raise StorageError(f"{where}: truncated compact V2 bundle ({file_size} bytes, index incomplete)")
    index = np.frombuffer(data, "<u8", TILES_PER_BUNDLE, HEADER.size).astype(np.uint64)
    sizes = index >> np.uint64(40)
    offsets = index & np.uint64(OFFSET_MASK)
    live = sizes > 0
    bad = live & ((offsets < DATA_START + 4) | (offsets + sizes > file_size))
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        row, col = key.row0 + position // BUNDLE_SIZE, key.col0 + position % BUNDLE_SIZE
        raise bad_record(where, row, col, _entry_problem(int(offsets[position]), int(sizes[position]),
                                                         file_size))
    return np.where(live, index, np.uint64(0))


class CompactV2Storage(CompactStorage):
    storage_format = StorageFormat.COMPACT_V2
    PAYLOAD_SIZE = DATA_START

    def bundle_files(self, key: BundleKey) -> list[str]:
        return [self.bundle_path(key)]

    def index_span(self, key: BundleKey) -> tuple[str, int]:
        return self.bundle_path(key), DATA_START

    def _index(self, fp, key: BundleKey) -> tuple[np.ndarray, str]:
        path = self.bundle_path(key)
        where = self.fs.describe(path)
        size = self.fs.size(path)
        return parse_index(fp.read(DATA_START), size, where, key), where

    def bundle_tiles(self, key: BundleKey) -> list[tuple[int, int]]:
        return list(map(tuple, self.bundle_positions(key).tolist()))

    def bundle_positions(self, key: BundleKey) -> np.ndarray:
        try:
            with self.fs.open(self.bundle_path(key)) as fp:
                index, _ = self._index(fp, key)
        except FileNotFoundError:
            return np.zeros((0, 2), np.int64)
        rows, cols = np.divmod(np.flatnonzero(index), BUNDLE_SIZE)
        return np.column_stack([rows + key.row0, cols + key.col0]).astype(np.int64)

    def iter_bundle(self, key: BundleKey) -> Iterator[tuple[tuple[int, int], bytes]]:
        try:
            fp = self.fs.open(self.bundle_path(key))
        except FileNotFoundError:
            return
        with fp:
            index, where = self._index(fp, key)
            positions = np.flatnonzero(index)
            entries = index[positions]
            order = np.argsort(entries & np.uint64(OFFSET_MASK), kind="stable")
            spans = []
            for position, entry in zip(positions[order].tolist(), entries[order].tolist()):
                size = entry >> 40
                spans.append(((entry & OFFSET_MASK) - 4, size + 4, (position, size)))
            for (position, size), buffer, at in coalesced_reads(fp, spans, where):
                row, col = key.row0 + position // BUNDLE_SIZE, key.col0 + position % BUNDLE_SIZE
                if _U32.unpack_from(buffer, at)[0] != size:
                    raise bad_record(where, row, col, f"size prefix {_U32.unpack_from(buffer, at)[0]} "
                                                      f"disagrees with the index ({size})")
                yield (row, col), buffer[at + 4:at + 4 + size]

    def stream(self, key: BundleKey, length: int, copy: FileSink | None = None) -> TileHeads:
        path = self.bundle_path(key)
        try:
            fp = self.fs.open(path)
        except FileNotFoundError:
            return make_heads([], [], np.zeros((0, length), np.uint8))
        with fp:
            index, where = self._index(fp, key)
            positions = np.flatnonzero(index)
            offsets = (index[positions] & np.uint64(OFFSET_MASK)).astype(np.int64)
            order = np.argsort(offsets, kind="stable")
            positions, offsets = positions[order], offsets[order]
            sizes = (index[positions] >> np.uint64(40)).astype(np.int64)
            with copy_sink(copy, path) as sink:
                records = gather(fp, offsets - 4, 4 + length, sink)
        prefixes = np.ascontiguousarray(records[:, :4]).view("<u4").ravel()
        wrong = np.flatnonzero(prefixes != sizes)
        if len(wrong):
            first = int(wrong[0])
            row, col = divmod(int(positions[first]), BUNDLE_SIZE)
            problem = f"size prefix {int(prefixes[first])} disagrees with the index ({sizes[first]})"
            raise bad_record(where, key.row0 + row, key.col0 + col, problem)
        rows, cols = np.divmod(positions, BUNDLE_SIZE)
        return make_heads(np.column_stack([key.row0 + rows, key.col0 + cols]), sizes, records[:, 4:])

    def get_tile(self, level: int, row: int, col: int) -> bytes | None:
        key = bundle_key(level, row, col)
        path = self.bundle_path(key)
        try:
            fp = self.fs.open(path)
        except FileNotFoundError:
            return None
        with fp:
            where = self.fs.describe(path)
            _check_header(fp.read(HEADER.size), where)
            position = (row - key.row0) * BUNDLE_SIZE + (col - key.col0)
            entry = int.from_bytes(read_exact(fp, HEADER.size + 8 * position, 8, where, "index"), "little")
            return read_record(fp, entry, self.fs.size(path), where, row, col)

    def writer(self, key: BundleKey) -> CompactV2Writer:
        return CompactV2Writer(self, key)

    def apply(self, key: BundleKey, payload: bytes, fh: BinaryIO | None = None) -> None:
        """Write header and index (``payload``) into the bundle, in place."""
        if fh is None:
            with open(self.real_file(self.bundle_path(key)), "r+b") as bundle:
                self.apply(key, payload, bundle)
            return
        fh.seek(0)
        fh.write(payload)
        fh.flush()
        if self.durable:
            os.fsync(fh.fileno())


def read_record(fp, entry: int, file_size: int, where: str, row: int, col: int) -> bytes | None:
    """The tile an index entry points at, prefix and bounds checked; None when the entry is empty."""
    size, offset = entry >> 40, entry & OFFSET_MASK
    if not size:
        return None
    if offset < DATA_START + 4 or offset + size > file_size:
        raise bad_record(where, row, col, _entry_problem(offset, size, file_size))
    record = read_exact(fp, offset - 4, size + 4, where, "tile record")
    if _U32.unpack_from(record)[0] != size:
        raise bad_record(where, row, col, f"size prefix {_U32.unpack_from(record)[0]} disagrees with the "
                                          f"index ({size})")
    return record[4:]


class CompactV2Writer(CompactWriter):
    DATA_START = DATA_START

    def __init__(self, storage: CompactV2Storage, key: BundleKey):
        super().__init__(storage, key)
        self._index = np.zeros(TILES_PER_BUNDLE, np.uint64)

    def _load(self) -> int:
        fh = self.file
        fh.seek(0, 2)
        file_size = fh.tell()
        fh.seek(0)
        self._index = parse_index(fh.read(DATA_START), file_size, self.where, self.key)
        ends = (self._index & np.uint64(OFFSET_MASK)) + (self._index >> np.uint64(40))
        return max(DATA_START, int(ends.max()))

    def _read_committed(self, row: int, col: int) -> bytes | None:
        position = (row - self.key.row0) * BUNDLE_SIZE + (col - self.key.col0)
        return read_record(self.file, int(self._index[position]), self._end, self.where, row, col)

    def _live(self) -> tuple[list[tuple[int, int]], np.ndarray]:
        positions = np.flatnonzero(self._index)
        row0, col0 = self.key.row0, self.key.col0
        tiles = [(row0 + p // BUNDLE_SIZE, col0 + p % BUNDLE_SIZE) for p in positions.tolist()]
        return tiles, self._index[positions] & np.uint64(OFFSET_MASK)

    def _live_sizes(self) -> np.ndarray:
        sizes = (self._index >> np.uint64(40)).astype(np.int64)
        return sizes[sizes > 0]

    def _new_file(self) -> bytes:
        self._index = np.zeros(TILES_PER_BUNDLE, np.uint64)
        return _header(0, DATA_START) + bytes(INDEX_SIZE)

    def _payload(self) -> bytes:
        index = self._index.copy()
        row0, col0 = self.key.row0, self.key.col0
        for (row, col), (offset, size) in self._pending.items():
            index[(row - row0) * BUNDLE_SIZE + (col - col0)] = offset | (size << 40) if size else 0
        sizes = (index >> np.uint64(40)).astype(np.int64)
        live = int(sizes.sum()) + 4 * int(np.count_nonzero(sizes))
        return _header(int(sizes.max()), self._end, self._end - DATA_START - live) + \
            index.astype("<u8").tobytes()

    def _committed(self, payload: bytes) -> None:
        self._index = np.frombuffer(payload, "<u8", TILES_PER_BUNDLE, HEADER.size).astype(np.uint64)

    def compact(self) -> None:
        """One file makes a safer compaction than the two-commit one in place: the live records are copied, in
        file order, behind a fresh header and index into the temporary file, which is synced and renamed
        over the bundle. A reader that opened the bundle before goes on reading the old file, whole; the
        next one opens the compact file; a crash leaves one or the other (the temporary file is removed by
        the next writer's recovery)."""
        positions = np.flatnonzero(self._index)
        entries = self._index[positions]
        order = np.argsort(entries & np.uint64(OFFSET_MASK), kind="stable")
        positions, entries = positions[order], entries[order]
        offsets = (entries & np.uint64(OFFSET_MASK)).astype(np.int64)
        sizes = (entries >> np.uint64(40)).astype(np.int64)
        starts = DATA_START + np.concatenate([[0], np.cumsum(sizes + 4)[:-1]]).astype(np.int64)
        end = DATA_START + int((sizes + 4).sum())
        index = np.zeros(TILES_PER_BUNDLE, np.uint64)
        index[positions] = (starts + 4).astype(np.uint64) | (sizes.astype(np.uint64) << np.uint64(40))
        payload = _header(int(sizes.max()) if len(sizes) else 0, end) + index.astype("<u8").tobytes()
        def write(fp: BinaryIO) -> None:
            fp.write(payload)
            copy_ranges(self.file, offsets - 4, sizes + 4, fp, self.where)

        def release() -> None:         # Windows renames no file this process holds open
            self.file.close()
            self._fh = None

        try:
            replace_file(self.path, write, self.storage.durable, before_publish=release)
        finally:
            if self._fh is None:       # the compact file, or the old one when the rename failed
                self._fh = open(self.path, "r+b")
        if self.storage.durable:
            sync_folder(self.path.parent)   # the later commits go to the new file: its name must last
        self._committed(payload)
        self._end = self._committed_end = end
        self.compactions += 1

