"""The Dask executor on real scheduler and worker processes: a worker killed mid-import, the whole cluster
lost, cancel, the cap on tasks in flight, the next unit sent as one finishes, the pre-flight check of shared
storage, the scheduler named by the environment, the client's code version winning over what a worker loaded
before, and Dask not installed."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from clusterkit import Cluster, as_user, worker_command_for
from test_cluster_results import target_files
from test_engine_cancel import Recorder, assert_all_readable
from test_engine_parallel import caches as merge_caches

from map_server_cache.core.errors import CacheError, ImportCancelled
from map_server_cache.core.execution import cluster as executor
from map_server_cache.core.execution.cluster import SCHEDULER_ENVIRONMENT_VARIABLE
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache

REPO = Path(__file__).resolve().parents[2]
BUNDLES, TILES_PER_BUNDLE, SIZE = 6, 150, 64
NOBODY = 65534


def heavy_merge(folder: Path) -> ImportRequest:
    """MERGE of semi-transparent tiles over target tiles in BUNDLES bundles: every unit takes a while."""
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(9), tile_size=SIZE)
    rng = np.random.default_rng(3)
    pool = [png_tile(rng.integers(0, 256, (SIZE, SIZE, 4), dtype=np.uint8), size=SIZE) for _ in range(12)]
    source, target = {}, {}
    for bundle in range(BUNDLES):
        for index in range(TILES_PER_BUNDLE):
            key = (8, index % 128, bundle * 128 + index // 128)
            source[key] = pool[index % len(pool)]
            target[key] = png_tile((0, 0, 255, 255), size=SIZE)
    src = write_cache(folder / "src" / "Layers", scheme, source)
    tgt = write_cache(folder / "svc" / "Layers", scheme, target, extent=None)
    return ImportRequest(tgt, src, SourceType.CACHE_DATASET)


def uninterrupted(folder: Path, build=heavy_merge):
    """Counts and files of the same import on the local pool, never interrupted."""
    result = import_cache(dataclasses.replace(build(folder), workers=1))
    return [dataclasses.astuple(level) for level in result.levels], target_files(result.target)


def outcome(result):
    return [dataclasses.astuple(level) for level in result.levels], target_files(result.target)


class KillOnce(Recorder):
    """Progress that, once the first unit finished, SIGKILLs the process of a worker running a unit (a thread
    watches the scheduler for the next running unit, so the kill lands mid-task)."""

    def __init__(self, cluster):
        super().__init__()
        self.client, self.killed, self.watcher = cluster.client(), None, None

    def progress(self, done, total):
        super().progress(done, total)
        if done and self.watcher is None:
            self.watcher = threading.Thread(target=self._kill, args=(done, total))
            self.watcher.start()

    def _kill(self, done, total):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            busy = [worker for worker, keys in self.client.processing().items() if keys]
            if busy:
                pid = self.client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                self.killed = (busy[0], pid, self.done[-1][0], total)
                return
            time.sleep(0.02)


def test_worker_killed_mid_import_costs_only_its_task(tmp_path, cluster):
    expected = uninterrupted(tmp_path / "pool")
    progress = KillOnce(cluster)
    try:
        request = dataclasses.replace(heavy_merge(tmp_path / "cluster"), scheduler=cluster.address)
        result = import_cache(request, progress)
    finally:
        progress.watcher.join()
        progress.client.close()
    assert progress.killed is not None
    _worker, _pid, done, total = progress.killed
    assert 0 < done < total, "killed mid-import"
    assert outcome(result) == expected, "the re-run unit finished its bundle as if never interrupted"


class KillAll(Recorder):
    """Progress that, once the first unit finished, SIGKILLs every worker process at once (their nannies
    start new ones): every copy of the scattered settings is gone, the scheduler cancels the tasks that
    need them (what dask/distributed#3149 shows happening with one worker lost)."""

    def __init__(self, cluster):
        super().__init__()
        self.client, self.killed = cluster.client(), []

    def progress(self, done, total):
        super().progress(done, total)
        if done and not self.killed:
            pids = self.client.run(os.getpid)
            for pid in pids.values():
                os.kill(pid, signal.SIGKILL)
            self.killed = list(pids.values())


def test_every_worker_killed_mid_import_the_settings_are_scattered_again(tmp_path, cluster):
    expected = uninterrupted(tmp_path / "pool")
    cluster.wait_for_workers(2)              # a worker killed by an earlier test may still be restarting
    progress = KillAll(cluster)
    try:
        result = import_cache(dataclasses.replace(heavy_merge(tmp_path / "cluster"),
                                                  scheduler=cluster.address), progress)
    finally:
        progress.client.close()
        cluster.wait_for_workers(2)          # the nannies' new workers, for the next tests
    assert len(progress.killed) == 2
    assert any("scattering them again" in text for text in progress.messages)
    assert outcome(result) == expected, "the units run again finished their bundles as if never interrupted"


def test_cluster_lost_mid_import_fails_naming_the_scheduler_then_runs_again(tmp_path):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    expected = uninterrupted(tmp_path / "pool")
    lost = Cluster(tmp_path / "lost", workers=1)
    request = dataclasses.replace(heavy_merge(tmp_path / "cluster"), scheduler=lost.address)
    progress = Recorder()
    progress.progress = lambda done, total: lost.stop() if done else None     # every process SIGTERMed
    try:
        with pytest.raises(CacheError, match=lost.address.replace(".", r"\.")):
            import_cache(request, progress)
    finally:
        lost.stop()
    assert_all_readable(request.target)
    again = import_cache(dataclasses.replace(request, scheduler=None, workers=1))
    assert outcome(again) == expected


def test_cancel_stops_running_units_and_drops_queued_ones(tmp_path, cluster):
    request = dataclasses.replace(heavy_merge(tmp_path), scheduler=cluster.address)
    progress = Recorder(cancel_when=lambda recorder: any(done for done, _ in recorder.done))
    with pytest.raises(ImportCancelled):
        import_cache(request, progress)
    stopped_after = time.monotonic() - progress.cancelled_at
    assert stopped_after < 10, f"running units stop at their next stop check, not after {stopped_after:.1f} s"
    assert assert_all_readable(request.target) >= BUNDLES * TILES_PER_BUNDLE    # target tiles all there
    with cluster.client() as client:
        assert not any(client.processing().values()), "nothing left running on the cluster"


def test_instances_cap_the_tasks_in_flight(tmp_path, cluster):
    source, target, area = merge_caches(tmp_path, "cap")
    client = cluster.client()
    in_flight = []
    progress = Recorder()
    progress.progress = lambda done, total: in_flight.append(sum(map(len, client.processing().values())))
    try:
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, area_of_interest=area,
                                   workers=1, scheduler=cluster.address), progress)
    finally:
        client.close()
    assert in_flight and max(in_flight) <= 1


