"""A model that creates a cache (the tiling scheme of an exported cache), draws the map into it and blends
that export over the drawing."""

from __future__ import annotations

from caches import ALGORITHM_ID, BLUE, make_source, pixels, read_tile
from drawmaps import make_map
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsProject,
)

from map_server_cache.core.sources.remembered_map import remembered_map
from map_server_cache.qgiscompat import FILE_BEHAVIOR_FILE, FILE_BEHAVIOR_FOLDER

CREATE_ID = "mapservercache:createmapservercache"
MANAGE_ID = "mapservercache:managemapservercachetiles"


def build_model() -> QgsProcessingModelAlgorithm:
    """Inputs "caches", "export", its "scheme" and "project"; create's output folder feeds the drawing's
    input_service, the drawing's the import's."""
    model = QgsProcessingModelAlgorithm("New service from an export", "Map Server Cache tests")
    for name, behavior in (("caches", FILE_BEHAVIOR_FOLDER), ("export", FILE_BEHAVIOR_FOLDER),
                           ("scheme", FILE_BEHAVIOR_FILE), ("project", FILE_BEHAVIOR_FILE)):
        model.addModelParameter(QgsProcessingParameterFile(name, name, behavior),
                                QgsProcessingModelParameter(name))
    create = QgsProcessingModelChildAlgorithm(CREATE_ID)
    create.setChildId("create")
    static = {"input_service": "Basemap.MapServer", "tiling_scheme_type": "PREDEFINED",
              "cache_tile_format": "PNG32", "storage_format": "COMPACT_V2"}
    for name, value in static.items():
        create.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    for name, source in (("service_cache_directory", "caches"), ("predefined_tiling_scheme", "scheme"),
                         ("in_map", "project")):
        create.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromModelParameter(source)])
    model.addChildAlgorithm(create)
    draw = QgsProcessingModelChildAlgorithm(MANAGE_ID)
    draw.setChildId("draw")
    draw.addParameterSources("input_service", [QgsProcessingModelChildParameterSource.fromChildOutput(
        "create", "target_cache")])
    for name, value in (("update_mode", "RECREATE_ALL_TILES"), ("num_of_caching_service_instances", 1)):
        draw.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    model.addChildAlgorithm(draw)
    load = QgsProcessingModelChildAlgorithm(ALGORITHM_ID)
    load.setChildId("import")
    load.addParameterSources("input_service", [QgsProcessingModelChildParameterSource.fromChildOutput(
        "draw", "target_cache")])
    load.addParameterSources("source_cache_dataset", [
        QgsProcessingModelChildParameterSource.fromModelParameter("export")])
    load.addParameterSources("source_cache_type", [
        QgsProcessingModelChildParameterSource.fromStaticValue("CACHE_DATASET")])
    load.addParameterSources("overwrite", [
        QgsProcessingModelChildParameterSource.fromStaticValue("MERGE")])
    model.addChildAlgorithm(load)
    return model


def test_model_creates_a_cache_draws_it_and_imports_into_it(plugin, qgis_app, tmp_path):
    project = make_map(tmp_path / "map")
    export = make_source(tmp_path / "export" / "Layers")
    caches = tmp_path / "arcgiscache"
    caches.mkdir()
    path = tmp_path / "new_service.model3"
    assert build_model().toFile(str(path))
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path))
    model.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    parameters = {"caches": str(caches), "export": str(export), "scheme": str(export / "conf.xml"),
                  "project": str(project)}
    ok, message = model.checkParameterValues(parameters, context)
    assert ok, message
    _, ok = model.run(parameters, context, feedback)
    assert ok, feedback.textLog()
    target = caches / "Basemap" / "Layers"
    assert remembered_map(target) == (str(project), None)
    image = pixels(read_tile(target, 3, 4, 4))
    assert (image[:, :128] == BLUE).all() and (image[:, 128:, 3] == 0).all(), "nothing drawn: only the export"
    corner = pixels(read_tile(target, 3, 3, 3))    # the map's few pixels NW of the origin, under the export's
    assert (corner[:, :128] == BLUE).all()          # transparent right half
    assert corner[240:, 240:, 3].any() and not corner[:200, 128:, 3].any()
