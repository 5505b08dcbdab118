"""Tile image formats: cheap sniffing of raw bytes, guarded decoding, encoding per CacheTileFormat.

Sniffing never decodes: it reads the signature and, for PNG, walks the chunk headers up to the first IDAT.
Decoding reads the declared size from the header first and refuses tiles that are not the scheme's tile
size (so a header claiming 100000×100000 pixels is never decoded). Only PNG and JPEG are ever decoded.
"""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image, PngImagePlugin

from ..errors import TileFormatError
from .pngwrite import unfiltered_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
DEFAULT_QUALITY = 75
# zlib level 6 (zlib's and Pillow's own default): within ~5 % of level 9's size at a fraction of its time;
# optimize=True is never used (it recompresses at level 9).
PNG_COMPRESS_LEVEL = 6
# Drawn tiles: zlib level 2, what QGIS's XYZ tiles algorithm writes at its default quality 75 (Qt turns a PNG
# quality q into zlib level (100 - q) * 9 // 91). On the bench map's tiles (pngwrite, unfiltered) level 6 is
# 8 % smaller and takes 1.3–1.8× as long to encode.
DRAWN_PNG_COMPRESS_LEVEL = 2
# Formats whose pixels this module can decode and encode; LERC and unknown formats are copied whole only.
PIXEL_FORMATS = frozenset({"PNG", "PNG8", "PNG24", "PNG32", "JPEG", "MIXED"})
_PNG_FORMATS = frozenset({"PNG", "PNG8", "PNG24", "PNG32"})
_PNG_OPAQUE_COLOUR_TYPES = (0, 2, 3)       # grey, RGB, palette; 4 and 6 carry alpha
_OCTREE = 2                                 # Image.Quantize.FASTOCTREE, the only built-in method for RGBA


def can_compose(tile_format: str) -> bool:
    """True when tiles of this CacheTileFormat can be decoded, blended, clipped and encoded."""
    return tile_format.upper() in PIXEL_FORMATS


def is_valid_signature(data: bytes, tile_format: str) -> bool:
    """Cheap damage check: PNG formats need the PNG signature, JPEG the JPEG SOI, MIXED either one.

    LERC and unknown formats have no check (True).
    """
    tile_format = tile_format.upper()
    if tile_format in _PNG_FORMATS:
        return data[:8] == PNG_SIGNATURE
    if tile_format == "JPEG":
        return data[:3] == JPEG_SIGNATURE
    if tile_format == "MIXED":
        return data[:8] == PNG_SIGNATURE or data[:3] == JPEG_SIGNATURE
    return True


def image_ext(data: bytes) -> str | None:
    """File extension for the bytes ('png' or 'jpg'), None when neither signature matches."""
    if data[:8] == PNG_SIGNATURE:
        return "png"
    if data[:3] == JPEG_SIGNATURE:
        return "jpg"
    return None


def tile_encoding(data: bytes) -> str | None:
    """PNG, JPEG or WEBP by signature (open tile formats may hold any of them), None for other bytes."""
    if data[:8] == PNG_SIGNATURE:
        return "PNG"
    if data[:3] == JPEG_SIGNATURE:
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def reencode(data: bytes, width: int, height: int, tile_format: str, quality: int | None) -> bytes | None:
    """A PNG, JPEG or WebP tile of width×height decoded and encoded in ``tile_format`` (a cache's format);
    None when it is damaged, of another size, or the format cannot be encoded. The size is read from the
    header before any pixel is decoded."""
    if tile_encoding(data) is None or not can_compose(tile_format):
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.size != (width, height):
                return None
            image.load()
            rgba = image.convert("RGBA")
    except Exception:  # Pillow signals bad data with many types (OSError, SyntaxError, ValueError, ...)
        return None
    return encode(rgba, tile_format, quality)[0]


def _png_header(data: bytes):
    """(width, height, colour type, has tRNS before IDAT) from the chunk headers, None when malformed."""
    if data[:8] != PNG_SIGNATURE or len(data) < 33 or data[12:16] != b"IHDR":
        return None
    width, height, _depth, colour_type = struct.unpack_from(">IIBB", data, 16)
    position = 33
    while position + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        if kind == b"tRNS":
            return width, height, colour_type, True
        if kind == b"IDAT":
            return width, height, colour_type, False
        position += 12 + length
    return None


def is_opaque_by_format(data: bytes) -> bool:
    """True when the bytes cannot hold a transparent pixel: JPEG, or PNG without alpha or tRNS.

    Reads chunk headers only; a malformed PNG counts as not opaque (it will be decoded and found damaged).
    """
    if data[:3] == JPEG_SIGNATURE:
        return True
    header = _png_header(data)
    return header is not None and header[2] in _PNG_OPAQUE_COLOUR_TYPES and not header[3]


