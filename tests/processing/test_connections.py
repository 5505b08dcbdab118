"""Plugin settings: server connections for input_service strings and the flush switch, from QGIS settings,
the environment and the Options page."""

from __future__ import annotations

import json

import pytest
from caches import BLUE, make_server, pixels, read_tile
from qgis.core import Qgis, QgsApplication, QgsProcessingException, QgsProcessingFeedback, QgsSettings

CONNECTION = "arcgis on MYSERVER (admin)"


@pytest.fixture
def saved():
    """Saved connections and flush setting restored after the test."""
    from map_server_cache import settings as connections

    keys = (connections.SETTINGS_KEY, connections.FLUSH_SETTINGS_KEY)
    before = {key: QgsSettings().value(key, None) for key in keys}
    QgsSettings().remove(connections.FLUSH_SETTINGS_KEY)
    yield connections
    for key, value in before.items():
        if value is None:
            QgsSettings().remove(key)
        else:
            QgsSettings().setValue(key, value)


@pytest.fixture(autouse=True)
def no_environment_settings(monkeypatch):
    monkeypatch.delenv("MAP_SERVER_CACHE_SERVERS", raising=False)
    monkeypatch.delenv("MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES", raising=False)
    monkeypatch.delenv("MAP_SERVER_CACHE_DASK_SCHEDULER", raising=False)


def import_through(run, service, source):
    return run({"input_service": service, "source_cache_type": "CACHE_DATASET",
                "source_cache_dataset": str(source), "num_of_caching_service_instances": 1,
                "overwrite": "OVERWRITE", "scales": "73957190.94894437"})   # level 3


def assert_imported(target):
    assert (pixels(read_tile(target, 3, 4, 4))[:, :128] == BLUE).all()


def test_connection_saved_in_qgis_settings(run, server, source, saved):
    saved.save_connections({CONNECTION: str(server.root)})
    assert QgsSettings().value("map_server_cache/connections")
    results = import_through(run, f"GIS Servers/{CONNECTION}/{server.service}", source)
    assert results["target_cache"] == str(server.target)
    assert_imported(server.target)


def test_connection_from_the_environment(run, server, source, monkeypatch):
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", json.dumps({CONNECTION: str(server.root)}))
    import_through(run, f"{CONNECTION}/{server.service}", source)        # "GIS Servers/" is optional
    assert_imported(server.target)


def test_service_in_a_server_folder(run, tmp_path, source, monkeypatch):
    server = make_server(tmp_path, service="Hydro_Rivers")
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", json.dumps({CONNECTION: str(server.root)}))
    import_through(run, f"GIS Servers/{CONNECTION}/Hydro/Rivers.MapServer", source)
    assert_imported(server.target)


def test_environment_wins_over_settings(run, server, source, saved, monkeypatch, tmp_path):
    saved.save_connections({CONNECTION: str(tmp_path / "elsewhere")})
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", json.dumps({CONNECTION: str(server.root)}))
    assert saved.all_connections() == {CONNECTION: str(server.root)}
    import_through(run, f"GIS Servers/{CONNECTION}/{server.service}", source)
    assert_imported(server.target)


def test_unknown_connection_lists_the_registered_ones(run, server, source, saved):
    saved.save_connections({"first": str(server.root), "second": str(server.root)})
    with pytest.raises(QgsProcessingException, match="'first', 'second'"):
        import_through(run, "GIS Servers/third/Basemap.MapServer", source)


def test_unknown_service_lists_the_services(run, server, source, saved):
    saved.save_connections({CONNECTION: str(server.root)})
    with pytest.raises(QgsProcessingException, match="services found: Basemap"):
        import_through(run, f"GIS Servers/{CONNECTION}/Roads.MapServer", source)


def test_names_leaving_the_cache_root_are_refused(run, server, source, saved):
    saved.save_connections({CONNECTION: str(server.root)})
    with pytest.raises(QgsProcessingException, match="not allowed"):
        import_through(run, f"GIS Servers/{CONNECTION}/../Basemap.MapServer", source)


