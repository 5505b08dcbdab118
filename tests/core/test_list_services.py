"""list_services: the dialog's list of service caches under the connections, each entry resolving back."""

from map_server_cache.core.sources.services import list_services, resolve_input_service


def add_cache(root, name, dataframes=("Layers",)):
    for dataframe in dataframes:
        folder = root / "arcgiscache" / name / dataframe
        folder.mkdir(parents=True)
        (folder / "conf.xml").write_text("<CacheInfo/>")


def test_every_cache_of_every_connection_is_listed_and_resolves_to_its_folder(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    add_cache(first, "USA")
    add_cache(first, "Hydro_Rivers")
    add_cache(second, "Elevation")
    connections = {"b server": str(second), "A server": str(first)}
    listed = list_services(connections)
    assert [text for text, _folder in listed] == [
        "GIS Servers/A server/Hydro_Rivers.MapServer", "GIS Servers/A server/USA.MapServer",
        "GIS Servers/b server/Elevation.MapServer"]
    for text, folder in listed:
        assert resolve_input_service(text, connections) == folder
    assert listed[1][1] == first / "arcgiscache" / "USA" / "Layers"


def test_folders_that_are_no_usable_service_cache_are_left_out(tmp_path):
    root = tmp_path / "server"
    add_cache(root, "USA")
    (root / "arcgiscache" / "Empty" / "Layers").mkdir(parents=True)               # no conf.xml
    add_cache(root, "TwoFrames", ("Layers", "Other"))                              # ambiguous
    add_cache(root, " Padded")                                              # no service string names it
    (root / "arcgiscache" / "stray.txt").write_text("")
    assert [text for text, _ in list_services({"s": str(root)})] == ["GIS Servers/s/USA.MapServer"]


def test_a_connection_without_a_cache_folder_lists_nothing(tmp_path):
    assert list_services({"gone": str(tmp_path / "missing"), "empty": str(tmp_path)}) == []
