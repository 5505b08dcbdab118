"""Crash safety: an import SIGKILLed at any moment leaves every tile old or new, every bundle readable by
core, MapProxy and (V2) GDAL's ESRIC driver, and the same import run again gives exactly the uninterrupted
result, tile by tile.

The import runs in a child process leading its own process group. Random kills (1 or 2 workers) fall
uniformly within 90 % of the time the uninterrupted import took after its work began; crash points (one
worker) kill it just before or after a chosen fsync, rename or unlink, the steps of a commit. Each case has
bundles the target already holds (the append-and-repoint writer, more than one 4 096-tile batch per bundle)
and bundles it lacks (whole-file copies), on two levels."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import crashkit
import pytest
from cachebuilders import make_scheme, png_tile, write_cache

from map_server_cache.core.errors import ImportCancelled
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.execution.journal import JOURNAL_FOLDER
from map_server_cache.core.scheme import Extent

WORLD = Extent(-20037508.342787, -20037508.342787, 20037508.342787, 20037508.342787)
PALETTE = 61  # distinct colours per version: neighbouring tiles differ, old and new versions differ


def tile_maker(alpha: int = 255):
    """Tile bytes for (version, level, row, col) from a small cache of encoded colours (encoding is slow)."""
    encoded = {}

    def tile(version: int, level: int, row: int, col: int) -> bytes:
        index = (row * 7 + col * 13 + level * 3) % PALETTE
        if (version, index) not in encoded:
            encoded[(version, index)] = png_tile((index * 4, 255 - version * 90, (index * 37) % 256, alpha))
        return encoded[(version, index)]

    return tile


def crash_case(folder: Path, storage: str, alpha: int = 255, n: int | None = None) -> tuple[Path, Path]:
    """(target, source) data-frame folders; see the module docstring. ``n`` scales the blocks of tiles:
    exploded cases are a ninth the size by default (creating one file per tile is slow)."""
    tile = tile_maker(alpha)
    n = n or (20 if storage == "EXPLODED" else 72)
    scheme = make_scheme(storage, "PNG", levels=range(10))

    def block(version, level, rows, cols):
        return {(level, r, c): tile(version, level, r, c) for r in rows for c in cols}

    old = {**block(0, 9, range(n), range(n)), **block(0, 9, range(n // 3), range(256, 256 + n // 3)),
           **block(0, 8, range(n // 3), range(n // 3))}
    new = {**block(1, 9, range(n // 2, n + n // 2), range(n // 2, n + n // 2)),
           **block(1, 9, range(n // 2), range(128, 128 + n // 2)), **block(1, 8, range(n // 6, n // 2),
                                                                            range(n // 6, n // 2))}
    target = write_cache(folder / "target" / "Layers", scheme, old, extent=WORLD)
    source = write_cache(folder / "source" / "Layers", scheme, new)
    return target, source


class Case:
    """A pristine target, its source, its old tiles and the uninterrupted result (tiles, files, duration)."""

    def __init__(self, folder: Path, storage: str, workers: int, overwrite: bool, alpha: int = 255):
        self.folder, self.workers, self.overwrite = folder, workers, overwrite
        # semi-transparent tiles are blended one by one (slow): a smaller case
        small = None if alpha == 255 else (10 if storage == "EXPLODED" else 24)
        self.target, self.source = crash_case(folder, storage, alpha, small)
        self.old = crashkit.read_tiles(self.target)
        finished = crashkit.copy_cache(self.target, folder / "uninterrupted" / "Layers")
        child = crashkit.start_import(self.spec(finished))
        assert child.stdout.readline().strip() == "START"
        started = time.monotonic()
        code, details, err = crashkit.finish(child)
        self.seconds = time.monotonic() - started
        assert code == 0 and details["outcome"] == "DONE", err
        self.calls = details["calls"]            # commit-step system calls of the whole run (one worker)
        self.new = crashkit.read_tiles(finished)
        crashkit.check_peers(finished, self.new)
        self.files = set(crashkit.file_states(finished))
        assert self.new != self.old

    def spec(self, target: Path) -> crashkit.ImportSpec:
        return crashkit.ImportSpec(str(target), str(self.source), overwrite=self.overwrite,
                                   workers=self.workers)


_CASES: dict = {}


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    def get(storage: str, workers: int, overwrite: bool = True, alpha: int = 255) -> Case:
        key = (storage, workers, overwrite, alpha)
        if key not in _CASES:
            folder = tmp_path_factory.mktemp(f"{storage}-{workers}")
            _CASES[key] = Case(folder, storage, workers, overwrite, alpha)
        return _CASES[key]

    yield get
    _CASES.clear()


def kill_and_check(case: Case, trial: Path, seed: int) -> dict:
    """One trial: kill at a random moment, check the target, run again, compare with the uninterrupted run."""
    delay = random.Random(seed).uniform(0, case.seconds * 0.9)

    def kill(target):
        return crashkit.kill_group_after_start(crashkit.start_import(case.spec(target)), delay)

    return check_trial(case, trial, f"seed {seed}, killed {delay:.3f} s after the work began", kill)


def crash_and_check(case: Case, trial: Path, point: str) -> dict:
    """One trial: the child kills itself at a chosen commit-step system call ("N:before" / "N:after")."""
    def crash(target):
        child = crashkit.start_import(case.spec(target), crash_at=point)
        code, _, err = crashkit.finish(child)
        crashkit.wait_group_gone(child.pid, 60)
        assert code in (-signal.SIGKILL, 0), err
        return code == -signal.SIGKILL

    return check_trial(case, trial, f"crash point {point} of {case.calls}", crash)


def check_trial(case: Case, trial: Path, how: str, interrupt) -> dict:
    """Interrupt an import into a fresh copy of the target, check it, run again, compare."""
    target = crashkit.copy_cache(case.target, trial / "Layers")
    where = f"{target} ({how})"
    killed = interrupt(target)
    tiles = crashkit.read_tiles(target)
    counts = crashkit.check_old_or_new(tiles, case.old, case.new, where)
    crashkit.check_peers(target, tiles)
    if not case.overwrite and tiles == case.new and not (target / JOURNAL_FOLDER).exists():
        # Killed after the import finished (its journal removed, before the child could report): nothing to
        # resume, and running it again would be a second MERGE, which blends again by design.
        return {"killed": killed, "finished before the kill": True, **counts}
    import_cache(ImportRequest(target, case.source, SourceType.CACHE_DATASET, overwrite=case.overwrite,
                               workers=1))
    again = crashkit.read_tiles(target)
    differing = sorted(tile for tile in set(again) | set(case.new) if again.get(tile) != case.new.get(tile))
    assert not differing, f"{where}: after the re-run {len(differing)} tiles differ, first {differing[:5]}"
    crashkit.check_peers(target, again, gdal=False)
    leftovers = set(crashkit.file_states(target)) - case.files
    assert all(name.endswith(".tmp") for name in leftovers), f"{where}: left behind: {sorted(leftovers)}"
    return {"killed": killed, "temporary files left": len(leftovers), **counts}


TRIALS = [("COMPACT", 1, True), ("COMPACT_V2", 2, True), ("EXPLODED", 1, True), ("COMPACT_V2", 1, False)]


@pytest.mark.parametrize(("storage", "workers", "overwrite"), TRIALS, ids=lambda value: str(value))
def test_killed_import_leaves_old_or_new_and_resumes(cases, tmp_path, storage, workers, overwrite):
    case = cases(storage, workers, overwrite)
    kill_and_check(case, tmp_path, int.from_bytes(os.urandom(4), "little"))


@pytest.mark.stress
@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2", "EXPLODED"])
def test_killed_import_stress(cases, tmp_path, storage):
    """Eight kills per layout, alternating 1 and 2 workers; at least half must land before the import ends."""
    outcomes = []
    for trial in range(8):
        case = cases(storage, 1 + trial % 2, trial % 4 != 3)
        seed = int.from_bytes(os.urandom(4), "little")
        outcomes.append(kill_and_check(case, tmp_path / f"trial{trial}", seed))
    print(f"{storage}: {outcomes}")
    assert sum(outcome["killed"] for outcome in outcomes) >= 4


@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2", "EXPLODED"])
def test_crash_at_commit_steps(cases, tmp_path, storage):
    """Kills just before or after an fsync, rename or unlink: the moments a commit changes state on disk,
    which a kill at a random time rarely hits."""
    case = cases(storage, 1)
    seed = int.from_bytes(os.urandom(4), "little")
    for point in crashkit.crash_points(case.calls, 2, seed):
        crash_and_check(case, tmp_path / point.replace(":", "-"), point)


@pytest.mark.stress
@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2", "EXPLODED"])
def test_crash_at_every_commit_step(cases, tmp_path, storage):
    case = cases(storage, 1)
    points = crashkit.crash_points(case.calls, None if storage != "EXPLODED" else 60, 0)
    outcomes = [crash_and_check(case, tmp_path / point.replace(":", "-"), point) for point in points]
    print(f"{storage}: {len(points)} crash points, {sum(o['killed'] for o in outcomes)} killed the import")


MERGE_ALPHA = 120   # semi-transparent: MERGE blends, so a resumed run must not blend a tile twice


@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2", "EXPLODED"])
def test_merge_killed_and_resumed(cases, tmp_path, storage):
    """MERGE of semi-transparent tiles, killed at a random crash point, between the last two (removing the
    journal) and at a random moment, then run again: the result equals one uninterrupted run (no tile
    blended twice, none skipped)."""
    case = cases(storage, 1, False, MERGE_ALPHA)
    seed = int.from_bytes(os.urandom(4), "little")
    # the last calls remove the finished import's journal: a kill between two of them must not matter
    for point in dict.fromkeys(crashkit.crash_points(case.calls, 1, seed) + [f"{case.calls - 1}:after"]):
        crash_and_check(case, tmp_path / point.replace(":", "-"), point)
    kill_and_check(case, tmp_path / "random", seed)


@pytest.mark.stress
@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2", "EXPLODED"])
def test_merge_killed_and_resumed_stress(cases, tmp_path, storage):
    """Every crash point of a semi-transparent MERGE (60 at most), then six random kills with 2 workers."""
    case = cases(storage, 1, False, MERGE_ALPHA)
    for point in crashkit.crash_points(case.calls, None if case.calls <= 30 else 60, 0):
        crash_and_check(case, tmp_path / point.replace(":", "-"), point)
    case = cases(storage, 2, False, MERGE_ALPHA)
    outcomes = [kill_and_check(case, tmp_path / f"trial{trial}", int.from_bytes(os.urandom(4), "little"))
                for trial in range(6)]
    print(f"MERGE {storage}: {outcomes}")


class CancelAfterFirstBundle:
    """Progress that asks the import to stop once one bundle is done: a partial run, deterministically."""

    def message(self, text):
        pass

    warning = message

    def progress(self, done, total):
        self.done = done

    def is_cancelled(self):
        return getattr(self, "done", 0) > 0


def test_merge_resume_after_partial_run_equals_uninterrupted(tmp_path):
    """MERGE with semi-transparent source pixels: partial run + re-run must equal one uninterrupted run."""
    target, source = crash_case(tmp_path / "case", "COMPACT_V2", alpha=100, n=18)
    uninterrupted = crashkit.copy_cache(target, tmp_path / "uninterrupted" / "Layers")
    import_cache(ImportRequest(uninterrupted, source, SourceType.CACHE_DATASET, workers=1))
    with pytest.raises(ImportCancelled):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1),
                     CancelAfterFirstBundle())
    import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    expected, again = crashkit.read_tiles(uninterrupted), crashkit.read_tiles(target)
    differing = sorted(tile for tile in set(again) | set(expected) if again.get(tile) != expected.get(tile))
    assert not differing, f"{len(differing)} tiles blended twice, first {differing[:3]}"