def test_garbled_settings_read_as_no_connections(saved):
    QgsSettings().setValue(saved.SETTINGS_KEY, "[not an object")
    assert saved.saved_connections() == {}


def test_options_page_edits_the_saved_connections(plugin, saved, tmp_path):
    from map_server_cache.provider.options_page import ConnectionsOptionsFactory

    saved.save_connections({"old": "/srv/old"})
    factory = ConnectionsOptionsFactory()
    assert factory.title() == "Map Server Cache"
    page = factory.createWidget(None)
    assert page.connections() == {"old": "/srv/old"}
    page.add_row(CONNECTION, str(tmp_path))
    page.add_row("half filled", "")
    page.table.selectRow(0)
    page.remove_selected()
    page.apply()
    assert saved.saved_connections() == {CONNECTION: str(tmp_path)}
    page.deleteLater()


def test_flush_new_bundles_is_off_by_default(saved):
    assert saved.flush_new_bundles() is False


def test_flush_new_bundles_saved_in_qgis_settings(saved):
    saved.save_flush_new_bundles(True)
    assert QgsSettings().value("map_server_cache/flush_new_bundles", type=bool) is True
    assert saved.flush_new_bundles() is True


@pytest.mark.parametrize("word, setting, expected", [
    ("1", False, True), (" Yes ", False, True), ("TRUE", False, True),
    ("0", True, False), ("no", True, False), ("False", True, False)])
def test_flush_environment_wins_over_settings(saved, monkeypatch, word, setting, expected):
    saved.save_flush_new_bundles(setting)
    monkeypatch.setenv("MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES", word)
    assert saved.flush_new_bundles() is expected


@pytest.mark.parametrize("setting", [False, True])
def test_garbled_flush_environment_falls_back_to_settings(saved, monkeypatch, setting):
    logged = []
    received = QgsApplication.messageLog().messageReceived[str, str, Qgis.MessageLevel]
    received.connect(logged.append)
    saved.save_flush_new_bundles(setting)
    monkeypatch.setenv("MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES", "sometimes")
    try:
        assert saved.flush_new_bundles() is setting
    finally:
        received.disconnect(logged.append)
    assert any("MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES" in text and "sometimes" in text for text in logged)


def test_options_page_edits_the_flush_setting(plugin, saved, monkeypatch):
    from map_server_cache.provider.options_page import ConnectionsOptionsPage

    monkeypatch.setenv("MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES", "1")      # the page shows the saved setting
    page = ConnectionsOptionsPage()
    assert not page.flush.isChecked()
    page.flush.setChecked(True)
    page.apply()
    assert saved.saved_flush_new_bundles() is True
    page.deleteLater()
    page = ConnectionsOptionsPage()
    assert page.flush.isChecked()
    page.flush.setChecked(False)
    page.apply()
    assert saved.saved_flush_new_bundles() is False
    page.deleteLater()


@pytest.mark.parametrize("setting", [False, True])
def test_run_passes_the_flush_setting_to_the_engine(run, server, source, saved, monkeypatch, setting):
    from map_server_cache.core.execution import engine

    requests = []
    real_import = engine.import_cache

    def recording_import(request, progress=None):
        requests.append(request)
        return real_import(request, progress)

    monkeypatch.setattr(engine, "import_cache", recording_import)
    saved.save_flush_new_bundles(setting)
    import_through(run, str(server.target), source)
    assert [request.flush_new_bundles for request in requests] == [setting]
    assert_imported(server.target)


def test_init_gui_registers_the_options_page(plugin, qgis_iface):
    from map_server_cache import classFactory
    from map_server_cache.provider.options_page import ConnectionsOptionsFactory

    calls = []
    qgis_iface.registerOptionsWidgetFactory = calls.append
    qgis_iface.unregisterOptionsWidgetFactory = calls.remove
    plugin.unload()                              # QGIS Desktop holds one plugin object, this test another
    desktop = classFactory(qgis_iface)
    try:
        desktop.initGui()
        assert len(calls) == 1 and isinstance(calls[0], ConnectionsOptionsFactory)
        assert desktop.provider is not None
    finally:
        desktop.unload()
        plugin.initProcessing()
    assert calls == []


