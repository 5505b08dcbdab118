"""Worker processes: two workers give exactly what one gives; a host whose sys.executable is not Python
(QGIS, qgis_process) still starts its workers with the Python beside it; whole-bundle copies run on as many
threads as there are workers."""

from __future__ import annotations

import dataclasses
import multiprocessing.spawn
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from cachebuilders import make_scheme, png_tile, write_cache

from map_server_cache.core.errors import CacheError
from map_server_cache.core.execution import pool, workers
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.sources.opening import open_cache

SIZE = 32


def caches(tmp_path, name):
    """MERGE work over four bundles: semi-transparent source tiles, half of them over target tiles."""
    scheme = make_scheme("COMPACT", "PNG32", levels=range(9), tile_size=SIZE)
    rng = np.random.default_rng(7)
    source_tiles, target_tiles = {}, {}
    for row in range(120, 136):
        for col in range(122, 134):
            colour = tuple(int(v) for v in rng.integers(0, 256, 3)) + (int(rng.integers(0, 256)),)
            source_tiles[(8, row, col)] = png_tile(colour, size=SIZE)
            if (row + col) % 2:
                target_tiles[(8, row, col)] = png_tile((0, 0, 255, 255), size=SIZE)
    source = write_cache(tmp_path / name / "src" / "Layers", scheme, source_tiles)
    target = write_cache(tmp_path / name / "svc" / "Layers", scheme, target_tiles, extent=None)
    (target / "conf.cdi").unlink()
    lod = next(lod for lod in scheme.lods if lod.level == 8)
    a, b = scheme.tile_bounds(lod, 121, 123), scheme.tile_bounds(lod, 134, 132)
    area = shapely.Polygon([(a.xmin + 5000, a.ymax - 3000), (b.xmax - 7000, a.ymax - 11000),
                            (b.xmax - 2000, b.ymin + 9000), (a.xmin + 13000, b.ymin + 4000)])
    return source, target, shapely.to_wkb(area)


def tiles_of(folder) -> dict:
    with open_cache(folder) as cache:
        return {(row, col): data for key in cache.storage.bundles(8)
                for (row, col), data in cache.storage.read_bundle(key).items()}


def counts(result):
    return [dataclasses.astuple(level) for level in result.levels], result.bytes_written


def test_two_workers_match_one(tmp_path):
    outcomes = {}
    for worker_count in (1, 2):
        source, target, area = caches(tmp_path, f"w{worker_count}")
        result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=worker_count,
                                            area_of_interest=area))
        outcomes[worker_count] = (counts(result), tiles_of(target))
    assert outcomes[1][0][0][-1][4] == 4, "four bundles, so both workers had units"
    assert outcomes[2] == outcomes[1]


def test_workers_start_when_sys_executable_is_not_python(tmp_path, monkeypatch):
    python = pool.python_executable()
    monkeypatch.setattr(multiprocessing.spawn, "_python_exe", multiprocessing.spawn.get_executable())
    monkeypatch.setattr(sys, "executable", os.path.join(os.path.dirname(python), "qgis"))
    found = pool.python_executable()
    assert found and os.path.basename(found).startswith("python") and os.access(found, os.X_OK)
    source, target, area = caches(tmp_path, "host")
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=2,
                                        area_of_interest=area))
    assert result.written > 0
    assert os.fsdecode(multiprocessing.spawn.get_executable()) == found


@pytest.mark.skipif(os.name == "nt", reason="shell-script interpreters")
@pytest.mark.parametrize("foreign", ["outside the prefix", "another version"])
def test_foreign_sys_executable_is_not_trusted(tmp_path, monkeypatch, foreign):
    """An embedded Python's sys.executable found on PATH (a pyenv shim) is not this interpreter: workers
    started with it lack GDAL and numpy, so the Python under sys.exec_prefix is used instead."""
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    if foreign == "outside the prefix":
        python.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    else:
        python.write_text("#!/bin/sh\necho 3 0\n")
        monkeypatch.setattr(sys, "base_exec_prefix", str(tmp_path))
    python.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(python))
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert pool.python_executable() == os.path.join(sys.exec_prefix, "bin", f"python{version}")


def test_script_without_main_guard(tmp_path):
    """A user's script calling the import at top level (no ``if __name__ == "__main__"``) must not run
    again in each spawned worker."""
    source, target, area = caches(tmp_path, "script")
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(pool.__file__).parents[3])!r})\n"
        "from pathlib import Path\n"
        "from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache\n"
        f"request = ImportRequest(Path({str(target)!r}), Path({str(source)!r}), SourceType.CACHE_DATASET,\n"
        f"                        workers=2, area_of_interest={area!r})\n"
        "result = import_cache(request)\n"
        "print('written', result.written)\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("written") == 1 and "written 0" not in run.stdout


def test_a_broken_process_pool_becomes_a_cache_error_and_other_errors_pass():
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    broken, failed = Future(), Future()
    broken.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    failed.set_exception(ValueError("a unit's own error"))
    with pytest.raises(CacheError, match="ended abruptly.*run the import again"):
        pool._result(broken)
    with pytest.raises(ValueError, match="own error"):
        pool._result(failed)


@pytest.mark.parametrize("worker_count", [1, 3])
def test_whole_bundle_copies_run_on_as_many_threads_as_workers(tmp_path, monkeypatch, worker_count):
    """Copies are the kernel's work: more threads than the import may use only contend (and would ignore an
    administrator's num_of_caching_service_instances)."""
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(10), tile_size=SIZE)
    tile = png_tile((10, 20, 30, 255), size=SIZE)
    source = write_cache(tmp_path / "src" / "Layers", scheme,
                         {(9, 128 * row, 128 * col): tile for row in range(2) for col in range(3)})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {})
    running, most, lock = [0], [0], threading.Lock()
    copy = workers.copy_whole_bundle

    def counted_copy(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.1)                               # long enough for every allowed thread to join in
            return copy(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(workers, "copy_whole_bundle", counted_copy)
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=worker_count))
    assert sum(level.copied_raw for level in result.levels) == 6
    assert most[0] == worker_count
