"""Truecolour PNG (RGB or RGBA, 8 bits) from a numpy array, rows unfiltered, deflated by zlib.

Pillow picks a filter per row by libpng's heuristic (smallest sum of absolute differences), which costs a
pass per filter type and, on drawn maps (flat fills, thin lines, transparent background), makes the file a
quarter larger than no filter at all, whose long runs deflate finds. Photograph-like pixels are the opposite:
unfiltered they hardly shrink. So the rows are deflated unfiltered band by band, and as soon as the output
exceeds FILTER_ABOVE of the raw bytes so far the tile is given up (None): the caller lets Pillow filter it.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FILTER_ABOVE = 0.5
BAND_ROWS = 32
_COLOUR_TYPES = {3: 2, 4: 6}           # channels → PNG colour type (RGB, RGBA)


def unfiltered_png(pixels: np.ndarray, level: int,
                   transparent: tuple[int, int, int] | None = None) -> bytes | None:
    """PNG bytes of (height, width, 3 or 4) uint8 pixels, or None when they do not deflate well unfiltered;
    ``transparent``: an RGB image's key colour (tRNS)."""
    height, width, channels = pixels.shape
    lines = np.empty((height, width * channels + 1), np.uint8)
    lines[:, 0] = 0                                     # filter type None
    lines[:, 1:] = np.ascontiguousarray(pixels, np.uint8).reshape(height, width * channels)
    deflater = zlib.compressobj(level)
    parts: list[bytes] = []
    size = 0
    for top in range(0, height, BAND_ROWS):
        band = lines[top:top + BAND_ROWS]
        parts.append(deflater.compress(band.data))
        last = top + BAND_ROWS >= height
        parts.append(deflater.flush() if last else deflater.flush(zlib.Z_SYNC_FLUSH))  # output so far
        size += len(parts[-2]) + len(parts[-1])
        if size > FILTER_ABOVE * (top + len(band)) * lines.shape[1]:
            return None
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPES[channels], 0, 0, 0))]
    if transparent is not None:
        chunks.append(_chunk(b"tRNS", struct.pack(">HHH", *transparent)))
    chunks += [_chunk(b"IDAT", b"".join(parts)), _chunk(b"IEND", b"")]
    return PNG_SIGNATURE + b"".join(chunks)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(kind)))
