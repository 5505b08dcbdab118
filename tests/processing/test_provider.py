"""The provider and algorithm as QGIS sees them: ids, names, parameters, outputs, help, headless start."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from caches import ALGORITHM_ID, PREVIEW_ID
from qgis.core import QgsApplication, QgsProcessingOutputHtml

from map_server_cache.qgiscompat import (
    ALGORITHM_CAN_CANCEL,
    ALGORITHM_SUPPORTS_BATCH,
    PARAMETER_ADVANCED,
    PARAMETER_OPTIONAL,
)

PARAMETERS = ["input_service", "source_cache_type", "source_cache_dataset", "source_tile_package",
              "upload_data_to_server", "scales", "num_of_caching_service_instances", "import_extent",
              "area_of_interest", "overwrite", "tile_row_order"]
PLUGINS = Path(__file__).resolve().parents[2] / "build" / "plugins"
MANAGE_ID = "mapservercache:managemapservercachetiles"
OPTIONAL = {"source_cache_dataset", "source_tile_package", "upload_data_to_server", "scales",
            "num_of_caching_service_instances", "import_extent", "area_of_interest", "overwrite"}


def test_provider_registered(plugin):
    provider = QgsApplication.processingRegistry().providerById("mapservercache")
    assert provider is not None
    assert provider.name() == "Map Server Cache"
    assert not provider.icon().isNull()
    assert provider.svgIconPath().endswith("icon.svg")
    assert sorted(alg.id() for alg in provider.algorithms()) == sorted(
        [ALGORITHM_ID, PREVIEW_ID, "mapservercache:createmapservercache",
         "mapservercache:exportmapservercache", "mapservercache:convertmapservercachestorageformat",
         "mapservercache:managemapservercachestatus", MANAGE_ID, "mapservercache:createmaptilepackage"])


def test_algorithm_names_and_parameters(plugin):
    algorithm = QgsApplication.processingRegistry().algorithmById(ALGORITHM_ID)
    assert algorithm.displayName() == "Import Map Server Cache"
    assert (algorithm.group(), algorithm.groupId()) == ("Caching", "caching")
    inputs = [p for p in algorithm.parameterDefinitions() if not p.isDestination()]
    assert [p.name() for p in inputs] == PARAMETERS
    for parameter in inputs:
        assert parameter.help(), parameter.name()
        optional = bool(parameter.flags() & PARAMETER_OPTIONAL)
        assert optional == (parameter.name() in OPTIONAL) or parameter.type() == "boolean", parameter.name()
    advanced = {p.name() for p in inputs if p.flags() & PARAMETER_ADVANCED}
    assert advanced == {"upload_data_to_server", "num_of_caching_service_instances", "tile_row_order"}
    assert [p.name() for p in algorithm.destinationParameterDefinitions()] == ["report"]
    outputs = {o.name(): o for o in algorithm.outputDefinitions()}
    assert set(outputs) == {"target_cache", "target_layer", "imported", "blended", "clipped", "skipped",
                            "damaged", "report"}
    assert isinstance(outputs["report"], QgsProcessingOutputHtml)
    assert algorithm.shortHelpString()
    flags = algorithm.flags()
    assert flags & ALGORITHM_SUPPORTS_BATCH
    assert flags & ALGORITHM_CAN_CANCEL


def test_can_execute(plugin, monkeypatch):
    """Every algorithm refuses to run without the libraries core needs, naming them."""
    from map_server_cache.algorithms import caching_algorithm

    algorithms = plugin.provider.algorithms()
    assert all(algorithm.canExecute() == (True, "") for algorithm in algorithms)
    monkeypatch.setattr(caching_algorithm, "missing_libraries", lambda: ["Pillow", "numpy"])
    for algorithm in algorithms:
        ok, message = algorithm.canExecute()
        assert not ok and "Pillow" in message and "numpy" in message, algorithm.id()


def test_plugin_loads_without_pillow_and_numpy():
    """A Python without Pillow/numpy still loads the plugin; the algorithm says what is missing.

    Such a Python has no package that needs them either: QGIS 3.40's qgis.core imports shapely when it is
    installed (and expects only ModuleNotFoundError), so blocking numpy alone would break QGIS itself.
    """
    script = textwrap.dedent("""
        import re
        import sys
        from importlib import metadata

        blocked = {"PIL", "numpy"}
        needs = re.compile(r"(numpy|pillow)\\b(?!.*extra\\s*==)", re.IGNORECASE)
        modules = metadata.packages_distributions()
        for dist in metadata.distributions():
            if any(needs.match(requirement) for requirement in dist.requires or ()):
                name = dist.metadata["Name"].lower().replace("-", "_")
                blocked.update(module for module, dists in modules.items()
                               if name in {d.lower().replace("-", "_") for d in dists})
        for module in blocked:
            sys.modules[module] = None          # `import module` now raises ModuleNotFoundError
        from qgis.core import QgsApplication
        app = QgsApplication([], False)
        app.initQgis()
        from map_server_cache import classFactory
        plugin = classFactory(None)
        plugin.initProcessing()
        algorithm = QgsApplication.processingRegistry().algorithmById("mapservercache:importmapservercache")
        print(algorithm.canExecute())
        plugin.unload()
    """)
    env = {**os.environ, "PYTHONPATH": str(PLUGINS), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=env)
    assert "(False" in done.stdout and "Pillow" in done.stdout and "numpy" in done.stdout, done.stderr


def test_unload_removes_provider_and_init_restores_it(plugin):
    registry = QgsApplication.processingRegistry()
    plugin.initProcessing()                         # a second call changes nothing
    assert len([p for p in registry.providers() if p.id() == "mapservercache"]) == 1
    plugin.unload()
    assert registry.providerById("mapservercache") is None
    plugin.initProcessing()
    assert registry.algorithmById(ALGORITHM_ID) is not None
