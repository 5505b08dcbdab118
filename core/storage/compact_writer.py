"""The batch writer of compact bundles (V1, V2): append records, repoint the index, keep dead space bounded.

Rewriting a tile appends its new record; the old one becomes dead space. When a commit leaves more dead than
live record bytes, the writer compacts the bundle under its lock, in two ordinary commits, so that every
moment (and every crash) leaves an index pointing at whole, current records:

1. every live record is appended again at the end, and the index repointed there (one commit: the whole
   front of the data area is dead now);
2. those copies are written over the front of the data area (dead space: no index entry points there),
   synced, the index repointed to them (a second commit), and the file cut after them.

A crash before 2's commit leaves dead bytes that the next compaction removes; after it, only the cut is
missing (the next writer's commit cuts). No new file name is involved, so the V1 pair (.bundle and .bundlx)
never disagrees. A compaction writes the live bytes twice; it happens at most once per batch that doubles
the dead space, so its cost is bounded by the writes that made it necessary.

A V2 bundle is one file, so its writer compacts into a new file renamed over it instead (compact_v2.py):
a reader holding the bundle open keeps reading the old file. In place, a reader that read the index before
step 1 and a record after step 2 would read another tile's bytes, a window V1 keeps.
"""

from __future__ import annotations

import os
import struct
from abc import abstractmethod
from io import BufferedRandom
from types import TracebackType

import numpy as np

from ..atomic import replace_file
from .base import READ_CHUNK, BundleKey, BundleWriter
from .compact import CompactStorage, read_exact, write_intent

# A pending entry (offset, size) that removes the tile: no record has size 0 (``check_tile``).
DELETED = (0, 0)


