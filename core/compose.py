"""Pixel work of an import: source-over, overwrite and clip under a mask, and the per-tile decision.

Arrays are RGBA uint8 (height, width, 4) with straight (not premultiplied) alpha. ``compose_tile`` applies
the rules of the tool and decodes only when pixels change: a whole tile in OVERWRITE, a tile with no target
in MERGE, or a source opaque by its format in MERGE is copied byte for byte.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

import numpy as np

from .errors import TileFormatError
from .tileformats import can_compose, decode, encode, image_ext, is_opaque_by_format, is_valid_signature


def fully_transparent(rgba: np.ndarray) -> bool:
    """True when no pixel has any opacity (such a result is not written where the target had no tile)."""
    return not rgba[..., 3].any()


def merge(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Source-over: out_a = sa + ta(1 - sa), out_rgb = (s·sa + t·ta(1 - sa)) / out_a.

    Exact integer maths on 0..255 values, each channel rounded half up; a fully opaque source pixel gives
    the source pixel, a fully transparent one leaves the target pixel as it was (its colour too).
    """
    sa = source[..., 3].astype(np.uint32)
    if sa.min() == 255:
        return source.copy()
    if sa.max() == 0:
        return target.copy()
    target_weight = target[..., 3].astype(np.uint32) * (255 - sa)       # ta·(1-sa), scaled by 255²
    source_weight = sa * 255
    total = source_weight + target_weight                               # out_a, scaled by 255
    divisor = np.maximum(total, 1)[..., None]
    rgb = (source[..., :3] * source_weight[..., None] + target[..., :3] * target_weight[..., None]
           + divisor // 2) // divisor
    out = np.empty_like(source)
    out[..., :3] = rgb
    out[..., 3] = (total + 127) // 255
    return np.where((total == 0)[..., None], target, out)


def merge_with_mask(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Source-over inside the mask only; outside it the target is untouched."""
    masked = source.copy()
    masked[..., 3][~mask] = 0
    return merge(masked, target)


def overwrite_with_mask(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Source pixels inside the mask (transparent ones included), target pixels outside."""
    return np.where(mask[..., None], source, target)


def clip(source: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Source pixels inside the mask, fully transparent outside (JPEG encoding turns those white)."""
    return np.where(mask[..., None], source, np.zeros((), dtype=source.dtype))


class Outcome(enum.Enum):
    """What happened to one source tile; the names match the ImportResult counters."""

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
    mask (``selection.pixel_mask``); an all-False mask skips the tile, an all-True one takes it whole.
    Whole tiles of LERC or unknown formats are copied; clipping them raises TileFormatError.

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
        if overwrite or target is None or is_opaque_by_format(source) or not can_compose(tile_format):
            return TileResult(Outcome.COPIED_RAW, source, image_ext(source))
        return _merge_whole(source, target, tile_format, quality, width, height)
    if not can_compose(tile_format):
        raise TileFormatError(f"tiles in format {tile_format} cannot be clipped to an area of interest; "
                              "they can only be copied whole")
    pixels = decode(source, width, height)
    if pixels is None:
        return TileResult(Outcome.DAMAGED)
    below = decode(target, width, height) if target is not None else None
    if below is None:
        result = clip(pixels, mask)
        if fully_transparent(result):
            return TileResult(Outcome.SKIPPED_EMPTY)
    else:
        combine = overwrite_with_mask if overwrite else merge_with_mask
        result = combine(pixels, below, mask)
        if np.array_equal(result, below):
            return TileResult(Outcome.SKIPPED_EMPTY)
    return TileResult(Outcome.CLIPPED, *encode(result, tile_format, quality))


def _merge_whole(source, target, tile_format, quality, width, height) -> TileResult:
    pixels = decode(source, width, height)
    if pixels is None:
        return TileResult(Outcome.DAMAGED)
    alpha = pixels[..., 3]
    if alpha.min() == 255:
        return TileResult(Outcome.COPIED_RAW, source, image_ext(source))
    if not alpha.any():
        return TileResult(Outcome.SKIPPED_EMPTY)
    below = decode(target, width, height)
    if below is None:
        return TileResult(Outcome.COPIED_RAW, source, image_ext(source))
    return TileResult(Outcome.BLENDED, *encode(merge(pixels, below), tile_format, quality))
