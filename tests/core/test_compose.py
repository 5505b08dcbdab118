"""Pixel maths, encoders, sniffing and the per-tile rules; expected pixels computed here independently."""

import io
import os
import struct
import subprocess
import sys
import time
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from map_server_cache.core.errors import TileFormatError
from map_server_cache.core.execution.compose import (
    Outcome,
    clip,
    compose_tile,
    fully_transparent,
    merge,
    merge_with_mask,
    overwrite_with_mask,
)
from map_server_cache.core.formats.tileformats import decode, encode, is_opaque_by_format, is_valid_signature

SIZE = 64
PLUGINS = Path(__file__).resolve().parents[2] / "build" / "plugins"


def _random_rgba(seed, alpha=None):
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (SIZE, SIZE, 4), dtype=np.uint8)
    if alpha is not None:
        pixels[..., 3] = alpha
    return pixels


def _png(pixels, mode=None, **options):
    out = io.BytesIO()
    image = Image.fromarray(pixels, mode) if isinstance(pixels, np.ndarray) else pixels
    image.save(out, format="PNG", **options)
    return out.getvalue()


def _jpeg(rgb, quality=90):
    out = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _smooth_rgb(seed):
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    rgb = np.stack([x * 4, y * 4, (x + y + seed * 7) * 2], axis=-1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _read(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _round_half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)).__floor__())


# ---------------------------------------------------------------------------------------------- maths

def test_merge_is_source_over_with_partial_alpha():
    """Each channel within 1 of the exactly rounded straight-alpha source-over (Pillow's integer maths)."""
    source, target = _random_rgba(1), _random_rgba(2)
    out = merge(source, target)
    rng = np.random.default_rng(3)
    exact = 0
    for y, x in rng.integers(0, SIZE, (400, 2)):
        sa, ta = Fraction(int(source[y, x, 3]), 255), Fraction(int(target[y, x, 3]), 255)
        out_a = sa + ta * (1 - sa)
        if out_a == 0:
            assert list(out[y, x]) == list(target[y, x])
            continue
        s, t = source[y, x].astype(int), target[y, x].astype(int)
        expected = [_round_half_up((s[band] * sa + t[band] * ta * (1 - sa)) / out_a) for band in range(3)]
        expected.append(_round_half_up(out_a * 255))
        difference = np.abs(out[y, x].astype(int) - expected)
        assert difference.max() <= 1, (source[y, x], target[y, x], out[y, x], expected)
        exact += difference.max() == 0
    assert exact > 300


def test_merge_extremes_keep_exact_pixels():
    target = _random_rgba(4)
    transparent = _random_rgba(5, alpha=0)
    np.testing.assert_array_equal(merge(transparent, target), target)          # colour kept too
    opaque = _random_rgba(6, alpha=255)
    np.testing.assert_array_equal(merge(opaque, target), opaque)
    mixed = _random_rgba(7)
    mixed[:8, :, 3] = 0
    mixed[8:16, :, 3] = 255
    out = merge(mixed, target)
    np.testing.assert_array_equal(out[:8], target[:8])
    np.testing.assert_array_equal(out[8:16], mixed[8:16])


