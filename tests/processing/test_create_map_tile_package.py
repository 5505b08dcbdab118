"""Create Map Tile Package through QGIS: the package's tiles byte-equal to what Manage Map Server Cache Tiles
draws for the same map and scheme; .tpkx and .tpk read back by the importer, tpkutils and GDAL (3.8+);
arcpy's keywords and QGIS's forms; bad input refused before writing; cancel; qgis_process and a model."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from drawmaps import make_map
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsProject,
    QgsVectorLayer,
)
from test_cancel import CancelAtStart
from test_qgis_process import PLUGINS, qgis_process  # noqa: F401  (fixture)

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.sources.opening import open_cache

PACKAGE_ID = "mapservercache:createmaptilepackage"
MANAGE_ID = "mapservercache:managemapservercachetiles"
# The test map (18 x 14 km around 0, 0) on ArcGIS Online levels 12-13: 4 + 16 tiles.
LEVELS = (12, 13)


@pytest.fixture(scope="module")
def map_path(qgis_app, tmp_path_factory):
    return make_map(tmp_path_factory.mktemp("map"))


@pytest.fixture
def run(plugin):
    import processing

    def run(parameters, **kwargs):
        return processing.run(PACKAGE_ID, parameters, **kwargs)

    return run


def tiles_of(path) -> dict:
    with open_cache(path) as cache:
        return {(level, row, col): data for level in cache.storage.levels()
                for key in cache.storage.bundles(level)
                for (row, col), data in cache.storage.read_bundle(key).items()}


def everything_in(folder) -> list:
    """What a folder holds besides the plugin's hidden bookkeeping (the run's lock lives there)."""
    return sorted(path.name for path in folder.iterdir() if path.name != ".map_server_cache")


def online_cache(folder, tile_format: str, storage: str):
    """An empty cache of the ArcGIS Online scheme, as Create Map Server Cache makes one."""
    from map_server_cache.core.formats.conf_write import write_conf_xml
    from map_server_cache.core.scheme import StorageFormat
    from map_server_cache.core.schemes import builtin_scheme

    scheme = builtin_scheme("ARCGISONLINE_SCHEME", tile_format, 75, StorageFormat[storage])
    (folder / "_alllayers").mkdir(parents=True)
    write_conf_xml(scheme, folder / "conf.xml")
    return folder, scheme


@pytest.mark.parametrize("package_type, tile_format, storage", [("tpkx", "PNG", "COMPACT_V2"),
                                                                ("tpk", "PNG8", "COMPACT")])
def test_tiles_equal_what_manage_draws(run, plugin, map_path, tmp_path, package_type, tile_format, storage):
    import processing

    package = tmp_path / f"roads.{package_type}"
    results = run({"in_map": str(map_path), "service_type": "ONLINE", "output_file": str(package),
                   "format_type": tile_format, "level_of_detail": LEVELS[-1],
                   "min_level_of_detail": LEVELS[0], "package_type": package_type,
                   "summary": "Roads around the origin", "tags": "roads; test"})
    cache, scheme = online_cache(tmp_path / "svc" / "Layers", tile_format, storage)
    scales = ";".join(str(lod.scale) for lod in scheme.lods if lod.level in LEVELS)
    processing.run(MANAGE_ID, {"input_service": str(cache), "scales": scales, "in_map": str(map_path),
                               "update_extent": "-9000,9000,-7000,7000 [EPSG:3857]"})
    drawn = tiles_of(cache)
    assert {level for level, _, _ in drawn} == set(LEVELS) and len(drawn) == 20
    assert tiles_of(package) == drawn
    assert results["output_file"] == str(package) and results["drawn"] == len(drawn)
    assert everything_in(tmp_path) == sorted([package.name, "svc"])       # the staging folder removed
    report = Path(results["report"]).read_text()
    assert "<h1>Create Map Tile Package</h1>" in report and str(package) in report
    assert all(f"<tr><td>{level}</td>" in report for level in LEVELS)
    assert "Tiles drawn" in report and "data:image/jpeg" in report, "the package's tiles shown"
    imported, _ = online_cache(tmp_path / "imported" / "Layers", tile_format, storage)
    import_cache(ImportRequest(imported, package, SourceType.TILE_PACKAGE, workers=1,
                               uploads_dir=tmp_path / "uploads"))
    assert tiles_of(imported) == drawn


def test_a_killed_runs_leftovers_are_removed(run, map_path, tmp_path):
    from map_server_cache.core.atomic import temporary_path
    from map_server_cache.core.execution.tile_package import _staging_prefix

    package = tmp_path / "roads.tpkx"
    leftover = tmp_path / f"{_staging_prefix(package)}killed"
    (leftover / "tiles" / "Layers").mkdir(parents=True)
    temporary_path(package).write_bytes(b"half a zip")
    run({"in_map": str(map_path), "output_file": str(package), "level_of_detail": 12,
         "min_level_of_detail": 12})
    assert everything_in(tmp_path) == ["roads.tpkx"] and len(tiles_of(package)) == 4


def test_tpk_is_read_by_tpkutils_with_its_item_info(run, map_path, tmp_path):
    tpkutils = pytest.importorskip("tpkutils", reason="tpkutils is not installed (requirements-test.txt)")
    package = tmp_path / "roads.tpk"
    run({"in_map": str(map_path), "service_type": 0, "output_file": str(package), "format_type": 4,
         "compression_quality": 60, "level_of_detail": 13, "min_level_of_detail": 13, "package_type": 0,
         "summary": "Roads", "tags": "roads, test"})
    tpk = tpkutils.TPK(str(package))
    try:
        assert (tpk.name, tpk.summary, tpk.tags) == ("roads", "Roads", "roads, test")
        assert {(tile.z, tile.y, tile.x): tile.data for tile in tpk.read_tiles()} == tiles_of(package)
    finally:
        tpk.close()
    assert all(data[:2] == b"\xff\xd8" for data in tiles_of(package).values())      # JPEG
    with open_cache(package) as cache:
        assert (cache.scheme.tile_format, cache.scheme.compression_quality) == ("JPEG", 60)


def test_tpkx_item_info_and_gdal(run, map_path, tmp_path):
    from osgeo import gdal

    package = tmp_path / "roads.tpkx"
    run({"in_map": str(map_path), "output_file": str(package), "format_type": "PNG32", "level_of_detail": 13,
         "min_level_of_detail": 12, "summary": "Roads", "tags": "roads;test"})
    with zipfile.ZipFile(package) as archive:
        item = json.loads(archive.read("iteminfo.json"))
        root = json.loads(archive.read("root.json"))
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert (item["summary"], item["tags"]) == ("Roads", "roads;test")
    xmin, ymin, xmax, ymax = (item["extent"][key] for key in ("xmin", "ymin", "xmax", "ymax"))
    assert -0.2 < xmin < xmax < 0.2 and -0.2 < ymin < ymax < 0.2                  # WGS 84, around (0, 0)
    assert (root["minLOD"], root["maxLOD"]) == (12, 13)
    if tuple(int(part) for part in gdal.__version__.split(".")[:2]) < (3, 8):
        pytest.skip(f"GDAL {gdal.__version__}: the ESRIC driver reads .tpkx from GDAL 3.8 (Debian 13 lane)")
    import io

    import numpy as np
    from cachebuilders import osgeo_exceptions
    from PIL import Image

    from map_server_cache.core.scheme import StorageFormat
    from map_server_cache.core.schemes import builtin_scheme

    scheme = builtin_scheme("ARCGISONLINE_SCHEME", "PNG32", 75, StorageFormat.COMPACT_V2)
    lod = next(lod for lod in scheme.lods if lod.level == 13)
    row, col = 4095, 4096                         # x and y 0 to 4892 m: inside the map, so inside fullExtent
    data = tiles_of(package)[(13, row, col)]
    with osgeo_exceptions():
        dataset = gdal.OpenEx(str(package), gdal.OF_RASTER)
        assert dataset.GetDriver().ShortName == "ESRIC"
        x0, res, _, y0, _, _ = dataset.GetGeoTransform()          # cropped to fullExtent from GDAL 3.9
        assert res == pytest.approx(lod.resolution)
        left, _, _, top = scheme.tile_bounds(lod, row, col)
        xoff, yoff = round((left - x0) / res), round((y0 - top) / res)
        pixels = np.stack([dataset.GetRasterBand(band).ReadAsArray(xoff, yoff, 256, 256)
                           for band in (1, 2, 3, 4)], axis=-1)
    assert np.array_equal(pixels, np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")))


def test_existing_scheme_and_area_of_interest(run, map_path, tmp_path):
    """A service's own grid (origin, scales, 512 px tiles), not ArcGIS Online's; tiles touching the area."""
    from map_server_cache.core.formats.conf_write import write_conf_xml
    from map_server_cache.core.scheme import Extent, SpatialReference, StorageFormat
    from map_server_cache.core.schemes import NewScheme, build_scheme

    scheme = build_scheme(NewScheme(SpatialReference(3857, 3857), (100000.0, 50000.0), 96, (512, 512),
                                    (-50000.0, 50000.0), "PNG", 75, StorageFormat.EXPLODED))
    scheme_file = tmp_path / "service" / "conf.xml"
    scheme_file.parent.mkdir()
    write_conf_xml(scheme, scheme_file)
    layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "aoi", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((100 100, 2000 100, 2000 2000, 100 2000, 100 100))"))
    layer.dataProvider().addFeatures([feature])
    package = tmp_path / "corner.tpkx"
    run({"in_map": str(map_path), "service_type": "EXISTING", "service_file": str(scheme_file),
         "output_file": str(package), "format_type": "MIXED", "level_of_detail": 1,
         "min_level_of_detail": 1, "area_of_interest": layer})
    with open_cache(package) as cache:
        assert (cache.scheme.tile_format, cache.scheme.storage_format.name) == ("MIXED", "COMPACT_V2")
        assert (cache.scheme.origin_x, cache.scheme.origin_y, cache.scheme.tile_cols) == (-50000, 50000, 512)
        assert [lod.resolution for lod in cache.scheme.lods] == [scheme.lods[1].resolution]
    row0, row1, col0, col1 = scheme.tile_range(scheme.lods[1], Extent(100, 100, 2000, 2000))
    assert set(tiles_of(package)) == {(1, row, col) for row in range(row0, row1 + 1)
                                      for col in range(col0, col1 + 1)}


@pytest.mark.parametrize("change, message", [
    ({"output_file": "{tmp}/out/roads.tpk"}, "package_type tpkx writes a .tpkx"),
    ({"level_of_detail": 30}, "levels are 0 to 23"),
    ({"min_level_of_detail": 14}, "need 0 <= min <= max"),
    ({"service_type": "EXISTING"}, "give service_file"),
    ({"service_type": "EXISTING", "service_file": "{tmp}/none.xml"}, "not found"),
    ({"format_type": "LERC"}, "format_type"),
    ({"package_type": "EXPLODED"}, "package_type"),
    ({"in_map": "{tmp}/missing.qgz"}, "missing.qgz"),
    ({"map_theme": "no such theme"}, "no such theme"),
    ({"extent": "-1e9,-9.9e8,-1e9,-9.9e8 [EPSG:4326]"}, "extent"),
])
def test_bad_input_is_refused_before_anything_is_written(run, map_path, tmp_path, change, message):
    out = tmp_path / "out"
    out.mkdir()
    parameters = {"in_map": str(map_path), "output_file": str(out / "roads.tpkx"), "level_of_detail": 13,
                  "min_level_of_detail": 12}
    parameters.update({key: value.format(tmp=tmp_path) if isinstance(value, str) else value
                       for key, value in change.items()})
    with pytest.raises(QgsProcessingException, match=message):
        run(parameters)
    assert everything_in(out) == []


def test_open_project_must_be_saved(run, map_path, tmp_path):
    project = QgsProject.instance()
    project.clear()
    with pytest.raises(QgsProcessingException, match="save"):
        run({"output_file": str(tmp_path / "roads.tpkx"), "level_of_detail": 13})
    assert project.read(str(map_path))
    try:
        run({"output_file": str(tmp_path / "roads.tpkx"), "level_of_detail": 12, "min_level_of_detail": 12})
    finally:
        project.clear()
    assert len(tiles_of(tmp_path / "roads.tpkx")) == 4


def test_cancel_leaves_the_earlier_package_and_nothing_else(run, map_path, tmp_path):
    package = tmp_path / "roads.tpkx"
    package.write_bytes(b"earlier")
    with pytest.raises(QgsProcessingException, match="(?i)cancel"):
        run({"in_map": str(map_path), "output_file": str(package), "level_of_detail": 13,
             "min_level_of_detail": 12}, feedback=CancelAtStart())
    assert package.read_bytes() == b"earlier" and everything_in(tmp_path) == ["roads.tpkx"]


def test_model_runs_the_tool(plugin, map_path, tmp_path):
    model = QgsProcessingModelAlgorithm("Package roads", "Map Server Cache tests")
    model.addModelParameter(QgsProcessingParameterFile("map", "Map"), QgsProcessingModelParameter("map"))
    child = QgsProcessingModelChildAlgorithm(PACKAGE_ID)
    child.setChildId("package")
    child.addParameterSources("in_map", [QgsProcessingModelChildParameterSource.fromModelParameter("map")])
    for name, value in {"output_file": str(tmp_path / "roads.tpk"), "package_type": "tpk",
                        "level_of_detail": 12, "min_level_of_detail": 12}.items():
        child.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    model.addChildAlgorithm(child)
    path = tmp_path / "package.model3"
    assert model.toFile(str(path))
    loaded = QgsProcessingModelAlgorithm()
    assert loaded.fromFile(str(path))
    loaded.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    _, ok = loaded.run({"map": str(map_path)}, context, feedback)
    assert ok, feedback.textLog()
    assert len(tiles_of(tmp_path / "roads.tpk")) == 4


def test_qgis_process_with_arcpy_words(qgis_process, map_path, tmp_path):  # noqa: F811
    package = tmp_path / "roads.tpkx"
    done = qgis_process("--json", "run", PACKAGE_ID, "--", f"in_map={map_path}", "service_type=ONLINE",
                        f"output_file={package}", "format_type=PNG8", "level_of_detail=12",
                        "min_level_of_detail=12", "package_type=tpkx", "summary=Roads", "tags=roads")
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout[done.stdout.index("{"):])["results"]
    assert results["output_file"] == str(package) and results["drawn"] == len(tiles_of(package)) == 4


def test_dialog_builds_parameters_that_pass_the_checks(plugin, qgis_iface, monkeypatch, map_path, tmp_path):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication
    from qgis.gui import QgsBrowserGuiModel

    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(PACKAGE_ID)
    dialog = AlgorithmDialog(algorithm)
    try:
        dialog.show()
        QgsApplication.processEvents()
        dialog.setParameters({"in_map": str(map_path), "output_file": str(tmp_path / "roads.tpk"),
                              "format_type": 2, "level_of_detail": 13, "min_level_of_detail": 12,
                              "package_type": 0, "summary": "Roads"})
        parameters = dialog.createProcessingParameters()
        assert [parameters[name] for name in ("format_type", "package_type", "level_of_detail")] == [2, 0, 13]
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        assert algorithm.checkParameterValues(parameters, context) == (True, "")
        assert algorithm.checkParameterValues({**parameters, "package_type": 1}, context)[0] is False
    finally:
        dialog.close()
        dialog.deleteLater()


def test_values_as_arcpy_passes_them(run, map_path, tmp_path):
    """As in Esri's sample, CreateMapTilePackage(map, "ONLINE", "Example.tpk", "PNG8", "13", ...): text."""
    package = tmp_path / "Example.tpk"
    results = run({"in_map": str(map_path), "service_type": "ONLINE", "output_file": str(package),
                   "format_type": "PNG8", "level_of_detail": "13", "service_file": "", "summary": "Example",
                   "tags": "example", "extent": "", "compression_quality": "", "package_type": "tpk",
                   "min_level_of_detail": "13", "area_of_interest": ""})
    assert results["drawn"] == len(tiles_of(package)) == 16
    with zipfile.ZipFile(package) as archive:
        assert b"<summary>Example</summary>" in archive.read("esriinfo/iteminfo.xml")


