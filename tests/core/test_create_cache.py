"""Creating an empty cache: where ArcGIS puts it, what it holds, never half made, never over another."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from map_server_cache.core.errors import CacheError, SchemeError, ServiceError
from map_server_cache.core.formats.conf import parse_conf_cdi, read_conf_cdi, read_conf_xml
from map_server_cache.core.scheme import Extent, SpatialReference, StorageFormat
from map_server_cache.core.schemes import ARCGISONLINE_SCALES, NewScheme, build_scheme, builtin_scheme
from map_server_cache.core.sources.creation import CreateRequest, check_create, create_cache, service_name
from map_server_cache.core.sources.opening import open_cache
from map_server_cache.core.sources.remembered_map import remembered_map
from map_server_cache.core.sources.services import resolve_input_service

CONNECTION = "arcgis on MYSERVER (admin)"
EXTENT = Extent(-1_000_000.0, 5_000_000.0, 2_000_000.0, 7_000_000.0)


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "maps" / "map.qgz"
    path.parent.mkdir()
    path.write_bytes(b"PK")
    return path


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "directories"
    (root / "arcgiscache").mkdir(parents=True)
    return root


def request_for(service, project, directory=None, scheme=None, connections=None, theme=None):
    return CreateRequest(service, directory, scheme or builtin_scheme(
        "ARCGISONLINE_SCHEME", storage_format=StorageFormat.COMPACT_V2), EXTENT, str(project), theme,
        connections or {})


def test_service_string_resolves_through_the_connection_as_the_import_does(server, project):
    folder = create_cache(request_for(f"GIS Servers/{CONNECTION}/Roads/Streets.MapServer", project,
                                      connections={CONNECTION: str(server)}, theme="day"))
    assert folder == server / "arcgiscache" / "Roads_Streets" / "Layers"
    assert resolve_input_service(f"GIS Servers/{CONNECTION}/Roads/Streets.MapServer",
                                 {CONNECTION: str(server)}) == folder
    assert sorted(path.name for path in folder.iterdir()) == [
        ".map_server_cache", "_alllayers", "conf.cdi", "conf.xml"]
    assert not any((folder / "_alllayers").iterdir())
    assert remembered_map(folder) == (str(project.absolute()), "day")
    cache = open_cache(folder)
    read_back = replace(cache.scheme, spatial_reference=SpatialReference(wkid=102100, latest_wkid=3857))
    assert read_back == builtin_scheme("ARCGISONLINE_SCHEME", storage_format=StorageFormat.COMPACT_V2)
    assert cache.extent == EXTENT


def test_service_cache_directory_wins_and_bare_names_need_it(tmp_path, project):
    directory = tmp_path / "caches"
    directory.mkdir()
    streets = create_cache(request_for("Streets.MapServer", project, directory))
    assert streets == directory / "Streets" / "Layers"
    assert create_cache(request_for("GIS Servers/unknown/F/Roads.MapServer", project, directory)) == (
        directory / "F_Roads" / "Layers")
    with pytest.raises(ServiceError, match="give service_cache_directory"):
        check_create(request_for("Other.MapServer", project))
    with pytest.raises(ServiceError, match="unknown server connection"):
        check_create(request_for("GIS Servers/nowhere/Other.MapServer", project))
    assert service_name(r"GIS Servers\c\F\S.ImageServer").cache_folder_name == "F_S"


def test_conf_xml_has_arcgis_layout(tmp_path, project, samples):
    folder = create_cache(request_for("S.MapServer", project, tmp_path))
    ours = _element_paths((folder / "conf.xml").read_bytes())
    theirs = _element_paths((samples / "conf-xml-variants" / "arcgis_10.1_conf.xml").read_bytes())
    spatial = {path for path in theirs if "/SpatialReference/" in path}
    # ours leaves out the XY domain (XOrigin, XYScale, ...) that ArcGIS derives itself; the rest is the same
    assert theirs - spatial <= ours | {"CacheInfo/TileImageInfo/Antialiasing"}
    assert {"CacheInfo/TileCacheInfo/SpatialReference/WKT", "CacheInfo/TileCacheInfo/SpatialReference/WKID",
            "CacheInfo/TileImageInfo/CompressionQuality"} <= ours
    assert read_conf_xml(folder / "conf.xml").lods[0].resolution == 156543.03392800014


def test_conf_cdi_is_the_full_extent_in_the_cache_crs(tmp_path, project):
    folder = create_cache(request_for("S.MapServer", project, tmp_path))
    assert read_conf_cdi(folder / "conf.cdi") == EXTENT
    assert b"<WKID>102100</WKID>" in (folder / "conf.cdi").read_bytes()
    assert parse_conf_cdi((folder / "conf.cdi").read_bytes(), "conf.cdi") == EXTENT


def test_an_existing_cache_is_never_overwritten(tmp_path, project):
    folder = create_cache(request_for("S.MapServer", project, tmp_path))
    before = (folder / "conf.xml").read_bytes()
    other = build_scheme(NewScheme(SpatialReference(wkid=102100, latest_wkid=3857), (1e6,)))
    with pytest.raises(ServiceError, match=f"already exists at {folder}"):
        create_cache(request_for("S.MapServer", project, tmp_path, scheme=other))
    assert (folder / "conf.xml").read_bytes() == before
    # a data frame of another name holding conf.xml is a cache as well
    (tmp_path / "T" / "Frame").mkdir(parents=True)
    (tmp_path / "T" / "Frame" / "conf.xml").write_text("<CacheInfo/>")
    with pytest.raises(ServiceError, match="already exists"):
        check_create(request_for("T.MapServer", project, tmp_path))


def test_a_failure_while_writing_leaves_nothing(tmp_path, project):
    unknown = SpatialReference(wkid=999999)         # GDAL has no WKT for it: conf.xml cannot be written
    scheme = build_scheme(NewScheme(SpatialReference(wkid=3857), (1e6,)))
    bad = CreateRequest("S.MapServer", tmp_path, scheme.__class__(**{**scheme.__dict__,
                                                                     "spatial_reference": unknown}),
                        EXTENT, str(project))
    with pytest.raises(SchemeError, match="999999"):
        create_cache(bad)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["maps"]


def test_bad_requests_are_refused_before_writing(tmp_path, project):
    for service, problem in [("", "empty"), ("Streets", "MapServer"), ("a/b/c/d.MapServer", "expected")]:
        with pytest.raises(ServiceError, match=problem):
            check_create(request_for(service, project, tmp_path))
    with pytest.raises(ServiceError, match="does not exist"):
        check_create(request_for("S.MapServer", project, tmp_path / "missing"))
    with pytest.raises(CacheError, match="project"):
        check_create(request_for("S.MapServer", tmp_path / "none.qgz", tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["maps"]


def test_gdal_esric_opens_the_empty_v2_cache(tmp_path, project):
    """GDAL's raster size limit (2**31 pixels a side) stops at ArcGIS Online's level 22: 20 levels here."""
    gdal = pytest.importorskip("osgeo.gdal")
    scheme = build_scheme(NewScheme(SpatialReference(wkid=102100, latest_wkid=3857), ARCGISONLINE_SCALES[:20],
                                    origin=(-20037508.342787, 20037508.342787),
                                    storage_format=StorageFormat.COMPACT_V2))
    folder = create_cache(request_for("S.MapServer", project, tmp_path, scheme=scheme))
    dataset = gdal.OpenEx(str(folder / "conf.xml"))
    assert dataset is not None and dataset.GetDriver().ShortName == "ESRIC"
    assert dataset.RasterXSize == 256 * 2 ** 19
    assert not dataset.GetRasterBand(1).ReadAsArray(0, 0, 256, 256).any()


@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2"])
def test_mapproxy_opens_the_empty_cache(tmp_path, project, storage):
    compact = pytest.importorskip("mapproxy.cache.compact")
    from mapproxy.cache.tile import Tile

    scheme = builtin_scheme("ARCGISONLINE_SCHEME", storage_format=StorageFormat[storage])
    folder = create_cache(request_for("S.MapServer", project, tmp_path, scheme=scheme))
    kind = compact.CompactCacheV2 if storage == "COMPACT_V2" else compact.CompactCacheV1
    cache = kind(cache_dir=str(folder / "_alllayers"))
    assert not cache.load_tile(Tile((3, 2, 4)))
    assert not cache.is_cached(Tile((0, 0, 0)))


def _element_paths(data: bytes) -> set[str]:
    import xml.etree.ElementTree as ET

    def walk(node, prefix):
        path = f"{prefix}/{node.tag}" if prefix else node.tag
        yield path
        for child in node:
            yield from walk(child, path)

    return set(walk(ET.fromstring(data), ""))


def test_remembered_map_json(tmp_path, project):
    folder = create_cache(request_for("S.MapServer", project, tmp_path))
    data = json.loads((folder / ".map_server_cache" / "map.json").read_text())
    assert data == {"project": str(project.absolute()), "map_theme": None}


KILLED_CREATION = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from map_server_cache.core.sources import creation
from map_server_cache.core.scheme import Extent
from map_server_cache.core.schemes import builtin_scheme

def stall(*args, **kwargs):
    print("writing", flush=True)
    time.sleep(60)

creation.write_conf_cdi = stall
scheme = builtin_scheme("ARCGISONLINE_SCHEME")
creation.create_cache(creation.CreateRequest("S.MapServer", Path(sys.argv[2]), scheme, Extent(0, 0, 1, 1),
                                             sys.argv[3]))
"""


def test_a_killed_creation_leaves_no_cache_and_the_next_run_cleans_up(tmp_path, project):
    import subprocess
    import sys

    from map_server_cache.core.sources.dataset import find_dataframe_folder
    from map_server_cache.core.sources.services import list_services

    plugins = Path(__file__).resolve().parents[2] / "build" / "plugins"
    caches = tmp_path / "server" / "arcgiscache"
    caches.mkdir(parents=True)
    child = subprocess.Popen([sys.executable, "-c", KILLED_CREATION, str(plugins), str(caches), str(project)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "writing\n"
    child.kill()
    child.wait()
    left = list((caches / "S").iterdir())
    assert [path.name for path in left] == [f".creating-Layers-{child.pid}"]
    with pytest.raises(SchemeError, match="no conf.xml"):          # not taken for a cache
        find_dataframe_folder(caches / "S")
    assert list_services({"c": str(caches.parent)}) == []
    folder = create_cache(request_for("S.MapServer", project, caches))
    assert [path.name for path in (caches / "S").iterdir()] == ["Layers"]
    assert find_dataframe_folder(caches / "S") == folder
