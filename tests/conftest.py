"""Shared test set-up: import the plugin as `map_server_cache` whatever the checkout is called.

Run the tests through `make test`: it exports QT_QPA_PLATFORM=offscreen, which pytest-qgis needs before
any conftest is read (Qt aborts without a display otherwise).
"""

import os
import runpy
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLUGINS = REPO / "build" / "plugins"
LINK = PLUGINS / "map_server_cache"

if not LINK.exists():
    PLUGINS.mkdir(parents=True, exist_ok=True)
    LINK.symlink_to(Path("..", ".."), target_is_directory=True)
sys.path.insert(0, str(PLUGINS))
sys.path.insert(0, str(REPO / "tests" / "core"))  # shared builders: `import cachebuilders`
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SAMPLES = Path(os.environ.get("MAP_SERVER_CACHE_SAMPLES", REPO.parent / "shared" / "samples"))

# GDAL's exception mode, as a host would set it (QGIS 3.40+ turns exceptions on):
# MAP_SERVER_CACHE_GDAL_EXCEPTIONS=1 on, =0 off, unset: the bindings' default. The sitecustomize module in
# tests/gdal_mode sets it here and, through PYTHONPATH, in every Python process the tests start (spawned
# pool workers, qgis_process), which import core fresh.
if os.environ.get("MAP_SERVER_CACHE_GDAL_EXCEPTIONS") in ("0", "1"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO / "tests" / "gdal_mode"), os.environ.get("PYTHONPATH")]))
    runpy.run_path(str(REPO / "tests" / "gdal_mode" / "sitecustomize.py"))


def pytest_addoption(parser):
    parser.addoption("--run-stress", action="store_true", help="run the long `stress` tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-stress"):
        return
    skip = pytest.mark.skip(reason="long run: use `make stress`")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def samples():
    """The folder of real Esri caches (../shared/samples); tests using it skip when it is absent."""
    if not SAMPLES.is_dir():
        pytest.skip(f"real Esri sample caches not found at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers (with nannies) on 127.0.0.1, shared by the session."""
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    from clusterkit import Cluster

    cluster = Cluster(tmp_path_factory.mktemp("dask"))
    yield cluster
    cluster.stop()


@pytest.fixture
def cluster(dask_cluster):
    """The session's cluster with both workers up (a test may have killed one: its nanny restarts it)."""
    dask_cluster.wait_for_workers(2)
    return dask_cluster
