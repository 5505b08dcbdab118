"""core behaves the same whether the host turned GDAL's exceptions on (QGIS 3.40+, GDAL 4) or left them off
(QGIS 3.22): bad input is the plugin's own error naming it, and the host's mode is left as it was.

Each test here switches the mode itself (and restores it); `make test-gdal-exceptions` also runs the modules
that touch osgeo with the mode on from the start, spawned workers included (tests/gdal_mode).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from osgeo import gdal, ogr, osr

from map_server_cache.core.compatibility import same_spatial_reference
from map_server_cache.core.errors import SchemeError, SelectionError
from map_server_cache.core.formats.conf_write import write_conf_cdi
from map_server_cache.core.gdalcalls import attempt, checked, osgeo_calls
from map_server_cache.core.planning.area import AreaOfInterest
from map_server_cache.core.planning.selection import classify_tiles
from map_server_cache.core.scheme import (
    LOD,
    Extent,
    SpatialReference,
    TilingScheme,
    gdal_srs,
)

MODULES = (gdal, ogr, osr)
REPO = Path(__file__).resolve().parents[2]
WEB_MERCATOR = TilingScheme(
    SpatialReference(102100, 3857), -20037508.342787, 20037508.342787, 256, 256, 96,
    tuple(LOD(i, 591657527.591555 / 2 ** i, 156543.03392800014 / 2 ** i) for i in range(14)), "PNG")
TRIANGLE = bytes(ogr.CreateGeometryFromWkt("POLYGON((0 0,1 0,1 1,0 0))").ExportToWkb(ogr.wkbNDR))


def _modes():
    return tuple(module.GetUseExceptions() for module in MODULES)


def _set_modes(modes):
    """GDAL < 3.7 stacks one error handler per module turned on: turn off in the reverse order."""
    for module, on in reversed(list(zip(MODULES, modes))):
        if not on:
            module.DontUseExceptions()
    for module, on in zip(MODULES, modes):
        if on:
            module.UseExceptions()


@pytest.fixture(params=[False, True], ids=["exceptions-off", "exceptions-on"])
def host_mode(request):
    """The host's mode for one test, the session's restored afterwards; asserts core did not change it."""
    saved = _modes()
    _set_modes([request.param] * len(MODULES))
    yield request.param
    assert _modes() == (request.param,) * len(MODULES), "core changed the host's GDAL exception mode"
    _set_modes(saved)


@pytest.mark.parametrize("wkb, message", [
    (b"\x01\x02garbage", "^area of interest: not a WKB geometry: OGR Error: "),  # GDAL words it per version
    (b"", "^area of interest: not a WKB geometry: no bytes"),
    (bytes.fromhex("0101000000000000000000f03f0000000000000040"), "^area of interest: expected a Polygon"),
])
def test_bad_area_is_a_selection_error(host_mode, wkb, message):
    with pytest.raises(SelectionError, match=message):
        AreaOfInterest(wkb)


def test_invalid_area_is_repaired(host_mode):
    bowtie = ogr.CreateGeometryFromWkt("POLYGON((0 0,10 10,10 0,0 10,0 0))")
    area = AreaOfInterest(bytes(bowtie.ExportToWkb(ogr.wkbNDR)))
    assert area.geometry.IsValid() and abs(area.geometry.GetArea() - 50) < 1e-9


def test_unknown_spatial_reference_is_a_scheme_error(host_mode, tmp_path):
    with pytest.raises(SchemeError, match="^spatial reference 'ESRI:999999' unknown to GDAL"):
        write_conf_cdi(Extent(0, 0, 1, 1), tmp_path / "conf.cdi", SpatialReference(wkid=999999))
    assert not (tmp_path / "conf.cdi").exists()


def test_unreadable_spatial_references_differ(host_mode):
    assert gdal_srs("EPSG:999999") is None and gdal_srs("GEOGCS[broken") is None
    assert not same_spatial_reference(SpatialReference(wkt="GEOGCS[broken"), SpatialReference(wkid=4326))
    assert same_spatial_reference(SpatialReference(wkt=gdal_srs("EPSG:4326").ExportToWkt()),
                                  SpatialReference(wkid=4326))


def _failing(host_exceptions: bool):
    """An OGR method failing the way the host's mode makes it fail."""
    def method(*args):
        if host_exceptions:
            raise RuntimeError("OGR Error: GEOS error: TopologyException")
        return None
    return method