def test_an_empty_map_area_warns_and_writes_an_empty_package(run, map_path, tmp_path):
    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, warning):
            self.warnings.append(warning)

    feedback = Warnings()
    package = tmp_path / "empty.tpkx"
    results = run({"in_map": str(map_path), "output_file": str(package), "level_of_detail": 12,
                   "min_level_of_detail": 12, "extent": "1000000,1020000,1000000,1020000 [EPSG:3857]"},
                  feedback=feedback)
    assert results["drawn"] == 0 and results["empty"] > 0 and tiles_of(package) == {}
    assert any("draws nothing" in warning for warning in feedback.warnings)


KILLED_RUN = """
import sys
sys.path.insert(0, sys.argv[1])
from map_server_cache.core.execution.tile_package import TilePackageRequest, create_tile_package
from map_server_cache.core.scheme import Extent
create_tile_package(TilePackageRequest(
    project=sys.argv[2], output_file=__import__("pathlib").Path(sys.argv[3]),
    extent=Extent(-9000.0, -7000.0, 9000.0, 7000.0), level_of_detail=17, min_level_of_detail=12, workers=1,
    drawer="map_server_cache.drawing.renderer:open_drawer"))
"""


def test_a_sigkill_while_drawing_leaves_the_earlier_package_and_the_rerun_finishes(run, map_path, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    package = tmp_path / "roads.tpkx"
    package.write_bytes(b"earlier")
    child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(PLUGINS), str(map_path), str(package)],
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".create_map_tile_package_*/tiles/Layers/_alllayers/L*/*.bundle")):
        assert child.poll() is None and time.monotonic() < deadline, "the run ended before drawing"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert package.read_bytes() == b"earlier"
    assert everything_in(tmp_path) != ["roads.tpkx"]              # the killed run's staging folder is there
    run({"in_map": str(map_path), "output_file": str(package), "level_of_detail": 12,
         "min_level_of_detail": 12})
    assert everything_in(tmp_path) == ["roads.tpkx"] and len(tiles_of(package)) == 4
