"""What compact bundles (V1 and V2) share: tile records, reading them, and the batch writer that commits them.

A record is ``[u32 size][bytes]``; readers fetch records lying close together in one read
(``coalesced_reads``). ``CompactWriter`` appends records and repoints the index. It commits a batch by first
writing the new index (and header) to ``R####C####.intent`` (temporary name, fsync, rename), then applying it
to the bundle, then deleting it. A crash leaves either no intent (the old index stands; appended records are
unreferenced dead space) or a complete one, re-applied by the next writer before anything else
(``TileStorage.recover``).
"""

from __future__ import annotations

import itertools
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..errors import StorageError
from .base import READ_CHUNK, BundleWriter
from .bundlecopy import copy_and_gather
from .locks import publish

# Records at most READ_GAP bytes apart are fetched together, in reads of at most READ_CHUNK bytes.
READ_GAP = 64 * 1024
_INTENT = struct.Struct("<4sIQI")
_INTENT_MAGIC = b"MSCI"


# --- reading records ---------------------------------------------------------------------------------
def coalesced_reads(fp: BinaryIO, spans, where: str) -> Iterator[tuple[object, bytes, int]]:
    """Read byte spans [(start, length, item), ...] sorted by start, merging neighbours into large reads.

    Yields (item, buffer, position of the span's start in buffer); the caller checks its span is whole.
    """
    group: list = []
    group_start = group_end = 0
    for span in spans:
        start, length, _ = span
        if group and (start - group_end > READ_GAP or start + length - group_start > READ_CHUNK):
            yield from _read_group(fp, group, group_start, group_end, where)
            group = []
        if not group:
            group_start = start
            group_end = start
        group.append(span)
        group_end = max(group_end, start + length)
    if group:
        yield from _read_group(fp, group, group_start, group_end, where)


def _read_group(fp, group, start, end, where):
    buffer = read_exact(fp, start, end - start, where, "tile records")
    for span_start, _, item in group:
        yield item, buffer, span_start - start


