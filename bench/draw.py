"""Issue 18's drawing benchmark, a section of ``make bench``: Manage Map Server Cache Tiles against QGIS's
own XYZ tiles algorithm, the same realistic map (drawmap.py), the same tiles (ArcGIS Online grid = XYZ zooms),
PNG, 96 DPI, 2 workers each, both through processing.run in one QGIS process; then our peak memory as the
tiles ×4.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/draw.py [--zooms 14 16] [--theirs-first] [--ours-only]

run alone prints the figures of one run (the last line as JSON); ``bench_draw`` (run_bench.py) runs it in
fresh processes: ``ROUNDS`` comparisons (the order alternating) and one run of ours alone per MEMORY_ZOOMS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "build" / "plugins"), str(REPO / "tests" / "core"),
                str(REPO / "tests" / "processing"), str(REPO / "bench")]
THREADS = 2
ZOOMS = (14, 16)                   # 6 532 tiles of the map's extent
MEMORY_ZOOMS = (15, 16)            # 1 302 and 5 180 tiles: N and 4N
ROUNDS = 2


def draw_ours(root: Path, project_path: Path, zooms: range) -> tuple[dict, float]:
    """Manage Map Server Cache Tiles (RECREATE_ALL_TILES) into a new compact V2 PNG cache."""
    import processing
    from drawmap import EXTENT
    from drawmaps import make_cache

    folder, _scheme = make_cache(root / "ours", "COMPACT_V2", "PNG", levels=zooms, extent=EXTENT)
    started = time.perf_counter()
    ours = processing.run("mapservercache:managemapservercachetiles", {
        "input_service": str(folder), "in_map": str(project_path), "update_mode": "RECREATE_ALL_TILES",
        "num_of_caching_service_instances": THREADS, "report": None})
    return ours, time.perf_counter() - started


def draw_theirs(root: Path, project_path: Path, zooms: range) -> tuple[str, int, float]:
    """QGIS's XYZ tiles (directory) with its defaults (PNG, quality 75, metatiles of 4×4)."""
    import processing
    from drawmap import EXTENT
    from processing.core.ProcessingConfig import ProcessingConfig
    from qgis.core import Qgis, QgsProject

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
    seconds = time.perf_counter() - started
    project.clear()
    return algorithm, sum(1 for _ in output.rglob("*.png")), seconds


def ratio(figures: dict) -> float:
    """Our time per tile over theirs."""
    ours = figures["our_seconds"] / figures["our_tiles"]
    return ours / (figures["their_seconds"] / figures["their_tiles"])


def megabytes(folder: Path) -> float:
    return sum(file.stat().st_size for file in folder.rglob("*") if file.is_file()) / 1e6


def run(root: Path, zooms: range, theirs_first: bool, ours_only: bool) -> dict:
    """One run in this process: ours (and theirs, in the order asked); counts, seconds, bytes, peak memory."""
    from drawmap import make_realistic_map
    from qgis.core import Qgis

    project_path = make_realistic_map(root / "map")
    figures: dict = {"qgis": Qgis.QGIS_VERSION, "zooms": f"{zooms[0]}-{zooms[-1]}"}
    steps = ["ours"] if ours_only else ["theirs", "ours"] if theirs_first else ["ours", "theirs"]
    for step in steps:
        if step == "ours":
            ours, seconds = draw_ours(root, project_path, zooms)
            figures.update(our_tiles=ours["drawn"] + ours["empty"], our_drawn=ours["drawn"],
                           our_seconds=seconds, our_mb=megabytes(root / "ours"))
        else:
            algorithm, tiles, seconds = draw_theirs(root, project_path, zooms)
            figures.update(algorithm=algorithm, their_tiles=tiles, their_seconds=seconds,
                           their_mb=megabytes(root / "xyz"))
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM"))
    figures.update(main_kb=int(hwm.split()[1]),
                   workers_kb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, order=steps)
    return figures


def child(zooms: tuple[int, int], *options: str) -> dict:
    """bench/draw.py in a fresh process (QGIS started there); its figures and the load around it."""
    load = os.getloadavg()[0]
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    output = subprocess.run([sys.executable, __file__, "--zooms", *map(str, zooms), *options], check=True,
                            capture_output=True, text=True, env=environment)
    figures = json.loads(output.stdout.strip().splitlines()[-1])
    return {**figures, "load": (load, os.getloadavg()[0])}


def bench_draw(rounds: int = ROUNDS) -> dict:
    """``rounds`` comparisons (ours first, then theirs first, ...) and our peak memory at N and 4N tiles."""
    compared = [child(ZOOMS, *(["--theirs-first"] if round_ % 2 else [])) for round_ in range(rounds)]
    memory = [child((zoom, zoom), "--ours-only") for zoom in MEMORY_ZOOMS]
    return {"rounds": compared, "memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zooms", type=int, nargs=2, default=list(ZOOMS))
    parser.add_argument("--theirs-first", action="store_true", help="run QGIS's algorithm before ours")
    parser.add_argument("--ours-only", action="store_true", help="ours alone (for its peak memory)")
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
        figures = run(root, range(arguments.zooms[0], arguments.zooms[1] + 1), arguments.theirs_first,
                      arguments.ours_only)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        plugin.unload()
    print(f"QGIS {figures['qgis']}, zooms {figures['zooms']}, {THREADS} workers each, "
          f"order {figures['order']}")
    print(f"ours:   {figures['our_tiles']} tiles ({figures['our_drawn']} stored, {figures['our_mb']:.1f} MB) "
          f"in {figures['our_seconds']:.1f} s; peak MB: main {figures['main_kb'] / 1024:.0f}, largest worker "
          f"{figures['workers_kb'] / 1024:.0f}")
    if not arguments.ours_only:
        print(f"theirs: {figures['their_tiles']} tiles ({figures['algorithm']}, {figures['their_mb']:.1f} "
              f"MB) in {figures['their_seconds']:.1f} s; ours / theirs per tile: {ratio(figures):.2f}x")
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