def open_rgba(data: bytes, width: int, height: int) -> Image.Image | None:
    """The tile as a loaded RGBA Pillow image, or None when it is damaged.

    Damaged means: neither PNG nor JPEG, a declared size other than width×height (checked before any pixel
    is decoded), truncated or corrupt data. The caller counts these; nothing is raised.
    """
    if data[:8] == PNG_SIGNATURE:
        header = _png_header(data)
        if header is None or header[:2] != (width, height):
            return None
    elif data[:3] != JPEG_SIGNATURE:
        return None
    if Image.MAX_IMAGE_PIXELS is not None and width * height > Image.MAX_IMAGE_PIXELS:
        return None                             # Pillow's decompression-bomb limit, whoever asks
    try:
        image = _image_file(data)
        if image.size != (width, height):       # before any pixel is decoded
            return None
        image.load()
        return image if image.mode == "RGBA" else image.convert("RGBA")
    except Exception:  # Pillow signals bad data with many types (OSError, SyntaxError, ValueError, ...)
        return None


def _image_file(data: bytes) -> Image.Image:
    """The tile through the one Pillow plugin its signature names, in memory (nothing to close).
    ``Image.open`` would first import the BMP, GIF, JPEG (with TIFF), PPM and PNG plugins, a cost of every
    process that decodes a tile; JPEG's is imported only when a JPEG tile comes."""
    if data[:8] == PNG_SIGNATURE:
        return PngImagePlugin.PngImageFile(io.BytesIO(data))
    from PIL import JpegImagePlugin

    return JpegImagePlugin.JpegImageFile(io.BytesIO(data))


def decode(data: bytes, width: int, height: int) -> np.ndarray | None:
    """RGBA uint8 array (height, width, 4) of the tile (read-only), or None when damaged (see open_rgba)."""
    image = open_rgba(data, width, height)
    return None if image is None else np.asarray(image)


def alpha_range(image: Image.Image) -> tuple[int, int]:
    """(min, max) of an RGBA image's alpha, computed in C."""
    return image.getchannel("A").getextrema()


def encode(pixels, tile_format: str, quality: int | None = None, *, smallest_png: bool = False,
           compress_level: int = PNG_COMPRESS_LEVEL) -> tuple[bytes, str]:
    """Encode an RGBA tile (numpy array or Pillow image) for a CacheTileFormat → (bytes, 'png' | 'jpg').

    PNG, PNG32: RGBA PNG. PNG24: RGB PNG; transparency as one tRNS key colour (as ArcGIS's PNG24 does:
    "the file header contains the single color that represents the transparent background"); a tile with
    partially transparent pixels, which PNG24 cannot express, is written RGBA rather than altered. PNG8:
    palette PNG with an alpha table, exact when the tile has at most 256 colours, else octree-quantised
    with one index reserved for fully transparent pixels. JPEG: quality (default 75), transparent pixels
    over white. MIXED: JPEG when every pixel is opaque, else RGBA PNG. LERC/unknown: TileFormatError.
    PNG with ``smallest_png`` (drawn tiles): the lowest of PNG8, PNG24 and PNG32 that keeps every pixel, as
    Esri defines the format; without it (the import's blends) RGBA, which GDAL 3.6's ESRIC reader reads right
    (it takes a paletted tile's indices for grey and ignores an RGB tile's transparent colour).
    ``compress_level``: zlib's level of every PNG written.
    """
    tile_format = tile_format.upper()
    quality = DEFAULT_QUALITY if quality is None else int(quality)
    level = compress_level
    if tile_format == "PNG" and smallest_png:
        return _smallest_png(np.asarray(pixels), level), "png"
    image = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels, "RGBA")
    if tile_format in ("PNG32", "PNG"):
        return _png(image, level), "png"
    if tile_format == "PNG24":
        return _png24(np.asarray(image), level), "png"
    if tile_format == "PNG8":
        return _png8(np.asarray(image), level), "png"
    if tile_format == "JPEG":
        return _jpeg(image, quality), "jpg"
    if tile_format == "MIXED":
        if alpha_range(image)[0] == 255:
            return _jpeg(image, quality), "jpg"
        return _png(image, level), "png"
    raise TileFormatError(f"tiles in format {tile_format} cannot be encoded; they can only be copied whole")


def _png(image: Image.Image, level: int, **options) -> bytes:
    """RGB and RGBA unfiltered when they deflate well so (pngwrite), else and paletted ones through Pillow."""
    if image.mode in ("RGB", "RGBA"):
        data = unfiltered_png(np.asarray(image), level, options.get("transparency"))
        if data is not None:
            return data
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=level, **options)
    return out.getvalue()


