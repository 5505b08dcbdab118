"""input_service: folders taken as they are, service strings resolved via connections, bad names refused."""

import doctest
import json

import pytest

from map_server_cache.core.errors import ServiceError
from map_server_cache.core.sources import services as services_module
from map_server_cache.core.sources.services import (
    ServiceName,
    connections_from_environment,
    parse_service_string,
    resolve_input_service,
    server_root_for,
)

CONNECTION = "arcgis on MYSERVER (admin)"


@pytest.fixture
def server(tmp_path):
    """A server directories root with a root-level service, a service in a folder and an image service."""
    root = tmp_path / "directories"
    for service, dataframe, conf in [("USA", "Layers", "conf.xml"), ("Folder_USA", "Layers", "Conf.xml"),
                                     ("Elevation", "Elev", "conf.xml"), ("Broken", "Layers", None)]:
        folder = root / "arcgiscache" / service / dataframe
        folder.mkdir(parents=True)
        if conf:
            (folder / conf).write_text("<CacheInfo/>")
    (root / "arcgissystem" / "arcgisuploads").mkdir(parents=True)
    return root


def test_doctests():
    assert doctest.testmod(services_module).failed == 0


@pytest.mark.parametrize("value, expected", [
    ("GIS Servers/arcgis on MYSERVER (admin)/USA.MapServer", (CONNECTION, None, "USA", "MapServer")),
    ("arcgis on MYSERVER (admin)/Folder/USA.MapServer", (CONNECTION, "Folder", "USA", "MapServer")),
    ("GIS Servers\\arcgis on MYSERVER (admin)\\Folder\\USA.mapserver",
     (CONNECTION, "Folder", "USA", "MapServer")),
    ("  gis servers/arcgis on MYSERVER (admin)/Elevation.ImageServer ",
     (CONNECTION, None, "Elevation", "ImageServer")),
    (r"C:\Users\me\AppData\Roaming\ESRI\Desktop10.8\ArcCatalog\arcgis on MYSERVER (admin)\F\USA.MapServer",
     (CONNECTION, "F", "USA", "MapServer")),
    ("C:/Users/me/ArcCatalog/arcgis on MYSERVER (admin)/USA.MapServer",
     (CONNECTION, None, "USA", "MapServer")),
])
def test_parse_service_string(value, expected):
    assert parse_service_string(value) == ServiceName(*expected)


@pytest.mark.parametrize("value", [
    "GIS Servers/conn/../USA.MapServer",
    "GIS Servers/conn/..\\..\\USA.MapServer",
    "GIS Servers/conn//USA.MapServer",
    "GIS Servers/conn/C:/USA.MapServer",
    "/conn/USA.MapServer",
    "GIS Servers/conn/a/b/USA.MapServer",
    "GIS Servers/USA.MapServer",
    "GIS Servers/conn/.MapServer",
    "GIS Servers/conn/USA.FeatureServer",
    "GIS Servers/conn/US:A.MapServer",
    "GIS Servers/conn/fold*er/USA.MapServer",
])
def test_unsafe_or_malformed_strings_refused(value):
    with pytest.raises(ServiceError, match="input service"):
        parse_service_string(value)


def test_service_string_resolves_through_connection(server):
    def resolve(value):
        return resolve_input_service(value, {CONNECTION: str(server)})

    cache = server / "arcgiscache"
    assert resolve(f"GIS Servers/{CONNECTION}/USA.MapServer") == cache / "USA" / "Layers"
    assert resolve(f"{CONNECTION}/Folder/USA.MapServer") == cache / "Folder_USA" / "Layers"
    assert resolve(f"{CONNECTION}/Elevation.ImageServer") == cache / "Elevation" / "Elev"


def test_connection_name_case_and_ags_suffix(server):
    connections = {CONNECTION: str(server)}
    expected = server / "arcgiscache" / "USA" / "Layers"
    assert resolve_input_service("ARCGIS on myserver (admin)/USA.MapServer", connections) == expected
    assert resolve_input_service(f"x\\ArcCatalog\\{CONNECTION}.ags\\USA.MapServer", connections) == expected


def test_service_folder_case_insensitive(server):
    found = resolve_input_service(f"{CONNECTION}/usa.MapServer", {CONNECTION: str(server)})
    assert found.parent.name == "USA"


def test_unknown_connection_lists_registered(server):
    with pytest.raises(ServiceError, match=r"unknown server connection 'other'.*'a', 'b'"):
        resolve_input_service("other/USA.MapServer", {"b": str(server), "a": str(server)})
    with pytest.raises(ServiceError, match="registered connections: none"):
        resolve_input_service("other/USA.MapServer", {})


def test_unknown_service_lists_services(server):
    with pytest.raises(ServiceError, match="services found: Broken, Elevation, Folder_USA, USA"):
        resolve_input_service(f"{CONNECTION}/Nope.MapServer", {CONNECTION: str(server)})


def test_service_without_conf_xml(server):
    with pytest.raises(ServiceError, match="no conf.xml"):
        resolve_input_service(f"{CONNECTION}/Broken.MapServer", {CONNECTION: str(server)})


def test_folder_values_taken_as_they_are(server):
    dataframe = server / "arcgiscache" / "Folder_USA" / "Layers"
    assert resolve_input_service(dataframe, {}) == dataframe
    assert resolve_input_service(str(dataframe.parent), {}) == dataframe
    assert resolve_input_service(dataframe / "Conf.xml", {}) == dataframe


def test_folder_with_several_dataframes(server):
    (server / "arcgiscache" / "USA" / "Other").mkdir()
    (server / "arcgiscache" / "USA" / "Other" / "conf.xml").write_text("<CacheInfo/>")
    with pytest.raises(ServiceError, match=r"several data-frame folders.*Layers, Other"):
        resolve_input_service(server / "arcgiscache" / "USA", {})


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ServiceError, match="no such folder"):
        resolve_input_service(tmp_path / "gone", {})
    with pytest.raises(ServiceError, match="empty"):
        resolve_input_service("  ", {})


def test_connections_from_environment():
    value = json.dumps({CONNECTION: "/srv/arcgis/directories"})
    assert connections_from_environment({"MAP_SERVER_CACHE_SERVERS": value}) == {
        CONNECTION: "/srv/arcgis/directories"}
    assert connections_from_environment({}) == {}
    for bad in ["{", "[1]", '{"a": 3}', '{"a": ""}']:
        with pytest.raises(ServiceError, match="MAP_SERVER_CACHE_SERVERS"):
            connections_from_environment({"MAP_SERVER_CACHE_SERVERS": bad})


def test_connections_from_process_environment(monkeypatch, server):
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", json.dumps({"env": str(server)}))
    connections = connections_from_environment()
    expected = server / "arcgiscache" / "USA" / "Layers"
    assert resolve_input_service("env/USA.MapServer", connections) == expected


def test_server_root_for(server, tmp_path):
    assert server_root_for(server / "arcgiscache" / "USA" / "Layers") == server
    assert server_root_for(server / "arcgiscache" / "USA" / "Layers" / ".." / "Layers") == server
    assert server_root_for(tmp_path / "exported" / "Layers") is None
    assert server_root_for(server / "arcgiscache") is None
