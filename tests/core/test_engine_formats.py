"""Import modes × tile formats: MERGE and OVERWRITE, whole tiles and tiles clipped by an area of interest,
for PNG32, PNG8, JPEG and MIXED. Expected pixels are computed here with numpy and shapely."""

from __future__ import annotations

import io

import numpy as np
import pytest
import shapely
from cachebuilders import make_scheme, write_cache
from PIL import Image

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.sources.opening import open_cache

LEVEL = 3
SIZE = 256
FORMATS = ["PNG32", "PNG8", "JPEG", "MIXED"]
# Area in level-3 pixel coordinates (x right, y down from the origin) over tiles rows 2-3, cols 2-3; every
# vertex off the half-pixel grid, so no pixel centre lies on an edge.
AREA_PIXELS = [(600.3, 530.7), (1000.2, 560.1), (990.6, 1010.4), (560.2, 980.9)]


def encode(rgba: np.ndarray, kind: str) -> bytes:
    out = io.BytesIO()
    image = Image.fromarray(rgba.astype(np.uint8), "RGBA")
    if kind == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=90)
    elif kind == "png8":
        image.quantize(16, method=Image.Quantize.FASTOCTREE).save(out, "PNG")
    else:
        image.save(out, "PNG")
    return out.getvalue()


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")).astype(np.float64)


def bands(*columns) -> np.ndarray:
    """A tile of vertical colour bands: columns = [(first column, rgba), ...]."""
    tile = np.zeros((SIZE, SIZE, 4), np.uint8)
    for start, colour in columns:
        tile[:, start:] = colour
    return tile


PARTIAL = bands((0, (220, 30, 30, 255)), (88, (30, 200, 30, 128)), (168, (0, 0, 0, 0)))
EMPTY = np.zeros((SIZE, SIZE, 4), np.uint8)
OPAQUE_A = bands((0, (20, 40, 200, 255)), (128, (200, 200, 40, 255)))
OPAQUE_B = bands((0, (40, 160, 60, 255)))


def scenario(fmt: str):
    """(source tiles, target tiles) as {(row, col): bytes}. JPEG holds opaque tiles only."""
    if fmt == "JPEG":
        a, b = encode(OPAQUE_A, "jpg"), encode(OPAQUE_B, "jpg")
        return {(2, 2): b, (2, 3): a, (3, 2): a}, {(2, 2): a, (3, 2): b, (3, 3): b}
    kind = {"PNG32": "png", "PNG8": "png8", "MIXED": "png"}[fmt]
    target_kind = "jpg" if fmt == "MIXED" else kind
    source = {(2, 2): encode(PARTIAL, kind), (2, 3): encode(PARTIAL, kind), (3, 2): encode(EMPTY, kind)}
    if fmt == "MIXED":
        source[(3, 3)] = encode(OPAQUE_A, "jpg")
    target = {(2, 2): encode(OPAQUE_A, target_kind), (3, 2): encode(OPAQUE_B, target_kind),
              (3, 3): encode(OPAQUE_B, target_kind)}
    return source, target


def build(tmp_path, fmt):
    scheme = make_scheme("COMPACT_V2", fmt, levels=range(LEVEL + 1))
    source, target = scenario(fmt)
    src = write_cache(tmp_path / "src" / "Layers", scheme, {(LEVEL, r, c): d for (r, c), d in source.items()})
    tgt = write_cache(tmp_path / "svc" / "Layers", scheme, {(LEVEL, r, c): d for (r, c), d in target.items()},
                      extent=None)
    (tgt / "conf.cdi").unlink(missing_ok=True)
    return scheme, source, target, src, tgt


def area_polygon(scheme):
    lod = next(lod for lod in scheme.lods if lod.level == LEVEL)
    res = lod.resolution
    return shapely.Polygon([(scheme.origin_x + x * res, scheme.origin_y - y * res) for x, y in AREA_PIXELS])


def centre_mask(scheme, polygon, row, col) -> np.ndarray:
    res = next(lod for lod in scheme.lods if lod.level == LEVEL).resolution
    px = col * SIZE + np.arange(SIZE) + 0.5
    py = row * SIZE + np.arange(SIZE) + 0.5
    xs, ys = np.meshgrid(scheme.origin_x + px * res, scheme.origin_y - py * res)
    return shapely.contains_xy(polygon, xs, ys)


def expected_pixels(src, tgt, mask, overwrite):
    """Source-over (MERGE) or replace (OVERWRITE) inside mask; None where nothing should be written."""
    inside = mask[..., None]
    if tgt is None:
        out = np.where(inside, src, 0.0)
        return None if not out[..., 3].any() else out
    if overwrite:
        return np.where(inside, src, tgt)
    sa = src[..., 3:] / 255 * inside
    ta = tgt[..., 3:] / 255
    oa = sa + ta * (1 - sa)
    rgb = (src[..., :3] * sa + tgt[..., :3] * ta * (1 - sa)) / np.maximum(oa, 1e-12)
    return np.where(oa > 0, np.concatenate([rgb, oa * 255], axis=2), tgt)


