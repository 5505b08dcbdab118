"""What compact bundles (V1 and V2) share: tile records, reading them, the commit intent and its recovery.

A record is ``[u32 size][bytes]``; readers fetch records lying close together in one read
(``coalesced_reads``). ``CompactWriter`` (compact_writer.py) appends records and repoints the index. It
commits a batch by first writing the new index (and header) to ``R####C####.intent`` (temporary name, fsync,
rename), then applying it to the bundle, then deleting it. A crash leaves either no intent (the old index
stands; appended records are unreferenced dead space) or a complete one, re-applied by the next writer
before anything else (``CompactStorage.recover``).
"""

from __future__ import annotations

import io
import itertools
import os
import struct
import zlib
from abc import abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np

from ..atomic import replace_file, temporary_path
from ..errors import StorageError
from .base import READ_CHUNK, BundleKey, TileStorage
from .bundlecopy import copy_and_gather
from .byterows import take_rows

# Records at most READ_GAP bytes apart are fetched together, in reads of at most READ_CHUNK bytes.
READ_GAP = 64 * 1024
_INTENT = struct.Struct("<4sIQI")
_INTENT_MAGIC = b"MSCI"
# Temporary files of earlier versions (one naming rule each), removed by recovery like today's.
LEGACY_LEFTOVERS = (".bundle.tmp", ".bundle.new", ".bundlx.tmp", ".bundlx.new", ".intent.tmp")


# --- reading records ---------------------------------------------------------------------------------
def coalesced_reads(fp: BinaryIO, spans: list[tuple[int, int, Any]],
                    where: str) -> Iterator[tuple[Any, bytes, int]]:
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
        got = cast(io.BufferedIOBase, fp).readinto(buffer)   # every ReadOnlyFS file has readinto
        view[got:] = 0
        first, last = np.searchsorted(starts, (begin, begin + READ_CHUNK)).tolist()
        out[first:last] = take_rows(view, starts[first:last] - begin, width)
        if sink is not None:
            sink.write(memoryview(buffer)[:min(got, READ_CHUNK)])
            if got <= READ_CHUNK:
                break
    return out


def copy_ranges(fp: BinaryIO, starts: np.ndarray, lengths: np.ndarray, sink: BinaryIO, where: str) -> None:
    """Write the byte ranges (``starts`` sorted, no overlap) of ``fp`` back to back to ``sink``, each
    stretch of adjacent ranges in reads of at most READ_CHUNK bytes."""
    if not len(starts):
        return
    breaks = np.flatnonzero(starts[1:] != starts[:-1] + lengths[:-1]) + 1
    first, last = np.concatenate([[0], breaks]), np.concatenate([breaks, [len(starts)]]) - 1
    for begin, end in zip(starts[first].tolist(), (starts[last] + lengths[last]).tolist()):
        for at in range(begin, end, READ_CHUNK):
            sink.write(read_exact(fp, at, min(READ_CHUNK, end - at), where, "tile records"))


def read_exact(fp: BinaryIO, offset: int, length: int, where: str, what: str) -> bytes:
    fp.seek(offset)
    data = fp.read(length)
    if len(data) != length:
        raise StorageError(f"{where}: file ends inside the {what} (wanted {length} bytes at {offset}, "
                           f"got {len(data)})")
    return data


def bad_record(where: str, row: int, col: int, problem: str) -> StorageError:
    return StorageError(f"{where}: tile row {row}, column {col}: {problem}")


class CompactStorage(TileStorage):
    """What compact V1 and V2 storages add to the contract: the committed index is replaced by ``apply``,
    which ``CompactWriter`` calls after writing the intent and ``recover`` redoes after a crash."""

    # Bytes of a commit's payload (header and index), as the intent file holds it.
    PAYLOAD_SIZE: int

    @abstractmethod
    def apply(self, key: BundleKey, payload: bytes, fh: BinaryIO | None = None) -> None:
        """Replace the bundle's committed header and index by ``payload`` (``fh``: the bundle, open)."""

    @abstractmethod
    def index_span(self, key: BundleKey) -> tuple[str, int]:
        """(file, length) of the bundle's index: the first ``length`` bytes of that file."""

    def will_read_indexes(self, keys: list[BundleKey]) -> None:
        for key in keys:
            self.fs.will_read(*self.index_span(key))

    def refresh(self, key: BundleKey) -> None:
        """Nothing to forget: compact storages remember no listing of a bundle's files."""

    def intent_path(self, key: BundleKey) -> Path:
        return self.real_file(self.bundle_path(key, ".intent"))

    def recover(self, key: BundleKey) -> None:
        """Call with the lock held: remove the temporary files a killed writer or copy left (so that an
        interrupted whole-bundle copy does not leave a bundle's worth of bytes), then redo a leftover intent
        and delete it."""
        for relpath in self.bundle_files(key):
            _remove(temporary_path(self.real_file(relpath)))
        _remove(temporary_path(self.intent_path(key)))
        for suffix in LEGACY_LEFTOVERS:
            _remove(self.real_file(self.bundle_path(key, suffix)))
        intent = self.intent_path(key)
        payload = read_intent(intent, self.PAYLOAD_SIZE)
        if payload is not None:
            self.apply(key, payload)
            intent.unlink()


def _remove(path: Path) -> None:
    if os.path.lexists(path):   # most are absent: no system call that changes anything for them
        path.unlink(missing_ok=True)


# --- the intent file: a commit decided but perhaps not yet applied ------------------------------------
def write_intent(path: Path, payload: bytes, durable: bool = True) -> None:
    """Write ``payload`` to ``path`` atomically (temporary name, fsync, rename)."""
    replace_file(path, _INTENT.pack(_INTENT_MAGIC, 1, len(payload), zlib.crc32(payload)) + payload, durable)


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
