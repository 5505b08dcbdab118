"""Section 3 of ``make bench``: peak memory (VmHWM of the importing process and of its workers) as the tile
count grows, each import in a fresh process, into new bundles (file copies) and into existing ones."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cachebuilders import write_cache
from harness import PLUGINS, empty_target, scale_of

MEMORY_LEVELS = (12, 13, 14, 15)           # one tile count per level, the largest last
SEED_TILE = b"\x89PNG\r\n\x1a\n seed"

MEMORY_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {plugins!r})
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
started = time.perf_counter()
result = import_cache(ImportRequest(Path({target!r}), Path({source!r}), SourceType.CACHE_DATASET,
                                    workers=2, overwrite=True, scales=[{scale!r}]))
status = dict(line.split(":", 1) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps(dict(seconds=time.perf_counter() - started, written=result.written,
                      main_kb=int(status["VmHWM"].split()[0]),
                      workers_kb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)))
"""


def bench_memory(work: Path, scheme, source: Path, counts: dict) -> list:
    """Each level imported by a fresh process with 2 workers, into an empty target (whole bundles copied as
    files) and into a target whose bundles exist (every tile through the bundle writer)."""
    rows = []
    for level, tiles in counts.items():
        for existing in (False, True):
            target = empty_target(work / "memory", scheme)
            if existing:                                   # one tile in each bundle, no conf.cdi (no limit)
                seeds = {(level, 127, col0): SEED_TILE for col0 in range(0, tiles // 128 + 1, 128)}
                write_cache(target, scheme, seeds, extent=None)
                (target / "conf.cdi").unlink()
            code = MEMORY_CHILD.format(plugins=str(PLUGINS), target=str(target), source=str(source),
                                       scale=scale_of(scheme, level))
            output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
            figures = json.loads(output.stdout.strip().splitlines()[-1])
            rows.append(dict(tiles=tiles, existing=existing, **figures))
    shutil.rmtree(work / "memory")
    return rows

