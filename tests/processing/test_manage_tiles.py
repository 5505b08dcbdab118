"""Manage Map Server Cache Tiles drawing a label-free QGIS map into caches, with processing.run.

Every stored tile equals QGIS's own render of exactly its extent within the renderer tests' TOLERANCE
(test_drawing_renderer.py); tiles where nothing is drawn are not stored.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from drawmaps import MAP_EXTENT, THEME, differing_share, make_cache, make_map, reference_render
from PIL import Image
from qgis.core import QgsProcessingException, QgsProcessingFeedback

from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.scheme import Extent
from map_server_cache.core.sources.remembered_map import remember_map
from map_server_cache.core.storage.layouts import open_storage

MANAGE_ID = "mapservercache:managemapservercachetiles"
TOLERANCE = 0.015
SCALE_13, SCALE_14, SCALE_15 = 72223.819286, 36111.909643, 18055.954822


@pytest.fixture(scope="module")
def map_path(qgis_app, tmp_path_factory):
    return make_map(tmp_path_factory.mktemp("map"))


@pytest.fixture
def manage(plugin):
    """processing.run on the algorithm; one instance unless given (drawn in this process, no worker start-up:
    test_processes_draw_what_threads_draw and the qgis_process run, with 2 instances, cover the executors)."""
    import processing

    def run(parameters, **kwargs):
        return processing.run(MANAGE_ID, {"num_of_caching_service_instances": 1, **parameters}, **kwargs)

    return run


def stored(folder, scheme) -> dict:
    """{(level, row, col): bytes} of every tile in the cache."""
    storage = open_storage(DirectoryFS(folder), scheme)
    return {(level, row, col): data for level in storage.levels() for key in storage.bundles(level)
            for (row, col), data in storage.read_bundle(key).items()}


def rgba(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_every_tile_equals_qgis_render_of_its_extent(manage, map_path, tmp_path):
    folder, scheme = make_cache(tmp_path / "cache", levels=[14])
    report = tmp_path / "report.html"
    results = manage({"input_service": str(folder), "scales": f"{SCALE_14}",
                      "update_mode": "RECREATE_ALL_TILES", "in_map": str(map_path), "report": str(report)})
    tiles = stored(folder, scheme)
    lod = scheme.lods[0]
    row0, row1, col0, col1 = scheme.tile_range(lod, Extent(*MAP_EXTENT))
    assert results["drawn"] == len(tiles) > 0
    assert results["drawn"] + results["empty"] == (row1 - row0 + 1) * (col1 - col0 + 1)
    for row in range(row0, row1 + 1):
        for col in range(col0, col1 + 1):
            reference = reference_render(map_path, scheme.tile_bounds(lod, row, col), 256, 256)
            data = tiles.get((14, row, col))
            if data is None:
                assert not reference[..., 3].any(), (row, col)       # not stored: nothing drawn there
            else:
                assert differing_share(rgba(data), reference) <= TOLERANCE, (row, col)
    assert results["target_layer"] == str(folder / "conf.xml")
    text = report.read_text()
    assert "Manage Map Server Cache Tiles" in text and "data:image/png" in text and "data:image/jpeg" in text


@pytest.mark.parametrize("storage, tile_format", [
    ("COMPACT_V2", "PNG"), ("COMPACT", "PNG8"), ("EXPLODED", "PNG24"), ("COMPACT", "JPEG"),
    ("EXPLODED", "MIXED"), ("COMPACT_V2", "PNG32")])
def test_every_format_and_storage(manage, map_path, tmp_path, storage, tile_format):
    folder, scheme = make_cache(tmp_path / "cache", storage, tile_format, levels=[13], quality=90)
    results = manage({"input_service": str(folder), "scales": SCALE_13, "in_map": str(map_path)})
    tiles = stored(folder, scheme)
    assert results["drawn"] == len(tiles) > 0
    lod = scheme.lods[0]
    kinds = set()
    for (_level, row, col), data in tiles.items():
        kinds.add(data[:2])
        reference = reference_render(map_path, scheme.tile_bounds(lod, row, col), 256, 256)
        pixels = rgba(data)
        if tile_format == "JPEG":       # transparent pixels over white; thin lines blur: compare means
            white = np.full_like(reference, 255)
            over_white = reference[..., :3] * (reference[..., 3:] / 255) + white[..., :3] * (
                1 - reference[..., 3:] / 255)
            assert np.abs(pixels[..., :3] - over_white).mean() < 6, (row, col)
        elif tile_format == "PNG8":     # a palette: transparency kept
            assert ((pixels[..., 3] == 0) != (reference[..., 3] == 0)).mean() <= TOLERANCE
        else:
            assert differing_share(pixels, reference) <= TOLERANCE
    # This map's fills are semi-transparent, so MIXED stores every tile as PNG (JPEG needs opaque tiles).
    assert kinds == ({b"\xff\xd8"} if tile_format == "JPEG" else {b"\x89P"})


def test_delete_then_recreate_empty_restores_the_cache(manage, map_path, tmp_path):
    folder, scheme = make_cache(tmp_path / "cache", "COMPACT_V2", "PNG", levels=[14])
    common = {"input_service": str(folder), "scales": SCALE_14, "in_map": str(map_path)}
    manage({**common, "update_mode": "RECREATE_ALL_TILES"})
    full = stored(folder, scheme)
    west = "-9000,-1,-7000,7000 [EPSG:3857]"

    deleted = manage({**common, "update_mode": "DELETE_TILES", "update_extent": west})
    lod = scheme.lods[0]
    row0, row1, col0, col1 = scheme.tile_range(lod, Extent(-9000.0, -7000.0, -1.0, 7000.0))
    touching = {key for key in full if row0 <= key[1] <= row1 and col0 <= key[2] <= col1}
    left = stored(folder, scheme)
    assert deleted["deleted"] == len(touching) > 0
    assert left == {key: data for key, data in full.items() if key not in touching}   # others untouched

    refilled = manage({**common, "update_mode": "RECREATE_EMPTY_TILES"})
    assert refilled["skipped"] == len(left)
    assert refilled["drawn"] == len(touching)
    assert stored(folder, scheme).keys() == full.keys()


def test_recreate_all_replaces_only_within_the_extent(manage, map_path, tmp_path):
    folder, scheme = make_cache(tmp_path / "cache", "EXPLODED", "PNG32", levels=[14])
    common = {"input_service": str(folder), "scales": SCALE_14}
    remember_map(folder, map_path, THEME)                     # lines only
    manage(common)
    lines_only = stored(folder, scheme)
    east = "1,9000,-7000,7000 [EPSG:3857]"
    manage({**common, "in_map": str(map_path), "update_extent": east})   # the whole map, east half
    after = stored(folder, scheme)
    lod = scheme.lods[0]
    row0, row1, col0, col1 = scheme.tile_range(lod, Extent(1.0, -7000.0, 9000.0, 7000.0))
    for key in after.keys() | lines_only.keys():
        inside = row0 <= key[1] <= row1 and col0 <= key[2] <= col1
        if not inside:
            assert after.get(key) == lines_only.get(key), key
        elif key in after:
            reference = reference_render(map_path, scheme.tile_bounds(lod, key[1], key[2]), 256, 256)
            assert differing_share(rgba(after[key]), reference) <= TOLERANCE, key


class CancelAfterFirstUnit(QgsProcessingFeedback):
    """Cancels once the engine reports the first tiles done."""

    def __init__(self):
        super().__init__()
        self.progressChanged.connect(lambda percent: percent > 0 and self.cancel())


def test_cancel_stops_and_recreate_empty_finishes(manage, map_path, tmp_path):
    folder, scheme = make_cache(tmp_path / "cache", "COMPACT_V2", "PNG", levels=[14, 15])
    common = {"input_service": str(folder), "in_map": str(map_path), "num_of_caching_service_instances": 1}
    with pytest.raises(QgsProcessingException, match="(?i)cancel"):
        manage({**common, "update_mode": "RECREATE_ALL_TILES"}, feedback=CancelAfterFirstUnit())
    partial = stored(folder, scheme)
    finished = manage({**common, "update_mode": "RECREATE_EMPTY_TILES"})
    complete = stored(folder, scheme)
    assert finished["skipped"] == len(partial) and len(partial) < len(complete)
    reference = make_cache(tmp_path / "reference", "COMPACT_V2", "PNG", levels=[14, 15])[0]
    manage({**common, "input_service": str(reference)})
    assert stored(reference, scheme) == complete


@pytest.mark.parametrize("change, message", [
    ({"map_theme": "Nope"}, r"no map theme 'Nope' \(the project's themes: 'lines only'\)"),
    ({"scales": "12345"}, r"no level at scale 1:12345"),
    ({"update_extent": "-30000000,-25000000,0,1000 [EPSG:3857]"}, r"outside the cache's tiling grid"),
    ({"update_mode": "REDRAW"}, r"update_mode: 'REDRAW' is not accepted"),
    ({"in_map": None}, r"no map to draw: name the QGIS project \(in_map\)"),
])
def test_bad_input_is_refused_before_anything_is_written(manage, map_path, tmp_path, change, message):
    folder, _scheme = make_cache(tmp_path / "cache", levels=[13])
    with pytest.raises(QgsProcessingException, match=message):
        manage({"input_service": str(folder), "in_map": str(map_path), **change})
    assert not any((folder / "_alllayers").iterdir())


def test_broken_layers_are_named(manage, tmp_path):
    project = make_map(tmp_path / "map")
    (project.parent / "roads.gpkg").unlink()
    folder, _scheme = make_cache(tmp_path / "cache", levels=[13])
    with pytest.raises(QgsProcessingException, match=r"map\.qgz: 1 layer\(s\) cannot be loaded: 'roads'"):
        manage({"input_service": str(folder), "in_map": str(project)})
    assert not any((folder / "_alllayers").iterdir())


def test_processes_draw_what_threads_draw(plugin, map_path, tmp_path):
    """The executor for num_of_caching_service_instances > 1: spawned workers start QGIS headless."""
    from map_server_cache.algorithms.manage_map_server_cache_tiles import DRAWER
    from map_server_cache.core.execution.manage import ManageRequest, manage_tiles

    caches = {}
    for executor in ("threads", "processes"):
        folder, scheme = make_cache(tmp_path / executor, "COMPACT_V2", "PNG", levels=[14])
        manage_tiles(ManageRequest(folder, workers=2, project=str(map_path), drawer=DRAWER,
                                   executor=executor))
        caches[executor] = stored(folder, scheme)
    assert caches["processes"] == caches["threads"] and caches["threads"]


def test_gdal_reads_a_drawn_compact_v2_cache(manage, map_path, tmp_path):
    from osgeo import gdal

    folder, _scheme = make_cache(tmp_path / "cache", "COMPACT_V2", "PNG", levels=range(0, 15))
    results = manage({"input_service": str(folder), "in_map": str(map_path),
                      "scales": f"{SCALE_13};{SCALE_14}"})
    dataset = gdal.Open(results["target_layer"])
    assert dataset is not None and dataset.RasterCount == 4
    origin_x, size_x, _, origin_y, _, size_y = dataset.GetGeoTransform()
    centre_x, centre_y = round(-origin_x / size_x), round(-origin_y / size_y)  # the map lies around (0, 0)
    alpha = dataset.GetRasterBand(4).ReadAsArray(centre_x - 256, centre_y - 256, 512, 512)
    assert alpha.max() > 0


def test_qgis_process_run_with_arcpy_keywords(map_path, tmp_path, qgis_app):
    """A qgis_process run in a throw-away profile: QGIS headless draws on threads, arcpy's words accepted."""
    import json
    import os
    import shutil
    import subprocess
    from pathlib import Path

    program = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    if program is None:
        pytest.skip("qgis_process is not installed")
    profile = tmp_path / "qgis-profile"
    ini = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\nmap_server_cache=true\n")
    plugins = Path(__file__).resolve().parents[2] / "build" / "plugins"
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(profile), "QGIS_PLUGINPATH": str(plugins),
           "QT_QPA_PLATFORM": "offscreen"}
    folder, scheme = make_cache(tmp_path / "cache", "COMPACT_V2", "PNG", levels=[13])
    done = subprocess.run(
        [program, "--json", "run", MANAGE_ID, "--", f"input_service={folder}", f"scales={SCALE_13}",
         "update_mode=RECREATE_ALL_TILES", "num_of_caching_service_instances=2",
         "wait_for_job_completion=DO_NOT_WAIT", f"in_map={map_path}"],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout[done.stdout.index("{"):])["results"]
    assert results["drawn"] == len(stored(folder, scheme)) > 0


