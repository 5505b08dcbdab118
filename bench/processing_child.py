"""One fresh QGIS process for the scale benchmark: start QGIS, Processing and the plugin as qgis_process does,
then time ``processing.run`` of the import on each job given, in order, in this one process.

    python bench/processing_child.py '[{"source": ..., "target": ..., "workers": 2}, ...]'

Prints one JSON line: the seconds from interpreter start to QGIS + Processing + plugin ready, each run's own
seconds and written tiles, and this process's peak memory (VmHWM, KB).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "build" / "plugins"), "/usr/share/qgis/python/plugins"]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ALGORITHM_ID = "mapservercache:importmapservercache"


def started_seconds() -> float:
    """Seconds since this process started (from /proc: includes the interpreter's own start)."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/self/stat") as stat:
        start = int(stat.read().rsplit(")", 1)[1].split()[19]) / ticks
    with open("/proc/uptime") as uptime:
        return float(uptime.read().split()[0]) - start


def peak_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))


def main() -> None:
    jobs = json.loads(sys.argv[1])
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    import processing
    from processing.core.Processing import Processing

    Processing.initialize()
    from map_server_cache import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()
    ready = started_seconds()
    runs = []
    for job in jobs:
        parameters = {"input_service": job["target"], "source_cache_type": "CACHE_DATASET",
                      "source_cache_dataset": job["source"],
                      "num_of_caching_service_instances": job.get("workers", 2), "overwrite": False}
        if job.get("area"):
            parameters["area_of_interest"] = job["area"]
        started = time.perf_counter()
        result = processing.run(ALGORITHM_ID, parameters)
        runs.append(dict(seconds=time.perf_counter() - started, written=int(result["imported"]),
                         clipped=int(result["clipped"])))
    print(json.dumps(dict(ready=ready, runs=runs, peak_kb=peak_kb())), flush=True)
    plugin.unload()
    app.exitQgis()


if __name__ == "__main__":
    main()
