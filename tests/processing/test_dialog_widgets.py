"""The algorithm dialog's own widgets, offscreen: the service picker, the scale check list, the source type
that follows the file, and the checks shown before Run. Screenshots go to build/screenshots/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from caches import ALGORITHM_ID, cachebuilders, make_source
from osgeo import ogr, osr
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsSettings
from qgis.gui import QgsBrowserGuiModel
from qgis.PyQt.QtCore import QPoint, Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QMessageBox, QScrollArea, QStyle

from map_server_cache.core.errors import IncompatibleCacheError
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache

CONNECTION = "arcgis on MyServer_6080 (publisher)"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
# The test caches' scales at levels 0 to 3, coarsest first (as conf.xml holds them).
SCALES = [lod.scale for lod in cachebuilders.make_scheme("COMPACT_V2", "PNG32", range(4)).lods]


@pytest.fixture
def iface(qgis_iface, monkeypatch):
    """pytest-qgis's stub interface with a real browser model, which the parameters panel asks for."""
    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    return qgis_iface


@pytest.fixture
def connected(server, monkeypatch):
    """The server registered in the QGIS settings as the Options page saves it (restored afterwards)."""
    from map_server_cache.settings import SETTINGS_KEY

    monkeypatch.delenv("MAP_SERVER_CACHE_SERVERS", raising=False)
    settings = QgsSettings()
    saved = settings.value(SETTINGS_KEY, None)
    settings.setValue(SETTINGS_KEY, json.dumps({CONNECTION: str(server.root)}))
    yield server
    if saved is None:
        settings.remove(SETTINGS_KEY)
    else:
        settings.setValue(SETTINGS_KEY, saved)


def open_dialog():
    """The algorithm dialog as the toolbox opens it (the dialog owns its algorithm instance)."""
    from processing.gui.AlgorithmDialog import AlgorithmDialog

    opened = AlgorithmDialog(QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID))
    opened.show()
    opened.resize(1000, 820)
    QgsApplication.processEvents()
    return opened


@pytest.fixture
def dialog(plugin, iface, connected):
    opened = open_dialog()
    yield opened
    opened.close()
    opened.deleteLater()


def wrappers(dialog) -> dict:
    return dialog.mainWidget().wrappers


def settle():
    """Let the scale list's delayed re-read run, as it does after the user stops typing."""
    QTest.qWait(450)
    QgsApplication.processEvents()


def screenshot(dialog, name: str, scroll_to: str | None = None) -> Path:
    if scroll_to is not None:
        dialog.mainWidget().findChild(QScrollArea).ensureWidgetVisible(wrappers(dialog)[scroll_to].widget)
        QgsApplication.processEvents()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert dialog.grab().save(str(path))
    return path


def rows(dialog) -> list[tuple[str, str, str, str, bool]]:
    """(level, scale, resolution, in source, checked) of each row of the scale list."""
    tree = wrappers(dialog)["scales"].tree
    return [tuple(tree.topLevelItem(i).text(c) for c in range(4))
            + (tree.topLevelItem(i).checkState(0) == Qt.CheckState.Checked,)
            for i in range(tree.topLevelItemCount())]


