"""mapservercache:createmapservercache via processing.run: the cache ArcGIS would make, from a QGIS map."""

from __future__ import annotations

import math
import os

import pytest
from drawmaps import MAP_EXTENT, THEME, make_map
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException, QgsProject

from map_server_cache.core.formats.conf import read_conf_cdi, read_conf_xml
from map_server_cache.core.scheme import Extent, StorageFormat
from map_server_cache.core.schemes import ARCGISONLINE_SCALES
from map_server_cache.core.sources.remembered_map import remembered_map

CREATE_ID = "mapservercache:createmapservercache"
CONNECTION = "arcgis on MYSERVER (admin)"


@pytest.fixture
def create(plugin):
    import processing

    def run(parameters, **kwargs):
        return processing.run(CREATE_ID, parameters, **kwargs)

    return run


@pytest.fixture
def map_path(qgis_app, tmp_path):
    return make_map(tmp_path / "map")


@pytest.fixture
def caches(tmp_path):
    folder = tmp_path / "arcgiscache"
    folder.mkdir()
    return folder


def base_parameters(caches, map_path) -> dict:
    return {"input_service": "S.MapServer", "service_cache_directory": str(caches), "in_map": str(map_path)}


def test_standard_scales_default_origin_and_remembered_map(create, map_path, caches):
    results = create({"input_service": "Streets.MapServer",
                      "service_cache_directory": str(caches), "tiling_scheme_type": "NEW",
                      "scales_type": "STANDARD", "num_of_scales": 4, "dots_per_inch": 96,
                      "tile_size": "256 x 256", "cache_tile_format": "PNG32", "storage_format": "COMPACT_V2",
                      "in_map": str(map_path), "map_theme": THEME})
    folder = caches / "Streets" / "Layers"
    assert results["target_cache"] == str(folder)
    scheme = read_conf_xml(folder / "conf.xml")
    # 18 km across 256 px is 1:265 781: the closest 1:1,000,000 * 2**k is 1:250,000, then halving
    assert [lod.scale for lod in scheme.lods] == [250000, 125000, 62500, 31250]
    assert [lod.resolution for lod in scheme.lods] == [s * (1 / (96 * 39.37)) for s in (250000, 125000, 62500,
                                                                                       31250)]
    assert (scheme.origin_x, scheme.origin_y) == (-20037700.0, 30241100.0)
    assert (scheme.tile_format, scheme.storage_format) == ("PNG32", StorageFormat.COMPACT_V2)
    assert scheme.spatial_reference.wkid == 102100
    # the theme shows the roads only: their extent
    assert read_conf_cdi(folder / "conf.cdi") == Extent(-9000.0, -7000.0, 9000.0, 7000.0)
    assert remembered_map(folder) == (str(map_path), THEME)
    assert not any((folder / "_alllayers").iterdir())


def test_qgis_forms_custom_scales_and_connection(create, map_path, tmp_path, monkeypatch):
    root = tmp_path / "server"
    (root / "arcgiscache").mkdir(parents=True)
    monkeypatch.setenv("MAP_SERVER_CACHE_SERVERS", f'{{"{CONNECTION}": "{root}"}}')
    create({"input_service": f"GIS Servers/{CONNECTION}/Roads/Streets.MapServer", "tiling_scheme_type": 0,
            "scales_type": 1, "scales": "50000;10000;25000", "dots_per_inch": 120, "tile_size": "512x512",
            "tile_origin": "-10000 10000", "cache_tile_format": 4, "tile_compression_quality": 60,
            "storage_format": 2, "in_map": str(map_path)})
    scheme = read_conf_xml(root / "arcgiscache" / "Roads_Streets" / "Layers" / "conf.xml")
    assert [lod.scale for lod in scheme.lods] == [50000, 25000, 10000]
    assert scheme.lods[0].resolution == 50000 * (1 / (120 * 39.37))
    assert (scheme.tile_cols, scheme.dpi, scheme.origin_x, scheme.origin_y) == (512, 120, -10000.0, 10000.0)
    assert (scheme.tile_format, scheme.compression_quality, scheme.storage_format) == (
        "JPEG", 60, StorageFormat.EXPLODED)
    folder = root / "arcgiscache" / "Roads_Streets" / "Layers"
    assert read_conf_cdi(folder / "conf.cdi") == Extent(*MAP_EXTENT)


def test_arcgisonline_scheme_has_the_published_resolutions(create, map_path, caches):
    create({"input_service": "Web.MapServer", "service_cache_directory": str(caches),
            "tiling_scheme_type": "PREDEFINED", "predefined_tiling_scheme": "ARCGISONLINE_SCHEME",
            "cache_tile_format": "MIXED", "storage_format": "COMPACT_V2", "in_map": str(map_path)})
    scheme = read_conf_xml(caches / "Web" / "Layers" / "conf.xml")
    assert [lod.scale for lod in scheme.lods] == list(ARCGISONLINE_SCALES)
    assert scheme.lods[0].resolution == 156543.03392800014
    assert scheme.lods[23].resolution == 0.01866138385297604
    assert (scheme.origin_x, scheme.origin_y) == (-20037508.342787, 20037508.342787)