def _smallest_png(rgba: np.ndarray, level: int) -> bytes:
    """Esri's PNG: the lowest depth that keeps the pixels (fully transparent ones compare equal whatever their
    colour): PNG8 when the tile has at most 256 colours, else PNG24 when every pixel is opaque or fully
    transparent, else PNG32. The depth is decided from the pixels (Pillow's colour count stops at 257);
    one encoding per tile."""
    rgba = _clear_as_zero(rgba)
    paletted = _exact_png8(rgba, level)
    if paletted is not None:
        return paletted
    alpha = rgba[..., 3]
    if not np.any(alpha - np.uint8(1) < 254):            # no alpha in 1..254 (0 - 1 wraps to 255)
        return _png24(rgba, level)
    return _png(Image.fromarray(rgba, "RGBA"), level)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    if alpha_range(image)[0] < 255:
        image = Image.alpha_composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _png24(rgba: np.ndarray, level: int) -> bytes:
    alpha = rgba[..., 3]
    if alpha.min() == 255:
        return _png(Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB"), level)
    if np.any((alpha != 0) & (alpha != 255)):
        return _png(Image.fromarray(rgba, "RGBA"), level)
    clear = alpha == 0
    packed = _pack_rgb(rgba)
    key = _unused_colour(packed[~clear], packed[clear][0])
    rgb = np.ascontiguousarray(rgba[..., :3])
    rgb[clear] = ((key >> 16) & 255, (key >> 8) & 255, key & 255)
    return _png(Image.fromarray(rgb, "RGB"), level, transparency=tuple(int(v) for v in rgb[clear][0]))


def _pack_rgb(rgba: np.ndarray) -> np.ndarray:
    rgb = rgba[..., :3].astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _unused_colour(opaque: np.ndarray, preferred: int) -> int:
    """A packed RGB no opaque pixel uses; the transparent pixels' own colour when it is free."""
    for candidate in (int(preferred), 0xFF00FF, 0x00FF00, 0x010203, 0xFEFEFE):
        if not np.any(opaque == candidate):
            return candidate
    used = np.zeros(1 << 24, dtype=bool)
    used[opaque] = True
    return int(np.argmin(used))


def _png8(rgba: np.ndarray, level: int) -> bytes:
    rgba = _clear_as_zero(rgba)
    return _exact_png8(rgba, level) or _quantised_png8(rgba, level)


def _clear_as_zero(rgba: np.ndarray) -> np.ndarray:
    """One colour for "transparent": fully transparent pixels become (0, 0, 0, 0)."""
    rgba = np.ascontiguousarray(rgba, np.uint8)
    clear = rgba[..., 3] == 0
    if not clear.any():
        return rgba
    words = np.where(clear, np.uint32(0), rgba.view(np.uint32)[..., 0])   # one word a pixel: no fancy index
    return words.view(np.uint8).reshape(rgba.shape)


def _exact_png8(rgba: np.ndarray, level: int) -> bytes | None:
    """A palette PNG holding exactly the tile's colours; None when it has more than 256."""
    colours = Image.fromarray(rgba, "RGBA").getcolors(256)
    if colours is None:
        return None
    palette = np.array([colour for _count, colour in colours], dtype=np.uint8)
    keys = palette.view(np.uint32).ravel()
    order = np.argsort(keys)
    pixels = np.ascontiguousarray(rgba).view(np.uint32)[..., 0]
    return _paletted(order[np.searchsorted(keys[order], pixels)].astype(np.uint8), palette, level)


def _quantised_png8(rgba: np.ndarray, level: int) -> bytes:
    """Octree-quantised to 255 colours, index 255 kept for fully transparent pixels."""
    indices = np.asarray(Image.fromarray(rgba, "RGBA").quantize(255, method=_OCTREE)).copy()
    clear = rgba[..., 3] == 0
    indices[clear] = 255
    counts = np.bincount(indices.ravel(), minlength=256)
    sums = [np.bincount(indices.ravel(), weights=rgba[..., band].ravel(), minlength=256) for band in range(4)]
    palette = np.stack([np.rint(s / np.maximum(counts, 1)) for s in sums], axis=1).astype(np.uint8)
    palette[255] = 0
    return _paletted(indices, palette, level)


def _paletted(indices: np.ndarray, palette: np.ndarray, level: int) -> bytes:
    paletted = Image.fromarray(indices, "P")
    paletted.putpalette(palette[:, :3].tobytes())
    alphas = palette[:, 3]
    if alphas.min() == 255:
        return _png(paletted, level)
    return _png(paletted, level, transparency=alphas.tobytes())
