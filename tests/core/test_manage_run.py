"""How a drawing run runs: cancel within about one supertile (then RECREATE_EMPTY_TILES finishes the job),
one drawer per worker thread, progress per level, a bad drawer named, peak memory flat in the tile count."""

import os
import threading
import time
import tracemalloc

import drawkit
import pytest
from crashkit import read_tiles
from drawkit import SPEC, PolygonDrawer, make_drawn_cache

from map_server_cache.core.errors import CacheError, ImportCancelled
from map_server_cache.core.execution.manage import ManageRequest, check_manage, manage_tiles
from map_server_cache.core.planning.draw_plan import UpdateMode
from map_server_cache.core.reporting.pictures import COLOURS, coverage_map
from map_server_cache.core.sources.opening import open_cache


def scales(folder, *levels):
    with open_cache(folder) as cache:
        return [lod.scale for lod in cache.scheme.lods if lod.level in levels]


def request(folder, *levels, **options):
    return ManageRequest(folder, scales=scales(folder, *levels),
                         **{"drawer": SPEC, "supertile_pixels": 512, "workers": 1, **options})


class Recorder:
    """Progress that cancels once the drawer has drawn ``cancel_after`` supertiles; keeps the messages."""

    def __init__(self, cancel_after=None):
        self.cancel_after, self.messages, self.done = cancel_after, [], []

    def message(self, text):
        self.messages.append(text)

    def warning(self, text):
        self.messages.append(text)

    def progress(self, done, total):
        self.done.append((done, total))

    def is_cancelled(self):
        return self.cancel_after is not None and len(DRAWS) >= self.cancel_after


DRAWS: list = []


@pytest.fixture
def counted(monkeypatch):
    """Draws counted (and slowed down a little, so that a cancel has something to interrupt)."""
    DRAWS.clear()

    def draw(self, extent, width, height, scale):
        DRAWS.append(threading.get_ident())
        time.sleep(0.02)
        return drawkit.draw(extent, width, height)

    monkeypatch.setattr(PolygonDrawer, "draw", draw)
    return DRAWS


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_within_about_a_supertile_and_resumes(tmp_path, counted, workers):
    reference = make_drawn_cache(tmp_path / "reference")
    manage_tiles(request(reference, 3, 4))
    everything = len(counted)
    counted.clear()
    folder = make_drawn_cache(tmp_path / "cancelled")
    with pytest.raises(ImportCancelled):
        manage_tiles(request(folder, 3, 4, workers=workers), Recorder(cancel_after=6))
    assert 6 <= len(counted) <= 6 + 2 * workers < everything        # each worker ends its supertile
    partial = read_tiles(folder)
    assert 0 < len(partial) < len(read_tiles(reference))
    manage_tiles(request(folder, 3, 4, mode=UpdateMode.RECREATE_EMPTY_TILES))
    assert read_tiles(folder) == read_tiles(reference)


def test_one_drawer_per_worker_thread_and_progress_per_level(tmp_path, counted):
    folder = make_drawn_cache(tmp_path)
    opened = PolygonDrawer.opened
    progress = Recorder()
    result = manage_tiles(request(folder, 3, 4, workers=2), progress)
    assert PolygonDrawer.opened - opened == 2 and len(set(counted)) == 2
    announced = [f"Level {level} (1:{round(s):,}): ".replace(",", " ")
                 for level, s in zip((3, 4), scales(folder, 3, 4))]
    assert [text[:len(start)] for text, start in zip(progress.messages, announced)] == announced
    assert sorted(text.split(" done:")[0] for text in progress.messages[2:]) == ["Level 3", "Level 4"]
    assert f"{result.levels[1].drawn} drawn, {result.levels[1].empty} empty" in "".join(progress.messages)
    assert progress.done[0] == (0, result.tiles) and progress.done[-1] == (result.tiles, result.tiles)


def test_a_drawer_returning_the_wrong_image_is_named(tmp_path, monkeypatch):
    folder = make_drawn_cache(tmp_path)
    monkeypatch.setattr(PolygonDrawer, "draw", lambda self, extent, width, height, scale:
                        drawkit.draw(extent, width, height)[:, :-1])
    with pytest.raises(CacheError, match=r"not a \(512, 512, 4\) uint8 RGBA array"):
        manage_tiles(request(folder, 4))
    with pytest.raises(CacheError, match="'drawkit:nothing' cannot be loaded"):
        check_manage(request(folder, 4, drawer="drawkit:nothing"))
    with pytest.raises(CacheError, match="'drawkit.open_drawer' is not of the form"):
        check_manage(request(folder, 4, drawer="drawkit.open_drawer"))
    assert not read_tiles(folder)


def test_peak_memory_does_not_grow_with_the_tiles(tmp_path):
    """Level 5 has 16 times the tiles of level 3; the peak stays that of one supertile and one batch."""
    def peak(level):
        folder = make_drawn_cache(tmp_path / f"level{level}")
        tracemalloc.start()
        try:
            result = manage_tiles(request(folder, level))
            return result.tiles, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    (few, small), (many, large) = peak(3), peak(5)
    assert many == 16 * few
    print(f"peak traced memory: {few} tiles {small / 2**20:.1f} MiB, {many} tiles {large / 2**20:.1f} MiB")
    assert large < 1.5 * small, (small, large)


def test_supertiles_drawn_before_a_failure_stay(tmp_path, monkeypatch):
    """Each supertile is committed before the next is drawn: a drawer failing midway loses only its own."""
    folder = make_drawn_cache(tmp_path)
    draws = []

    def draw(self, extent, width, height, scale):
        draws.append(extent)
        if len(draws) == 8:
            raise RuntimeError("the map server fell over")
        return drawkit.draw(extent, width, height)

    monkeypatch.setattr(PolygonDrawer, "draw", draw)
    with pytest.raises(RuntimeError, match="fell over"):
        manage_tiles(request(folder, 4))
    kept = read_tiles(folder)
    assert kept and all(tile[0] == 4 for tile in kept)
    with open_cache(folder) as cache:
        assert all(drawkit.expected_tile(cache.scheme, *tile) == data for tile, data in kept.items())


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_each_worker_opens_one_drawer_and_closes_it_in_the_same_thread(tmp_path, executor):
    folder = make_drawn_cache(tmp_path)
    manage_tiles(request(folder, 3, 4, workers=2, executor=executor))
    opened = sorted(path.name.split(".opened.")[1] for path in tmp_path.glob("map.qgz.opened.*"))
    closed = sorted(path.name.split(".closed.")[1] for path in tmp_path.glob("map.qgz.closed.*"))
    assert len(opened) == 2 and opened == closed                       # (process id, thread id) pairs
    processes = {name.split(".")[0] for name in opened}
    assert processes == {str(os.getpid())} if executor == "threads" else str(os.getpid()) not in processes


def test_coverage_maps_show_what_each_tile_went_through(tmp_path):
    def colours(result, level):
        return {colour for _count, colour in coverage_map(result.pictures, result.pictures.levels[level])
                .getcolors()}

    folder = make_drawn_cache(tmp_path)
    drawn = manage_tiles(request(folder, 3, 4))
    assert sorted(drawn.pictures.levels) == [3, 4]
    assert {COLOURS["drawn"], COLOURS["drawn_empty"]} <= colours(drawn, 4)
    assert COLOURS["deleted"] not in colours(drawn, 4)
    deleted = manage_tiles(request(folder, 4, mode=UpdateMode.DELETE_TILES))
    assert COLOURS["deleted"] in colours(deleted, 4) and COLOURS["drawn"] not in colours(deleted, 4)
