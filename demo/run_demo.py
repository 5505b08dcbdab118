"""`make demo`: import an update tile package into a service cache through Processing, headless, MERGE mode.

Writes under demo/output/: a server directories root with the service cache "Basemap", an update .tpkx, an
area of interest (GeoPackage, EPSG:4326), then runs mapservercache:importmapservercache with an ArcGIS-style
service string resolved through MAP_SERVER_CACHE_SERVERS, prints the summary, and renders level 3 of the
target before and after the import with GDAL's ESRIC driver (through conf.xml) to before.png / after.png.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "demo" / "output"
PLUGINS = REPO / "build" / "plugins"
CONNECTION = "arcgis on DEMO (admin)"
SERVICE = "Basemap"
PREVIEW_LEVEL = 3


def plugin_on_path() -> None:
    """Import the plugin as `map_server_cache` through build/plugins, whatever this checkout is called."""
    link = PLUGINS / "map_server_cache"
    if not link.exists():
        PLUGINS.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("..", ".."), target_is_directory=True)
    sys.path.insert(0, str(PLUGINS))
    sys.path.insert(1, str(REPO / "demo"))


def render(dataframe_folder: Path, path: Path) -> None:
    """One level of the cache as a PNG, read by GDAL's ESRIC driver through conf.xml."""
    from osgeo import gdal

    gdal.UseExceptions()
    dataset = gdal.OpenEx(str(dataframe_folder / "conf.xml"), allowed_drivers=["ESRIC"])
    size = 256 * 2 ** PREVIEW_LEVEL
    gdal.Translate(str(path), dataset, format="PNG", width=size, height=size)
    Path(f"{path}.aux.xml").unlink(missing_ok=True)      # the georeferencing PNG cannot hold


def start_qgis():
    """A headless QGIS with Processing and the plugin started as qgis_process starts it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    from map_server_cache import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()
    return app, plugin


def console_feedback():
    from qgis.core import QgsProcessingFeedback

    class ConsoleFeedback(QgsProcessingFeedback):
        """Prints the algorithm's messages, and its progress every 10 %."""

        def __init__(self):
            super().__init__()
            self.shown = -10
            self.progressChanged.connect(self.show_progress)

        def pushInfo(self, info):
            print(f"  {info}")

        def reportError(self, error, fatalError=False):  # noqa: N803 - QGIS API
            print(f"  ERROR: {error}", file=sys.stderr)

        def show_progress(self, percent):
            if percent >= self.shown + 10:
                self.shown = int(percent // 10 * 10)
                print(f"  {self.shown} %")

    return ConsoleFeedback()


def main() -> int:
    plugin_on_path()
    from demo_data import write_area_of_interest, write_target, write_update_package

    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    server_root = OUTPUT / "server"
    print(f"Writing the service cache {SERVICE} (compact V2, PNG32, Web Mercator) under {server_root}")
    target = write_target(server_root, SERVICE)
    package = write_update_package(OUTPUT / "update.tpkx", OUTPUT / "work")
    shutil.rmtree(OUTPUT / "work")
    area = write_area_of_interest(OUTPUT / "area_of_interest.gpkg")
    print(f"Update package {package}, area of interest {area}")
    render(target, OUTPUT / "before.png")

    os.environ["MAP_SERVER_CACHE_SERVERS"] = json.dumps({CONNECTION: str(server_root)})
    app, plugin = start_qgis()
    import processing

    parameters = {
        "input_service": f"GIS Servers/{CONNECTION}/{SERVICE}.MapServer",
        "source_cache_type": "TILE_PACKAGE", "source_cache_dataset": "", "source_tile_package": str(package),
        "upload_data_to_server": "DO_NOT_UPLOAD", "scales": None, "num_of_caching_service_instances": 2,
        "area_of_interest": str(area), "import_extent": "", "overwrite": "MERGE",
        "report": str(OUTPUT / "report.html"),
    }
    print("processing.run('mapservercache:importmapservercache', {")
    for name, value in parameters.items():
        print(f"    {name!r}: {value!r},")
    print("})")
    results = processing.run("mapservercache:importmapservercache", parameters, feedback=console_feedback())
    render(target, OUTPUT / "after.png")
    print("Results:")
    for name in ("target_cache", "imported", "blended", "clipped", "skipped", "damaged", "report"):
        print(f"  {name}: {results[name]}")
    print(f"Previews of level {PREVIEW_LEVEL}: {OUTPUT / 'before.png'} and {OUTPUT / 'after.png'}")
    print(f"Import report (open it in a web browser): {results['report']}")
    plugin.unload()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
