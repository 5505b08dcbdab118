"""Pixel work of an import: source-over, overwrite and clip under a mask, and the per-tile decision.

Pixels are RGBA with straight (not premultiplied) alpha, masks bool (height, width). The public helpers take
and return uint8 numpy arrays (height, width, 4); ``compose_tile`` keeps Pillow images throughout, because
the per-pixel work runs in Pillow's C code and a numpy copy of a 256×256 tile costs as much as a composite.
``compose_tile`` applies the rules of the tool and decodes only when pixels change: a whole tile in
OVERWRITE, a tile with no target in MERGE, or a source opaque by its format in MERGE is copied byte for byte.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

import numpy as np
from PIL import Image

from ..errors import TileFormatError
from ..formats.tileformats import (
    alpha_range,
    can_compose,
    encode,
    image_ext,
    is_opaque_by_format,
    is_valid_signature,
    open_rgba,
)


def _over(target: Image.Image, source: Image.Image) -> Image.Image:
    """Source-over by Pillow's ``Image.alpha_composite``: integer maths with 7 guard bits, each channel within
    1 of the exactly rounded out_rgb = (s·sa + t·ta(1 - sa)) / out_a, out_a = sa + ta(1 - sa); a fully opaque
    source pixel gives the source pixel, a fully transparent one leaves the target pixel (colour included)."""
    return Image.alpha_composite(target, source)


def _clip(source: Image.Image, mask: Image.Image) -> Image.Image:
    return Image.composite(source, Image.new("RGBA", source.size, (0, 0, 0, 0)), mask)


def _mask_image(mask: np.ndarray) -> Image.Image:
    return Image.fromarray(mask.view(np.uint8) * np.uint8(255), "L")


def _image(rgba: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(rgba), "RGBA")


def merge(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Source-over of the source onto the target (see ``_over`` for the maths and rounding)."""
    return np.asarray(_over(_image(target), _image(source)))


def merge_with_mask(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Source-over inside the mask only; outside it the target is untouched."""
    return np.asarray(_over(_image(target), _clip(_image(source), _mask_image(mask))))


def overwrite_with_mask(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Source pixels inside the mask (transparent ones included), target pixels outside."""
    return np.asarray(Image.composite(_image(source), _image(target), _mask_image(mask)))


def clip(source: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Source pixels inside the mask, fully transparent outside (JPEG encoding turns those white)."""
    return np.asarray(_clip(_image(source), _mask_image(mask)))


def fully_transparent(rgba) -> bool:
    """True when no pixel has any opacity (such a result is not written where the target had no tile)."""
    if isinstance(rgba, Image.Image):
        return alpha_range(rgba)[1] == 0
    return not rgba[..., 3].any()


class Outcome(enum.Enum):
    """What happened to one source tile; the values match the LevelResult counters."""

    COPIED_RAW = "copied_raw"
    BLENDED = "blended"
    CLIPPED = "clipped"
    SKIPPED_OUTSIDE = "skipped_outside"
    SKIPPED_EMPTY = "skipped_empty"
    DAMAGED = "damaged"


class TileResult(NamedTuple):
    """``data`` is what to put in the target (None: leave the target tile as it is); ``ext`` 'png'/'jpg'."""

    outcome: Outcome
    data: bytes | None = None
    ext: str | None = None


def compose_tile(source: bytes, target: bytes | None, mask: np.ndarray | None, overwrite: bool,
                 tile_format: str, quality: int | None, width: int, height: int) -> TileResult:
    """Apply the import rules to one tile.

    ``mask`` is None for a tile wholly inside the area (or when there is no area), else the tile's pixel
    mask (``area.pixel_mask``); an all-False mask skips the tile, an all-True one takes it whole.
    LERC and unknown formats are copied whole only: a clip, or a MERGE onto an existing tile, raises
    TileFormatError. ``ext`` of a raw copy is None when the bytes are neither PNG nor JPEG (LERC).

    Counting choices: BLENDED is a whole tile composited over its target; CLIPPED is any tile cut by the
    mask; SKIPPED_EMPTY is a result that would not change the target (nothing visible where there was no
    tile, or a MERGE whose source pixels are all transparent). A target tile that cannot be decoded is
    treated as absent, so the source replaces it.
    """
    if not is_valid_signature(source, tile_format):
        return TileResult(Outcome.DAMAGED)
    if mask is not None:
        if mask.all():
            mask = None
        elif not mask.any():
            return TileResult(Outcome.SKIPPED_OUTSIDE)
    if mask is None:
        if overwrite or target is None or is_opaque_by_format(source):
            return TileResult(Outcome.COPIED_RAW, source, image_ext(source))
        if not can_compose(tile_format):
            raise TileFormatError(f"tiles in format {tile_format} cannot be blended into an existing tile "
                                  "(MERGE); they can only be copied whole: use OVERWRITE")
        return _merge_whole(source, target, tile_format, quality, width, height)
    if not can_compose(tile_format):
        raise TileFormatError(f"tiles in format {tile_format} cannot be clipped to an area of interest; "
                              "they can only be copied whole")
    pixels = open_rgba(source, width, height)
    if pixels is None:
        return TileResult(Outcome.DAMAGED)
    below = open_rgba(target, width, height) if target is not None else None
    inside = _mask_image(mask)
    if below is not None and overwrite:
        result = Image.composite(pixels, below, inside)
    else:
        result = _clip(pixels, inside)
        if fully_transparent(result):
            return TileResult(Outcome.SKIPPED_EMPTY)
        if below is not None:
            result = _over(below, result)
    return TileResult(Outcome.CLIPPED, *encode(result, tile_format, quality))


def _merge_whole(source, target, tile_format, quality, width, height) -> TileResult:
    pixels = open_rgba(source, width, height)
    if pixels is None:
        return TileResult(Outcome.DAMAGED)
    lowest, highest = alpha_range(pixels)
    if lowest == 255:
        return TileResult(Outcome.COPIED_RAW, source, image_ext(source))
    if highest == 0:
        return TileResult(Outcome.SKIPPED_EMPTY)
    below = open_rgba(target, width, height)
    if below is None:
        return TileResult(Outcome.COPIED_RAW, source, image_ext(source))
    return TileResult(Outcome.BLENDED, *encode(_over(below, pixels), tile_format, quality))
