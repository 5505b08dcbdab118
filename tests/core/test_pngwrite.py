"""Truecolour PNGs written unfiltered with numpy and zlib: read back exactly by Pillow; photograph-like pixels
that do not deflate well unfiltered are given up (None) and tileformats lets Pillow filter them."""

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from map_server_cache.core.formats.pngwrite import unfiltered_png
from map_server_cache.core.formats.tileformats import encode


def flat_map(seed: int, channels: int = 4) -> np.ndarray:
    """Drawn-map-like pixels: a transparent (black) background with flat rectangles."""
    rng = np.random.default_rng(seed)
    pixels = np.zeros((256, 256, channels), np.uint8)
    for _ in range(20):
        top, left = rng.integers(0, 200, 2)
        height, width = rng.integers(5, 56, 2)
        pixels[top:top + height, left:left + width] = rng.integers(0, 256, channels)
    return pixels


def smooth(seed: int, channels: int) -> np.ndarray:
    """Photograph-like: gradients with a little noise (unfiltered deflate does badly on them)."""
    rng = np.random.default_rng(seed)
    ramp = np.add.outer(np.arange(256), np.arange(256)) // 2
    pixels = ramp[..., None] + np.arange(channels) * 40 + rng.integers(0, 4, (256, 256, channels))
    return (pixels % 256).astype(np.uint8)


def filters(data: bytes) -> set[int]:
    """The filter types of the rows of a 256-row PNG (its IDAT chunks joined)."""
    position, stream = 8, b""
    while position < len(data):
        length, kind = int.from_bytes(data[position:position + 4], "big"), data[position + 4:position + 8]
        if kind == b"IDAT":
            stream += data[position + 8:position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(stream)
    return set(raw[::len(raw) // 256])


@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("level", [2, 6])
def test_pillow_reads_the_very_pixels(channels, level):
    pixels = flat_map(1, channels)
    data = unfiltered_png(pixels, level)
    assert data is not None and filters(data) == {0}
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == ("RGBA" if channels == 4 else "RGB")
        assert np.array_equal(np.asarray(image), pixels)


def test_photograph_like_pixels_are_left_to_pillows_filters():
    pixels = smooth(2, 4)
    assert unfiltered_png(pixels, 2) is None
    data = encode(pixels, "PNG32", compress_level=2)[0]
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, "PNG", compress_level=2)
    assert filters(data) != {0} and data == out.getvalue()


def test_a_drawn_tile_is_unfiltered_through_encode():
    pixels = flat_map(3)
    pixels[..., 3] = np.where(pixels[..., 3] > 0, 128, 0)         # partial alpha: PNG32
    data = encode(pixels, "PNG", smallest_png=True, compress_level=2)[0]
    assert filters(data) == {0}


def test_a_key_colour_is_written_as_trns():
    data = unfiltered_png(flat_map(4, 3), 2, (1, 2, 3))
    assert data is not None
    with Image.open(io.BytesIO(data)) as image:
        assert image.info["transparency"] == (1, 2, 3)
