"""A .model3 holding the algorithm, built in code, saved, loaded back and run, with arcpy keywords inside."""

from __future__ import annotations

import pytest
from caches import ALGORITHM_ID, BLUE, RED, cachebuilders, pixels, read_tile
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsProject,
)


def build_model(static: dict) -> QgsProcessingModelAlgorithm:
    """A model with inputs "service" and "package" feeding the import; `static` gives the other values."""
    model = QgsProcessingModelAlgorithm("Update basemap", "Map Server Cache tests")
    model.addModelParameter(QgsProcessingParameterString("service", "Service"),
                            QgsProcessingModelParameter("service"))
    model.addModelParameter(QgsProcessingParameterFile("package", "Tile package"),
                            QgsProcessingModelParameter("package"))
    child = QgsProcessingModelChildAlgorithm(ALGORITHM_ID)
    child.setChildId("import")
    child.addParameterSources("input_service", [QgsProcessingModelChildParameterSource.fromModelParameter(
        "service")])
    child.addParameterSources("source_tile_package", [
        QgsProcessingModelChildParameterSource.fromModelParameter("package")])
    for name, value in static.items():
        child.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    report = QgsProcessingModelOutput("import_report", "Import report")
    report.setChildOutputName("report")
    child.setModelOutputs({"import_report": report})
    model.addChildAlgorithm(child)
    return model


@pytest.mark.parametrize("static", [
    {"source_cache_type": "TILE_PACKAGE", "overwrite": "MERGE", "upload_data_to_server": "DO_NOT_UPLOAD",
     "scales": "73957190.948944", "num_of_caching_service_instances": "1"},
    {"source_cache_type": 1, "overwrite": False, "upload_data_to_server": False, "scales": "73957190.948944",
     "num_of_caching_service_instances": 1},
])
def test_model3_runs_the_algorithm(plugin, server, source, tmp_path, static):
    package = cachebuilders.make_tpkx(tmp_path / "update.tpkx", source)
    path = tmp_path / "update_basemap.model3"
    assert build_model(static).toFile(str(path))
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path))
    model.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    parameters = {"service": str(server.target), "package": str(package),
                  "import:import_report": str(tmp_path / "report.html")}
    ok, message = model.checkParameterValues(parameters, context)
    assert ok, message
    results, ok = model.run(parameters, context, feedback)
    assert ok, feedback.textLog()
    assert (tmp_path / "report.html").exists()
    image = pixels(read_tile(server.target, 3, 4, 4))
    assert (image[:, :128] == BLUE).all() and (image[:, 128:] == RED).all()