class Messages(QgsProcessingFeedback):
    """Feedback keeping the information lines an algorithm pushes."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):
        self.lines.append(info)
        super().pushInfo(info)


def test_connection_with_a_scheduler_saved_in_both_forms(saved):
    saved.save_connections({"plain": "/srv/a", CONNECTION: "/srv/b"}, {CONNECTION: "tcp://caching1:8786"})
    assert json.loads(QgsSettings().value(saved.SETTINGS_KEY)) == {
        "plain": "/srv/a", CONNECTION: {"root": "/srv/b", "scheduler": "tcp://caching1:8786"}}
    assert saved.saved_connections() == {"plain": "/srv/a", CONNECTION: "/srv/b"}
    assert saved.saved_connection_entries()[CONNECTION] == ("/srv/b", "tcp://caching1:8786")
    QgsSettings().setValue(saved.SETTINGS_KEY, json.dumps({"bad": {"scheduler": "tcp://x:1"}, "ok": "/srv"}))
    assert saved.saved_connections() == {"ok": "/srv"}, "a garbled entry is skipped, the others kept"


def test_connection_scheduler_by_name_or_by_folder(saved, server, monkeypatch):
    saved.save_connections({CONNECTION: str(server.root)}, {CONNECTION: "tcp://saved:8786"})
    assert saved.connection_scheduler(f"GIS Servers/{CONNECTION.upper()}.ags/Basemap.MapServer",
                                      server.target) == "tcp://saved:8786"
    assert saved.connection_scheduler(str(server.target), server.target) == "tcp://saved:8786"
    assert saved.connection_scheduler("GIS Servers/other/Basemap.MapServer", server.target) is None
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", json.dumps(
        {CONNECTION: {"root": str(server.root), "scheduler": "tcp://environment:8786"}}))
    assert saved.all_connections() == {CONNECTION: str(server.root)}
    assert saved.connection_scheduler(str(server.target), server.target) == "tcp://environment:8786"


def test_import_runs_on_the_scheduler_of_its_connection(run, server, source, saved, dask_cluster):
    saved.save_connections({CONNECTION: str(server.root)}, {CONNECTION: dask_cluster.address})
    feedback = Messages()
    import_through(lambda parameters: run(parameters, feedback=feedback),
                   f"GIS Servers/{CONNECTION}/{server.service}", source)
    assert_imported(server.target)
    assert any(line.startswith(f"Importing on the Dask cluster at {dask_cluster.address}")
               for line in feedback.lines)


def test_environment_names_the_scheduler_of_every_import(run, server, source, dask_cluster, monkeypatch):
    monkeypatch.setenv("MAP_SERVER_CACHE_DASK_SCHEDULER", dask_cluster.address)
    feedback = Messages()
    import_through(lambda parameters: run(parameters, feedback=feedback), str(server.target), source)
    assert_imported(server.target)
    assert any(line.startswith(f"Importing on the Dask cluster at {dask_cluster.address}")
               for line in feedback.lines)


def test_options_page_edits_the_scheduler_column(plugin, saved, tmp_path):
    from map_server_cache.provider.options_page import ConnectionsOptionsFactory

    saved.save_connections({"site": "/srv/site"}, {"site": "tcp://caching1:8786"})
    page = ConnectionsOptionsFactory().createWidget(None)
    assert page.table.columnCount() == 3
    assert page.table.item(0, 2).text() == "tcp://caching1:8786"
    page.table.item(0, 2).setText("  ")
    page.add_row("other", str(tmp_path), " tcp://caching2:8786 ")
    page.apply()
    assert saved.saved_connection_entries() == {"site": ("/srv/site", None),
                                                "other": (str(tmp_path), "tcp://caching2:8786")}
    page.deleteLater()
