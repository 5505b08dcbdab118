"""Converting a cache's storage in place, against ``cp -r`` of the result (issue 19's target: each
direction of V2 → exploded → V2 at most 2× ``cp -r``); a section of ``make bench``, or alone:

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


def bench_convert(work: Path, tiles: int = 130_000, workers: int = 2, rounds: int = 2) -> dict:
    """V2 → exploded → V2 ``rounds`` times in ``work``/convert; each direction's seconds and cp -r's."""
    work = work / "convert"
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(LEVEL + 1), tile_size=TILE)
    generated = grid_tiles(LEVEL, tiles, tile_pool(64, False, 0))
    folder = write_cache(work / "svc" / "Layers", scheme, generated)
    del generated
    rows = []
    for target in ("EXPLODED", "COMPACT_V2") * rounds:
        seconds, result = synced(convert_storage, ConvertRequest(folder, StorageFormat[target], workers))
        copying, _ = synced(copy_tree, folder / "_alllayers", work / "copy")
        rows.append((target, result.imported.written, seconds, copying))
        print(f"convert → {target}: {seconds:.2f} s, cp -r {copying:.2f} s", flush=True)
    shutil.rmtree(work)
    return {"tiles": tiles, "workers": workers, "rows": rows}


def main() -> None:
    from draw_report import convert_section

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=130_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="map_server_cache_convert_", dir=args.dir) as temp:
        figures = bench_convert(Path(temp), args.tiles, args.workers, args.rounds)
    print("\n".join(convert_section(figures)))


if __name__ == "__main__":
    main()