def assert_close(actual_bytes, expected, fmt):
    actual = decode(actual_bytes)
    opaque = expected[..., 3].min() == 255
    if fmt == "JPEG" or (fmt == "MIXED" and opaque):
        assert actual_bytes[:3] == b"\xff\xd8\xff"
        alpha = expected[..., 3:] / 255
        rgb = expected[..., :3] * alpha + 255 * (1 - alpha)          # JPEG has no alpha: white behind
        error = np.abs(actual[..., :3] - rgb)
        assert error.mean() < 3 and np.percentile(error, 99) < 40
        return
    assert actual_bytes[:8] == b"\x89PNG\r\n\x1a\n"
    visible = expected[..., 3] > 0
    assert np.abs(actual[..., 3] - expected[..., 3]).max() <= 1
    assert np.abs(actual[..., :3] - expected[..., :3])[visible].max() <= 1


@pytest.mark.parametrize("use_area", [False, True], ids=["whole", "area"])
@pytest.mark.parametrize("overwrite", [False, True], ids=["merge", "overwrite"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_modes_and_formats(tmp_path, fmt, overwrite, use_area):
    scheme, source, target, src, tgt = build(tmp_path, fmt)
    polygon = area_polygon(scheme) if use_area else None
    result = import_cache(ImportRequest(tgt, src, SourceType.CACHE_DATASET, workers=1, overwrite=overwrite,
                                        area_of_interest=shapely.to_wkb(polygon) if use_area else None))
    with open_cache(tgt) as cache:
        for row, col in sorted(set(source) | set(target)):
            actual = cache.storage.get_tile(LEVEL, row, col)
            if (row, col) not in source:
                assert actual == target[(row, col)], "a tile the source lacks is never touched"
                continue
            src_px = decode(source[(row, col)])
            tgt_px = decode(target[(row, col)]) if (row, col) in target else None
            mask = centre_mask(scheme, polygon, row, col) if use_area else np.ones((SIZE, SIZE), bool)
            whole = mask.all()
            if whole and (overwrite or tgt_px is None or src_px[..., 3].min() == 255):
                assert actual == source[(row, col)], "taken whole without pixel changes: copied byte for byte"
                continue
            expected = expected_pixels(src_px, tgt_px, mask, overwrite)
            if expected is None or (tgt_px is not None and np.abs(expected - tgt_px).max() < 0.5):
                assert actual == target.get((row, col)), "nothing to change: target left as it was"
                continue
            assert_close(actual, expected, fmt)
    assert result.written == result.copied_raw + result.blended + result.clipped
    assert result.tiles == len(source)
    assert result.written + result.skipped_empty + result.skipped_outside == len(source)


def test_merge_counts_png32(tmp_path):
    _scheme, _source, _target, src, tgt = build(tmp_path, "PNG32")
    result = import_cache(ImportRequest(tgt, src, SourceType.CACHE_DATASET, workers=1))
    level = next(level for level in result.levels if level.level == LEVEL)
    # (2,2) blended over its target, (2,3) has no target: raw, (3,2) is transparent over a target: unchanged.
    assert (level.blended, level.copied_raw, level.skipped_empty, level.written) == (1, 1, 1, 2)
    assert level.bundles == 1 and level.tiles == 3


def test_mixed_result_format_follows_opacity(tmp_path):
    """MIXED stores JPEG when the result is opaque, PNG where it keeps transparency."""
    scheme, _source, _target, src, tgt = build(tmp_path, "MIXED")
    polygon = area_polygon(scheme)
    import_cache(ImportRequest(tgt, src, SourceType.CACHE_DATASET, workers=1,
                               area_of_interest=shapely.to_wkb(polygon)))
    with open_cache(tgt) as cache:
        assert cache.storage.get_tile(LEVEL, 2, 2)[:3] == b"\xff\xd8\xff"   # merged over an opaque target
        assert cache.storage.get_tile(LEVEL, 2, 3)[:4] == b"\x89PNG"         # clipped, no target: transparent


def test_mixed_exploded_file_extensions(tmp_path):
    """Exploded MIXED: a merged result that became opaque is stored as .jpg and its old .png goes away."""
    scheme = make_scheme("EXPLODED", "MIXED", levels=range(LEVEL + 1))
    source = write_cache(tmp_path / "src" / "Layers", scheme, {(LEVEL, 2, 2): encode(PARTIAL, "png"),
                                                               (LEVEL, 2, 3): encode(OPAQUE_A, "jpg")})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {(LEVEL, 2, 2): encode(OPAQUE_B, "png")},
                         extent=None)
    (target / "conf.cdi").unlink()
    import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    row_folder = target / "_alllayers" / f"L{LEVEL:02d}" / "R00000002"
    assert sorted(path.name for path in row_folder.iterdir()) == ["C00000002.jpg", "C00000003.jpg"]
