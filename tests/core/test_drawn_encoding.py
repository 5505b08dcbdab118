"""Drawn tiles encoded per the cache's format: PNG32, PNG24, PNG8 (transparency kept), JPEG at the cache's
quality, MIXED, and PNG as the lowest depth of 8/24/32 that keeps the pixels."""

import io

import numpy as np
import pytest
from PIL import Image

from map_server_cache.core.formats.tileformats import (
    DRAWN_PNG_COMPRESS_LEVEL,
    PNG_COMPRESS_LEVEL,
    decode,
    encode,
)


def image(seed: int, alpha: str, colours: int | None = None) -> np.ndarray:
    """A 256×256 RGBA tile of ``colours`` colours (None: thousands); alpha opaque, binary or partial."""
    rng = np.random.default_rng(seed)
    if colours is None:
        rgba = rng.integers(0, 256, (256, 256, 4), np.uint8)
    else:
        palette = rng.integers(0, 256, (colours, 4), np.uint8)
        rgba = palette[rng.integers(0, colours, (256, 256))]
    rgba[..., 3] = {"opaque": 255, "binary": np.where(rgba[..., 3] > 100, 255, 0),
                    "partial": rgba[..., 3]}[alpha]
    rgba[rgba[..., 3] == 0] = 0
    return np.ascontiguousarray(rgba)


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize("alpha", ["opaque", "binary", "partial"])
def test_png32_is_rgba_and_exact(alpha):
    pixels = image(1, alpha)
    data, ext = encode(pixels, "PNG32")
    assert (ext, opened(data).mode) == ("png", "RGBA")
    assert np.array_equal(decode(data, 256, 256), pixels)


def test_png24_is_rgb_with_a_transparent_colour():
    opaque, binary = image(2, "opaque"), image(3, "binary")
    assert opened(encode(opaque, "PNG24")[0]).mode == "RGB"
    data = encode(binary, "PNG24")[0]
    assert opened(data).mode == "RGB" and "transparency" in opened(data).info
    for pixels in (opaque, binary):
        assert np.array_equal(decode(encode(pixels, "PNG24")[0], 256, 256), pixels)


def test_png8_is_paletted_and_keeps_transparency():
    few = image(4, "partial", colours=200)
    data = encode(few, "PNG8")[0]
    assert opened(data).mode == "P" and "transparency" in opened(data).info
    assert np.array_equal(decode(data, 256, 256), few)          # ≤ 256 colours: exact
    many = image(5, "binary")
    quantised = decode(encode(many, "PNG8")[0], 256, 256)
    assert np.array_equal(quantised[..., 3] == 0, many[..., 3] == 0)   # transparent stays transparent


def test_jpeg_uses_the_cache_quality():
    pixels = image(6, "opaque", colours=12)
    low, ext = encode(pixels, "JPEG", 20)
    high = encode(pixels, "JPEG", 95)[0]
    assert ext == "jpg" and low[:3] == b"\xff\xd8\xff" and len(low) < len(high)
    assert np.abs(decode(high, 256, 256).astype(int) - pixels).mean() < np.abs(
        decode(low, 256, 256).astype(int) - pixels).mean()


def test_mixed_is_jpeg_where_opaque_and_png_elsewhere():
    assert encode(image(7, "opaque"), "MIXED", 75)[1] == "jpg"
    data, ext = encode(image(8, "partial"), "MIXED", 75)
    assert ext == "png" and np.array_equal(decode(data, 256, 256), image(8, "partial"))


@pytest.mark.parametrize("level", [PNG_COMPRESS_LEVEL, DRAWN_PNG_COMPRESS_LEVEL])
@pytest.mark.parametrize(("alpha", "colours", "mode"), [
    ("opaque", 30, "P"), ("partial", 30, "P"), ("opaque", None, "RGB"), ("binary", None, "RGB"),
    ("partial", None, "RGBA")])
def test_png_is_the_lowest_depth_that_keeps_the_pixels(alpha, colours, mode, level):
    pixels = image(9, alpha, colours)
    data, ext = encode(pixels, "PNG", smallest_png=True, compress_level=level)
    assert ext == "png" and opened(data).mode == mode
    assert np.array_equal(decode(data, 256, 256), pixels)
    exact = [fmt for fmt in ("PNG8", "PNG24", "PNG32")
             if np.array_equal(decode(encode(pixels, fmt)[0], 256, 256), pixels)]
    assert data == encode(pixels, exact[0], compress_level=level)[0]


def test_transparent_pixels_of_any_colour_count_as_one():
    """Fully transparent pixels keep no colour: 30 colours plus clear pixels of random colours is PNG8."""
    pixels = image(11, "opaque", colours=30)
    clear = np.random.default_rng(12).random((256, 256)) < 0.3
    pixels[clear, :3] = np.random.default_rng(13).integers(0, 256, (int(clear.sum()), 3), np.uint8)
    pixels[clear, 3] = 0
    data = encode(pixels, "PNG", smallest_png=True)[0]
    assert opened(data).mode == "P"
    decoded = decode(data, 256, 256)
    assert np.array_equal(decoded[~clear], pixels[~clear]) and not decoded[clear, 3].any()


def test_the_compress_level_is_zlibs():
    """The drawn tiles' lower level is honoured: faster, bigger, the same pixels."""
    pixels = image(14, "partial", colours=None)
    pixels[..., :3] //= 16                                     # compressible: levels differ in size
    low, high = (encode(pixels, "PNG", smallest_png=True, compress_level=level)[0]
                 for level in (DRAWN_PNG_COMPRESS_LEVEL, PNG_COMPRESS_LEVEL))
    assert len(low) > len(high)
    assert np.array_equal(decode(low, 256, 256), decode(high, 256, 256))


def test_png_without_smallest_stays_rgba_for_the_import():
    assert opened(encode(image(10, "opaque", 30), "PNG")[0]).mode == "RGBA"
