"""Compact cache V1 (ArcGIS 10.0–10.2, .tpk): ``R####C####.bundle`` + ``.bundlx`` per 128×128 tiles, read by
CompactV1Storage and written by CompactV1Writer; the bytes of both files are compact_v1_format's.
"""

from __future__ import annotations

import os
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
from .compact import CompactStorage, coalesced_reads, gather, read_exact
from .compact_v1_format import (
    BUNDLX_SIZE,
    DATA_START,
    EMPTY_INDEX,
    HEADER,
    SIZE_PREFIX,
    TABLE_SIZE,
    bundle_header,
    check_size,
    check_sizes,
    format_bundlx,
    index_position,
    live_positions,
    parse_bundlx,
    read_record,
    tile_at,
)
from .compact_writer import CompactWriter

_GUESS_LARGEST = 256 * 1024


class CompactV1Storage(CompactStorage):
    storage_format = StorageFormat.COMPACT
    PAYLOAD_SIZE = HEADER.size + BUNDLX_SIZE

    def bundle_files(self, key: BundleKey) -> list[str]:
        return [self.bundle_path(key), self.bundle_path(key, ".bundlx")]

    def index_span(self, key: BundleKey) -> tuple[str, int]:
        return self.bundle_path(key, ".bundlx"), BUNDLX_SIZE

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
        live = live_positions(offsets, self._bundle_size(key, where), where, key)
        return sorted(tile_at(key, position) for position in live.tolist())

    def iter_bundle(self, key: BundleKey) -> Iterator[tuple[tuple[int, int], bytes]]:
        offsets = self._offsets(key)
        if offsets is None:
            return
        path = self.bundle_path(key)
        where = self.fs.describe(path)
        file_size = self._bundle_size(key, where)
        live = live_positions(offsets, file_size, where, key)
        live = live[np.argsort(offsets[live], kind="stable")]
        with self.fs.open(path) as fp:
            largest = HEADER.unpack(read_exact(fp, 0, HEADER.size, where, "header"))[2]
            reach = 4 + (largest if 0 < largest <= MAX_TILE_SIZE else _GUESS_LARGEST)
            spans = [(offset, min(reach, file_size - offset), (position, offset))
                     for position, offset in zip(live.tolist(), offsets[live].tolist())]
            for (position, offset), buffer, at in coalesced_reads(fp, spans, where):
                size = SIZE_PREFIX.unpack_from(buffer, at)[0]
                if not size:
                    continue
                check_size(where, key, position, offset, size, file_size)
                if at + 4 + size <= len(buffer):
                    data = buffer[at + 4:at + 4 + size]
                else:
                    data = read_exact(fp, offset + 4, size, where, "tile record")
                yield tile_at(key, position), data

    def stream(self, key: BundleKey, length: int, copy: FileSink | None = None) -> TileHeads:
        index_path, path = self.bundle_path(key, ".bundlx"), self.bundle_path(key)
        index = self._bundlx(key)
        if index is None:
            return make_heads([], [], np.zeros((0, length), np.uint8))
        offsets = parse_bundlx(index, self.fs.describe(index_path))
        where = self.fs.describe(path)
        file_size = self._bundle_size(key, where)
        live = live_positions(offsets, file_size, where, key)
        live = live[np.argsort(offsets[live], kind="stable")]
        starts = offsets[live].astype(np.int64)
        with self.fs.open(path) as fp, copy_sink(copy, path) as sink:
            records = gather(fp, starts, 4 + length, sink)
        sizes = np.ascontiguousarray(records[:, :4]).view("<u4").ravel().astype(np.int64)
        check_sizes(where, key, live, starts, sizes, file_size)
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
                entry = read_exact(fp, 16 + 5 * index_position(key, row, col), 5,
                                   self.fs.describe(index_path), "index")
            fp = self.fs.open(self.bundle_path(key))
        except FileNotFoundError:
            return None
        offset = int.from_bytes(entry, "little")
        with fp:
            where = self.fs.describe(self.bundle_path(key))
            file_size = self._bundle_size(key, where)
            return read_record(fp, key, index_position(key, row, col), offset, file_size, where)

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
        live = live_positions(self._index, file_size, self.where, self.key)
        self._largest = HEADER.unpack(read_exact(fh, 0, HEADER.size, self.where, "header"))[2]
        live = live[np.argsort(self._index[live], kind="stable")]
        starts = self._index[live].astype(np.int64)
        sizes = np.ascontiguousarray(gather(fh, starts, 4)).view("<u4").ravel().astype(np.int64)
        check_sizes(self.where, self.key, live, starts, sizes, file_size)
        removed = live[sizes == 0]      # size 0: a removed tile (MapProxy), missing; its record now dead
        self._index[removed] = EMPTY_INDEX[removed]
        self._sizes = np.zeros(TILES_PER_BUNDLE, np.int64)
        self._sizes[live] = sizes
        return int((starts + 4 + sizes).max()) if len(starts) else DATA_START

    def _read_committed(self, row: int, col: int) -> bytes | None:
        position = index_position(self.key, row, col)
        return read_record(self.file, self.key, position, int(self._index[position]), self._end, self.where)

    def _live(self) -> tuple[list[tuple[int, int]], np.ndarray]:
        positions = np.flatnonzero(self._sizes)
        return [tile_at(self.key, p) for p in positions.tolist()], self._index[positions]

    def _live_sizes(self) -> np.ndarray:
        return self._sizes[self._sizes > 0]

    def _new_file(self) -> bytes:
        self._index = EMPTY_INDEX.copy()
        self._sizes = np.zeros(TILES_PER_BUNDLE, np.int64)
        self._largest = 0
        return bundle_header(self.key, 0, 0, DATA_START) + bytes(TABLE_SIZE)

    def _payload(self) -> bytes:
        index = self._index.copy()
        sizes = self._sizes.copy()
        largest = self._largest
        for (row, col), (offset, size) in self._pending.items():
            position = index_position(self.key, row, col)
            index[position] = offset - 4 if size else EMPTY_INDEX[position]
            sizes[position] = size
            largest = max(largest, size)
        self._next_sizes = sizes
        count = int(np.count_nonzero(index >= DATA_START))
        return bundle_header(self.key, largest, count, self._end) + format_bundlx(index)

    def _committed(self, payload: bytes) -> None:
        self._index = parse_bundlx(payload[HEADER.size:], self.where)
        self._sizes = self._next_sizes
        self._largest = HEADER.unpack_from(payload)[2]
