"""Threads or processes for Manage Map Server Cache Tiles' num_of_caching_service_instances = 2: the same
realistic map (drawmap.py) drawn into the same empty cache with each executor, twice each, alternating.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/draw_executors.py [--levels 13 14 15] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "build" / "plugins"), str(REPO / "tests" / "core"),
                str(REPO / "tests" / "processing")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    from map_server_cache.drawing.renderer import ensure_qgis

    ensure_qgis()
    from drawmap import EXTENT, make_realistic_map
    from drawmaps import make_cache

    from map_server_cache.algorithms.manage_map_server_cache_tiles import DRAWER
    from map_server_cache.core.execution.manage import ManageRequest, manage_tiles

    root = Path(tempfile.mkdtemp(prefix="draw-bench-"))
    try:
        project = make_realistic_map(root / "map")
        for round_ in range(arguments.rounds):
            for executor in ("threads", "processes"):
                folder, _scheme = make_cache(root / f"{executor}{round_}", "COMPACT_V2", "PNG",
                                             levels=arguments.levels, extent=EXTENT)
                started = time.perf_counter()
                result = manage_tiles(ManageRequest(folder, workers=arguments.workers, project=str(project),
                                                    drawer=DRAWER, executor=executor))
                seconds = time.perf_counter() - started
                print(f"{executor:9s} round {round_}: {result.tiles} tiles ({result.drawn} drawn, "
                      f"{result.empty} empty) in {seconds:.2f} s = {result.tiles / seconds:.1f} tiles/s",
                      flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