def gather(fp: BinaryIO, starts: np.ndarray, width: int, sink: BinaryIO | None = None) -> np.ndarray:
    """The ``width`` bytes at each of ``starts`` (sorted; zero past the end of the file), as (n, width) uint8.

    One pass of READ_CHUNK reads: only the pieces holding a start, or, when ``sink`` gets a copy of the whole
    file, every piece; each read takes ``width`` bytes more, so no span is cut. Plain files are copied by the
    kernel instead (``bundlecopy.copy_and_gather``).
    """
    if sink is not None:
        copied = copy_and_gather(fp, starts, width, sink)
        if copied is not None:
            return copied
    out = np.zeros((len(starts), width), np.uint8)
    buffer = bytearray(READ_CHUNK + width)
    view = np.frombuffer(buffer, np.uint8)
    pieces = np.unique(starts // READ_CHUNK).tolist() if sink is None else itertools.count()
    for piece in pieces:
        begin = piece * READ_CHUNK
        fp.seek(begin)
        got = fp.readinto(buffer)
        view[got:] = 0
        first, last = np.searchsorted(starts, (begin, begin + READ_CHUNK)).tolist()
        out[first:last] = view[(starts[first:last] - begin)[:, None] + np.arange(width)]
        if sink is not None:
            sink.write(memoryview(buffer)[:min(got, READ_CHUNK)])
            if got <= READ_CHUNK:
                break
    return out


def read_exact(fp: BinaryIO, offset: int, length: int, where: str, what: str) -> bytes:
    fp.seek(offset)
    data = fp.read(length)
    if len(data) != length:
        raise StorageError(f"{where}: file ends inside the {what} (wanted {length} bytes at {offset}, "
                           f"got {len(data)})")
    return data


def bad_record(where: str, row: int, col: int, problem: str) -> StorageError:
    return StorageError(f"{where}: tile row {row}, column {col}: {problem}")


class CompactWriter(BundleWriter):
    """Append-and-repoint batch writer shared by compact V1 and V2.

    ``put`` appends ``[u32 size][bytes]`` records after the end of the last live record (buffered, one
    write per ``FLUSH_SIZE``), over whatever a crashed batch left there. ``commit`` builds the new index
    and header (``_payload``), writes them to the intent file and applies them (``storage.apply``); until
    then readers see the old index. On an exception the uncommitted records are cut off again.
    Subclasses load the committed index (``_load``), read committed tiles (``_read_committed``), create
    an empty bundle (``_new_file``) and build the payload.
    """

    FLUSH_SIZE = 8 * 1024 * 1024
    _U32 = struct.Struct("<I")

    def __enter__(self) -> CompactWriter:
        storage, key = self.storage, self.key
        self.path = storage.real_file(storage.bundle_path(key))
        self.where = str(self.path)
        self._fh = None
        self._end = self._committed_end = 0
        self._created = False
        self._pending: dict[tuple[int, int], tuple[int, int]] = {}
        self._buffer = bytearray()
        self._lock = storage.lock(key)
        self._lock.acquire()
        try:
            storage.recover(key)
            if storage.bundle_exists(key):
                self._fh = open(self.path, "r+b")
                self._end = self._committed_end = self._load()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.commit()
            else:
                self._rollback()
        finally:
            self._close()

    def get(self, row: int, col: int) -> bytes | None:
        pending = self._pending.get((row, col))
        if pending is not None:
            offset, size = pending
            if offset >= self._end:
                start = offset - self._end
                return bytes(self._buffer[start:start + size])
            return read_exact(self._fh, offset, size, self.where, "tile record")
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

    def commit(self) -> None:
        if not self._pending:
            return
        self._flush()
        self._fh.truncate(self._end)  # also cuts records a crashed batch appended but never committed
        if self.storage.durable:
            os.fsync(self._fh.fileno())
        payload = self._payload()
        intent = self.path.with_suffix(".intent")
        write_intent(intent, payload, self.storage.durable)
        self.storage.apply(self.key, payload, self._fh)
        intent.unlink()
        self._committed(payload)
        self._pending.clear()
        self._committed_end = self._end
        self._created = False

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".new")
        content = self._new_file()
        with open(temporary, "wb") as fp:
            fp.write(content)
        publish(temporary, self.path)
        self._fh = open(self.path, "r+b")
        self._end = self._committed_end = len(content)
        self._created = True

    def _flush(self) -> None:
        if self._buffer:
            self._fh.seek(self._end)
            self._fh.write(self._buffer)
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

    def _load(self) -> int:
        """Read the committed index; return the committed end (the end of the last live record)."""
        raise NotImplementedError

    def _read_committed(self, row: int, col: int) -> bytes | None:
        raise NotImplementedError

    def _new_file(self) -> bytes:
        raise NotImplementedError

    def _payload(self) -> bytes:
        """New header and index with the pending records applied."""
        raise NotImplementedError

    def _committed(self, payload: bytes) -> None:
        """Adopt the index of ``payload`` as the committed one."""
        raise NotImplementedError


def recover_bundle(storage, key, payload_size: int, leftovers: tuple) -> None:
    """``TileStorage.recover`` of a compact bundle (lock held): remove the temporary files a killed writer or
    copy left (fixed names: one writer at a time), so that an interrupted whole-bundle copy does not leave a
    bundle's worth of bytes; then redo a leftover intent (``payload_size`` bytes) and delete it."""
    for suffix in leftovers:
        storage.real_file(storage.bundle_path(key, suffix)).unlink(missing_ok=True)
    intent = storage.real_file(storage.bundle_path(key, ".intent"))
    payload = read_intent(intent, payload_size)
    if payload is not None:
        storage.apply(key, payload)
        intent.unlink()


# --- the intent file: a commit decided but perhaps not yet applied ------------------------------------
def write_intent(path: Path, payload: bytes, durable: bool = True) -> None:
    """Write ``payload`` to ``path`` atomically (temporary name, fsync, rename)."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as fp:
        fp.write(_INTENT.pack(_INTENT_MAGIC, 1, len(payload), zlib.crc32(payload)) + payload)
        fp.flush()
        if durable:
            os.fsync(fp.fileno())
    publish(temporary, path)


def read_intent(path: Path, expected_size: int) -> bytes | None:
    """The payload of a leftover intent file, None when there is none."""
    try:
        with open(path, "rb") as fp:
            data = fp.read(_INTENT.size + expected_size + 1)
    except FileNotFoundError:
        return None
    if len(data) >= _INTENT.size:
        magic, version, size, crc = _INTENT.unpack_from(data)
        payload = data[_INTENT.size:]
        if (magic, version, size) == (_INTENT_MAGIC, 1, expected_size) and len(payload) == size \
                and zlib.crc32(payload) == crc:
            return payload
    raise StorageError(f"{path}: damaged commit intent file; the bundle beside it holds its previous "
                       "state — remove this file to keep that state")
