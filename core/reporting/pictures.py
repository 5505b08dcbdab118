"""The report's pictures as small images: a coverage map per level and the before/after pair of its region.

A coverage map shows the level's tiles coloured by outcome (one pixel block per tile, or, for large levels,
the most important outcome of each square of tiles: damaged over clipped over blended over copied over
skipped), the bundle grid, the selection's outline and the before/after region. Every picture is at most
``snapshots.MAX_SIDE`` pixels a side; the maps are PNG, the photographic before/after pair JPEG over a
checkerboard (which shows transparent pixels) to keep a report small.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image, ImageDraw

from ..execution.snapshots import MAX_SIDE, LevelPictures, Pictures
from ..planning.selection import BUNDLE_SIZE
from ..planning.units import OUTCOME_CODES, unpack_outcomes

# RGB of each outcome code (OUTCOME_CODES order); code 0 is "no source tile".
COLOURS = {"": (245, 245, 245), "skipped_outside": (185, 185, 185), "skipped_empty": (160, 210, 235),
           "copied_raw": (60, 165, 85), "blended": (50, 110, 225), "clipped": (245, 160, 40),
           "damaged": (215, 25, 35), "skipped_present": (175, 200, 225), "drawn_empty": (230, 225, 190),
           "deleted": (150, 60, 160), "drawn": (30, 150, 120)}
GRID, OUTLINE, REGION = (110, 110, 110), (200, 0, 200), (0, 0, 0)
MAX_TILE_PIXELS = 64            # a small level's tile is drawn at most this many pixels a side
JPEG_QUALITY = 80


def coverage_map(pictures: Pictures, level: LevelPictures) -> Image.Image | None:
    """The level's coverage map (RGB), None when no unit of the level reported outcomes."""
    if not level.outcomes:
        return None
    grids = {key: unpack_outcomes(packed) for key, packed in level.outcomes.items()}
    top, left, bottom, right = _bounds(grids)
    pad = max(1, (max(bottom - top, right - left)) // 20)
    top, left, bottom, right = max(0, top - pad), max(0, left - pad), bottom + pad, right + pad
    step = 1                                     # tiles per pixel: a power of two, so blocks align
    while max(bottom - top, right - left) / step > MAX_SIDE:
        step *= 2
    top, left = top // step * step, left // step * step
    codes = np.zeros((-(-(bottom - top) // step), -(-(right - left) // step)), np.uint8)
    for (row0, col0), grid in grids.items():
        _paste(codes, _reduce(grid, step), (row0 - top) // step, (col0 - left) // step)
    palette = np.array([COLOURS[name] for name in OUTCOME_CODES], np.uint8)
    scale = max(1, min(MAX_TILE_PIXELS, MAX_SIDE // max(codes.shape))) if step == 1 else 1
    image = Image.fromarray(palette[codes], "RGB")
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)

    def to_pixel(row, col):
        return (col - left) / step * scale, (row - top) / step * scale

    draw = ImageDraw.Draw(image)
    for row in range(-(-top // BUNDLE_SIZE) * BUNDLE_SIZE, bottom + 1, BUNDLE_SIZE):
        draw.line([to_pixel(row, left), to_pixel(row, right)], fill=GRID)
    for col in range(-(-left // BUNDLE_SIZE) * BUNDLE_SIZE, right + 1, BUNDLE_SIZE):
        draw.line([to_pixel(top, col), to_pixel(bottom, col)], fill=GRID)
    scheme, lod = pictures.scheme, level.lod
    width, height = scheme.tile_cols * lod.resolution, scheme.tile_rows * lod.resolution
    for ring in pictures.outline:
        points = [to_pixel((scheme.origin_y - y) / height, (x - scheme.origin_x) / width) for x, y in ring]
        draw.line(points, fill=OUTLINE, width=2)
    if level.region is not None:
        row, col, rows, cols = level.region
        (x0, y0), (x1, y1) = to_pixel(row, col), to_pixel(row + rows, col + cols)
        draw.rectangle([x0, y0, max(x0, x1 - 1), max(y0, y1 - 1)], outline=REGION)
    return image


def _bounds(grids: dict) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) in tiles, end exclusive, of the tiles with an outcome."""
    top = left = 1 << 62
    bottom = right = 0
    for (row0, col0), grid in grids.items():
        rows, cols = np.nonzero(grid.any(1))[0], np.nonzero(grid.any(0))[0]
        if len(rows):
            top, bottom = min(top, row0 + rows[0]), max(bottom, row0 + rows[-1] + 1)
            left, right = min(left, col0 + cols[0]), max(right, col0 + cols[-1] + 1)
    return int(top), int(left), int(bottom), int(right)


def _reduce(grid: np.ndarray, step: int) -> np.ndarray:
    """The highest code of each step×step block of a bundle's codes."""
    if step == 1:
        return grid
    if step >= BUNDLE_SIZE:
        return grid.max(keepdims=True)
    side = BUNDLE_SIZE // step
    return grid.reshape(side, step, side, step).max(axis=(1, 3))


def _paste(canvas: np.ndarray, block: np.ndarray, row: int, col: int) -> None:
    """Keep the higher code where the block overlaps the canvas (blocks may reach past its edges)."""
    rows = slice(max(row, 0), min(row + block.shape[0], canvas.shape[0]))
    cols = slice(max(col, 0), min(col + block.shape[1], canvas.shape[1]))
    if rows.start < rows.stop and cols.start < cols.stop:
        part = block[rows.start - row:rows.stop - row, cols.start - col:cols.stop - col]
        np.maximum(canvas[rows, cols], part, out=canvas[rows, cols])


def on_checkerboard(rgba: np.ndarray, square: int = 8) -> Image.Image:
    """RGB of the pixels over a light checkerboard, so transparent parts show as such."""
    height, width = rgba.shape[:2]
    light = (np.arange(height)[:, None] // square + np.arange(width) // square) % 2 == 0
    background = Image.fromarray(np.where(light, 255, 220).astype(np.uint8), "L").convert("RGBA")
    return Image.alpha_composite(background, Image.fromarray(rgba, "RGBA")).convert("RGB")


def data_uri(image: Image.Image, image_format: str = "PNG") -> str:
    """The image as a data: URI (PNG, or JPEG for photographic content)."""
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(buffer, "PNG", optimize=False)
    kind = "jpeg" if image_format == "JPEG" else "png"
    return f"data:image/{kind};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"