def test_wgs84_v2_scheme_extent_in_degrees(create, map_path, caches):
    create({"input_service": "Geo.MapServer", "service_cache_directory": str(caches),
            "tiling_scheme_type": "PREDEFINED", "predefined_tiling_scheme": "WGS84_V2_SCHEME",
            "in_map": str(map_path)})
    scheme = read_conf_xml(caches / "Geo" / "Layers" / "conf.xml")
    assert math.isclose(scheme.lods[0].resolution, 0.703125, rel_tol=1e-12)
    extent = read_conf_cdi(caches / "Geo" / "Layers" / "conf.cdi")
    assert -0.09 < extent.xmin < -0.08 and 0.08 < extent.xmax < 0.09      # 9 km either side of (0, 0)


def test_geographic_map_gets_degrees_and_arcgis_origin(create, map_path, caches):
    project = QgsProject()
    assert project.read(str(map_path))
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    geographic = map_path.parent / "geographic.qgz"
    assert project.write(str(geographic))
    create({**base_parameters(caches, geographic), "num_of_scales": 2})
    scheme = read_conf_xml(caches / "S" / "Layers" / "conf.xml")
    assert (scheme.spatial_reference.wkid, scheme.origin_x, scheme.origin_y) == (4326, -400.0, 400.0)
    degree = 6378137.0 * math.pi / 180
    assert [lod.scale for lod in scheme.lods] == [250000, 125000]
    assert scheme.lods[0].resolution == 250000 * (1 / (96 * 39.37)) / degree


def test_predefined_conf_xml_keeps_its_format_unless_given(create, map_path, caches, samples):
    conf = samples / "arcgis-10.1-compact-v1-jpeg" / "Conf.xml"
    create({"input_service": "A.MapServer", "service_cache_directory": str(caches),
            "tiling_scheme_type": "PREDEFINED", "predefined_tiling_scheme": str(conf),
            "in_map": str(map_path)})
    created, original = read_conf_xml(caches / "A" / "Layers" / "conf.xml"), read_conf_xml(conf)
    assert created.lods == original.lods and created.tile_format == "JPEG"
    assert created.storage_format is StorageFormat.COMPACT
    create({"input_service": "B.MapServer", "service_cache_directory": str(caches),
            "tiling_scheme_type": "PREDEFINED", "predefined_tiling_scheme": str(conf),
            "cache_tile_format": "PNG8", "storage_format": "COMPACT_V2", "in_map": str(map_path)})
    assert read_conf_xml(caches / "B" / "Layers" / "conf.xml").tile_format == "PNG8"


def test_the_open_project_must_be_saved(create, map_path, caches):
    project = QgsProject.instance()
    project.clear()
    with pytest.raises(QgsProcessingException, match="has not been saved"):
        create({"input_service": "S.MapServer", "service_cache_directory": str(caches)})
    assert project.read(str(map_path))
    try:
        create({"input_service": "S.MapServer", "service_cache_directory": str(caches)})
    finally:
        project.clear()
    assert remembered_map(caches / "S" / "Layers") == (str(map_path), None)


@pytest.mark.parametrize("changes, problem", [
    ({"map_theme": "night"}, "no map theme 'night'"),
    ({"tile_origin": "1 2 3"}, "tile_origin"),
    ({"tile_origin": "0 0"}, "not above and left"),
    ({"tile_size": "300 x 300"}, "tile_size"),
    ({"scales_type": "CUSTOM"}, "give scales"),
    ({"scales_type": "CUSTOM", "scales": "1000;-5"}, "not a scale"),
    ({"storage_format": "COMPACT_V3"}, "storage_format"),
    ({"tiling_scheme_type": "PREDEFINED"}, "give predefined_tiling_scheme"),
    ({"tiling_scheme_type": "PREDEFINED", "predefined_tiling_scheme": "BING"}, "does not exist"),
    ({"input_service": "Streets"}, "MapServer"),
    ({"input_service": "GIS Servers/nowhere/S.MapServer", "service_cache_directory": None},
     "unknown server connection"),
])
def test_bad_input_is_refused_before_anything_is_written(create, map_path, caches, changes, problem):
    parameters = {**base_parameters(caches, map_path), **changes}
    with pytest.raises(QgsProcessingException, match=problem):
        create({name: value for name, value in parameters.items() if value is not None})
    assert os.listdir(caches) == []


def test_a_project_that_does_not_load_is_named(create, map_path, caches):
    garbage = map_path.parent / "garbage.qgz"
    garbage.write_bytes(b"not a zip")
    for path, problem in ((garbage, "garbage.qgz: cannot read the QGIS project"),
                          (map_path.parent / "missing.qgs", "missing.qgs: the QGIS project does not exist")):
        with pytest.raises(QgsProcessingException, match=problem):
            create({**base_parameters(caches, map_path), "in_map": str(path)})
    assert os.listdir(caches) == []


def test_broken_layers_are_named(create, map_path, caches):
    (map_path.parent / "roads.gpkg").unlink()
    with pytest.raises(QgsProcessingException, match=r"cannot be loaded: 'roads'"):
        create(base_parameters(caches, map_path))
    assert os.listdir(caches) == []


def test_an_existing_cache_is_refused(create, map_path, caches):
    parameters = base_parameters(caches, map_path)
    create(parameters)
    before = (caches / "S" / "Layers" / "conf.xml").read_bytes()
    with pytest.raises(QgsProcessingException, match="already exists"):
        create({**parameters, "scales_type": "CUSTOM", "scales": "5000"})
    assert (caches / "S" / "Layers" / "conf.xml").read_bytes() == before