def _half_mask():
    mask = np.zeros((SIZE, SIZE), dtype=bool)
    mask[:, : SIZE // 2] = True
    mask[5, 50] = True
    return mask


def test_masked_operations():
    source, target, mask = _random_rgba(8), _random_rgba(9), _half_mask()
    merged = merge_with_mask(source, target, mask)
    np.testing.assert_array_equal(merged[~mask], target[~mask])
    np.testing.assert_array_equal(merged[mask], merge(source, target)[mask])
    overwritten = overwrite_with_mask(source, target, mask)
    np.testing.assert_array_equal(overwritten[mask], source[mask])       # transparent source pixels too
    np.testing.assert_array_equal(overwritten[~mask], target[~mask])
    clipped = clip(source, mask)
    np.testing.assert_array_equal(clipped[mask], source[mask])
    assert not clipped[~mask].any()
    assert fully_transparent(clip(source, np.zeros_like(mask))) and not fully_transparent(clipped)


# ---------------------------------------------------------------------------------------------- encoders

def test_png32_round_trip_is_exact():
    pixels = _random_rgba(10)
    for fmt in ("PNG32", "PNG"):
        data, ext = encode(pixels, fmt)
        assert ext == "png" and _read(data).mode == "RGBA"
        np.testing.assert_array_equal(np.asarray(_read(data)), pixels)


def test_png8_keeps_palette_and_transparency():
    rng = np.random.default_rng(11)
    palette = rng.integers(0, 256, (40, 4), dtype=np.uint8)
    palette[0] = (0, 0, 0, 0)
    palette[1, 3] = 128
    palette[2:, 3] = 255
    pixels = palette[rng.integers(0, 40, (SIZE, SIZE))]
    data, ext = encode(pixels, "PNG8")
    image = _read(data)
    assert ext == "png" and image.mode == "P" and "transparency" in image.info
    np.testing.assert_array_equal(np.asarray(image.convert("RGBA")), pixels)      # ≤ 256 colours: exact


def test_png8_quantises_many_colours_and_keeps_clear_pixels_clear():
    pixels = _random_rgba(12, alpha=255)
    pixels[..., :3] = _smooth_rgb(1)
    pixels[10:20, 10:40, 3] = 0
    data, _ext = encode(pixels, "PNG8")
    image = _read(data)
    assert image.mode == "P"
    back = np.asarray(image.convert("RGBA")).astype(int)
    assert (back[10:20, 10:40, 3] == 0).all()
    opaque = pixels[..., 3] == 255
    assert (back[opaque, 3] == 255).all()
    assert np.abs(back[opaque, :3] - pixels[opaque, :3]).mean() < 6


def test_png24_uses_a_transparent_key_colour():
    pixels = np.dstack([_smooth_rgb(2), np.full((SIZE, SIZE), 255, np.uint8)])
    pixels[:5, :, 3] = 0
    data, _ext = encode(pixels, "PNG24")
    image = _read(data)
    assert image.mode == "RGB" and "transparency" in image.info
    key = image.info["transparency"]
    opaque_colours = {tuple(p) for p in pixels[5:, :, :3].reshape(-1, 3)}
    assert key not in opaque_colours
    back = np.asarray(image.convert("RGBA"))
    np.testing.assert_array_equal(back[5:], pixels[5:])
    assert not back[:5, :, 3].any()
    partial = pixels.copy()
    partial[7, 7, 3] = 90
    assert _read(encode(partial, "PNG24")[0]).mode == "RGBA"
    opaque = np.dstack([_smooth_rgb(2), np.full((SIZE, SIZE), 255, np.uint8)])
    assert _read(encode(opaque, "PNG24")[0]).mode == "RGB"


def test_jpeg_is_close_honours_quality_and_puts_transparency_on_white():
    rgb = _smooth_rgb(3)
    pixels = np.dstack([rgb, np.full((SIZE, SIZE), 255, np.uint8)])
    data, ext = encode(pixels, "JPEG", 90)
    assert ext == "jpg" and data[:3] == b"\xff\xd8\xff"
    assert np.abs(np.asarray(_read(data)).astype(int) - rgb).mean() < 3
    assert len(encode(pixels, "JPEG", 20)[0]) < len(data)
    assert encode(pixels, "JPEG", None)[0] == encode(pixels, "JPEG", 75)[0]
    pixels[:16, :, 3] = 0
    back = np.asarray(_read(encode(pixels, "JPEG", 90)[0])).astype(int)
    assert (back[:12] > 245).all()


def test_mixed_picks_jpeg_only_for_opaque_tiles():
    pixels = np.dstack([_smooth_rgb(4), np.full((SIZE, SIZE), 255, np.uint8)])
    assert encode(pixels, "MIXED")[1] == "jpg"
    pixels[0, 0, 3] = 254
    data, ext = encode(pixels, "MIXED")
    assert ext == "png" and _read(data).mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(_read(data)), pixels)


@pytest.mark.parametrize("fmt", ["LERC", "WEBP"])
def test_formats_without_pixels_refuse_to_encode(fmt):
    with pytest.raises(TileFormatError, match=fmt):
        encode(_random_rgba(13), fmt)


# ---------------------------------------------------------------------------------------------- sniffing