def test_dialog_lists_the_cache_levels_and_passes_the_checks(plugin, qgis_iface, monkeypatch, map_path,
                                                             tmp_path):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProject
    from qgis.gui import QgsBrowserGuiModel

    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    folder, scheme = make_cache(tmp_path / "cache", levels=[13, 14])
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(MANAGE_ID)
    dialog = AlgorithmDialog(algorithm)
    try:
        dialog.show()
        QgsApplication.processEvents()
        wrappers = dialog.mainWidget().wrappers
        dialog.setParameters({"input_service": str(folder), "in_map": str(map_path), "update_mode": 1})
        wrappers["scales"].update_levels()
        assert wrappers["scales"].tree.topLevelItemCount() == 2
        wrappers["scales"].setValue(SCALE_14)
        parameters = dialog.createProcessingParameters()
        assert parameters["update_mode"] == 1 and float(parameters["scales"]) == pytest.approx(SCALE_14, 1e-4)
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        assert algorithm.checkParameterValues(parameters, context) == (True, "")
        ok, message = algorithm.checkParameterValues({**parameters, "map_theme": "Nope"}, context)
        assert not ok and "no map theme 'Nope'" in message
    finally:
        dialog.close()
        dialog.deleteLater()


def test_area_of_interest_in_another_crs_limits_the_tiles(manage, map_path, tmp_path):
    """A polygon given in WGS 84: exactly the level's tiles touching it are drawn (or found empty)."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsGeometry,
        QgsProject,
        QgsVectorLayer,
    )

    folder, scheme = make_cache(tmp_path / "cache", levels=[14])
    square = QgsGeometry.fromWkt("POLYGON((-3000 -2000, 2500 -2000, 2500 1500, -3000 1500, -3000 -2000))")
    to_wgs84 = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:3857"),
                                      QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    in_wgs84 = QgsGeometry(square)
    in_wgs84.transform(to_wgs84)
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "area", "memory")
    feature = QgsFeature()
    feature.setGeometry(in_wgs84)
    layer.dataProvider().addFeatures([feature])
    results = manage({"input_service": str(folder), "in_map": str(map_path), "area_of_interest": layer})
    bounds = square.boundingBox()
    row0, row1, col0, col1 = scheme.tile_range(scheme.lods[0], Extent(
        bounds.xMinimum(), bounds.yMinimum(), bounds.xMaximum(), bounds.yMaximum()))
    chosen = {(14, row, col) for row in range(row0, row1 + 1) for col in range(col0, col1 + 1)}
    assert results["drawn"] + results["empty"] == len(chosen)
    assert set(stored(folder, scheme)) <= chosen
