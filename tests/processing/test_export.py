"""Export Map Server Cache through QGIS: processing.run with every keyword in arcpy's words and QGIS's forms,
qgis_process, a model, pre-run checks refusing bad input, cancel, the report; the service never modified."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from caches import LEVELS, RED, cachebuilders, make_server, pixels
from crashkit import sha256_tree
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
    QgsProcessingParameterString,
    QgsProject,
    QgsVectorLayer,
)
from test_cancel import CancelAtStart
from test_qgis_process import qgis_process  # noqa: F401  (fixture)

EXPORT_ID = "mapservercache:exportmapservercache"
SCHEME = cachebuilders.make_scheme("COMPACT_V2", "PNG32", LEVELS)
SCALE = {lod.level: lod.scale for lod in SCHEME.lods}


def listed(folder) -> list:
    """What a folder holds besides the plugin's hidden bookkeeping (the export's lock lives there)."""
    return [path for path in folder.iterdir() if path.name != ".map_server_cache"]


@pytest.fixture
def export(plugin):
    import processing

    def run(parameters, **kwargs):
        return processing.run(EXPORT_ID, parameters, **kwargs)

    return run


def tiles_of(path) -> dict:
    from map_server_cache.core.sources.opening import open_cache

    with open_cache(path) as cache:
        return {(level, row, col): data for level in cache.storage.levels()
                for key in cache.storage.bundles(level)
                for (row, col), data in cache.storage.read_bundle(key).items()}


def test_every_keyword_in_arcpy_words(export, server, tmp_path):
    before = sha256_tree(server.target)
    out = tmp_path / "out"
    out.mkdir()
    report = tmp_path / "report.html"
    results = export({
        "input_service": str(server.target), "target_cache_path": str(out),
        "export_cache_type": "CACHE_DATASET",
        "copy_data_from_server": "DO_NOT_COPY", "storage_format_type": "EXPLODED",
        "scales": f"{SCALE[1]};{SCALE[2]}", "num_of_caching_service_instances": 1, "overwrite": "MERGE",
        "export_extent": "-20037508.34,0,0,20037508.34 [EPSG:3857]", "report": str(report)})
    assert Path(results["target_cache"]) == out / "Basemap" / "Layers"
    assert results["exported"] == 1 + 4 and results["clipped"] == 0
    exported = {(1, 0, 0), *((2, row, col) for row in (0, 1) for col in (0, 1))}
    assert set(tiles_of(out / "Basemap" / "Layers")) == exported
    assert (out / "Basemap" / "Layers" / "_alllayers" / "L02" / "R00000001" / "C00000001.png").exists()
    page = report.read_text(encoding="utf-8")
    assert "<table>" in page and "<h1>Export Map Server Cache</h1>" in page and "Exported" in page
    assert sha256_tree(server.target) == before


def test_tile_package_in_qgis_forms_with_copy_data(export, server, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "aoi", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((-170 5, -10 5, -10 80, -170 80, -170 5))"))
    layer.dataProvider().addFeatures([feature])
    results = export({"input_service": str(server.target), "target_cache_path": str(out),
                      "export_cache_type": 1, "copy_data_from_server": True, "storage_format_type": 1,
                      "scales": [SCALE[2]], "overwrite": True, "area_of_interest": layer})
    package = Path(results["target_cache"])
    assert package == out / "Basemap.tpkx"
    assert results["clipped"] > 0 and results["exported"] == 4
    names = zipfile.ZipFile(package).namelist()
    assert names[:3] == ["root.json", "iteminfo.json", "thumbnail.png"]
    assert not any((server.root / "arcgissystem" / "arcgisoutput").iterdir()), "staging removed"
    clipped = pixels(tiles_of(package)[(2, 1, 0)])
    assert clipped[0, 0, 3] == 0 and (clipped[0, 255] == RED).all()      # west of -170°: out; east: in


def test_tpk_and_refusals_before_run(plugin, server, tmp_path):
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().algorithmById(EXPORT_ID)
    context = QgsProcessingContext()
    out = tmp_path / "out"
    out.mkdir()
    base = {"input_service": str(server.target), "target_cache_path": str(out)}
    exploded_package = {"storage_format_type": "EXPLODED", "export_cache_type": "TILE_PACKAGE"}
    for bad, message in [(exploded_package, "EXPLODED"),
                         ({"export_cache_type": "FOLDER"}, "export_cache_type"),
                         ({"copy_data_from_server": "MAYBE"}, "COPY_DATA"),
                         ({"scales": "1234"}, "1234"),
                         ({"target_cache_path": str(tmp_path / "nowhere")}, "nowhere")]:
        ok, text = algorithm.checkParameterValues({**base, **bad}, context)
        assert not ok and message in text, (bad, text)
    assert not any(listed(out))
    ok, text = algorithm.checkParameterValues({**base, "export_cache_type": "TILE_PACKAGE"}, context)
    assert ok, text


def test_cancel_leaves_nothing(export, server, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException, match="(?i)cancel"):
        export({"input_service": str(server.target), "target_cache_path": str(out),
                "export_cache_type": "TILE_PACKAGE", "storage_format_type": "COMPACT"},
               feedback=CancelAtStart())
    assert not any(listed(out))


def test_model_runs_the_export(plugin, server, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    model = QgsProcessingModelAlgorithm("Export basemap", "Map Server Cache tests")
    model.addModelParameter(QgsProcessingParameterString("service", "Service"),
                            QgsProcessingModelParameter("service"))
    child = QgsProcessingModelChildAlgorithm(EXPORT_ID)
    child.setChildId("export")
    child.addParameterSources("input_service", [QgsProcessingModelChildParameterSource.fromModelParameter(
        "service")])
    for name, value in {"target_cache_path": str(out), "export_cache_type": "TILE_PACKAGE",
                        "storage_format_type": "COMPACT", "scales": str(SCALE[1])}.items():
        child.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    model.addChildAlgorithm(child)
    path = tmp_path / "export.model3"
    assert model.toFile(str(path))
    loaded = QgsProcessingModelAlgorithm()
    assert loaded.fromFile(str(path))
    loaded.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    _, ok = loaded.run({"service": str(server.target)}, context, feedback)
    assert ok, feedback.textLog()
    assert set(tiles_of(out / "Basemap.tpk")) == {(1, r, c) for r in (0, 1) for c in (0, 1)}


def test_qgis_process_runs_the_export(qgis_process, tmp_path):  # noqa: F811
    server = make_server(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    done = qgis_process(
        "--json", "run", EXPORT_ID, "--",
        f"input_service=GIS Servers/arcgis on MYSERVER (admin)/{server.service}", f"target_cache_path={out}",
        "export_cache_type=TILE_PACKAGE", "copy_data_from_server=COPY_DATA", "storage_format_type=COMPACT_V2",
        f"scales={SCALE[2]}", "num_of_caching_service_instances=1", "overwrite=OVERWRITE",
        servers={"arcgis on MYSERVER (admin)": str(server.root)})
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout[done.stdout.index("{"):])["results"]
    assert results["target_cache"] == str(out / "Basemap.tpkx") and results["exported"] == 16


def test_export_dialog_lists_the_service_levels_and_builds_valid_parameters(plugin, qgis_iface, monkeypatch,
                                                                          server, tmp_path):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication
    from qgis.gui import QgsBrowserGuiModel

    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    out = tmp_path / "out"
    out.mkdir()
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(EXPORT_ID)
    dialog = AlgorithmDialog(algorithm)
    try:
        dialog.show()
        QgsApplication.processEvents()
        dialog.setParameters({"input_service": str(server.target), "target_cache_path": str(out),
                              "export_cache_type": 1, "storage_format_type": 1, "scales": str(SCALE[2])})
        scales = dialog.mainWidget().wrappers["scales"]
        scales.update_levels()
        assert scales.tree.topLevelItemCount() == len(LEVELS)
        assert scales.status.text() == "The levels the input service caches."
        parameters = dialog.createProcessingParameters()
        assert parameters["export_cache_type"] == 1 and parameters["storage_format_type"] == 1
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        assert algorithm.checkParameterValues(parameters, context) == (True, "")
    finally:
        dialog.close()
        dialog.deleteLater()