def test_opacity_by_format():
    rgb = _smooth_rgb(5)
    assert is_opaque_by_format(_jpeg(rgb))
    assert is_opaque_by_format(_png(rgb, "RGB"))
    assert is_opaque_by_format(_png(rgb[..., 0], "L"))
    assert is_opaque_by_format(_png(Image.fromarray(rgb).quantize(16)))
    assert not is_opaque_by_format(_png(rgb, "RGB", transparency=(0, 0, 0)))
    assert not is_opaque_by_format(_png(Image.fromarray(rgb).quantize(16), transparency=3))
    assert not is_opaque_by_format(_png(_random_rgba(14), "RGBA"))
    assert not is_opaque_by_format(b"\x89PNG\r\n\x1a\n" + b"\x00" * 5)
    assert not is_opaque_by_format(b"garbage")


def test_signatures():
    png, jpeg = _png(_smooth_rgb(6), "RGB"), _jpeg(_smooth_rgb(6))
    assert is_valid_signature(png, "PNG8") and is_valid_signature(jpeg, "JPEG")
    assert is_valid_signature(png, "MIXED") and is_valid_signature(jpeg, "MIXED")
    assert not is_valid_signature(png[4:], "PNG")           # as in Esri's own sample .tpkx
    assert not is_valid_signature(png, "JPEG") and not is_valid_signature(jpeg, "PNG32")
    assert is_valid_signature(b"Lerc2 anything", "LERC")


def _chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def test_damaged_and_oversized_tiles_are_not_decoded():
    png = _png(_random_rgba(15), "RGBA")
    assert decode(png, SIZE, SIZE) is not None
    assert decode(png[: len(png) // 2], SIZE, SIZE) is None               # truncated
    assert decode(png[:40] + bytes(len(png) - 40), SIZE, SIZE) is None     # body zeroed
    assert decode(png, SIZE * 2, SIZE) is None                            # not the tile size
    assert decode(b"\x00" * 100, SIZE, SIZE) is None
    jpeg = _jpeg(_smooth_rgb(7))
    assert decode(jpeg, SIZE, SIZE).shape == (SIZE, SIZE, 4)
    assert decode(jpeg[:200], SIZE, SIZE) is None


def test_huge_declared_dimensions_are_refused_before_decoding(monkeypatch):
    header = struct.pack(">IIBBBBB", 100000, 100000, 8, 6, 0, 0, 0)
    bomb = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _chunk(b"IEND", b""))
    loads, load = [], ImageFile.ImageFile.load
    with monkeypatch.context() as patch:
        patch.setattr(ImageFile.ImageFile, "load", lambda image: loads.append(image.size) or load(image))
        assert decode(bomb, 100000, 100000) is None       # even when asked for that size: past Pillow's limit
    assert loads == []
    start = time.perf_counter()
    assert decode(bomb, 256, 256) is None
    assert time.perf_counter() - start < 0.5
    jpeg = bytearray(_jpeg(_smooth_rgb(8)))
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5: sof + 9] = struct.pack(">HH", 60000, 60000)
    assert decode(bytes(jpeg), SIZE, SIZE) is None


# ---------------------------------------------------------------------------------------------- rules

def _tile(pixels):
    return _png(pixels, "RGBA")


def test_whole_tiles_are_copied_byte_for_byte_when_pixels_need_no_change():
    source = _tile(_random_rgba(16))
    target = _tile(_random_rgba(17))
    for overwrite, below in ((True, target), (False, None)):
        result = compose_tile(source, below, None, overwrite, "PNG32", None, SIZE, SIZE)
        assert result == (Outcome.COPIED_RAW, source, "png")
    opaque = _png(_smooth_rgb(9), "RGB")
    assert compose_tile(opaque, target, None, False, "PNG32", None, SIZE, SIZE).data is opaque
    jpeg = _jpeg(_smooth_rgb(9))
    assert compose_tile(jpeg, _jpeg(_smooth_rgb(1)), None, False, "MIXED", 75, SIZE, SIZE) == (
        Outcome.COPIED_RAW, jpeg, "jpg")
    rgba_but_opaque = _tile(_random_rgba(18, alpha=255))
    assert compose_tile(rgba_but_opaque, target, None, False, "PNG", None, SIZE, SIZE).data is rgba_but_opaque


def test_merge_blends_partial_sources_and_skips_invisible_ones():
    source_pixels, target_pixels = _random_rgba(19), _random_rgba(20)
    result = compose_tile(_tile(source_pixels), _tile(target_pixels), None, False, "PNG32", None, SIZE, SIZE)
    assert result.outcome == Outcome.BLENDED and result.ext == "png"
    np.testing.assert_array_equal(np.asarray(_read(result.data)), merge(source_pixels, target_pixels))
    invisible = _tile(_random_rgba(21, alpha=0))
    assert compose_tile(invisible, _tile(target_pixels), None, False, "PNG32", None, SIZE, SIZE).outcome == \
        Outcome.SKIPPED_EMPTY


