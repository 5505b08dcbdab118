"""`qgis_process run mapservercache:importmapservercache -- input_service=... ...` in a throw-away profile.

Debian's /usr/bin/qgis_process wrapper adds --noversioncheck, which 3.22 refuses: call qgis_process.bin.
qgis_process loads a Python plugin only when the profile enables it and QGIS_PLUGINPATH holds it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from caches import ALGORITHM_ID, BLUE, RED, cachebuilders, pixels, read_tile

QGIS_PROCESS = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
PLUGINS = Path(__file__).resolve().parents[2] / "build" / "plugins"
SCALE_2, SCALE_3 = 147914381.897889, 73957190.948944

pytestmark = pytest.mark.skipif(QGIS_PROCESS is None, reason="qgis_process is not installed")


@pytest.fixture
def qgis_process(tmp_path):
    """Runs qgis_process with a fresh profile that enables the plugin; returns the CompletedProcess."""
    profile = tmp_path / "qgis-profile"
    ini = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\nmap_server_cache=true\n")
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(profile), "QGIS_PLUGINPATH": str(PLUGINS),
           "QT_QPA_PLATFORM": "offscreen"}
    env.pop("MAP_SERVER_CACHE_SERVERS", None)

    def run(*arguments, servers=None, path=None):
        if path is not None:
            env["PATH"] = path
        if servers is not None:
            env["MAP_SERVER_CACHE_SERVERS"] = json.dumps(servers)
        return subprocess.run([QGIS_PROCESS, *arguments], capture_output=True, text=True, env=env,
                              timeout=300)

    return run


def test_algorithm_listed(qgis_process):
    done = qgis_process("list")
    assert ALGORITHM_ID in done.stdout, done.stderr


def test_run_with_arcpy_keywords(qgis_process, server, source, tmp_path):
    package = cachebuilders.make_tpkx(tmp_path / "update.tpkx", source)
    report = tmp_path / "report.html"
    done = qgis_process(
        "--json", "run", ALGORITHM_ID, "--",
        f"input_service=GIS Servers/arcgis on MYSERVER (admin)/{server.service}",
        "source_cache_type=TILE_PACKAGE", f"source_tile_package={package}",
        "upload_data_to_server=DO_NOT_UPLOAD", f"scales={SCALE_2};{SCALE_3}",
        "num_of_caching_service_instances=2", "overwrite=MERGE", f"report={report}",
        servers={"arcgis on MYSERVER (admin)": str(server.root)})
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout[done.stdout.index("{"):])["results"]
    assert results["imported"] == 16 + 64 and results["target_cache"] == str(server.target)
    assert Path(results["report"]) == report and report.exists()
    image = pixels(read_tile(server.target, 2, 3, 3))
    assert (image[:, :128] == BLUE).all() and (image[:, 128:] == RED).all()
    assert (pixels(read_tile(server.target, 1, 0, 0)) == RED).all()


def test_run_with_qgis_forms(qgis_process, server, source):
    done = qgis_process("run", ALGORITHM_ID, "--", f"input_service={server.target}", "source_cache_type=0",
                        f"source_cache_dataset={source}", "overwrite=1", f"scales={SCALE_3}")
    assert done.returncode == 0, done.stdout + done.stderr
    image = pixels(read_tile(server.target, 3, 1, 6))
    assert (image[:, :128] == BLUE).all() and (image[:, 128:, 3] == 0).all()


def test_bad_keyword_fails_with_a_message(qgis_process, server, source):
    done = qgis_process("run", ALGORITHM_ID, "--", f"input_service={server.target}",
                        "source_cache_type=CACHE_DATASET", f"source_cache_dataset={source}",
                        "overwrite=MERGED")
    assert done.returncode != 0
    assert "overwrite" in done.stderr and "OVERWRITE or MERGE" in done.stderr
    assert (pixels(read_tile(server.target, 3, 1, 6)) == RED).all()


def test_workers_despite_a_foreign_python_first_on_path(qgis_process, server, source, tmp_path):
    foreign = tmp_path / "foreign-bin"
    foreign.mkdir()
    (foreign / "python3").symlink_to(shutil.which("true"))
    done = qgis_process("run", ALGORITHM_ID, "--", f"input_service={server.target}", "source_cache_type=0",
                        f"source_cache_dataset={source}", "num_of_caching_service_instances=2",
                        path=os.pathsep.join([str(foreign), os.environ.get("PATH", "")]))
    assert done.returncode == 0, done.stdout + done.stderr


def test_create_map_server_cache(qgis_process, qgis_app, tmp_path):
    from drawmaps import make_map

    from map_server_cache.core.formats.conf import read_conf_xml

    project = make_map(tmp_path / "map")
    root = tmp_path / "server"
    (root / "arcgiscache").mkdir(parents=True)
    done = qgis_process(
        "--json", "run", "mapservercache:createmapservercache", "--",
        "input_service=GIS Servers/arcgis on MYSERVER (admin)/Roads/Streets.MapServer",
        "tiling_scheme_type=PREDEFINED", "predefined_tiling_scheme=ARCGISONLINE_SCHEME",
        "cache_tile_format=PNG8", "storage_format=COMPACT_V2", f"in_map={project}",
        servers={"arcgis on MYSERVER (admin)": str(root)})
    assert done.returncode == 0, done.stdout + done.stderr
    folder = root / "arcgiscache" / "Roads_Streets" / "Layers"
    assert json.loads(done.stdout[done.stdout.index("{"):])["results"]["target_cache"] == str(folder)
    scheme = read_conf_xml(folder / "conf.xml")
    assert scheme.lods[0].resolution == 156543.03392800014 and scheme.tile_format == "PNG8"
