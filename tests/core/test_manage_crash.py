"""A drawing run SIGKILLed at any moment leaves every bundle readable (by core, MapProxy and GDAL) holding
only whole, final tiles, and RECREATE_EMPTY_TILES then completes it: the same tiles as an uninterrupted run.
Kills at random moments (worker processes included) and at the storage's commit steps (crashkit)."""

import json
import os
import random
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import crashkit
import pytest
from drawkit import HERE, LEVELS, make_drawn_cache

from map_server_cache.core.execution.manage import ManageRequest, manage_tiles
from map_server_cache.core.planning.draw_plan import UpdateMode
from map_server_cache.core.sources.opening import open_cache

# The child draws through the plugin link with the test drawer, announces START, reports DONE.
CHILD = crashkit.CRASH_PREAMBLE + """
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from map_server_cache.core.errors import CacheError
from map_server_cache.core.execution.manage import ManageRequest, manage_tiles
from map_server_cache.core.planning.draw_plan import UpdateMode

spec = json.loads(sys.argv[2])
class Progress:
    started = False
    def message(self, text): pass
    def warning(self, text): pass
    def progress(self, done, total):
        if not Progress.started:
            Progress.started = True
            print("START", flush=True)
    def is_cancelled(self): return False
request = ManageRequest(Path(spec["target"]), scales=spec["scales"], mode=UpdateMode[spec["mode"]],
                        workers=spec["workers"], executor=spec["executor"], drawer="drawkit:open_drawer",
                        supertile_pixels=512)
try:
    result = manage_tiles(request, Progress())
except (CacheError, OSError) as error:
    print("ERROR " + json.dumps({"type": type(error).__name__, "message": str(error)}), flush=True)
    sys.exit(3)
print("DONE " + json.dumps({"drawn": result.drawn, "calls": calls}), flush=True)
"""


@dataclass
class DrawSpec:
    target: str
    scales: list
    mode: str = "RECREATE_ALL_TILES"
    workers: int = 1
    executor: str = "threads"


def start(spec: DrawSpec, crash_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CRASHKIT_AT", None)
    if crash_at:
        env["CRASHKIT_AT"] = crash_at
    return subprocess.Popen([sys.executable, "-c", CHILD, str(crashkit.PLUGINS), json.dumps(asdict(spec)),
                             str(HERE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def scales(folder) -> list:
    with open_cache(folder) as cache:
        return [lod.scale for lod in cache.scheme.lods if lod.level in LEVELS[3:5]]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run in a child (its tiles, and how many commit-step calls it made)."""
    folder = make_drawn_cache(tmp_path_factory.mktemp("reference"), "COMPACT_V2", "PNG32")
    code, details, err = crashkit.finish(start(DrawSpec(str(folder), scales(folder))))
    assert code == 0 and details["outcome"] == "DONE", err
    return crashkit.read_tiles(folder), details["calls"]


def check_and_resume(folder, reference_tiles: dict, where: str) -> bool:
    """Check what a kill left, finish with RECREATE_EMPTY_TILES; True when the kill left work to finish."""
    tiles = crashkit.read_tiles(folder)                      # every bundle readable by core
    assert all(reference_tiles.get(tile) == data for tile, data in tiles.items()), where   # whole, final
    crashkit.check_peers(folder, tiles)                      # and by MapProxy and GDAL ESRIC
    manage_tiles(ManageRequest(folder, scales=scales(folder), mode=UpdateMode.RECREATE_EMPTY_TILES,
                               drawer="drawkit:open_drawer", supertile_pixels=512, workers=1))
    assert crashkit.read_tiles(folder) == reference_tiles, where
    return len(tiles) < len(reference_tiles)


def crash_at_points(tmp_path, reference, points) -> None:
    reference_tiles, _calls = reference
    for point in points:
        folder = make_drawn_cache(tmp_path / point.replace(":", "_"), "COMPACT_V2", "PNG32")
        code, details, err = crashkit.finish(start(DrawSpec(str(folder), scales(folder)), crash_at=point))
        assert code == -9, (point, details, err)
        check_and_resume(folder, reference_tiles, point)


def kill_at_random(tmp_path, reference, trials: int, seed: int) -> int:
    """Kill runs on two threads or processes at random moments; how many kills left work to finish."""
    reference_tiles, _calls = reference
    rng = random.Random(seed)
    interrupted = 0
    for trial in range(trials):
        folder = make_drawn_cache(tmp_path / f"trial{trial}", "COMPACT_V2", "PNG32")
        executor = ("threads", "processes")[trial % 2]
        child = start(DrawSpec(str(folder), scales(folder), workers=2, executor=executor))
        crashkit.kill_group_after_start(child, rng.uniform(0.0, 0.4))
        interrupted += check_and_resume(folder, reference_tiles, f"trial {trial} ({executor})")
    return interrupted


def test_killed_at_commit_steps_then_completed(tmp_path, reference):
    crash_at_points(tmp_path, reference, crashkit.crash_points(reference[1], 2, seed=1))


def test_killed_at_random_moments_then_completed(tmp_path, reference):
    assert kill_at_random(tmp_path, reference, 2, seed=2) >= 1


@pytest.mark.stress
def test_killed_at_many_commit_steps(tmp_path, reference):
    crash_at_points(tmp_path, reference, crashkit.crash_points(reference[1], 40, seed=3))


@pytest.mark.stress
def test_killed_at_many_random_moments(tmp_path, reference):
    assert kill_at_random(tmp_path, reference, 20, seed=4) >= 10


def test_resume_needs_no_map_change(tmp_path, reference):
    """A cache killed before any tile was written resumes the same way (nothing half-made to clean)."""
    folder = make_drawn_cache(tmp_path / "first", "COMPACT_V2", "PNG32")
    code, _details, err = crashkit.finish(start(DrawSpec(str(folder), scales(folder)), crash_at="1:before"))
    assert code == -9, err
    check_and_resume(folder, reference[0], "first commit step")
    assert not list(Path(folder, "_alllayers").rglob("*.intent"))