def test_boundary_tiles_are_clipped():
    source_pixels, target_pixels, mask = _random_rgba(22), _random_rgba(23), _half_mask()
    source, target = _tile(source_pixels), _tile(target_pixels)
    alone = compose_tile(source, None, mask, False, "PNG32", None, SIZE, SIZE)
    assert alone.outcome == Outcome.CLIPPED
    expected = np.where(mask[..., None], source_pixels, 0)
    np.testing.assert_array_equal(np.asarray(_read(alone.data)), expected)
    over = compose_tile(source, target, mask, True, "PNG32", None, SIZE, SIZE)
    np.testing.assert_array_equal(np.asarray(_read(over.data)), np.where(mask[..., None], source_pixels,
                                                                         target_pixels))
    merged = compose_tile(source, target, mask, False, "PNG32", None, SIZE, SIZE)
    np.testing.assert_array_equal(np.asarray(_read(merged.data))[~mask], target_pixels[~mask])
    outside = np.zeros_like(mask)
    skipped = compose_tile(source, target, outside, True, "PNG32", None, SIZE, SIZE)
    assert skipped == (Outcome.SKIPPED_OUTSIDE, None, None)
    assert compose_tile(source, target, ~outside, True, "PNG32", None, SIZE, SIZE).data is source
    empty_inside = source_pixels.copy()
    empty_inside[mask, 3] = 0
    assert compose_tile(_tile(empty_inside), None, mask, False, "PNG32", None, SIZE, SIZE).outcome == \
        Outcome.SKIPPED_EMPTY


def test_jpeg_clip_without_target_is_white_outside():
    rgb = _smooth_rgb(10)
    result = compose_tile(_jpeg(rgb, 95), None, _half_mask(), False, "JPEG", 95, SIZE, SIZE)
    assert result.outcome == Outcome.CLIPPED and result.ext == "jpg"
    back = np.asarray(_read(result.data)).astype(int)
    assert (back[16:, 40:] > 245).all()          # (5, 50) is inside the mask
    assert np.abs(back[:, :24] - rgb[:, :24]).mean() < 4


def test_damaged_sources_and_formats_without_pixels():
    target = _tile(_random_rgba(24))
    png = _tile(_random_rgba(25))
    assert compose_tile(png[4:], target, None, True, "PNG", None, SIZE, SIZE).outcome == Outcome.DAMAGED
    assert compose_tile(png[:60], target, None, False, "PNG", None, SIZE, SIZE).outcome == Outcome.DAMAGED
    clipped = compose_tile(png[:60], None, _half_mask(), False, "PNG", None, SIZE, SIZE)
    assert clipped.outcome == Outcome.DAMAGED
    lerc = b"CntZImage " + bytes(50)
    assert compose_tile(lerc, lerc, None, True, "LERC", None, SIZE, SIZE) == (Outcome.COPIED_RAW, lerc, None)
    assert compose_tile(lerc, None, None, False, "LERC", None, SIZE, SIZE) == (Outcome.COPIED_RAW, lerc, None)
    with pytest.raises(TileFormatError, match="OVERWRITE"):
        compose_tile(lerc, lerc, None, False, "LERC", None, SIZE, SIZE)
    with pytest.raises(TileFormatError, match="LERC"):
        compose_tile(lerc, None, _half_mask(), False, "LERC", None, SIZE, SIZE)



def test_decoding_a_png_tile_loads_no_other_pillow_plugin():
    """Image.open would import the BMP, GIF, JPEG (and TIFF) and PPM plugins first: a cost of every fresh
    process (a QGIS run, a worker) that decodes a tile."""
    check = ("import sys; from map_server_cache.core.formats.tileformats import decode; "
             f"assert decode({_png(_random_rgba(3))!r}, {SIZE}, {SIZE}) is not None; "
             "print(sorted(m for m in sys.modules if m.startswith('PIL.') and m.endswith('Plugin')))")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(PLUGINS)})
    assert done.stdout.strip() == "['PIL.PngImagePlugin']"
