"""Manage Map Server Cache Tiles on a real localhost Dask cluster whose workers run QGIS (this venv's Python,
which has the system's QGIS): tiles byte-identical to the local run in every mode and two formats, a worker
killed mid-draw, the cluster lost, cancel, and the pre-flight naming what a worker lacks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from clusterkit import Cluster, as_user, worker_command_for
from drawmaps import make_cache, make_label_map, make_map
from test_engine_cancel import Recorder, assert_all_readable
from test_manage_tiles import SCALE_14, stored

from map_server_cache.core.errors import CacheError, ImportCancelled
from map_server_cache.core.execution import cluster as cluster_executor
from map_server_cache.core.execution.manage import DEFAULT_DRAWER, ManageRequest, manage_tiles
from map_server_cache.core.planning.draw_plan import UpdateMode
from map_server_cache.core.scheme import Extent
from map_server_cache.core.storage.locks import BOOKKEEPING_FOLDER

NOBODY = 65534
STIX = Path("/usr/share/matplotlib/mpl-data/fonts/ttf/STIXGeneral.ttf")   # a font file fontconfig lacks
pytestmark = pytest.mark.usefixtures("qgis_app")


@pytest.fixture(scope="module")
def maps(qgis_app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("maps")
    return {"plain": make_map(folder / "plain"), "labels": make_label_map(folder / "labels")}


def draw(folder: Path, project: Path, tile_format="PNG32", scheduler=None, progress=None, levels=(13, 14),
         **options):
    """RECREATE_ALL_TILES (unless ``options`` say otherwise) into a new cache at ``folder``."""
    if not folder.exists():
        make_cache(folder, tile_format=tile_format, levels=levels)
    request = ManageRequest(folder / "Layers", project=str(project), drawer=DEFAULT_DRAWER, workers=2,
                            scheduler=scheduler, **options)
    return manage_tiles(request, progress)


def counts(result) -> tuple:
    return result.drawn, result.empty, result.skipped, result.deleted


def tiles(folder: Path) -> dict:
    from map_server_cache.core.sources.opening import open_cache

    with open_cache(folder / "Layers") as cache:
        return stored(folder / "Layers", cache.scheme)


@pytest.mark.parametrize("tile_format, name", [("PNG32", "plain"), ("JPEG", "labels")])
def test_every_mode_draws_the_tiles_the_local_run_draws_byte_for_byte(tmp_path, cluster, maps, tile_format,
                                                                       name):
    """RECREATE_ALL_TILES, then RECREATE_EMPTY_TILES after tiles were deleted, then DELETE_TILES: after each
    step the cluster's cache holds exactly the local run's tiles."""
    project = maps[name]
    runs = {where: tmp_path / where for where in ("local", "cluster")}
    schedulers = {"local": None, "cluster": cluster.address}
    steps = [{}, {"mode": UpdateMode.DELETE_TILES, "extent": Extent(-3000, -3000, 3000, 3000)},
             {"mode": UpdateMode.RECREATE_EMPTY_TILES},
             {"mode": UpdateMode.DELETE_TILES, "scales": [SCALE_14], "extent": Extent(0, 0, 9000, 7000)}]
    for step in steps:
        results = {where: draw(folder, project, tile_format, schedulers[where], **step)
                   for where, folder in runs.items()}
        assert counts(results["cluster"]) == counts(results["local"]), step
        assert tiles(runs["cluster"]) == tiles(runs["local"]), step
    assert results["cluster"].deleted > 0 and len(tiles(runs["local"])) > 10


def test_the_tool_draws_on_the_scheduler_of_the_connection_holding_the_cache(tmp_path, cluster, maps, plugin,
                                                                           monkeypatch):
    import processing
    from qgis.core import QgsProcessingFeedback

    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", json.dumps(
        {"site": {"root": str(tmp_path), "scheduler": cluster.address}}))
    folder, _scheme = make_cache(tmp_path / "cache", levels=(13,))
    lines: list[str] = []
    feedback = QgsProcessingFeedback()
    feedback.pushInfo = lines.append
    results = processing.run("mapservercache:managemapservercachetiles", {
        "input_service": str(folder), "in_map": str(maps["plain"]), "update_mode": "RECREATE_ALL_TILES",
        "num_of_caching_service_instances": 2}, feedback=feedback)
    assert any(line.startswith(f"Drawing on the Dask cluster at {cluster.address}") for line in lines), lines
    assert results["drawn"] > 0


def test_a_tile_package_is_drawn_on_the_scheduler_as_locally(tmp_path, cluster, maps):
    """Create Map Tile Package hands its drawing to the same engine: on the cluster (its staging folder beside
    the output, which the workers reach) the package holds the local run's tiles, byte for byte."""
    from map_server_cache.core.execution.tile_package import TilePackageRequest, create_tile_package
    from map_server_cache.core.sources.opening import open_cache

    packages = {}
    for where, scheduler in (("local", None), ("cluster", cluster.address)):
        (tmp_path / where).mkdir()
        progress = Recorder()
        result = create_tile_package(TilePackageRequest(
            str(maps["plain"]), tmp_path / where / "map.tpkx", Extent(-9000, -7000, 9000, 7000),
            level_of_detail=13, min_level_of_detail=12, workers=2, scheduler=scheduler), progress)
        on_cluster = any(f"Dask cluster at {cluster.address}" in line for line in progress.messages)
        assert on_cluster == (scheduler is not None), progress.messages
        with open_cache(result.output) as package:
            packages[where] = {(level, *tile): data for level in package.storage.levels()
                               for key in package.storage.bundles(level)
                               for tile, data in package.storage.read_bundle(key).items()}
    assert packages["cluster"] == packages["local"] and len(packages["local"]) == 20


