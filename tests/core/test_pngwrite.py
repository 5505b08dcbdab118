"""Truecolour PNGs written with numpy and zlib: read back exactly by Pillow, unfiltered on flat drawn pixels,
Sub-filtered where that is smaller (smooth, photograph-like pixels)."""

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from map_server_cache.core.formats.pngwrite import truecolour_png


def flat_map(seed: int) -> np.ndarray:
    """Drawn-map-like RGBA: a transparent background with flat semi-transparent rectangles."""
    rng = np.random.default_rng(seed)
    pixels = np.zeros((256, 256, 4), np.uint8)
    for _ in range(20):
        top, left = rng.integers(0, 200, 2)
        pixels[top:top + rng.integers(5, 56), left:left + rng.integers(5, 56)] = rng.integers(0, 256, 4)
    return pixels


def smooth(seed: int, channels: int) -> np.ndarray:
    """Photograph-like: gradients with a little noise (unfiltered deflate does badly on them)."""
    rng = np.random.default_rng(seed)
    ramp = np.add.outer(np.arange(256), np.arange(256)) // 2
    pixels = ramp[..., None] + np.arange(channels) * 40 + rng.integers(0, 4, (256, 256, channels))
    return (pixels % 256).astype(np.uint8)


def filters(data: bytes) -> set[int]:
    """The filter types of the rows of a one-IDAT 256-row PNG."""
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8:start - 4], "big")
    raw = zlib.decompress(data[start:start + length])
    return set(raw[::len(raw) // 256])


@pytest.mark.parametrize("pixels", [flat_map(1), smooth(2, 4), smooth(3, 3)], ids=["flat", "rgba", "rgb"])
@pytest.mark.parametrize("level", [2, 6])
def test_pillow_reads_the_very_pixels(pixels, level):
    with Image.open(io.BytesIO(truecolour_png(pixels, level))) as image:
        assert image.mode == ("RGBA" if pixels.shape[2] == 4 else "RGB")
        assert np.array_equal(np.asarray(image), pixels)


def test_flat_pixels_are_unfiltered():
    assert filters(truecolour_png(flat_map(4), 2)) == {0}


def test_smooth_pixels_take_the_sub_filter_when_it_is_smaller():
    pixels = smooth(5, 4)
    data = truecolour_png(pixels, 2)
    unfiltered = zlib.compress(np.insert(pixels.reshape(256, 1024), 0, 0, axis=1), 2)
    assert filters(data) == {1} and len(data) < len(unfiltered)


def test_a_key_colour_is_written_as_trns():
    pixels = smooth(6, 3)
    with Image.open(io.BytesIO(truecolour_png(pixels, 2, (1, 2, 3)))) as image:
        assert image.info["transparency"] == (1, 2, 3)
