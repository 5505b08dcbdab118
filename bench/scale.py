"""Scale section of ``make bench``: imports of about 130 000 and 1 000 000 tiles read from disk, against
``cp -r`` of the same bundles, through the engine and through ``processing.run`` in a fresh QGIS process;
an area-of-interest import over the large region; the fixed cost of an import; peak memory of every process.

Cold runs start after ``sync`` and dropping the page cache (needs root; without it they are marked warm and
the report says so); warm runs after reading the source once. Every engine run and every QGIS run is its own
process, so that its peak memory (VmHWM) is its own. The engine child is this file run as a script:

    python bench/scale.py engine '{"source": ..., "target": ..., "area": "<file of WKB>"}'
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGINS = REPO / "build" / "plugins"
QGIS_PROCESS = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
ALGORITHM_ID = "mapservercache:importmapservercache"
TRIVIAL_ALGORITHM = ["native:creategrid", "--", "TYPE=0", "EXTENT=0,1,0,1", "HSPACING=1", "VSPACING=1",
                     "CRS=EPSG:3857"]
POLYGON_VERTICES = 20_000


# ------------------------------------------------------------------------------------ page cache

def can_drop_caches() -> bool:
    return os.geteuid() == 0 and os.access("/proc/sys/vm/drop_caches", os.W_OK)


def drop_caches() -> None:
    """Write back dirty pages, then drop the page cache: the next reads come from the disk."""
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as control:
        control.write("3\n")


def read_through(folder: Path) -> None:
    """Read every file under ``folder`` once, so that it is in the page cache."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as file:
                while file.read(16 * 1024 * 1024):
                    pass


def prepare(source: Path, cold: bool) -> None:
    os.sync()
    if cold:
        drop_caches()
    else:
        read_through(source / "_alllayers")


# ------------------------------------------------------------------------------------ children

def engine_child(job: dict) -> None:
    """In a fresh process: import the engine, say "ready", wait for the parent's go, time one import_cache."""
    sys.path.insert(0, str(PLUGINS))
    from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache

    area = Path(job["area"]).read_bytes() if job.get("area") else None
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    result = import_cache(ImportRequest(Path(job["target"]), Path(job["source"]), SourceType.CACHE_DATASET,
                                        workers=2, area_of_interest=area))
    seconds = time.perf_counter() - started
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(json.dumps(dict(seconds=seconds, written=result.written, clipped=result.clipped,
                          copied_raw=result.copied_raw, peak_kb=peak,
                          workers_kb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)))


def child_env(work: Path) -> dict:
    """Children compile the plugin's modules once into a cache under ``work``, as an installed plugin has
    them compiled (``make`` exports PYTHONDONTWRITEBYTECODE: each process and worker would compile them)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def run_engine(source: Path, work: Path, caches: dict, cold: bool, area: Path | None = None) -> dict:
    """One import_cache in a fresh process into a fresh target; ``area``: a file holding the area of
    interest's WKB. The child imports the engine first and waits while the target is made and the page cache
    prepared, so that the run starts right after, as ``cp`` does: on this VM, memory freed a while before a
    run (the previous target) costs more to use again than memory freed just before."""
    job = dict(source=str(source), target=str(work / "target" / "Layers"), area=str(area) if area else None)
    child = subprocess.Popen([sys.executable, __file__, "engine", json.dumps(job)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(work))
    try:
        if child.stdout is None or child.stdout.readline().strip() != "ready":
            raise RuntimeError(f"engine child: {child.communicate()[1][-2000:]}")
        fresh_target(work, caches)
        prepare(source, cold)
        out, err = child.communicate("go\n")
    finally:
        if child.poll() is None:
            child.kill()
    if child.returncode:
        raise RuntimeError(f"engine child: {err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def run_qgis(jobs: list, env: dict) -> dict:
    """A fresh QGIS process running ``jobs`` through processing.run; adds its wall time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "bench" / "processing_child.py"), json.dumps(jobs)],
                          check=True, capture_output=True, text=True, env=env)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    return figures


def run_cp(source: Path, target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["cp", "-r", str(source / "_alllayers" / "L10"), str(target / "_alllayers")], check=True)
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------ data

def make_caches(work: Path) -> dict:
    """Sources of 131 072 and 1 048 576 tiles and of one tile, and an empty target, all on one scheme."""
    sys.path[:0] = [str(PLUGINS), str(REPO / "tests" / "core")]
    from cachebuilders import make_scheme, write_cache
    from scale_data import LEVEL, bundle_grid, full_bundle_bytes, small_png_pool, write_full_bundles

    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(LEVEL + 1), tile_size=256)
    pool = small_png_pool(64)
    bundle = full_bundle_bytes(pool)
    caches = {"scheme": scheme, "template": write_cache(work / "template" / "Layers", scheme, {})}
    for name, (rows, cols) in {"small": (2, 4), "large": (8, 8)}.items():
        layers = write_cache(work / name / "Layers", scheme, {})
        caches[f"{name}_tiles"] = write_full_bundles(layers, bundle_grid(rows, cols), bundle)
        caches[name] = layers
    caches["one"] = write_cache(work / "one" / "Layers", scheme, {(LEVEL, 0, 0): pool[0]})
    caches["bytes"] = sum(path.stat().st_size for path in (work / "large").rglob("*.bundle"))
    os.sync()
    return caches


def fresh_target(work: Path, caches: dict, name: str = "target") -> Path:
    folder = work / name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(caches["template"].parent, folder)
    return folder / "Layers"


