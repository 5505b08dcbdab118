"""Error budget: damaged tiles are counted per level and never written; the reported number of written tiles
is exactly the number of tiles that changed in the target (checked by diffing snapshots before and after).

Damaged source tiles: bytes with no image signature (as in Esri's own sample .tpkx), garbage, and — where
pixels must change (MERGE of a semi-transparent tile, clipping to an area) — a PNG cut short after its header.
"""

from __future__ import annotations

import crashkit
import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from osgeo import ogr

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.scheme import Extent

WORLD = Extent(-20037508.342787, -20037508.342787, 20037508.342787, 20037508.342787)
COUNTERS = ("copied_raw", "blended", "clipped", "skipped_empty", "damaged", "skipped_outside")


def damaged_kinds() -> dict:
    good = png_tile((10, 20, 30, 128))
    return {"no signature": good[4:], "garbage": b"not an image at all", "truncated": good[:60]}


def budget_case(folder, storage: str):
    """Per level: good opaque and semi-transparent tiles, damaged ones; over existing and absent bundles."""
    scheme = make_scheme(storage, "PNG", levels=range(10))
    old = {(level, r, c): png_tile((level, r, c, 255))
           for level in (8, 9) for r in range(6) for c in range(6)}
    source, damaged = {}, {8: set(), 9: set()}
    kinds = list(damaged_kinds().values())
    for level in (8, 9):
        cells = [(r, c) for r in range(3, 10) for c in range(3, 10)] + [(r, 130 + r) for r in range(5)]
        for i, (r, c) in enumerate(cells):
            if i % 7 == 3:
                source[(level, r, c)] = kinds[i % 3]
                damaged[level].add((level, r, c))
            else:
                source[(level, r, c)] = png_tile((r * 20 % 256, c * 20 % 256, level, 255 if i % 2 else 140))
    target = write_cache(folder / "target" / "Layers", scheme, old, extent=WORLD)
    return target, write_cache(folder / "source" / "Layers", scheme, source), source, damaged


def import_and_diff(target, source, **options):
    before = crashkit.read_tiles(target)
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, **options))
    after = crashkit.read_tiles(target)
    changed = {tile for tile in set(before) | set(after) if before.get(tile) != after.get(tile)}
    return result, before, after, changed


@pytest.mark.parametrize(("storage", "overwrite", "workers"), [("COMPACT_V2", True, 1), ("COMPACT", False, 2),
                                                               ("EXPLODED", False, 1)])
def test_damaged_counted_and_written_is_what_changed(tmp_path, storage, overwrite, workers):
    target, source, tiles, damaged = budget_case(tmp_path, storage)
    result, before, after, changed = import_and_diff(target, source, overwrite=overwrite, workers=workers)
    assert result.written == len(changed) and changed, (result.written, len(changed))
    by_level = {level.level: level for level in result.levels}
    for level, bad in damaged.items():
        counts = by_level[level]
        # A PNG cut short keeps its signature: copied whole, nothing decodes it, so it is damaged only where
        # its pixels are needed (MERGE over an existing tile: it is semi-transparent by its header).
        needs_pixels = {tile for tile in bad if tiles[tile][:8] == b"\x89PNG\r\n\x1a\n"
                        and not overwrite and tile in before}
        refused = {tile for tile in bad if tiles[tile][:8] != b"\x89PNG\r\n\x1a\n"} | needs_pixels
        assert counts.damaged == len(refused), (level, counts)
        assert all(after.get(tile) == before.get(tile) for tile in refused), "a damaged tile was written"
        assert sum(getattr(counts, name) for name in COUNTERS) == counts.tiles == sum(
            1 for tile in tiles if tile[0] == level)
        assert counts.written == counts.copied_raw + counts.blended + counts.clipped
    assert result.damaged == sum(level.damaged for level in result.levels) > 0


def test_damaged_counted_where_pixels_are_clipped(tmp_path):
    """An area of interest cutting through tiles: each damaged tile on its edge is counted, never written."""
    target, source, tiles, damaged = budget_case(tmp_path, "COMPACT_V2")
    x = -20037508.342787 + 156543.03392800014 / 2 ** 9 * 256 * 6.5   # through column 6 of level 9
    y = 20037508.342787 - 156543.03392800014 / 2 ** 9 * 256 * 6.5
    area = ogr.CreateGeometryFromWkt(f"POLYGON(({x - 1e6} {y}, {x} {y}, {x} {y + 1e6}, {x - 1e6} {y + 1e6}, "
                                     f"{x - 1e6} {y}))")
    wkb = bytes(area.ExportToWkb())
    result, before, after, changed = import_and_diff(target, source, area_of_interest=wkb, workers=1)
    assert result.written == len(changed)
    level = next(level for level in result.levels if level.level == 9)
    assert level.clipped > 0 and level.damaged > 0
    assert sum(getattr(level, name) for name in COUNTERS) == sum(1 for tile in tiles if tile[0] == 9)
    assert all(after.get(tile) == before.get(tile) for tile in damaged[9])
