"""Large compact V2 caches for the scale benchmark, written directly as bundle files (no writer, no per-tile
Python): every bundle is full (128 × 128 tiles), its records laid out in index order from a pool of distinct
PNG tiles, and its bytes built once with numpy then written under each bundle's name.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
from PIL import Image

TILE = 256
LEVEL = 10                                         # 1 024 × 1 024 tiles in Web Mercator: 8 × 8 full bundles
BUNDLE = 128
_HEADER = struct.Struct("<4I3Q6I")
_INDEX_SIZE = BUNDLE * BUNDLE * 8
_DATA_START = _HEADER.size + _INDEX_SIZE


def small_png_pool(count: int, seed: int = 0) -> list[bytes]:
    """Distinct opaque PNG tiles of about 1 KB (an 8×8 grid of flat colours, as a sparse map tile is)."""
    rng = np.random.default_rng(seed)
    pool = []
    for _ in range(count):
        blocks = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
        pixels = blocks.repeat(TILE // 8, axis=0).repeat(TILE // 8, axis=1)
        out = io.BytesIO()
        Image.fromarray(pixels, "RGB").save(out, "PNG", compress_level=6)
        pool.append(out.getvalue())
    return pool


def full_bundle_bytes(pool: list[bytes]) -> bytes:
    """A compact V2 bundle holding all 16 384 tiles, tile i = pool[i % len(pool)], records in index order."""
    count = BUNDLE * BUNDLE
    sizes = np.array([len(pool[i % len(pool)]) for i in range(count)], np.int64)
    starts = _DATA_START + np.concatenate([[0], np.cumsum(sizes + 4)[:-1]])     # each record's size prefix
    index = ((starts + 4).astype(np.uint64) | (sizes.astype(np.uint64) << np.uint64(40))).astype("<u8")
    records = bytearray()
    for i in range(count):
        data = pool[i % len(pool)]
        records += struct.pack("<I", len(data)) + data
    file_size = _DATA_START + len(records)
    header = _HEADER.pack(3, count, int(sizes.max()), 5, 0, file_size, 40, _INDEX_SIZE + 20,
                          3, 16, count, 5, _INDEX_SIZE)
    return header + index.tobytes() + bytes(records)


def write_full_bundles(layers: Path, bundles: list[tuple[int, int]], data: bytes, level: int = LEVEL) -> int:
    """Write ``data`` as the bundle at each (row0, col0) of ``level``; returns the tiles written."""
    folder = layers / "_alllayers" / f"L{level:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    for row0, col0 in bundles:
        (folder / f"R{row0:04x}C{col0:04x}.bundle").write_bytes(data)
    return len(bundles) * BUNDLE * BUNDLE


def bundle_grid(rows: int, cols: int) -> list[tuple[int, int]]:
    """(row0, col0) of a rows × cols block of bundles from the scheme's origin."""
    return [(row * BUNDLE, col * BUNDLE) for row in range(rows) for col in range(cols)]
