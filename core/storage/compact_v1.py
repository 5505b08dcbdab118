"""Compact cache V1 (ArcGIS 10.0–10.2, .tpk): ``R####C####.bundle`` + ``.bundlx`` per 128×128 tiles.

``.bundlx`` is always 81 952 bytes: 16-byte header, 16 384 five-byte offsets column-major
(``(col % 128) * 128 + row % 128``), 16-byte footer. An offset points at a record ``[u32 size][bytes]`` in
the ``.bundle``; a missing tile points into the 65 536-byte zero table after the 60-byte bundle header
(``60 + 4 * i``), so its size reads 0 (MapProxy writes 0 for a removed tile: also missing).

Header written (``<4I3Q5I``): 3, 16 384, largest tile, 5, 4 × tile count, file size, 40, 16, then the
bundle's first row, last row, first column, last column (row0, row0 + 127, col0, col0 + 127, as ArcGIS 10.1
and MapProxy write them). The tile count is exact (from the index); the largest tile is kept as the largest
ever written, since shrinking it would need every live record's size read.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from ..atomic import replace_file
from ..errors import StorageError
from ..scheme import StorageFormat
from .base import (
    BUNDLE_SIZE,
    MAX_TILE_SIZE,
    TILES_PER_BUNDLE,
    BundleKey,
    FileSink,
    TileHeads,
    bundle_key,
    make_heads,
)
from .bundlecopy import copy_sink
from .compact import CompactStorage, bad_record, coalesced_reads, gather, read_exact
from .compact_writer import CompactWriter

HEADER = struct.Struct("<4I3Q5I")
TABLE_SIZE = TILES_PER_BUNDLE * 4
DATA_START = HEADER.size + TABLE_SIZE
BUNDLX_HEADER = struct.pack("<4I", 3, 16, TILES_PER_BUNDLE, 5)
BUNDLX_FOOTER = struct.pack("<4I", 0, 16, 16, 0)
BUNDLX_SIZE = len(BUNDLX_HEADER) + 5 * TILES_PER_BUNDLE + len(BUNDLX_FOOTER)
EMPTY_INDEX = np.arange(HEADER.size, DATA_START, 4, dtype=np.uint64)
_U32 = struct.Struct("<I")
_SHIFTS = np.array([0, 8, 16, 24, 32], np.uint64)
_GUESS_LARGEST = 256 * 1024


def parse_bundlx(data: bytes, where: str) -> np.ndarray:
    """Offsets of the 16 384 records (column-major), from a whole .bundlx."""
    if len(data) != BUNDLX_SIZE:
        raise StorageError(f"{where}: a compact V1 index must be {BUNDLX_SIZE} bytes, not {len(data)}")
    raw = np.frombuffer(data, np.uint8, 5 * TILES_PER_BUNDLE, len(BUNDLX_HEADER)).reshape(-1, 5)
    return (raw.astype(np.uint64) << _SHIFTS).sum(axis=1, dtype=np.uint64)


def format_bundlx(offsets: np.ndarray) -> bytes:
    entries = offsets.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :5]
    return BUNDLX_HEADER + entries.tobytes() + BUNDLX_FOOTER


def _position(key: BundleKey, row: int, col: int) -> int:
    return (col - key.col0) * BUNDLE_SIZE + (row - key.row0)


def _tile(key: BundleKey, position: int) -> tuple[int, int]:
    return key.row0 + position % BUNDLE_SIZE, key.col0 + position // BUNDLE_SIZE


def _header(key: BundleKey, largest: int, count: int, file_size: int) -> bytes:
    return HEADER.pack(3, TILES_PER_BUNDLE, largest, 5, 4 * count, file_size, 40, 16,
                       key.row0, key.row0 + BUNDLE_SIZE - 1, key.col0, key.col0 + BUNDLE_SIZE - 1)


def _live(offsets: np.ndarray, file_size: int, where: str, key: BundleKey) -> np.ndarray:
    """Positions of the live entries, every one checked to point inside the bundle."""
    live = np.flatnonzero(offsets >= DATA_START)
    beyond = live[offsets[live] + 4 > file_size]
    if len(beyond):
        row, col = _tile(key, int(beyond[0]))
        raise bad_record(where, row, col, f"index offset {int(offsets[beyond[0]])} points past the end of "
                                          f"the bundle ({file_size} bytes)")
    return live


def _check_size(where: str, key: BundleKey, position: int, offset: int, size: int, file_size: int) -> None:
    if size > MAX_TILE_SIZE or offset + 4 + size > file_size:
        row, col = _tile(key, position)
        raise bad_record(where, row, col, f"record at {offset} claims {size} bytes, past the end of the "
                                          f"bundle ({file_size} bytes)" if size <= MAX_TILE_SIZE else
                         f"record at {offset} claims an absurd size ({size} bytes)")


class CompactV1Storage(CompactStorage):
    storage_format = StorageFormat.COMPACT
    PAYLOAD_SIZE = HEADER.size + BUNDLX_SIZE

    def bundle_files(self, key: BundleKey) -> list[str]:
        return [self.bundle_path(key), self.bundle_path(key, ".bundlx")]

    def bundle_exists(self, key: BundleKey) -> bool:
        return self.fs.exists(self.bundle_path(key)) and self.fs.exists(self.bundle_path(key, ".bundlx"))

    def _listed_bundle_complete(self, name: str, names: set[str]) -> bool:
        return (name[:-7] + ".bundlx").lower() in {other.lower() for other in names}

    def _bundlx(self, key: BundleKey) -> bytes | None:
        """The whole .bundlx (its size checked), None when there is none."""
        path = self.bundle_path(key, ".bundlx")
        try:
            size = self.fs.size(path)
        except FileNotFoundError:
            return None
        if size != BUNDLX_SIZE:
            raise StorageError(f"{self.fs.describe(path)}: a compact V1 index must be {BUNDLX_SIZE} bytes, "
                               f"not {size}")
        with self.fs.open(path) as fp:
            return fp.read(BUNDLX_SIZE + 1)

    def _offsets(self, key: BundleKey) -> np.ndarray | None:
        data = self._bundlx(key)
        where = self.fs.describe(self.bundle_path(key, ".bundlx"))
        return None if data is None else parse_bundlx(data, where)

    def _bundle_size(self, key: BundleKey, where: str) -> int:
        size = self.fs.size(self.bundle_path(key))
        if size < DATA_START:
            raise StorageError(f"{where}: truncated compact V1 bundle ({size} bytes; header and table "
                               f"alone take {DATA_START})")
        return size

    def bundle_tiles(self, key: BundleKey) -> list[tuple[int, int]]:
        offsets = self._offsets(key)
        if offsets is None:
            return []
        where = self.fs.describe(self.bundle_path(key))
        live = _live(offsets, self._bundle_size(key, where), where, key)
        return sorted(_tile(key, position) for position in live.tolist())

    def iter_bundle(self, key: BundleKey) -> Iterator[tuple[tuple[int, int], bytes]]:
        offsets = self._offsets(key)
        if offsets is None:
            return
        path = self.bundle_path(key)
        where = self.fs.describe(path)
        file_size = self._bundle_size(key, where)
        live = _live(offsets, file_size, where, key)
        live = live[np.argsort(offsets[live], kind="stable")]
        with self.fs.open(path) as fp:
            largest = HEADER.unpack(read_exact(fp, 0, HEADER.size, where, "header"))[2]
            reach = 4 + (largest if 0 < largest <= MAX_TILE_SIZE else _GUESS_LARGEST)
            spans = [(offset, min(reach, file_size - offset), (position, offset))
                     for position, offset in zip(live.tolist(), offsets[live].tolist())]
            for (position, offset), buffer, at in coalesced_reads(fp, spans, where):
                size = _U32.unpack_from(buffer, at)[0]
                if not size:
                    continue
                _check_size(where, key, position, offset, size, file_size)
                if at + 4 + size <= len(buffer):
                    data = buffer[at + 4:at + 4 + size]
                else:
                    data = read_exact(fp, offset + 4, size, where, "tile record")
                yield _tile(key, position), data

    def stream(self, key: BundleKey, length: int, copy: FileSink | None = None) -> TileHeads:
        index_path, path = self.bundle_path(key, ".bundlx"), self.bundle_path(key)
        index = self._bundlx(key)
        if index is None:
            return make_heads([], [], np.zeros((0, length), np.uint8))
        offsets = parse_bundlx(index, self.fs.describe(index_path))
        where = self.fs.describe(path)
        file_size = self._bundle_size(key, where)
        live = _live(offsets, file_size, where, key)
        live = live[np.argsort(offsets[live], kind="stable")]
        starts = offsets[live].astype(np.int64)
        with self.fs.open(path) as fp, copy_sink(copy, path) as sink:
            records = gather(fp, starts, 4 + length, sink)
        sizes = np.ascontiguousarray(records[:, :4]).view("<u4").ravel().astype(np.int64)
        bad = np.flatnonzero((sizes > MAX_TILE_SIZE) | (starts + 4 + sizes > file_size))
        if len(bad):
            first = int(bad[0])
            _check_size(where, key, int(live[first]), int(starts[first]), int(sizes[first]), file_size)
        with copy_sink(copy, index_path) as sink:
            if sink is not None:
                sink.write(index)
        present = sizes > 0
        cols, rows = np.divmod(live[present], BUNDLE_SIZE)
        return make_heads(np.column_stack([key.row0 + rows, key.col0 + cols]), sizes[present],
                          records[present, 4:])

    def get_tile(self, level: int, row: int, col: int) -> bytes | None:
        key = bundle_key(level, row, col)
        index_path = self.bundle_path(key, ".bundlx")
        try:
            if self.fs.size(index_path) != BUNDLX_SIZE:
                self._offsets(key)  # raises the size error
            with self.fs.open(index_path) as fp:
                entry = read_exact(fp, 16 + 5 * _position(key, row, col), 5, self.fs.describe(index_path),
                                   "index")
            fp = self.fs.open(self.bundle_path(key))
        except FileNotFoundError:
            return None
        offset = int.from_bytes(entry, "little")
        with fp:
            where = self.fs.describe(self.bundle_path(key))
            file_size = self._bundle_size(key, where)
            return read_record(fp, key, _position(key, row, col), offset, file_size, where)

    def writer(self, key: BundleKey) -> CompactV1Writer:
        return CompactV1Writer(self, key)

    def apply(self, key: BundleKey, payload: bytes, fh: BinaryIO | None = None) -> None:
        """Publish a new .bundlx (temporary file, rename), then write the bundle header in place."""
        replace_file(self.real_file(self.bundle_path(key, ".bundlx")), payload[HEADER.size:], self.durable)
        if fh is None:
            with open(self.real_file(self.bundle_path(key)), "r+b") as bundle:
                self._write_header(bundle, payload)
        else:
            self._write_header(fh, payload)

    def _write_header(self, fh: BinaryIO, payload: bytes) -> None:
        fh.seek(0)
        fh.write(payload[:HEADER.size])
        fh.flush()
        if self.durable:
            os.fsync(fh.fileno())


def read_record(fp, key: BundleKey, position: int, offset: int, file_size: int, where: str) -> bytes | None:
    """The tile whose record starts at ``offset``; None for a missing tile (zero table or size 0)."""
    if offset < DATA_START:
        return None
    if offset + 4 > file_size:
        row, col = _tile(key, position)
        raise bad_record(where, row, col, f"index offset {offset} points past the end of the bundle "
                                          f"({file_size} bytes)")
    size = _U32.unpack(read_exact(fp, offset, 4, where, "tile size"))[0]
    if not size:
        return None
    _check_size(where, key, position, offset, size, file_size)
    return read_exact(fp, offset + 4, size, where, "tile record")


class CompactV1Writer(CompactWriter):
    """Tracks each tile's size beside the .bundlx offsets (read from the records once, on loading), to know
    the live bytes."""

    DATA_START = DATA_START

    def __init__(self, storage: CompactV1Storage, key: BundleKey):
        super().__init__(storage, key)
        self._index = EMPTY_INDEX.copy()
        self._sizes = np.zeros(TILES_PER_BUNDLE, np.int64)    # per position; 0: missing
        self._next_sizes = self._sizes
        self._largest = 0

    def _load(self) -> int:
        fh = self.file
        bundlx = self.path.with_suffix(".bundlx")
        with open(bundlx, "rb") as fp:
            size = os.fstat(fp.fileno()).st_size
            if size != BUNDLX_SIZE:
                raise StorageError(f"{bundlx}: a compact V1 index must be {BUNDLX_SIZE} bytes, not {size}")
            self._index = parse_bundlx(fp.read(BUNDLX_SIZE), str(bundlx))
        fh.seek(0, 2)
        file_size = fh.tell()
        if file_size < DATA_START:
            raise StorageError(f"{self.where}: truncated compact V1 bundle ({file_size} bytes)")
        live = _live(self._index, file_size, self.where, self.key)
        self._largest = HEADER.unpack(read_exact(fh, 0, HEADER.size, self.where, "header"))[2]
        live = live[np.argsort(self._index[live], kind="stable")]
        starts = self._index[live].astype(np.int64)
        sizes = np.ascontiguousarray(gather(fh, starts, 4)).view("<u4").ravel().astype(np.int64)
        bad = np.flatnonzero((sizes > MAX_TILE_SIZE) | (starts + 4 + sizes > file_size))
        if len(bad):
            first = int(bad[0])
            _check_size(self.where, self.key, int(live[first]), int(starts[first]), int(sizes[first]),
                        file_size)
        removed = live[sizes == 0]      # size 0: a removed tile (MapProxy), missing; its record now dead
        self._index[removed] = EMPTY_INDEX[removed]
        self._sizes = np.zeros(TILES_PER_BUNDLE, np.int64)
        self._sizes[live] = sizes
        return int((starts + 4 + sizes).max()) if len(starts) else DATA_START

    def _read_committed(self, row: int, col: int) -> bytes | None:
        position = _position(self.key, row, col)
        return read_record(self.file, self.key, position, int(self._index[position]), self._end, self.where)

    def _live(self) -> tuple[list[tuple[int, int]], np.ndarray]:
        positions = np.flatnonzero(self._sizes)
        return [_tile(self.key, p) for p in positions.tolist()], self._index[positions]

    def _live_sizes(self) -> np.ndarray:
        return self._sizes[self._sizes > 0]

    def _new_file(self) -> bytes:
        self._index = EMPTY_INDEX.copy()
        self._sizes = np.zeros(TILES_PER_BUNDLE, np.int64)
        self._largest = 0
        return _header(self.key, 0, 0, DATA_START) + bytes(TABLE_SIZE)

    def _payload(self) -> bytes:
        index = self._index.copy()
        sizes = self._sizes.copy()
        largest = self._largest
        for (row, col), (offset, size) in self._pending.items():
            position = _position(self.key, row, col)
            index[position] = offset - 4
            sizes[position] = size
            largest = max(largest, size)
        self._next_sizes = sizes
        count = int(np.count_nonzero(index >= DATA_START))
        return _header(self.key, largest, count, self._end) + format_bundlx(index)

    def _committed(self, payload: bytes) -> None:
        self._index = parse_bundlx(payload[HEADER.size:], self.where)
        self._sizes = self._next_sizes
        self._largest = HEADER.unpack_from(payload)[2]
