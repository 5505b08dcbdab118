"""pytest-qgis set-up for the Processing tests: the provider registered once per session, caches per test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from caches import ALGORITHM_ID, Server, make_server, make_source  # noqa: E402


@pytest.fixture(scope="session")
def plugin(qgis_processing):
    """The plugin started as qgis_process starts it: classFactory(None), then initProcessing()."""
    from map_server_cache import classFactory

    started = classFactory(None)
    started.initProcessing()
    yield started
    started.unload()


@pytest.fixture
def run(plugin):
    """processing.run on our algorithm; returns its results."""
    import processing

    def run_algorithm(parameters, **kwargs):
        return processing.run(ALGORITHM_ID, parameters, **kwargs)

    return run_algorithm


@pytest.fixture
def server(tmp_path) -> Server:
    return make_server(tmp_path)


@pytest.fixture
def source(tmp_path) -> Path:
    return make_source(tmp_path / "export" / "Layers")