def polygon_wkb(scheme, level: int, vertices: int = POLYGON_VERTICES) -> bytes:
    """A wavy disc amid the 1 024 × 1 024 tiles of ``level``: radius 320 tiles, ±2 tiles of waves (about
    2 500 tiles on its edge: clipping them is Pillow work, a radius of 470 took twice as long)."""
    from osgeo import ogr

    lod = next(lod for lod in scheme.lods if lod.level == level)
    size = lod.resolution * scheme.tile_cols
    centre_x, centre_y = scheme.origin_x + 512 * size, scheme.origin_y - 512 * size
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for i in range(vertices + 1):
        angle = 2 * math.pi * (i % vertices) / vertices
        radius = (320 + 2 * math.sin(angle * 97)) * size
        ring.AddPoint_2D(centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle))
    polygon = ogr.Geometry(ogr.wkbPolygon)
    polygon.AddGeometry(ring)
    return bytes(polygon.ExportToWkb(ogr.wkbNDR))


# ------------------------------------------------------------------------------------ qgis_process

def qgis_process_env(work: Path, enabled: bool) -> dict:
    """A throw-away profile (plugin enabled or not), the plugin on QGIS_PLUGINPATH, offscreen."""
    profile = work / ("profile_on" if enabled else "profile_off")
    ini = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text(f"[PythonPlugins]\nmap_server_cache={'true' if enabled else 'false'}\n")
    return {**child_env(work), "QGIS_CUSTOM_CONFIG_PATH": str(profile), "QGIS_PLUGINPATH": str(PLUGINS),
            "QT_QPA_PLATFORM": "offscreen"}


def timed_process(arguments: list, env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f"{' '.join(arguments[:3])}: {done.stderr[-2000:]}")
    return time.perf_counter() - started


def bench_qgis_process(work: Path, caches: dict, rounds: int) -> dict | None:
    """Wall seconds of qgis_process: a trivial native algorithm (plugin disabled, then enabled) and our import
    of the one-tile source; interleaved, ``rounds`` times each, after one unmeasured round (compiles the
    plugin's modules, fills the page cache)."""
    if QGIS_PROCESS is None:
        return None
    on, off = qgis_process_env(work, True), qgis_process_env(work, False)
    figures: dict = {"bare_off": [], "bare_on": [], "import": []}
    for index in range(rounds + 1):                    # the first round is not kept
        grid = work / f"grid{index}.gpkg"
        times = {"bare_off": timed_process([QGIS_PROCESS, "run", *TRIVIAL_ALGORITHM, f"OUTPUT={grid}"], off),
                 "bare_on": timed_process([QGIS_PROCESS, "run", *TRIVIAL_ALGORITHM, f"OUTPUT={grid}x"], on)}
        target = fresh_target(work, caches, "qp_target")
        times["import"] = timed_process(
            [QGIS_PROCESS, "run", ALGORITHM_ID, "--", f"input_service={target}",
             "source_cache_type=CACHE_DATASET", f"source_cache_dataset={caches['one']}"], on)
        if index:
            for name, seconds in times.items():
                figures[name].append(seconds)
    return figures


# ------------------------------------------------------------------------------------ the section

def bench_scale(work: Path, rounds: int, log=print) -> dict:
    """Every figure of the scale section; lists hold one value per round (interleaved rounds)."""
    cold = can_drop_caches()
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    caches = make_caches(work)
    qgis_env = child_env(work)
    figures: dict = {"cold": cold, "setup": time.perf_counter() - started, "bytes": caches["bytes"],
                     "runs": {}}
    runs = figures["runs"]

    def note(name, value):
        runs.setdefault(name, []).append(value)

    run_qgis([dict(source=str(caches["one"]), target=str(fresh_target(work, caches)))], qgis_env)  # compiles
    for round_ in range(rounds):
        log(f"scale round {round_ + 1}/{rounds}")
        for size in ("small", "large"):
            source = caches[size]
            for temperature in ("cold", "warm"):
                is_cold = temperature == "cold" and cold
                target = fresh_target(work, caches)
                prepare(source, is_cold)
                note(f"cp_{size}_{temperature}", run_cp(source, target))
                note(f"engine_{size}_{temperature}", run_engine(source, work, caches, is_cold))
            target = fresh_target(work, caches)
            prepare(source, cold)
            note(f"qgis_{size}_cold", run_qgis([dict(source=str(source), target=str(target))], qgis_env))
        # a warm QGIS process: two one-tile imports (the fixed cost), then the large one from the page cache
        jobs = [dict(source=str(caches["one"]), target=str(fresh_target(work, caches, f"one{i}")))
                for i in range(2)]
        jobs.append(dict(source=str(caches["large"]), target=str(fresh_target(work, caches))))
        read_through(caches["large"] / "_alllayers")
        note("qgis_warm_process", run_qgis(jobs, qgis_env))
    log("scale: area of interest")
    area = work / "area.wkb"
    area.write_bytes(polygon_wkb(caches["scheme"], 10))
    figures["area"] = run_engine(caches["large"], work, caches, False, area)
    figures["area"]["vertices"] = POLYGON_VERTICES
    log("scale: qgis_process")
    figures["qgis_process"] = bench_qgis_process(work, caches, min(rounds, 2))    # 3 s or more a process
    figures["tiles"] = {"small": caches["small_tiles"], "large": caches["large_tiles"]}
    figures["load"] = (load_before, os.getloadavg())
    figures["seconds"] = time.perf_counter() - started
    return figures


if __name__ == "__main__" and sys.argv[1:2] == ["engine"]:
    engine_child(json.loads(sys.argv[2]))
