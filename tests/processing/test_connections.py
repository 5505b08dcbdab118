"""input_service strings through server connections: QGIS settings, the environment, the Options page."""

from __future__ import annotations

import json

import pytest
from caches import BLUE, make_server, pixels, read_tile
from qgis.core import QgsProcessingException, QgsSettings

CONNECTION = "arcgis on MYSERVER (admin)"


@pytest.fixture
def saved():
    """Saved connections restored after the test."""
    from map_server_cache.provider import connections

    before = QgsSettings().value(connections.SETTINGS_KEY, None)
    yield connections
    if before is None:
        QgsSettings().remove(connections.SETTINGS_KEY)
    else:
        QgsSettings().setValue(connections.SETTINGS_KEY, before)


@pytest.fixture(autouse=True)
def no_environment_connections(monkeypatch):
    monkeypatch.delenv("MAP_SERVER_CACHE_SERVERS", raising=False)


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
