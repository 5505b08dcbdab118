"""An export killed (SIGKILL) at commit steps (fsync, rename, unlink, ...) leaves its output old or new,
never half-written; running it again finishes it and leaves no staging folder, temporary file or swap copy.
Crash points are drawn as in test_crash_safety (crashkit.crash_points), a few per kind of export here; all
of them under ``--run-stress``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from crashkit import CRASH_PREAMBLE, PLUGINS, crash_points, finish
from test_engine_rawcopy import all_tiles

from map_server_cache.core.execution.export import ExportRequest, ExportType, export_cache
from map_server_cache.core.scheme import StorageFormat

LEVELS = range(0, 3)
QUICK_POINTS = 5
# The child: crashkit's commit-step crash points, then the export.
CHILD = CRASH_PREAMBLE + """
from pathlib import Path
from map_server_cache.core.execution.export import ExportRequest, ExportType, export_cache
from map_server_cache.core.scheme import StorageFormat
spec = json.loads(sys.argv[2])
export_cache(ExportRequest(Path(spec["service"]), Path(spec["folder"]), ExportType[spec["type"]],
                           StorageFormat[spec["storage"]], copy_data=spec["copy"], workers=1, overwrite=True,
                           outputs_dir=Path(spec["outputs"])))
print("DONE " + json.dumps({"calls": calls}), flush=True)
"""

KINDS = {"tpkx": ("TILE_PACKAGE", "COMPACT_V2", False), "tpk copied": ("TILE_PACKAGE", "COMPACT", True),
         "folder copied": ("CACHE_DATASET", "EXPLODED", True)}


def run_child(spec: dict, crash_at: str | None = None) -> tuple[int, dict, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CRASHKIT_AT", None)
    if crash_at:
        env["CRASHKIT_AT"] = crash_at
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(PLUGINS), json.dumps(spec)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    return finish(child)


def setup(tmp_path, kind: str):
    """A service, an earlier export of its level 0 (a different tile), and the child's spec."""
    export_type, storage, copy = KINDS[kind]
    tiles = {(level, row, col): png_tile((30 * row, 30 * col, 80 * level, 255))
             for level in LEVELS for row in range(2 ** level) for col in range(2 ** level)}
    scheme = make_scheme("COMPACT_V2", "PNG32", LEVELS)
    earlier_service = write_cache(tmp_path / "earlier" / "Svc" / "Layers", scheme,
                                  {(0, 0, 0): png_tile((1, 2, 3, 255))})
    service = write_cache(tmp_path / "arcgiscache" / "Svc" / "Layers", scheme, tiles)
    folder = tmp_path / "exports"
    folder.mkdir()
    (tmp_path / "outputs").mkdir()
    old = export_cache(ExportRequest(earlier_service, folder, ExportType[export_type], StorageFormat[storage],
                                     workers=1))
    spec = {"service": str(service), "folder": str(folder), "type": export_type, "storage": storage,
            "copy": copy, "outputs": str(tmp_path / "outputs")}
    return spec, old.output, all_tiles(old.output), tiles


def visible(folder) -> list:
    return sorted(path.name for path in folder.iterdir() if path.name != ".map_server_cache")


@pytest.mark.parametrize("kind", list(KINDS))
def test_killed_export_leaves_old_or_new_and_a_rerun_finishes(tmp_path, kind):
    kill_and_rerun(tmp_path, kind, QUICK_POINTS)


@pytest.mark.stress
@pytest.mark.parametrize("kind", list(KINDS))
def test_killed_export_at_every_commit_step(tmp_path, kind):
    kill_and_rerun(tmp_path, kind, None)


def kill_and_rerun(tmp_path, kind: str, count: int | None) -> None:
    spec, output, old, new = setup(tmp_path / "probe", kind)
    code, details, err = run_child(spec)
    assert code == 0, err
    calls = details["calls"]
    for point in crash_points(calls, count, seed=len(kind)):
        spec, output, old, new = setup(tmp_path / point.replace(":", "_"), kind)
        code, _, err = run_child(spec, point)
        assert code in (0, -9), err
        if output.exists():
            assert all_tiles(output) in (old, new), point          # never half-written
        else:
            assert kind == "folder copied", point                 # only a swap cut between its renames
        code, details, err = run_child(spec)
        assert code == 0, err
        assert all_tiles(output) == new, point
        assert visible(output.parent) == [output.name], point
        assert visible(tmp_path / point.replace(":", "_") / "outputs") == [], point
