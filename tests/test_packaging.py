"""`make package` builds a zip the QGIS plugin repository accepts."""

import configparser
import subprocess
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

REQUIRED_METADATA = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                     "repository", "tracker", "category", "tags", "icon", "hasProcessingProvider")


def test_package_zip_is_what_the_plugin_repository_accepts():
    built = subprocess.run(["make", "-s", "package"], cwd=REPO, capture_output=True, text=True, check=True)
    path = REPO / built.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        metadata = configparser.ConfigParser()
        metadata.read_string(archive.read("map_server_cache/metadata.txt").decode())

    assert path.name == f"map_server_cache-{metadata['general']['version']}.zip"
    assert {name.split("/")[0] for name in names} == {"map_server_cache"}
    assert "map_server_cache/LICENSE" in names
    assert "map_server_cache/__init__.py" in names
    assert "map_server_cache/i18n/map_server_cache_de.qm" in names
    assert f"map_server_cache/{metadata['general']['icon']}" in names
    assert not [name for name in names if "/tests/" in name or "__pycache__" in name or name.endswith(".pyc")]
    general = metadata["general"]
    assert all(general.get(key) for key in REQUIRED_METADATA)
    assert general["hasProcessingProvider"] == "yes"
    assert general["qgisMinimumVersion"] == "3.22"
