"""conf.xml, conf.cdi, root.json: real variants parse, hostile input is a SchemeError, writes round-trip."""

import dataclasses
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from osgeo import gdal, osr

from map_server_cache.core.errors import SchemeError
from map_server_cache.core.formats.conf import (
    find_conf_xml,
    parse_conf_cdi,
    parse_conf_xml,
    read_conf_cdi,
    read_conf_xml,
)
from map_server_cache.core.formats.conf_write import write_conf_cdi, write_conf_xml
from map_server_cache.core.formats.root_json import parse_root_json
from map_server_cache.core.gdalcalls import checked
from map_server_cache.core.scheme import LOD, Extent, SpatialReference, StorageFormat, TilingScheme

WEB_MERCATOR = 20037508.342787001
LODS = tuple(LOD(level, 591657527.591555 / 2**level, 156543.03392800014 / 2**level) for level in range(6))


def web_mercator_v2(**changes) -> TilingScheme:
    scheme = TilingScheme(SpatialReference(102100, 3857), -WEB_MERCATOR, WEB_MERCATOR, 256, 256, 96, LODS,
                          "PNG", 0, StorageFormat.COMPACT_V2, 128)
    return dataclasses.replace(scheme, **changes)


VARIANTS = {
    "arcgis_09.2_conf.xml": (None, 512, 18, "JPEG", StorageFormat.EXPLODED, 0),
    "arcgis_09.3_conf.xml": (2263, 512, 11, "JPEG", StorageFormat.EXPLODED, 0),
    "arcgis_10.0_conf.xml": (2193, 512, 15, "JPEG", StorageFormat.EXPLODED, 0),
    "arcgis_10.1_conf.xml": (2193, 512, 15, "JPEG", StorageFormat.EXPLODED, 0),
    "gdal_esric_mixed_conf.xml": (3857, 256, 4, "MIXED", StorageFormat.COMPACT_V2, 128),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_conf_xml_variants_parse(samples, name):
    wkid, tile_size, lod_count, tile_format, storage, packet = VARIANTS[name]
    scheme = read_conf_xml(samples / "conf-xml-variants" / name)
    assert scheme.spatial_reference.wkid == wkid
    assert scheme.spatial_reference.wkt
    assert (scheme.tile_cols, scheme.tile_rows, scheme.dpi) == (tile_size, tile_size, 96)
    assert len(scheme.lods) == lod_count
    assert (scheme.tile_format, scheme.storage_format, scheme.packet_size) == (tile_format, storage, packet)
    resolutions = [lod.resolution for lod in scheme.lods]
    assert resolutions == sorted(resolutions, reverse=True)


def test_real_caches_conf_xml(samples):
    v1_folder = samples / "arcgis-10.1-compact-v1-jpeg"
    assert find_conf_xml(v1_folder).name == "Conf.xml"
    v1 = read_conf_xml(find_conf_xml(v1_folder))
    assert (v1.spatial_reference.wkid, v1.storage_format) == (102100, StorageFormat.COMPACT)
    assert v1.packet_size == 128
    assert v1.lods[5].level == 5 and v1.lods[5].resolution == 4891.9698102499797
    v2 = read_conf_xml(find_conf_xml(samples / "esri-compactcache-v2-jpeg"))
    assert (v2.spatial_reference.wkid, v2.storage_format) == (3857, StorageFormat.COMPACT_V2)
    assert len(v2.lods) == 20
    assert (v2.origin_x, v2.origin_y) == (-WEB_MERCATOR, WEB_MERCATOR)
    assert read_conf_cdi(v1_folder / "conf.cdi") == Extent(-13885038.382960921, 2870337.1307936818,
                                                           -7455049.489182421, 6338174.0557576185)


def test_tpk_conf_xml_and_cdi(samples):
    with zipfile.ZipFile(samples / "arcgis-10.3-tpk-v1-png8" / "states_filled.tpk") as package:
        scheme = parse_conf_xml(package.read("v101/Layers/conf.xml"), "states.tpk!v101/Layers/conf.xml")
        extent = parse_conf_cdi(package.read("v101/Layers/conf.cdi"), "states.tpk!v101/Layers/conf.cdi")
    assert (scheme.spatial_reference.wkid, scheme.spatial_reference.latest_wkid) == (102100, 3857)
    assert (scheme.tile_format, scheme.compression_quality, len(scheme.lods)) == ("PNG8", 0, 5)
    assert extent.xmin == -13957367.097127762 and extent.ymax == 7765256.9933629986


def test_find_conf_xml_missing_names_folder(tmp_path):
    with pytest.raises(SchemeError, match="no conf.xml"):
        find_conf_xml(tmp_path)
    (tmp_path / "CONF.XML").write_text("x")
    assert find_conf_xml(tmp_path).name == "CONF.XML"


def test_conf_cdi_absent_or_empty(tmp_path):
    assert read_conf_cdi(tmp_path / "conf.cdi") is None
    (tmp_path / "Conf.cdi").write_text("<EnvelopeN><XMin>NaN</XMin><YMin>NaN</YMin><XMax>NaN</XMax>"
                                       "<YMax>NaN</YMax></EnvelopeN>")
    assert read_conf_cdi(tmp_path / "conf.cdi") is None


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CacheInfo>&lol2;</CacheInfo>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CacheInfo>&e;</CacheInfo>"""
UTF16_DTD = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x><CacheInfo/>'.encode("utf-16")


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL, UTF16_DTD])
def test_dtd_refused(data):
    with pytest.raises(SchemeError, match="bad.xml: DTDs"):
        parse_conf_xml(data, "bad.xml")
    with pytest.raises(SchemeError, match="bad.xml: DTDs"):
        parse_conf_cdi(data, "bad.xml")


def _conf_without(tmp_path, text_to_drop):
    write_conf_xml(web_mercator_v2(), tmp_path / "conf.xml")
    text = (tmp_path / "conf.xml").read_text()
    start = text.index(f"<{text_to_drop}")
    end = text.index(f"</{text_to_drop}>") + len(text_to_drop) + 3
    return (text[:start] + text[end:]).encode()


@pytest.mark.parametrize("element, message", [
    ("TileOrigin", "missing TileCacheInfo/TileOrigin"),
    ("SpatialReference", "missing TileCacheInfo/SpatialReference"),
    ("LODInfos", "missing TileCacheInfo/LODInfos"),
    ("TileImageInfo", "missing TileImageInfo"),
    ("TileCols", "tile columns"),
    ("X", "TileOrigin/X is missing"),
])
def test_missing_element_named(tmp_path, element, message):
    with pytest.raises(SchemeError, match=f"conf.xml: {message}"):
        parse_conf_xml(_conf_without(tmp_path, element), "conf.xml")


def test_absent_storage_info_is_exploded(tmp_path):
    scheme = parse_conf_xml(_conf_without(tmp_path, "CacheStorageInfo"), "conf.xml")
    assert (scheme.storage_format, scheme.packet_size) == (StorageFormat.EXPLODED, 0)


@pytest.mark.parametrize("data, message", [
    (b"", "not well-formed"),
    (b"<CacheInfo>", "not well-formed"),
    (b"<Other/>", "not CacheInfo"),
    (b"\xff\xfe\x00garbage", "not well-formed"),
    (b"<CacheInfo>" + b"<a/>" * 300000 + b"</CacheInfo>", "larger than"),
])
def test_garbled_conf_xml(data, message):
    with pytest.raises(SchemeError, match=f"conf.xml: .*{message}"):
        parse_conf_xml(data, "conf.xml")


def test_bad_values_named(tmp_path):
    write_conf_xml(web_mercator_v2(), tmp_path / "conf.xml")
    text = (tmp_path / "conf.xml").read_text()
    for old, new, message in [
        ("<Resolution>156543.03392800014", "<Resolution>abc", "Resolution is 'abc'"),
        ("<Resolution>156543.03392800014", "<Resolution>-1", "out of range"),
        ("<Resolution>156543.03392800014", "<Resolution>5e-324", "out of range"),
        ("<X>-20037508.342787", "<X>1e300", "tile origin .* out of range"),
        ("<Scale>591657527.591555", "<Scale>inf", "not a finite number"),
        ("<LevelID>1<", "<LevelID>0<", "share a level id"),
        ("<TileCols>256", "<TileCols>0", "tile columns"),
        ("esriMapCacheStorageModeCompactV2", "esriFancy", "unknown storage format 'esriFancy'"),
    ]:
        assert old in text
        with pytest.raises(SchemeError, match=f"x/conf.xml: .*{message}"):
            parse_conf_xml(text.replace(old, new, 1).encode(), "x/conf.xml")


NZTM_WKT = (
    'PROJCS["NZGD_2000_New_Zealand_Transverse_Mercator",GEOGCS["GCS_NZGD_2000",DATUM["D_NZGD_2000",'
    'SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",1600000.0],PARAMETER["False_Northing",10000000.0],'
    'PARAMETER["Central_Meridian",173.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)
SCHEMES = [
    web_mercator_v2(),
    web_mercator_v2(storage_format=StorageFormat.EXPLODED, packet_size=0, tile_format="MIXED",
                    compression_quality=75),
    web_mercator_v2(compression_quality=None, spatial_reference=SpatialReference(wkt=NZTM_WKT)),
    web_mercator_v2(spatial_reference=SpatialReference(2193), storage_format=StorageFormat.COMPACT,
                    tile_format="JPEG", compression_quality=80, origin_x=-4020900.0, origin_y=19998100.0,
                    tile_cols=512, tile_rows=512),
]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_write_read_round_trip(tmp_path, scheme):
    write_conf_xml(scheme, tmp_path / "conf.xml")
    again = read_conf_xml(tmp_path / "conf.xml")
    assert again.spatial_reference.wkt  # a WKT is written even when only a WKID was known
    assert again.spatial_reference.wkt == (scheme.spatial_reference.wkt or again.spatial_reference.wkt)
    assert dataclasses.replace(again, spatial_reference=scheme.spatial_reference) == scheme
    assert again.spatial_reference.wkid == scheme.spatial_reference.wkid
    assert [p.name for p in tmp_path.iterdir()] == ["conf.xml"]  # no temp file left


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_real_variants_round_trip(samples, tmp_path, name):
    scheme = read_conf_xml(samples / "conf-xml-variants" / name)
    write_conf_xml(scheme, tmp_path / "conf.xml")
    assert read_conf_xml(tmp_path / "conf.xml") == scheme


def test_gdal_esric_opens_written_v2_scheme(tmp_path):
    write_conf_xml(web_mercator_v2(), tmp_path / "conf.xml")
    (tmp_path / "_alllayers").mkdir()
    dataset = checked(AssertionError, "GDAL cannot open conf.xml", gdal.Open, str(tmp_path / "conf.xml"))
    assert dataset.GetDriver().ShortName == "ESRIC"
    assert dataset.RasterXSize == 256 * 2**5 and dataset.RasterCount == 4
    assert dataset.GetGeoTransform()[0] == pytest.approx(-WEB_MERCATOR)
    web_mercator = osr.SpatialReference()
    web_mercator.ImportFromEPSG(3857)
    assert dataset.GetSpatialRef().IsSame(web_mercator)


def test_conf_cdi_round_trip(tmp_path):
    extent = Extent(-13885038.382960921, 2870337.1307936818, -7455049.489182421, 6338174.0557576185)
    write_conf_cdi(extent, tmp_path / "conf.cdi", SpatialReference(102100, 3857))
    assert read_conf_cdi(tmp_path / "conf.cdi") == extent
    assert b"<WKID>102100</WKID>" in (tmp_path / "conf.cdi").read_bytes()
    write_conf_cdi(extent, tmp_path / "plain.cdi")
    assert read_conf_cdi(tmp_path / "plain.cdi") == extent


def root_json(**changes):
    document = {
        "tileBundlesPath": "./tile",
        "tileInfo": {"rows": 256, "cols": 256, "dpi": 96, "origin": {"x": -WEB_MERCATOR, "y": WEB_MERCATOR},
                     "spatialReference": {"wkid": 102100, "latestWkid": 3857},
                     "lods": [{"level": lod.level, "resolution": lod.resolution, "scale": lod.scale}
                              for lod in LODS]},
        "tileImageInfo": {"format": "PNG", "compressionQuality": 0},
        "storageInfo": {"storageFormat": "esriMapCacheStorageModeCompactV2", "packetSize": 128},
        "minLOD": 0, "maxLOD": 5,
        "fullExtent": {"xmin": -1e6, "ymin": -2e6, "xmax": 1e6, "ymax": 2e6,
                       "spatialReference": {"wkid": 102100, "latestWkid": 3857}},
    }
    document.update(changes)
    return json.dumps(document).encode()


def test_root_json():
    scheme, extent = parse_root_json(root_json(), "a.tpkx!root.json")
    assert scheme == web_mercator_v2()
    assert extent == Extent(-1e6, -2e6, 1e6, 2e6)
    scheme, extent = parse_root_json(root_json(minLOD=2, maxLOD=3, fullExtent=None), "a.tpkx!root.json")
    assert [lod.level for lod in scheme.lods] == [2, 3] and extent is None


@pytest.mark.parametrize("data, message", [
    (b"{", "not valid JSON"),
    (b"[]", "the document is missing or not an object"),
    (b"NaN", "not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, "not valid JSON"),
    (root_json(tileInfo=None), "tileInfo is missing"),
    (root_json(tileInfo={"rows": 256}), "tileInfo.origin is missing"),
    (root_json(storageInfo={"storageFormat": 5}), "storageFormat is not a string"),
    (root_json(fullExtent={"xmin": "a", "ymin": 0, "xmax": 1, "ymax": 1}), "fullExtent.xmin is 'a'"),
    (root_json(fullExtent={"xmin": 2, "ymin": 0, "xmax": 1, "ymax": 1}), "minimum above its maximum"),
    (root_json(minLOD=True, maxLOD=3), "minLOD is True, not a number"),
    (root_json(minLOD=1.5, maxLOD=3), "minLOD must be a whole number"),
    (b"{}" + b" " * (16 * 1024 * 1024), "larger than"),
    (root_json(fullExtent={"xmin": -1e300, "ymin": 0, "xmax": 1, "ymax": 1}), "out of range"),
])
def test_root_json_bad_input(data, message):
    with pytest.raises(SchemeError, match=f"^x.tpkx!root.json: .*{message}"):
        parse_root_json(data, "x.tpkx!root.json")


def _json_values():
    leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    def containers(inner):
        return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)

    return st.recursive(leaves, containers, max_leaves=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["tileInfo", "tileImageInfo", "storageInfo", "fullExtent", "minLOD", "maxLOD"]),
       st.sampled_from(["", "origin", "spatialReference", "lods", "rows", "cols", "dpi", "format", "x"]),
       _json_values())
def test_root_json_fuzz_only_scheme_errors(top, inner, value):
    document = json.loads(root_json())
    if inner and isinstance(document.get(top), dict):
        document[top][inner] = value
    else:
        document[top] = value
    try:
        parse_root_json(json.dumps(document).encode(), "f.json")
    except SchemeError as error:
        assert str(error).startswith("f.json: ")


VALID_CONF_XML = []


@settings(max_examples=500)
@given(st.integers(0, 4000), st.integers(0, 40), st.binary(max_size=30))
def test_conf_xml_fuzz_only_scheme_errors(tmp_path_factory, start, length, replacement):
    if not VALID_CONF_XML:
        path = tmp_path_factory.mktemp("fuzz") / "conf.xml"
        write_conf_xml(web_mercator_v2(), path)
        VALID_CONF_XML.append(path.read_bytes())
    data = VALID_CONF_XML[0][:start] + replacement + VALID_CONF_XML[0][start + length:]
    try:
        parse_conf_xml(data, "f.xml")
    except SchemeError as error:
        assert str(error).startswith("f.xml: ")


@pytest.mark.parametrize("encoding", ["tf-8", "utf-32", "bogus-encoding"])
def test_conf_xml_with_an_unusable_encoding_is_a_scheme_error(encoding):
    data = f"<?xml version='1.0' encoding='{encoding}'?><CacheInfo/>".encode()
    with pytest.raises(SchemeError, match="conf.xml"):
        parse_conf_xml(data, "conf.xml")
