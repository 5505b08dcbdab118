"""Convert Map Server Cache Storage Format and Manage Map Server Cache Status through processing.run (every
form of their keywords), qgis_process and a .model3: the cache converted in place with its tiles, Status.gpkg
written, read back by GDAL and loaded styled by tile count, bad input refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import processing
import pytest
from caches import RED, cachebuilders, make_server, pixels, tiles_of_levels
from osgeo import ogr
from qgis.core import (
    QgsGraduatedSymbolRenderer,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelParameter,
    QgsProcessingParameterString,
    QgsProject,
    QgsVectorLayer,
)
from test_qgis_process import qgis_process  # noqa: F401  (a fixture)

from map_server_cache.core.formats.conf import find_conf_xml, read_conf_xml
from map_server_cache.core.sources.opening import open_cache

CONVERT = "mapservercache:convertmapservercachestorageformat"
STATUS = "mapservercache:managemapservercachestatus"
TILES = len(tiles_of_levels(RED))


def read_tile(folder: Path, level: int, row: int, col: int) -> bytes | None:
    """A tile in whatever storage conf.xml names."""
    with open_cache(folder) as cache:
        return cache.storage.get_tile(level, row, col)


def storage_of(folder: Path) -> str:
    return read_conf_xml(find_conf_xml(folder)).storage_format.name


@pytest.mark.parametrize("storage_format,expected", [(None, "EXPLODED"), ("EXPLODED", "EXPLODED"),
                                                     (0, "COMPACT"), ("compact", "COMPACT")])
def test_convert_keywords(plugin, server, storage_format, expected, tmp_path):
    before = read_tile(server.target, 3, 4, 4)
    parameters = {"input_service": str(server.target), "num_of_caching_service_instances": 1,
                  "report": str(tmp_path / "convert.html")}
    if storage_format is not None:
        parameters["storage_format"] = storage_format
    results = processing.run(CONVERT, parameters)
    assert storage_of(server.target) == expected
    assert results["converted"] == TILES and Path(results["target_cache"]) == server.target
    assert read_tile(server.target, 3, 4, 4) == before
    assert "COMPACT_V2" in (tmp_path / "convert.html").read_text(encoding="utf-8")


def test_convert_refuses_bad_input_before_writing(plugin, server, tmp_path):
    with pytest.raises(QgsProcessingException, match="storage_format"):
        processing.run(CONVERT, {"input_service": str(server.target), "storage_format": "ZIPPED"})
    with pytest.raises(QgsProcessingException, match="conf.xml"):
        processing.run(CONVERT, {"input_service": str(tmp_path)})
    assert storage_of(server.target) == "COMPACT_V2"
    assert sorted(path.name for path in server.target.parent.iterdir()) == ["Layers"]


@pytest.mark.parametrize("mode", ["REPORT_BUNDLE_STATUS", 2])
def test_report_bundle_status(plugin, server, tmp_path, mode):
    report = tmp_path / "status.html"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    results = processing.run(STATUS, {"input_service": str(server.target), "manage_mode": mode,
                                      "report_folder": str(tmp_path), "report": str(report)}, context=context)
    assert results["bundles"] == 4 and results["tiles"] == TILES and results["damaged"] == 0
    gpkg = ogr.Open(str(tmp_path / "Status.gpkg"))
    layer = gpkg.GetLayer(0)
    assert layer.GetFeatureCount() == 4 and sum(feature["tiles"] for feature in layer) == TILES
    html = report.read_text(encoding="utf-8")
    assert html.count("<tr>") == 5 and "data:image/png;base64" in html
    details = context.layersToLoadOnCompletion()[str(tmp_path / "Status.gpkg")]   # what the dialog loads
    layer = QgsVectorLayer(str(tmp_path / "Status.gpkg"), details.name, "ogr")
    assert layer.isValid() and layer.featureCount() == 4
    details.postProcessor().postProcessLayer(layer, context, QgsProcessingFeedback())
    assert isinstance(layer.renderer(), QgsGraduatedSymbolRenderer)
    assert layer.renderer().classAttribute() == "tiles" and layer.renderer().ranges()
    QgsProject.instance().removeAllMapLayers()


def test_rebuild_and_delete_status(plugin, server):
    status = server.target.parent / "Status.gpkg"
    scale = cachebuilders.make_scheme("COMPACT_V2", "PNG32", range(4)).lods[3].scale
    results = processing.run(STATUS, {"input_service": str(server.target),
                                      "manage_mode": "REBUILD_CACHE_STATUS", "scales": f"{scale}"})
    assert results["bundles"] == 1 and results["tiles"] == 64 and status.exists()
    processing.run(STATUS, {"input_service": str(server.target), "manage_mode": "DELETE_CACHE_STATUS"})
    assert not status.exists()


def test_status_refuses_bad_input(plugin, server, tmp_path):
    with pytest.raises(QgsProcessingException, match="report_folder"):
        processing.run(STATUS, {"input_service": str(server.target), "manage_mode": "REPORT_BUNDLE_STATUS"})
    with pytest.raises(QgsProcessingException, match="not a level"):
        processing.run(STATUS, {"input_service": str(server.target), "manage_mode": 2, "scales": "1234",
                                "report_folder": str(tmp_path)})
    with pytest.raises(QgsProcessingException, match="manage_mode"):
        processing.run(STATUS, {"input_service": str(server.target), "manage_mode": "FIX_EVERYTHING"})
    assert not (tmp_path / "Status.gpkg").exists()


def test_model_converts_then_reports(plugin, server, tmp_path):
    model = QgsProcessingModelAlgorithm("Convert and report", "Map Server Cache tests")
    model.addModelParameter(QgsProcessingParameterString("service", "Service"),
                            QgsProcessingModelParameter("service"))
    convert = QgsProcessingModelChildAlgorithm(CONVERT)
    convert.setChildId("convert")
    convert.addParameterSources("input_service", [
        QgsProcessingModelChildParameterSource.fromModelParameter("service")])
    convert.addParameterSources("storage_format", [QgsProcessingModelChildParameterSource.fromStaticValue(
        "EXPLODED")])
    model.addChildAlgorithm(convert)
    status = QgsProcessingModelChildAlgorithm(STATUS)
    status.setChildId("status")
    status.addParameterSources("input_service", [
        QgsProcessingModelChildParameterSource.fromChildOutput("convert", "target_cache")])
    for name, value in {"manage_mode": "REPORT_BUNDLE_STATUS", "report_folder": str(tmp_path)}.items():
        status.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    model.addChildAlgorithm(status)
    path = tmp_path / "convert.model3"
    assert model.toFile(str(path))
    loaded = QgsProcessingModelAlgorithm()
    assert loaded.fromFile(str(path))
    loaded.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    _results, ok = loaded.run({"service": str(server.target)}, context, feedback)
    assert ok, feedback.textLog()
    assert storage_of(server.target) == "EXPLODED"
    assert ogr.Open(str(tmp_path / "Status.gpkg")).GetLayer(0).GetFeatureCount() == 4
    QgsProject.instance().removeAllMapLayers()


def test_qgis_process_runs_both(qgis_process, tmp_path):  # noqa: F811
    server = make_server(tmp_path / "qp")
    done = qgis_process("run", CONVERT, "--", f"input_service={server.target}", "storage_format=COMPACT")
    assert done.returncode == 0, done.stdout + done.stderr
    assert storage_of(server.target) == "COMPACT"
    assert (pixels(read_tile(server.target, 2, 1, 1)) == RED).all()
    done = qgis_process("run", STATUS, "--", f"input_service={server.target}",
                        "manage_mode=REPORT_BUNDLE_STATUS", f"report_folder={tmp_path}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ogr.Open(str(tmp_path / "Status.gpkg")).GetLayer(0).GetFeatureCount() == 4
