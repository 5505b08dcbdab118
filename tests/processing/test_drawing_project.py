"""drawing/project.py: a project read for drawing; broken layers and themes named; its CRS in Esri terms."""

from __future__ import annotations

import pytest
from drawmaps import MAP_EXTENT, THEME, make_map
from qgis.core import QgsCoordinateReferenceSystem

from map_server_cache.core.scheme import Extent, SpatialReference
from map_server_cache.drawing import project as projects
from map_server_cache.drawing.project import DrawingError


@pytest.fixture
def map_path(qgis_app, tmp_path):
    return make_map(tmp_path / "map")


def test_open_project_describes_the_map(map_path):
    project = projects.open_project(str(map_path))
    crs = projects.map_crs(project)

    assert [layer.name() for layer in projects.visible_layers(project, None)] == ["detail", "roads", "areas"]
    assert [layer.name() for layer in projects.visible_layers(project, THEME)] == ["roads"]
    assert projects.full_extent(project, None, crs) == Extent(*MAP_EXTENT)
    assert projects.spatial_reference(crs) == SpatialReference(wkid=102100, latest_wkid=3857)


def test_every_broken_layer_is_named(map_path):
    (map_path.parent / "roads.gpkg").unlink()
    (map_path.parent / "detail.gpkg").unlink()

    with pytest.raises(DrawingError, match=r"map\.qgz: 2 layer\(s\) cannot be loaded") as raised:
        projects.open_project(str(map_path))
    assert "'roads' (" in str(raised.value) and "'detail' (" in str(raised.value)


@pytest.mark.parametrize("name, problem", [("missing.qgz", "does not exist"),
                                           ("map.txt", "not a QGIS project")])
def test_a_path_that_is_no_project_is_named(tmp_path, qgis_app, name, problem):
    (tmp_path / "map.txt").write_text("x")
    with pytest.raises(DrawingError, match=f"{name}: .*{problem}"):
        projects.open_project(str(tmp_path / name))


def test_an_unreadable_project_is_named(tmp_path, qgis_app):
    (tmp_path / "bad.qgs").write_text("<not a project")
    with pytest.raises(DrawingError, match=r"bad\.qgs: cannot read"):
        projects.open_project(str(tmp_path / "bad.qgs"))


def test_an_unknown_theme_lists_the_known_ones(map_path):
    project = projects.open_project(str(map_path))
    projects.check_map_theme(project, THEME)
    projects.check_map_theme(project, None)
    with pytest.raises(DrawingError, match=r"no map theme 'Nope' \(the project's themes: 'lines only'\)"):
        projects.check_map_theme(project, "Nope")


@pytest.mark.parametrize("authid, expected", [
    ("EPSG:4326", SpatialReference(wkid=4326, latest_wkid=4326)),
    ("EPSG:25832", SpatialReference(wkid=25832, latest_wkid=25832)),
    ("ESRI:54009", SpatialReference(wkid=54009, latest_wkid=54009)),
])
def test_spatial_reference_of_coded_crs(qgis_app, authid, expected):
    assert projects.spatial_reference(QgsCoordinateReferenceSystem(authid)) == expected


def test_spatial_reference_without_code_is_esri_wkt(qgis_app):
    crs = QgsCoordinateReferenceSystem.fromProj("+proj=merc +lon_0=10 +datum=WGS84")
    reference = projects.spatial_reference(crs)
    assert reference.wkid is None and reference.wkt.startswith("PROJCS[")
