"""Two imports into one service at once (two processes, overlapping bundles): both finish, nothing lost.

How "one of the two serial orders" is checked: the bundle lock serialises writers bundle by bundle, not
import by import, so import A may go first in one bundle and B first in another. The result must therefore
equal, for each bundle on its own, that bundle as "A then B" or as "B then A" left it (all its tiles at
once). Both imports MERGE semi-transparent tiles over the same tiles of a shared bundle, so the two orders
differ there and a lost update (a tile composed over a stale target) matches neither. conf.cdi must hold
what both imports added.
"""

from __future__ import annotations

from pathlib import Path

import crashkit
import pytest
from cachebuilders import make_scheme, png_tile, write_cache

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats.conf import read_conf_cdi
from map_server_cache.core.scheme import Extent

WORLD = (-20037508.342787, -20037508.342787, 20037508.342787, 20037508.342787)


def sources_and_target(folder: Path) -> tuple[Path, Path, Path]:
    """Target with tiles in the shared bundle (L9 R0 C0); A adds a bundle east, B one south."""
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(10))
    cells = [(r, c) for r in range(20) for c in range(20)]
    colours = {name: png_tile(colour) for name, colour in (("old", (0, 0, 255, 255)), ("a", (255, 0, 0, 120)),
                                                           ("b", (0, 255, 0, 120)))}
    old = {(9, r, c): colours["old"] for r, c in cells[:200]}
    a = {(9, r, c): colours["a"] for r, c in cells[80:]}
    a.update({(9, r, c): colours["a"] for r in range(10) for c in range(140, 150)})
    b = {(9, r, c): colours["b"] for r, c in cells[150:] + cells[:40]}
    b.update({(9, r, c): colours["b"] for r in range(140, 150) for c in range(10)})
    target = write_cache(folder / "target" / "Layers", scheme, old)
    return (target, write_cache(folder / "a" / "Layers", scheme, a),
            write_cache(folder / "b" / "Layers", scheme, b))


def serial(target: Path, first: Path, second: Path, into: Path) -> tuple[dict, Extent]:
    copy = crashkit.copy_cache(target, into)
    for source in (first, second):
        import_cache(ImportRequest(copy, source, SourceType.CACHE_DATASET, extent=Extent(*WORLD), workers=1))
    return crashkit.read_tiles(copy), read_conf_cdi(copy / "conf.cdi")


def by_bundle(tiles: dict) -> dict:
    bundles: dict = {}
    for tile, data in tiles.items():
        bundles.setdefault(crashkit.bundle_of(tile), {})[tile] = data
    return bundles


def run_concurrently(tmp_path: Path, rounds: int) -> tuple[int, list, Extent]:
    """Check the tiles of each round; return in how many rounds the two imports' work overlapped in time,
    the conf.cdi extent of each round and the serial orders' one."""
    target, a, b = sources_and_target(tmp_path / "case")
    ab, extent_ab = serial(target, a, b, tmp_path / "ab" / "Layers")
    ba, extent_ba = serial(target, b, a, tmp_path / "ba" / "Layers")
    assert extent_ab == extent_ba
    orders = (by_bundle(ab), by_bundle(ba))
    assert orders[0] != orders[1], "the case must make the two orders differ"
    overlapped, extents = 0, []
    for attempt in range(rounds):
        folder = crashkit.copy_cache(target, tmp_path / f"round{attempt}" / "Layers")
        children = [crashkit.start_import(crashkit.ImportSpec(str(folder), str(source), overwrite=False,
                                                              workers=workers, extent=WORLD))
                    for source, workers in ((a, 1), (b, 1))]
        spans = []
        for child in children:
            code, details, err = crashkit.finish(child)
            assert code == 0 and details["outcome"] == "DONE", err
            spans.append((details["started"], details["ended"]))
        overlapped += max(start for start, _ in spans) < min(end for _, end in spans)
        tiles = by_bundle(crashkit.read_tiles(folder))
        for bundle in set(tiles) | set(orders[0]):
            if tiles.get(bundle) not in (orders[0].get(bundle), orders[1].get(bundle)):
                pytest.fail(f"round {attempt}: bundle {bundle} matches neither serial order (lost update)")
        crashkit.check_peers(folder, crashkit.read_tiles(folder))
        extents.append(read_conf_cdi(folder / "conf.cdi"))
    return overlapped, extents, extent_ab


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    return run_concurrently(tmp_path_factory.mktemp("concurrent"), rounds=2)


def test_two_imports_at_once_equal_a_serial_order(quick_run):
    assert quick_run[0] >= 1, "the two imports never ran at the same time"


def test_two_imports_at_once_keep_both_extents(quick_run):
    """conf.cdi grows by both imports (each read-modify-writes it: a stale read would drop the other's)."""
    _, extents, serial_extent = quick_run
    assert all(extent == serial_extent for extent in extents), (extents, serial_extent)


@pytest.mark.stress
def test_two_imports_at_once_stress(tmp_path):
    overlapped, extents, serial_extent = run_concurrently(tmp_path, rounds=12)
    assert overlapped >= 8
    assert all(extent == serial_extent for extent in extents)
