"""A storage-format conversion SIGKILLed at any moment: conf.xml and the files agree, so core, MapProxy
(compact) and GDAL's ESRIC driver (V2) read every tile; running the same conversion again gives exactly the
files of an uninterrupted one.

The conversion runs in a child process (crashkit.start_convert, one worker). Crash points kill it just
before or after an fsync, rename, unlink or the folder exchange; random kills fall within the time an
uninterrupted conversion took after its work began. ``make test`` runs a few per pair of layouts, the
``stress`` marker every crash point."""

from __future__ import annotations

import itertools
import os
import random
import signal
import time
from pathlib import Path

import crashkit
import pytest
from cachebuilders import make_scheme, write_cache
from test_crash_safety import tile_maker

from map_server_cache.core.execution.convert import ConvertRequest, convert_storage
from map_server_cache.core.formats.conf import find_conf_xml, read_conf_xml
from map_server_cache.core.scheme import StorageFormat

STORAGES = ("COMPACT_V2", "COMPACT", "EXPLODED")
PAIRS = list(itertools.permutations(STORAGES, 2))


def lasting_files(folder: Path) -> dict[str, str]:
    """sha256 of every file but the lock files (empty, created by whoever locked)."""
    return {name: digest for name, digest in crashkit.sha256_tree(folder).items()
            if not name.startswith(".map_server_cache/locks/") and name != ".map_server_cache/cache.lock"}


class Case:
    """An original cache, its tiles, and the uninterrupted conversion's files, calls and duration."""

    def __init__(self, folder: Path, source: str, target: str):
        tile = tile_maker()
        n = 12 if "EXPLODED" in (source, target) else 40
        tiles = {(9, r, c): tile(0, 9, r, c) for r in range(n) for c in range(n)}
        tiles.update({(9, r, c): tile(0, 9, r, c) for r in range(4) for c in range(128, 132)})
        tiles.update({(8, r, c): tile(0, 8, r, c) for r in range(5) for c in range(5)})
        self.target = target
        scheme = make_scheme(source, "PNG", range(10))
        self.original = write_cache(folder / "original" / "Layers", scheme, tiles)
        self.tiles = crashkit.read_tiles(self.original)
        finished = crashkit.copy_cache(self.original, folder / "uninterrupted" / "Layers")
        child = crashkit.start_convert(finished, target)
        assert child.stdout.readline().strip() == "START"
        started = time.monotonic()
        code, details, err = crashkit.finish(child)
        self.seconds = time.monotonic() - started
        assert code == 0 and details["outcome"] == "DONE", err
        self.calls, self.switch = details["calls"], details["switch"]
        self.files = lasting_files(finished)


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    made: dict = {}

    def case(source: str, target: str) -> Case:
        if (source, target) not in made:
            made[(source, target)] = Case(tmp_path_factory.mktemp(f"{source}-{target}"), source, target)
        return made[(source, target)]

    return case


def check_trial(case: Case, trial: Path, how: str, interrupt) -> bool:
    """Interrupt a conversion of a fresh copy, check every tile is readable, run again, compare files."""
    folder = crashkit.copy_cache(case.original, trial / "Layers")
    killed = interrupt(folder)
    where = f"{folder} ({how})"
    storage = read_conf_xml(find_conf_xml(folder)).storage_format   # never absent on Linux (exchange)
    assert crashkit.read_tiles(folder) == case.tiles, f"{where}: tiles differ after the kill ({storage})"
    crashkit.check_peers(folder, case.tiles, sample=8)
    convert_storage(ConvertRequest(folder, StorageFormat[case.target], workers=1))
    assert lasting_files(folder) == case.files, f"{where}: the run again differs from an uninterrupted one"
    assert sorted(path.name for path in trial.iterdir()) == ["Layers"], f"{where}: staged or old folder left"
    return killed


def crash_and_check(case: Case, trial: Path, point: str) -> bool:
    def crash(folder):
        code, _details, err = crashkit.finish(crashkit.start_convert(folder, case.target, crash_at=point))
        assert code in (0, -signal.SIGKILL), err
        return code == -signal.SIGKILL

    return check_trial(case, trial, f"crash point {point} of {case.calls}", crash)


def kill_and_check(case: Case, trial: Path, seed: int) -> bool:
    delay = random.Random(seed).uniform(0, case.seconds * 0.9)

    def kill(folder):
        return crashkit.kill_group_after_start(crashkit.start_convert(folder, case.target), delay)

    return check_trial(case, trial, f"killed {delay:.3f} s after start (seed {seed})", kill)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_killed_conversion_reads_and_finishes(cases, tmp_path, source, target):
    """One random crash point and one random kill per pair."""
    case = cases(source, target)
    seed = int.from_bytes(os.urandom(4), "little")
    for point in crashkit.crash_points(case.calls, 1, seed):
        crash_and_check(case, tmp_path / point.replace(":", "-"), point)
    kill_and_check(case, tmp_path / "random", seed)


@pytest.mark.parametrize(("source", "target"), [("COMPACT", "COMPACT_V2"), ("COMPACT_V2", "EXPLODED"),
                                                 ("EXPLODED", "COMPACT_V2")])
def test_crash_at_the_switch(cases, tmp_path, source, target):
    """Around the switch (the same code for every pair): just before and after the exchange, and after the
    parent folder's sync that follows it."""
    case = cases(source, target)
    points = [f"{case.switch}:before", f"{case.switch}:after", f"{case.switch + 1}:after"]
    assert all(crash_and_check(case, tmp_path / point.replace(":", "-"), point) for point in points)


@pytest.mark.stress
@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_crash_at_every_commit_step(cases, tmp_path, source, target):
    case = cases(source, target)
    points = crashkit.crash_points(case.calls, None, 0)
    outcomes = [crash_and_check(case, tmp_path / point.replace(":", "-"), point) for point in points]
    kills = [kill_and_check(case, tmp_path / f"random{trial}", trial) for trial in range(6)]
    print(f"{source}->{target}: {len(points)} crash points, {sum(outcomes)} killed; random {sum(kills)}/6")