class KillMidDraw(Recorder):
    """Progress that starts a thread SIGKILLing the process of a worker drawing a bundle, once its first
    supertile is on disk (the nanny starts a new worker)."""

    def __init__(self, cluster, target: Path):
        super().__init__()
        self.client, self.target, self.killed = cluster.client(), target, None
        self.watcher = threading.Thread(target=self._kill)
        self.watcher.start()

    def _kill(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.killed is None:
            busy = [worker for worker, keys in self.client.processing().items() if keys]
            if busy and any(self.target.rglob("*.bundle")):
                pid = self.client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                self.killed = pid
            time.sleep(0.01)


def test_a_worker_killed_mid_draw_costs_only_its_bundle(tmp_path, cluster, maps):
    expected = draw(tmp_path / "local", maps["plain"], levels=(15,))
    make_cache(tmp_path / "cluster", levels=(15,))
    progress = KillMidDraw(cluster, tmp_path / "cluster")
    try:
        result = draw(tmp_path / "cluster", maps["plain"], scheduler=cluster.address, progress=progress,
                      levels=(15,))
    finally:
        progress.watcher.join()
        progress.client.close()
        cluster.wait_for_workers(2)
    assert progress.killed is not None, "a worker was killed while it drew"
    assert tiles(tmp_path / "cluster") == tiles(tmp_path / "local")
    assert counts(result) == counts(expected)


def test_cluster_lost_mid_draw_fails_naming_the_scheduler_and_recreate_empty_tiles_finishes(tmp_path, maps,
                                                                                          monkeypatch):
    monkeypatch.setattr(cluster_executor, "CONNECT_SECONDS", 3)     # how long the client tries to reconnect
    expected = draw(tmp_path / "local", maps["plain"], levels=(14, 15))
    lost = Cluster(tmp_path / "lost", workers=1)
    progress = Recorder()
    progress.progress = lambda done, total: lost.stop() if done else None      # every process SIGTERMed
    try:
        with pytest.raises(CacheError, match=lost.address.replace(".", r"\.") + ".*RECREATE_EMPTY_TILES"):
            draw(tmp_path / "cluster", maps["plain"], scheduler=lost.address, progress=progress,
                 levels=(14, 15))
    finally:
        lost.stop()
    assert_all_readable(tmp_path / "cluster" / "Layers")
    draw(tmp_path / "cluster", maps["plain"], mode=UpdateMode.RECREATE_EMPTY_TILES)
    assert tiles(tmp_path / "cluster") == tiles(tmp_path / "local") and expected.drawn > 0


def test_cancel_stops_the_drawing_workers(tmp_path, cluster, maps):
    whole = draw(tmp_path / "whole", maps["plain"], levels=(13, 14, 15))
    progress = Recorder(cancel_when=lambda recorder: any(done for done, _ in recorder.done))
    with pytest.raises(ImportCancelled):
        draw(tmp_path / "cluster", maps["plain"], scheduler=cluster.address, progress=progress,
             levels=(13, 14, 15))
    assert time.monotonic() - progress.cancelled_at < 20
    assert 0 < assert_all_readable(tmp_path / "cluster" / "Layers") < whole.drawn, "queued bundles dropped"
    with cluster.client() as client:
        assert not any(client.processing().values()), "nothing left running on the cluster"


def test_a_qgis_version_other_than_the_clients_stops_the_run_naming_every_worker(tmp_path, cluster, maps,
                                                                                monkeypatch):
    """Simulated: this client states QGIS 3.10 while the workers run this machine's QGIS."""
    from map_server_cache.drawing import preflight

    monkeypatch.setattr(preflight, "qgis_major_minor", lambda: "3.10")
    with pytest.raises(CacheError) as raised:
        draw(tmp_path / "cluster", maps["plain"], scheduler=cluster.address)
    message = str(raised.value)
    assert "2 of 2 Dask workers" in message and "(worker0)" in message and "(worker1)" in message
    assert "not the client's 3.10" in message
    assert tiles(tmp_path / "cluster") == {}


def test_a_worker_without_qgis_is_named(tmp_path, cluster, maps):
    """A third worker whose Python finds no QGIS: a ``qgis`` package first on its path that fails to load."""
    fake = tmp_path / "no-qgis" / "qgis"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no QGIS in this Python')\n")
    worker = cluster.add_worker("noqgis", env={"PYTHONPATH": str(fake.parent)})
    try:
        cluster.wait_for_workers(3)
        with pytest.raises(CacheError) as raised:
            draw(tmp_path / "cluster", maps["plain"], scheduler=cluster.address)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        cluster.processes.remove(worker)
    message = str(raised.value)
    assert "1 of 3 Dask workers" in message and "(noqgis)" in message, message
    assert "no QGIS in this Python" in message
    assert tiles(tmp_path / "cluster") == {}


def test_a_font_the_labels_use_missing_on_the_workers_is_named(tmp_path, cluster, maps):
    """The client has a font (STIX General, added to this process only) the workers lack."""
    from qgis.core import QgsProject
    from qgis.PyQt.QtGui import QFontDatabase

    if not STIX.is_file() or QFontDatabase.addApplicationFont(str(STIX)) < 0:
        pytest.skip(f"no font file to add to this process only ({STIX})")
    project = QgsProject()
    assert project.read(str(maps["labels"]))
    layer = next(iter(project.mapLayers().values()))
    labeling = layer.labeling().clone()
    settings = labeling.settings()
    text = settings.format()
    font = text.font()
    font.setFamily("STIXGeneral")
    text.setFont(font)
    settings.setFormat(text)
    labeling.setSettings(settings)
    layer.setLabeling(labeling)
    path = tmp_path / "font.qgz"
    assert project.write(str(path))
    project.clear()
    with pytest.raises(CacheError, match="labels use missing: STIXGeneral .drawn with DejaVu Sans here, "
                                         "STIXGeneral on the client"):
        draw(tmp_path / "cluster", path, scheduler=cluster.address)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="starts a worker as the user nobody, which needs root")