def click_check(dialog, row: int):
    """Click the check box of a row of the scale list, as the user does."""
    tree = wrappers(dialog)["scales"].tree
    item = tree.topLevelItem(row)
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    indicator = tree.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(rect.left() + indicator // 2 + 4, rect.center().y()))
    QgsApplication.processEvents()


def choose_service(dialog, text: str):
    combo = wrappers(dialog)["input_service"].combo
    index = combo.findText(text)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def check_values(dialog) -> tuple[bool, str]:
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return dialog.algorithm().checkParameterValues(dialog.createProcessingParameters(), context)


def press_run(dialog, name: str) -> str:
    """Press Run; return the text of the warning the dialog shows instead of running (saved as a picture)."""
    shown = []

    def read_warning(tries=40):
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            box.grab().save(str(SCREENSHOTS / f"{name}.png"))
            box.accept()
        elif tries:
            QTimer.singleShot(50, lambda: read_warning(tries - 1))

    QTimer.singleShot(50, read_warning)
    dialog.runAlgorithm()
    assert shown, "the dialog ran instead of showing a warning"
    return shown[0]


def area_of_interest(path: Path) -> Path:
    """A shapefile of one polygon in EPSG:4326 over the north-west of the test caches."""
    dataset = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = dataset.CreateLayer(path.stem, srs, ogr.wkbPolygon)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON((-170 10,-100 10,-100 80,-170 80,-170 10))"))
    layer.CreateFeature(feature)
    dataset = None
    return path


def test_service_picker_lists_the_services_of_the_registered_connections(dialog, connected, tmp_path):
    cachebuilders.write_cache(connected.root / "arcgiscache" / "Hydro_Rivers" / "Layers",
                              cachebuilders.make_scheme("COMPACT_V2", "PNG32", range(2)), {})
    (connected.root / "arcgiscache" / "NotACache").mkdir()
    reopened = open_dialog()                           # the list is read when the dialog opens
    try:
        combo = wrappers(reopened)["input_service"].combo
        assert [combo.itemText(i) for i in range(combo.count())] == [
            f"GIS Servers/{CONNECTION}/Basemap.MapServer", f"GIS Servers/{CONNECTION}/Hydro_Rivers.MapServer"]
        assert combo.currentText() == ""
        combo.showPopup()
        QgsApplication.processEvents()
        screenshot(reopened, "service_list")
        path = SCREENSHOTS / "service_list_popup.png"
        combo.view().window().grab().save(str(path))
        combo.hidePopup()
    finally:
        reopened.close()
        reopened.deleteLater()


def test_chosen_or_typed_service_reaches_the_algorithm(dialog, connected, source):
    choose_service(dialog, f"GIS Servers/{CONNECTION}/Basemap.MapServer")
    dialog.setParameters({"source_cache_dataset": str(source)})
    parameters = dialog.createProcessingParameters()
    assert parameters["input_service"] == f"GIS Servers/{CONNECTION}/Basemap.MapServer"
    assert check_values(dialog) == (True, "")
    dialog.setParameters({"input_service": str(connected.target)})            # a folder typed or picked
    assert dialog.createProcessingParameters()["input_service"] == str(connected.target)
    assert check_values(dialog) == (True, "")


def test_scales_list_the_target_levels_and_mark_those_the_source_holds(dialog, connected, tmp_path):
    screenshot(dialog, "empty")
    choose_service(dialog, f"GIS Servers/{CONNECTION}/Basemap.MapServer")
    settle()
    assert [row[0] for row in rows(dialog)] == ["0", "1", "2", "3"]
    assert [row[3] for row in rows(dialog)] == ["", "", "", ""]          # no source yet
    assert rows(dialog)[1][1] == f"{SCALES[1]:,.0f}"
    source = make_source(tmp_path / "export" / "Layers", levels=range(1, 3))
    dialog.setParameters({"source_cache_dataset": str(source)})
    settle()
    assert [row[3] for row in rows(dialog)] == ["—", "✓", "✓", "—"]
    assert wrappers(dialog)["scales"].status.text() == "The source holds 2 of these 4 levels."
    assert wrappers(dialog)["scales"].choice.text() == (
        "Nothing checked: every level source and target share is imported.")
    assert dialog.createProcessingParameters()["scales"] == ""               # nothing checked: all shared
    click_check(dialog, 1)
    click_check(dialog, 2)
    assert [row[4] for row in rows(dialog)] == [False, True, True, False]
    scales = dialog.createProcessingParameters()["scales"]
    assert [float(scale) for scale in scales.split(";")] == pytest.approx(SCALES[1:3], rel=1e-12)
    assert check_values(dialog) == (True, "")
    screenshot(dialog, "scales_checked", scroll_to="scales")
    click_check(dialog, 2)
    click_check(dialog, 3)
    assert [row[4] for row in rows(dialog)] == [False, True, False, True]
    assert wrappers(dialog)["scales"].choice.text() == "2 checked. The source lacks level(s) 3: skipped."


def test_scales_set_from_a_script_are_checked_and_kept_across_a_reread(dialog, connected, source):
    dialog.setParameters({"input_service": f"GIS Servers/{CONNECTION}/Basemap.MapServer",
                          "source_cache_dataset": str(source), "scales": [SCALES[3], SCALES[0]]})
    settle()
    assert [row[4] for row in rows(dialog)] == [True, False, False, True]
    dialog.setParameters({"scales": "295828763.795778;147914381.897889"})       # the Esri values
    assert [row[4] for row in rows(dialog)] == [False, True, True, False]
    wrappers(dialog)["scales"].update_levels()
    assert [row[4] for row in rows(dialog)] == [False, True, True, False]


def test_scales_text_that_is_no_list_of_scales_reaches_the_check(dialog, connected, source):
    dialog.setParameters({"input_service": str(connected.target), "source_cache_dataset": str(source),
                          "scales": "500000;lots"})
    settle()
    assert dialog.createProcessingParameters()["scales"] == "500000;lots"
    assert wrappers(dialog)["scales"].choice.text() == "Not a list of scales: 500000;lots"
    assert check_values(dialog)[1].startswith("scales: 'lots' is not a scale")
    click_check(dialog, 1)
    assert [float(scale) for scale in dialog.createProcessingParameters()["scales"].split(";")] == (
        pytest.approx([SCALES[1]], rel=1e-12))


def test_a_scale_the_service_lacks_stays_listed_and_is_refused_before_run(dialog, connected, source):
    dialog.setParameters({"input_service": str(connected.target), "source_cache_dataset": str(source),
                          "scales": "500000;295828763.795778"})
    settle()
    assert rows(dialog)[-1][0] == "?" and rows(dialog)[-1][4]
    choice = wrappers(dialog)["scales"].choice.text()
    assert "The input service does not cache the scale(s) 500,000." in choice
    screenshot(dialog, "unknown_scale", scroll_to="scales")
    message = press_run(dialog, "unknown_scale_refused")
    assert "does not cache the scale(s) 500000" in message
    assert f"{SCALES[0]:.15g}" in message                       # the scales it does cache are listed


def test_source_type_follows_the_file_picked(dialog, tmp_path, source):
    package = cachebuilders.make_tpk(tmp_path / "Rainfall.tpk", source)
    source_type = wrappers(dialog)["source_cache_type"]
    dialog.setParameters({"source_tile_package": str(package)})
    assert source_type.parameterValue() == 1
    dialog.setParameters({"source_cache_dataset": str(source)})
    assert source_type.parameterValue() == 0
    tpkx = cachebuilders.make_tpkx(tmp_path / "Rainfall.tpkx", source)
    dialog.setParameters({"source_tile_package": str(tpkx)})
    assert source_type.parameterValue() == 1
    screenshot(dialog, "tile_package")


def test_a_source_in_the_wrong_field_is_reported_before_run(dialog, connected, tmp_path, source):
    package = cachebuilders.make_tpk(tmp_path / "Rainfall.tpk", source)
    dialog.setParameters({"input_service": str(connected.target), "source_cache_type": 1,
                          "source_tile_package": str(source)})                # a folder typed as the package
    assert wrappers(dialog)["source_cache_type"].parameterValue() == 1
    dialog.runAlgorithm()                   # QGIS's own check of the file filter, in the message bar
    assert [item.text() for item in dialog.messageBar().items()] == [
        "Wrong or missing parameter value: Source tile package"]
    parameters = {"input_service": str(connected.target), "source_cache_type": 1,
                  "source_tile_package": str(source)}                          # as a script gives them
    assert dialog.algorithm().checkParameterValues(parameters, QgsProcessingContext()) == (False, (
        f"source_tile_package: {source} is a folder, not a .tpk or .tpkx file: give it as "
        "source_cache_dataset, with source_cache_type CACHE_DATASET"))
    dialog.setParameters({"source_cache_type": 0, "source_tile_package": "",
                          "source_cache_dataset": str(package)})
    assert wrappers(dialog)["source_cache_type"].parameterValue() == 0
    assert f"source_cache_dataset: {package} is a tile package, not a folder" in press_run(
        dialog, "package_as_dataset_refused")


def test_an_incompatible_source_is_reported_with_every_difference_before_run(dialog, connected, tmp_path):
    scheme = cachebuilders.make_scheme("EXPLODED", "JPEG", range(2), tile_size=512)
    source = cachebuilders.write_cache(tmp_path / "other" / "Layers", scheme, {})
    dialog.setParameters({"input_service": f"GIS Servers/{CONNECTION}/Basemap.MapServer",
                          "source_cache_dataset": str(source)})
    settle()
    status = wrappers(dialog)["scales"].status.text()
    assert status.startswith("The source does not fit the target")
    screenshot(dialog, "incompatible_source", scroll_to="scales")
    message = press_run(dialog, "incompatible_source_refused")
    with pytest.raises(IncompatibleCacheError) as raised:                  # what the run itself would say
        import_cache(ImportRequest(connected.target, source, SourceType.CACHE_DATASET))
    assert message == str(raised.value)
    assert len(raised.value.differences) >= 3                              # storage, tile format and size
    for difference in raised.value.differences:
        assert f"- {difference.name}: " in message and f"- {difference.name}: " in status


def test_an_unreadable_target_is_reported_before_run(dialog, connected, source):
    (connected.target / "conf.xml").write_text("<CacheInfo><TileCacheInfo>broken")
    dialog.setParameters({"input_service": f"GIS Servers/{CONNECTION}/Basemap.MapServer",
                          "source_cache_dataset": str(source)})
    settle()
    assert wrappers(dialog)["scales"].status.text().startswith("Cannot read the input service: ")
    assert rows(dialog) == []
    screenshot(dialog, "unreadable_target", scroll_to="scales")
    assert "conf.xml: not well-formed XML" in press_run(dialog, "unreadable_target_refused")


def test_batch_and_modeler_keep_the_qgis_widgets(plugin, iface, connected):
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    from processing.gui.wrappers import WidgetWrapper
    from processing.modeler.ModelerParametersDialog import ModelerParametersDialog
    from qgis.core import QgsProcessingModelAlgorithm

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    batch = BatchAlgorithmDialog(algorithm)
    modeler = ModelerParametersDialog(algorithm, QgsProcessingModelAlgorithm())
    try:
        row = batch.mainWidget().batchRowCount() - 1 if hasattr(batch.mainWidget(), "batchRowCount") else 0
        batch_wrappers = batch.mainWidget().wrappers[row]
        modeler_wrappers = modeler.widget.widget.wrappers
        assert batch_wrappers and modeler_wrappers
        assert not any(isinstance(wrapper, WidgetWrapper) for wrapper in batch_wrappers if wrapper)
        assert not any(isinstance(wrapper, WidgetWrapper) for wrapper in modeler_wrappers.values())
    finally:
        for opened in (batch, modeler):
            opened.close()
            opened.deleteLater()


def test_the_documentation_examples_filled_in_the_dialog_without_typing(dialog, connected, tmp_path, run):
    """Example 1: a cache dataset overwriting four scales; example 2: a tile package blended in an AOI."""
    source = make_source(tmp_path / "export" / "Layers")
    choose_service(dialog, f"GIS Servers/{CONNECTION}/Basemap.MapServer")
    dialog.setParameters({"source_cache_dataset": str(source), "overwrite": True})   # as a folder dialog does
    settle()
    for row in range(4):
        click_check(dialog, row)
    parameters = dialog.createProcessingParameters()
    assert parameters["source_cache_type"] == 0 and len(parameters["scales"].split(";")) == 4
    assert check_values(dialog) == (True, "")
    screenshot(dialog, "example_1", scroll_to="scales")
    assert run(parameters)["imported"] == 1 + 4 + 16 + 64

    package = cachebuilders.make_tpk(tmp_path / "Rainfall.tpk", source)
    second = open_dialog()
    try:
        choose_service(second, f"GIS Servers/{CONNECTION}/Basemap.MapServer")
        second.setParameters({"source_tile_package": str(package), "upload_data_to_server": True,
                              "area_of_interest": str(area_of_interest(tmp_path / "Portland_Metro.shp"))})
        settle()
        click_check(second, 1)
        click_check(second, 2)
        parameters = second.createProcessingParameters()
        assert parameters["source_cache_type"] == 1 and parameters["overwrite"] is False
        assert check_values(second) == (True, "")
        screenshot(second, "example_2", scroll_to="scales")
        results = run(parameters)
        assert results["imported"] + results["blended"] + results["clipped"] > 0
    finally:
        second.close()
        second.deleteLater()


def test_scales_of_a_real_esri_cache_marked_from_a_real_tile_package(dialog, samples):
    from map_server_cache.core.planning.levels import select_levels
    from map_server_cache.core.sources.opening import open_cache

    target = samples / "esri-compactcache-v2-jpeg"
    package = samples / "arcgis-10.3-tpk-v1-png8" / "states_filled.tpk"
    dialog.setParameters({"input_service": str(target), "source_tile_package": str(package)})
    settle()
    with open_cache(target) as cache, open_cache(package) as source:
        lods = sorted(cache.scheme.lods, key=lambda lod: -lod.resolution)
        held = {lod.level for _, lod in select_levels(source.scheme, cache.scheme).pairs}
    assert wrappers(dialog)["source_cache_type"].parameterValue() == 1
    assert [row[0] for row in rows(dialog)] == [str(lod.level) for lod in lods]
    assert [row[3] for row in rows(dialog)] == ["✓" if lod.level in held else "—" for lod in lods]
    screenshot(dialog, "real_esri_cache", scroll_to="scales")
