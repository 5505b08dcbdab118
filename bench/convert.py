"""Converting a cache's storage in place, against ``cp -r`` of the result (issue 19's target: each
direction of V2 → exploded → V2 at most 2× ``cp -r``); not yet part of ``make bench``:

    .venv/bin/python bench/convert.py [--tiles 130000] [--workers 2] [--dir /tmp]

Tiles are the harness's (PNG noise of a few KB, 256 px); each time is the best of ``--rounds`` runs, the page
cache warm, every run ending with os.sync() (the conversion's own fsyncs are part of its cost).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "build" / "plugins"), str(REPO / "tests" / "core"), str(REPO / "bench")]

from cachebuilders import make_scheme, write_cache  # noqa: E402
from harness import TILE, grid_tiles, tile_pool  # noqa: E402

from map_server_cache.core.execution.convert import ConvertRequest, convert_storage  # noqa: E402
from map_server_cache.core.scheme import StorageFormat  # noqa: E402

LEVEL = 12


def synced(function, *args):
    """Seconds of ``function(*args)`` and of the os.sync() of what it left dirty, and its value."""
    os.sync()
    started = time.perf_counter()
    value = function(*args)
    os.sync()
    return time.perf_counter() - started, value


def copy_tree(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-r", str(source), str(target)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=130_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="map_server_cache_convert_", dir=args.dir) as temp:
        work = Path(temp)
        scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(LEVEL + 1), tile_size=TILE)
        tiles = grid_tiles(LEVEL, args.tiles, tile_pool(64, False, 0))
        folder = write_cache(work / "svc" / "Layers", scheme, tiles)
        del tiles
        print("| direction | tiles | convert s | cp -r of the result s | ratio |\n|---|---|---|---|---|")
        for target in ("EXPLODED", "COMPACT_V2") * args.rounds:
            request = ConvertRequest(folder, StorageFormat[target], args.workers)
            seconds, result = synced(convert_storage, request)
            copying, _ = synced(copy_tree, folder / "_alllayers", work / "copy")
            print(f"| → {target} | {result.imported.written} | {seconds:.2f} | {copying:.2f} | "
                  f"{seconds / copying:.2f} |", flush=True)


if __name__ == "__main__":
    main()