def test_a_worker_that_cannot_read_the_project_or_a_layer_is_named(cluster, maps):
    """A real difference between workers: one runs as the user nobody; first the project, then one layer's
    data is readable by root only. The folder is outside pytest's (root's 0700) temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="draw-preflight-"))
    try:
        folder.chmod(0o755)
        try:
            command, env = worker_command_for(NOBODY, folder)
        except RuntimeError as error:
            pytest.skip(f"no Python the user nobody can run a Dask worker with: {error}")
        project = make_map(folder / "map")
        make_cache(folder / "cache", levels=(13,))
        (folder / "cache" / "Layers" / BOOKKEEPING_FOLDER).mkdir()      # the workers' probes write there
        for path in [folder / "map", folder / "cache", *(folder / "map").rglob("*"),
                     *(folder / "cache").rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o644)
        local = folder / "nobody-worker"
        local.mkdir(mode=0o777)
        local.chmod(0o777)
        worker = subprocess.Popen(
            [*as_user(NOBODY), *command, cluster.address, "--nthreads", "1", "--no-nanny", "--host",
             "127.0.0.1", "--dashboard-address", ":0", "--name", "nobody", "--local-directory", str(local)],
            cwd=local, env={**env, "HOME": str(local)}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        messages = []
        try:
            cluster.wait_for_workers(3)
            for unreadable in (project, folder / "map" / "roads.gpkg"):
                unreadable.chmod(0o600)
                with pytest.raises(CacheError) as raised:
                    draw(folder / "cache", project, scheduler=cluster.address, levels=(13,))
                messages.append(str(raised.value))
                unreadable.chmod(0o644)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        for message in messages:
            assert "1 of 3 Dask workers" in message and "(nobody)" in message, message
        assert f"cannot read {project}" in messages[0]
        assert "'roads'" in messages[1] and "roads.gpkg" in messages[1], messages[1]
        assert tiles(folder / "cache") == {}
    finally:
        shutil.rmtree(folder)