def _selected(aoi):
    selection = classify_tiles(WEB_MERCATOR, WEB_MERCATOR.lods[12], aoi=aoi)
    return (selection.inside, selection.boundary, selection.outside,
            {key: bundle.codes.tobytes() if bundle.codes is not None else None
             for key, bundle in selection.bundles.items()})


def test_failed_clip_falls_back_to_the_whole_area(host_mode, monkeypatch):
    """The quadtree clips the area to each block on the way down; when GEOS cannot, the blocks go on with
    the unclipped area: the same tiles, not a block silently left out."""
    ring = "1.0e6 5.0e6, 1.5e6 5.0e6, 1.5e6 5.4e6, 1.2e6 5.2e6, 1.0e6 5.4e6, 1.0e6 5.0e6"
    aoi = AreaOfInterest(bytes(ogr.CreateGeometryFromWkt(f"POLYGON(({ring}))").ExportToWkb(ogr.wkbNDR)))
    expected = _selected(aoi)
    monkeypatch.setattr(ogr.Geometry, "Intersection", _failing(host_mode))
    assert _selected(aoi) == expected and expected[0] > 0


def test_ogr_failure_in_the_quadtree_is_a_selection_error(host_mode, monkeypatch):
    aoi = AreaOfInterest(bytes(ogr.CreateGeometryFromWkt(
        "POLYGON((1.0e6 5.0e6, 1.5e6 5.0e6, 1.5e6 5.4e6, 1.0e6 5.0e6))").ExportToWkb(ogr.wkbNDR)))
    monkeypatch.setattr(ogr.Geometry, "Contains", _failing(True))
    with pytest.raises(SelectionError, match="^area of interest: GDAL failed on the area: OGR Error"):
        classify_tiles(WEB_MERCATOR, WEB_MERCATOR.lods[12], aoi=aoi)


def test_checked_names_the_input_for_both_failure_forms(host_mode):
    srs = osr.SpatialReference()
    with pytest.raises(ValueError, match="^definition 'nonsense': .+"):
        checked(ValueError, "definition 'nonsense'", srs.SetFromUserInput, "nonsense",
                succeeded=lambda code: code == 0)
    assert attempt(ogr.CreateGeometryFromWkb, b"\x00") is None
    assert attempt(ogr.CreateGeometryFromWkt, "POINT (1 2)").GetX() == 1


@pytest.mark.skipif(not hasattr(ogr, "_SetExceptionsLocal"),
                    reason=f"GDAL {gdal.__version__}: no per-thread exception mode (GDAL >= 3.7 has one)")
def test_calls_raise_within_this_thread_only(host_mode):
    with osgeo_calls():
        assert all(module.GetUseExceptions() for module in MODULES)


def test_core_triggers_no_gdal_future_warning():
    """GDAL 3.9+ warns once per process when a call runs before anyone chose a mode; core must not be it.
    (GDAL 3.6 has no such warning: there this only shows the calls run cleanly in a fresh process.)"""
    code = ("from map_server_cache.core.planning.area import AreaOfInterest\n"
            "from map_server_cache.core.scheme import SpatialReference, gdal_srs\n"
            "from map_server_cache.core.compatibility import same_spatial_reference\n"
            "from map_server_cache.core.errors import SelectionError\n"
            f"AreaOfInterest(bytes.fromhex('{TRIANGLE.hex()}'))\n"
            "try:\n    AreaOfInterest(b'garbage')\nexcept SelectionError:\n    pass\n"
            "assert not same_spatial_reference(SpatialReference(wkt='GEOGCS[x'), SpatialReference(4326))\n"
            "assert gdal_srs('EPSG:3857') is not None\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("MAP_SERVER_CACHE_GDAL_EXCEPTIONS", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO / "build" / "plugins")
    result = subprocess.run([sys.executable, "-W", "error::FutureWarning", "-c", code], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(os.environ.get("MAP_SERVER_CACHE_GDAL_EXCEPTIONS") not in ("0", "1"),
                    reason="no GDAL exception mode chosen (MAP_SERVER_CACHE_GDAL_EXCEPTIONS)")
def test_spawned_workers_run_in_the_chosen_mode():
    """Pool workers start a fresh interpreter: the chosen mode holds there too, so the engine tests of
    `make test-gdal-exceptions` exercise core in the workers with exceptions on."""
    expected = (os.environ["MAP_SERVER_CACHE_GDAL_EXCEPTIONS"] == "1",) * len(MODULES)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert tuple(bool(pool.apply(module.GetUseExceptions)) for module in MODULES) == expected
