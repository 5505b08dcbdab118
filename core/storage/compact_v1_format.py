"""The bytes of a compact cache V1 bundle (ArcGIS 10.0–10.2, .tpk): its header, its ``.bundlx`` index and the
checks of its records, shared by the V1 reader and writer (compact_v1.py).

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

import struct

import numpy as np

from ..errors import StorageError
from .base import BUNDLE_SIZE, MAX_TILE_SIZE, TILES_PER_BUNDLE, BundleKey
from .compact import bad_record, read_exact

HEADER = struct.Struct("<4I3Q5I")
TABLE_SIZE = TILES_PER_BUNDLE * 4
DATA_START = HEADER.size + TABLE_SIZE
BUNDLX_HEADER = struct.pack("<4I", 3, 16, TILES_PER_BUNDLE, 5)
BUNDLX_FOOTER = struct.pack("<4I", 0, 16, 16, 0)
BUNDLX_SIZE = len(BUNDLX_HEADER) + 5 * TILES_PER_BUNDLE + len(BUNDLX_FOOTER)
EMPTY_INDEX = np.arange(HEADER.size, DATA_START, 4, dtype=np.uint64)
SIZE_PREFIX = struct.Struct("<I")     # a record's size, before its bytes
_SHIFTS = np.array([0, 8, 16, 24, 32], np.uint64)


def parse_bundlx(data: bytes, where: str) -> np.ndarray:
    """Offsets of the 16 384 records (column-major), from a whole .bundlx."""
    if len(data) != BUNDLX_SIZE:
        raise StorageError(f"{where}: a compact V1 index must be {BUNDLX_SIZE} bytes, not {len(data)}")
    raw = np.frombuffer(data, np.uint8, 5 * TILES_PER_BUNDLE, len(BUNDLX_HEADER)).reshape(-1, 5)
    return (raw.astype(np.uint64) << _SHIFTS).sum(axis=1, dtype=np.uint64)


def format_bundlx(offsets: np.ndarray) -> bytes:
    """A whole .bundlx from the 16 384 offsets."""
    entries = offsets.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :5]
    return BUNDLX_HEADER + entries.tobytes() + BUNDLX_FOOTER


def bundle_header(key: BundleKey, largest: int, count: int, file_size: int) -> bytes:
    """The bundle's 60-byte header, as ArcGIS 10.1 and MapProxy write it."""
    return HEADER.pack(3, TILES_PER_BUNDLE, largest, 5, 4 * count, file_size, 40, 16,
                       key.row0, key.row0 + BUNDLE_SIZE - 1, key.col0, key.col0 + BUNDLE_SIZE - 1)


def index_position(key: BundleKey, row: int, col: int) -> int:
    """A tile's entry in the index (column-major)."""
    return (col - key.col0) * BUNDLE_SIZE + (row - key.row0)


def tile_at(key: BundleKey, position: int) -> tuple[int, int]:
    """The (row, col) of an index entry."""
    return key.row0 + position % BUNDLE_SIZE, key.col0 + position // BUNDLE_SIZE


def live_positions(offsets: np.ndarray, file_size: int, where: str, key: BundleKey) -> np.ndarray:
    """Positions of the live entries, every one checked to point inside the bundle."""
    live = np.flatnonzero(offsets >= DATA_START)
    beyond = live[offsets[live] + 4 > file_size]
    if len(beyond):
        row, col = tile_at(key, int(beyond[0]))
        raise bad_record(where, row, col, f"index offset {int(offsets[beyond[0]])} points past the end of "
                                          f"the bundle ({file_size} bytes)")
    return live


def check_size(where: str, key: BundleKey, position: int, offset: int, size: int, file_size: int) -> None:
    """A record's size: within the bundle and no larger than any tile may be, else a damaged-record error."""
    if size > MAX_TILE_SIZE or offset + 4 + size > file_size:
        row, col = tile_at(key, position)
        raise bad_record(where, row, col, f"record at {offset} claims {size} bytes, past the end of the "
                                          f"bundle ({file_size} bytes)" if size <= MAX_TILE_SIZE else
                         f"record at {offset} claims an absurd size ({size} bytes)")


def check_sizes(where: str, key: BundleKey, positions: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                file_size: int) -> None:
    """check_size for many records at once: the first bad one raises."""
    bad = np.flatnonzero((sizes > MAX_TILE_SIZE) | (starts + 4 + sizes > file_size))
    if len(bad):
        first = int(bad[0])
        check_size(where, key, int(positions[first]), int(starts[first]), int(sizes[first]), file_size)


def read_record(fp, key: BundleKey, position: int, offset: int, file_size: int, where: str) -> bytes | None:
    """The tile whose record starts at ``offset``; None for a missing tile (zero table or size 0)."""
    if offset < DATA_START:
        return None
    if offset + 4 > file_size:
        row, col = tile_at(key, position)
        raise bad_record(where, row, col, f"index offset {offset} points past the end of the bundle "
                                          f"({file_size} bytes)")
    size = SIZE_PREFIX.unpack(read_exact(fp, offset, 4, where, "tile size"))[0]
    if not size:
        return None
    check_size(where, key, position, offset, size, file_size)
    return read_exact(fp, offset + 4, size, where, "tile record")