class CompactWriter(BundleWriter):
    """Append-and-repoint batch writer shared by compact V1 and V2.

    ``put`` appends ``[u32 size][bytes]`` records after the end of the last live record (buffered, one
    write per ``FLUSH_SIZE``), over whatever a crashed batch left there. ``commit`` builds the new index
    and header (``_payload``), writes them to the intent file and applies them (``storage.apply``); until
    then readers see the old index. On an exception the uncommitted records are cut off again.
    Subclasses load the committed index (``_load``), read committed tiles (``_read_committed``), create
    an empty bundle (``_new_file``), build the payload and say which records are live (``_live``).
    """

    FLUSH_SIZE = 8 * 1024 * 1024
    DATA_START: int          # first byte after the header and index (V1: after the zero table)
    _U32 = struct.Struct("<I")

    def __init__(self, storage: CompactStorage, key: BundleKey):
        super().__init__(storage, key)
        self.storage: CompactStorage = storage
        self.path = storage.real_file(storage.bundle_path(key))
        self.where = str(self.path)
        self._fh: BufferedRandom | None = None
        self._end = self._committed_end = 0
        self._created = False
        self._pending: dict[tuple[int, int], tuple[int, int]] = {}   # (row, col) → (offset of bytes, size)
        self._buffer = bytearray()
        self.compactions = 0     # how many times this writer compacted its bundle

    def __enter__(self) -> CompactWriter:
        self._lock.acquire()
        try:
            self.storage.recover(self.key)
            if self.storage.bundle_exists(self.key):
                self._fh = open(self.path, "r+b")
                self._end = self._committed_end = self._load()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if exc_type is None:
                self.commit()
            else:
                self._rollback()
        finally:
            self._close()

    @property
    def file(self) -> BufferedRandom:
        """The open bundle (only once it exists)."""
        if self._fh is None:
            raise RuntimeError(f"{self.where}: bundle not open (use the writer in a with block)")
        return self._fh

    def get(self, row: int, col: int) -> bytes | None:
        pending = self._pending.get((row, col))
        if pending is not None:
            offset, size = pending
            if pending == DELETED:
                return None
            if offset >= self._end:
                start = offset - self._end
                return bytes(self._buffer[start:start + size])
            return read_exact(self.file, offset, size, self.where, "tile record")
        if self._fh is None:
            return None
        return self._read_committed(row, col)

    def put(self, row: int, col: int, data: bytes, ext: str | None = None) -> None:
        self.check_tile(row, col, data)
        if self._fh is None:
            self._create()
        self._pending[(row, col)] = (self._end + len(self._buffer) + 4, len(data))
        self._buffer += self._U32.pack(len(data))
        self._buffer += data
        if len(self._buffer) >= self.FLUSH_SIZE:
            self._flush()

    def delete(self, row: int, col: int) -> None:
        """Pending until the commit, like ``put``; that commit compacts when dead bytes pass live ones."""
        self.check_position(row, col)
        if self._fh is not None:
            self._pending[(row, col)] = DELETED

    def commit(self) -> None:
        """Commit the pending records, then compact the bundle when more of it is dead than live."""
        if not self._pending:
            return
        self._flush()
        self.file.truncate(self._end)  # also cuts records a crashed batch appended but never committed
        self._sync()
        self._commit_index(self._end)
        live = self._live_bytes()
        if self._end - self.DATA_START - live > live:
            self.compact()

    def compact(self) -> None:
        """Rewrite the live records at the front of the data area and cut the file after them, in place (see
        above)."""
        front = self._end
        for row, col in self._live_tiles():
            data = self._read_committed(row, col)
            if data is not None:
                self.put(row, col, data)
        self._flush()
        self._sync()
        moved = dict(self._pending)
        self._commit_index(self._end)
        length, shift = self._end - front, front - self.DATA_START
        self._copy_within(front, self.DATA_START, length)
        self._sync()
        self._pending = {tile: (offset - shift, size) for tile, (offset, size) in moved.items()}
        self._commit_index(self.DATA_START + length)
        self.file.truncate(self._end)
        self._sync()
        self.compactions += 1

    def _commit_index(self, end: int) -> None:
        """Publish the pending records' index for a bundle ending at ``end``: intent, apply, delete intent."""
        self._end = end
        payload = self._payload()
        intent = self.storage.intent_path(self.key)
        write_intent(intent, payload, self.storage.durable)
        self.storage.apply(self.key, payload, self.file)
        intent.unlink()
        self._committed(payload)
        self._pending.clear()
        self._committed_end = self._end
        self._created = False

    def _copy_within(self, source: int, destination: int, length: int) -> None:
        """Copy ``length`` bytes of the bundle from ``source`` to the lower ``destination`` (no overlap)."""
        fh = self.file
        for done in range(0, length, READ_CHUNK):
            chunk = read_exact(fh, source + done, min(READ_CHUNK, length - done), self.where, "tile records")
            fh.seek(destination + done)
            fh.write(chunk)
        fh.flush()

    def _sync(self) -> None:
        if self.storage.durable:
            self.file.flush()
            os.fsync(self.file.fileno())

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        content = self._new_file()
        replace_file(self.path, content, durable=False)   # synced with its first commit
        self._fh = open(self.path, "r+b")
        self._end = self._committed_end = len(content)
        self._created = True

    def _flush(self) -> None:
        if self._buffer:
            self.file.seek(self._end)
            self.file.write(self._buffer)
            self._end += len(self._buffer)
            self._buffer.clear()

    def _rollback(self) -> None:
        self._pending.clear()
        self._buffer.clear()
        if self._fh is None:
            return
        if self._created:
            self._fh.close()
            self._fh = None
            self.path.unlink()
        elif self._end > self._committed_end:
            self._fh.truncate(self._committed_end)
            self._end = self._committed_end

    def _close(self) -> None:
        try:
            if self._fh is not None:
                self._fh.close()
                self._fh = None
        finally:
            self._lock.release()

    def _live_bytes(self) -> int:
        """Bytes of the committed live records, size prefixes included."""
        sizes = self._live_sizes()
        return int(sizes.sum()) + 4 * len(sizes)

    def _live_tiles(self) -> list[tuple[int, int]]:
        """(row, col) of the committed tiles, in the order of their records in the file."""
        tiles, offsets = self._live()
        return [tiles[index] for index in np.argsort(offsets, kind="stable").tolist()]

    @abstractmethod
    def _live(self) -> tuple[list[tuple[int, int]], np.ndarray]:
        """(row, col) of the committed tiles and the offsets of their records."""

    @abstractmethod
    def _live_sizes(self) -> np.ndarray:
        """Sizes of the committed tiles (missing ones left out)."""

    @abstractmethod
    def _load(self) -> int:
        """Read the committed index; return the committed end (the end of the last live record)."""

    @abstractmethod
    def _read_committed(self, row: int, col: int) -> bytes | None:
        """A committed tile's bytes, None when it is missing."""

    @abstractmethod
    def _new_file(self) -> bytes:
        """An empty bundle: header and index."""

    @abstractmethod
    def _payload(self) -> bytes:
        """New header and index with the pending records applied, for a file of ``self._end`` bytes."""

    @abstractmethod
    def _committed(self, payload: bytes) -> None:
        """Adopt the index of ``payload`` as the committed one."""

