"""Issue 18's drawing benchmark: Manage Map Server Cache Tiles against QGIS's own XYZ tiles algorithm, the
same realistic map (drawmap.py), the same tiles (ArcGIS Online grid = XYZ zooms), PNG, 96 DPI, 2 threads each,
both through processing.run in one QGIS process.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/draw.py [--zooms 14 16]

Prints the tile counts, seconds and tiles/s of each and the ratio ours / theirs.
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
                str(REPO / "tests" / "processing"), str(REPO / "bench")]
THREADS = 2


def bench_draw(root: Path, zooms: range, executor: str) -> dict:
    """Draw the map's tiles on ``zooms`` both ways (ours on ``executor``); returns counts and seconds."""
    import processing
    from drawmap import EXTENT, make_realistic_map
    from drawmaps import make_cache
    from processing.core.ProcessingConfig import ProcessingConfig
    from qgis.core import Qgis, QgsProject

    from map_server_cache.algorithms import manage_map_server_cache_tiles

    project_path = make_realistic_map(root / "map")
    folder, _scheme = make_cache(root / "ours", "COMPACT_V2", "PNG", levels=zooms, extent=EXTENT)
    manage_map_server_cache_tiles.EXECUTOR = executor
    started = time.perf_counter()
    ours = processing.run("mapservercache:managemapservercachetiles", {
        "input_service": str(folder), "in_map": str(project_path), "update_mode": "RECREATE_ALL_TILES",
        "num_of_caching_service_instances": THREADS, "report": None})
    our_seconds = time.perf_counter() - started

    project = QgsProject.instance()
    project.read(str(project_path))
    ProcessingConfig.setSettingValue(ProcessingConfig.MAX_THREADS, THREADS)
    algorithm = "native:tilesxyzdirectory" if Qgis.QGIS_VERSION_INT >= 32600 else "qgis:tilesxyzdirectory"
    xmin, ymin, xmax, ymax = EXTENT
    output = root / "xyz"
    started = time.perf_counter()
    processing.run(algorithm, {
        "EXTENT": f"{xmin},{xmax},{ymin},{ymax} [EPSG:3857]", "ZOOM_MIN": zooms[0], "ZOOM_MAX": zooms[-1],
        "DPI": 96, "TILE_FORMAT": 0, "QUALITY": 75, "METATILESIZE": 4, "TILE_WIDTH": 256, "TILE_HEIGHT": 256,
        "TMS_CONVENTION": False, "OUTPUT_DIRECTORY": str(output)})
    their_seconds = time.perf_counter() - started
    project.clear()
    their_tiles = sum(1 for _ in output.rglob("*.png"))
    return {"qgis": Qgis.QGIS_VERSION, "algorithm": algorithm, "zooms": f"{zooms[0]}-{zooms[-1]}",
            "our_tiles": ours["drawn"] + ours["empty"], "our_drawn": ours["drawn"],
            "our_seconds": our_seconds,
            "their_tiles": their_tiles, "their_seconds": their_seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zooms", type=int, nargs=2, default=[14, 16])
    parser.add_argument("--executor", choices=("threads", "processes"), default=None,
                        help="ours on threads or processes (default: the algorithm's choice)")
    arguments = parser.parse_args()
    from map_server_cache.drawing.renderer import ensure_qgis

    ensure_qgis()
    from qgis.core import QgsApplication

    sys.path.append(str(Path(QgsApplication.pkgDataPath()) / "python" / "plugins"))
    from processing.core.Processing import Processing

    from map_server_cache import classFactory

    Processing.initialize()
    plugin = classFactory(None)
    plugin.initProcessing()
    root = Path(tempfile.mkdtemp(prefix="draw-bench-"))
    try:
        from map_server_cache.algorithms.manage_map_server_cache_tiles import EXECUTOR

        figures = bench_draw(root, range(arguments.zooms[0], arguments.zooms[1] + 1),
                             arguments.executor or EXECUTOR)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        plugin.unload()
    ours = figures["our_tiles"] / figures["our_seconds"]
    theirs = figures["their_tiles"] / figures["their_seconds"]
    print(f"QGIS {figures['qgis']}, zooms {figures['zooms']}, {THREADS} workers each "
          f"(ours on {arguments.executor or 'the default executor'})")
    print(f"ours:   {figures['our_tiles']} tiles ({figures['our_drawn']} stored) in "
          f"{figures['our_seconds']:.1f} s = {ours:.1f} tiles/s")
    print(f"theirs: {figures['their_tiles']} tiles ({figures['algorithm']}) in "
          f"{figures['their_seconds']:.1f} s = {theirs:.1f} tiles/s")
    print(f"ours / theirs (time per tile): {theirs / ours:.2f}x")


if __name__ == "__main__":
    main()