def test_the_next_unit_goes_out_when_one_finishes_not_at_the_next_poll(tmp_path, cluster, monkeypatch):
    """With one task in flight, every unit waits for the one before it: the executor hears of a finished
    unit from the future itself, so a 30 s poll interval delays nothing (polling: 4 units, 2 minutes)."""
    monkeypatch.setattr(executor, "POLL_SECONDS", 30.0)
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(10), tile_size=16)
    tile = png_tile((1, 2, 3, 255), size=16)
    source = write_cache(tmp_path / "src" / "Layers", scheme,
                         {(9, 128 * row + 5, 128 * col): tile for row in range(2) for col in range(2)})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {}, extent=None)
    started = time.monotonic()
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1,
                                        scheduler=cluster.address))
    assert result.written == 4
    assert time.monotonic() - started < 60


def test_environment_names_the_scheduler_over_the_request(tmp_path, cluster, monkeypatch):
    monkeypatch.setenv(SCHEDULER_ENVIRONMENT_VARIABLE, cluster.address)
    source, target, area = merge_caches(tmp_path, "env")
    progress = Recorder()
    import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, area_of_interest=area,
                               scheduler="tcp://192.0.2.1:8786"), progress)
    assert f"Importing on the Dask cluster at {cluster.address}: 2 workers" in progress.messages


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="starts a worker as the user nobody, which needs root")
def test_worker_that_cannot_write_the_target_stops_the_import_before_any_tile(cluster):
    """A real permission difference: one worker runs as the user nobody, the target belongs to root (0755).
    The folder is not under pytest's (root's 0700) temporary folder, and the worker's Python is one nobody
    reaches wherever this checkout lies (clusterkit.worker_command_for)."""
    folder = Path(tempfile.mkdtemp(prefix="cluster-preflight-"))
    try:
        folder.chmod(0o755)
        try:
            command, env = worker_command_for(NOBODY, folder)
        except RuntimeError as error:
            pytest.skip(f"no Python the user nobody can run a Dask worker with: {error}")
        request = dataclasses.replace(heavy_merge(folder / "caches"), scheduler=cluster.address)
        for path in [folder / "caches", *(folder / "caches").rglob("*")]:   # everyone reads; only root writes
            path.chmod(0o755 if path.is_dir() else 0o644)
        before = target_files(request.target)
        local = folder / "nobody-worker"
        local.mkdir(mode=0o777)
        local.chmod(0o777)
        worker = subprocess.Popen(
            [*as_user(NOBODY), *command, cluster.address, "--nthreads", "1", "--no-nanny", "--host",
             "127.0.0.1", "--dashboard-address", ":0", "--name", "nobody", "--local-directory", str(local)],
            cwd=local, env={**env, "HOME": str(local)}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            cluster.wait_for_workers(3)
            with pytest.raises(CacheError) as raised:
                import_cache(request)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        message = str(raised.value)
        assert "1 of 3 Dask workers" in message and "(nobody)" in message
        assert f"cannot write in {request.target}/.map_server_cache" in message
        assert target_files(request.target) == before, "nothing was imported"
    finally:
        shutil.rmtree(folder)


VERSION_2 = '''
_v1_run_unit = run_unit


def run_unit(settings, unit, should_stop=lambda: False):
    import os
    from pathlib import Path

    Path(settings.target, f"version-2-ran-in-{os.getpid()}").touch()
    return _v1_run_unit(settings, unit, should_stop)
'''


def test_workers_run_the_clients_code_version(tmp_path, cluster):
    """Version 1 (this checkout) loaded in both workers, then a client of version 2, then version 1 again."""
    import distributed

    version_2 = tmp_path / "v2" / "map_server_cache"
    shutil.copy(REPO / "__init__.py", version_2.parent.mkdir() or version_2.mkdir() or version_2)
    shutil.copytree(REPO / "core", version_2 / "core", ignore=shutil.ignore_patterns("__pycache__"))
    with open(version_2 / "core" / "execution" / "workers.py", "a") as file:
        file.write(VERSION_2)
    with cluster.client() as client:
        boot = executor.ship_code(client, distributed)
        client.run(boot.shipped_package)                       # both workers hold version 1
    first = dataclasses.replace(heavy_merge(tmp_path / "a"), scheduler=cluster.address)
    script = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(version_2.parent)!r}, {str(REPO / "tests" / "core")!r}]
        from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
        import_cache(ImportRequest({str(first.target)!r}, {str(first.source)!r}, SourceType.CACHE_DATASET,
                                   scheduler={cluster.address!r}))
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert list(first.target.glob("version-2-ran-in-*")), "version 2 ran on workers that held version 1"
    second = dataclasses.replace(heavy_merge(tmp_path / "b"), scheduler=cluster.address)
    import_cache(second)
    assert not list(second.target.glob("version-2-*")), "version 1 ran again after version 2"


BLOCK_DASK = """
import sys

class NoDask:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ImportError(f"No module named {name!r} (blocked by the test)")

sys.meta_path.insert(0, NoDask())
"""


def test_without_dask_imports_run_locally_and_a_scheduler_says_what_to_install(tmp_path):
    source, target, area = merge_caches(tmp_path, "nodask")
    script = BLOCK_DASK + textwrap.dedent(f"""
        sys.path[:0] = [{str(REPO / "build" / "plugins")!r}]
        from map_server_cache.core.errors import CacheError
        from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
        request = ImportRequest({str(target)!r}, {str(source)!r}, SourceType.CACHE_DATASET, workers=1)
        try:
            import_cache(ImportRequest(request.target, request.source, request.source_type,
                                       scheduler="tcp://127.0.0.1:8786"))
        except CacheError as error:
            print(error)
        print("written", import_cache(request).written)
        print("dask loaded:", "distributed" in sys.modules)
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'pip install "dask[distributed]"' in done.stdout
    assert "written 191" in done.stdout            # the 191 source tiles, on the local pool
    assert "dask loaded: False" in done.stdout
