"""Import journals: a MERGE run again after a cancel or a SIGKILL gives exactly the uninterrupted result.

Unit tests of core/journal.py (records, torn lines, digest mismatch, removal, import ids), then end-to-end
MERGE imports of semi-transparent tiles over V2, V1 and exploded targets: blended over existing tiles,
copied where the target has none (tile by tile and as whole bundle files), clipped to an area of interest.
"""

from __future__ import annotations

import errno
import io
import os
import re
import signal

import crashkit
import numpy as np
import pytest
import shapely
from cachebuilders import make_scheme, png_tile, write_cache
from PIL import Image

from map_server_cache.core.errors import ImportCancelled, StorageError
from map_server_cache.core.execution import workers
from map_server_cache.core.execution.compose import Outcome
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.execution.journal import (
    JOURNAL_FOLDER,
    WHOLE_COPIES,
    BundleJournal,
    NoJournal,
    import_id,
    journal_finished,
    journal_folder,
    journal_path,
    listed_whole_copy,
    open_journal,
    read_journal,
    record_whole_copies,
    remove_journal,
    tile_digest,
)
from map_server_cache.core.scheme import Extent
from map_server_cache.core.sources.opening import open_cache
from map_server_cache.core.storage.base import BundleKey

KEY = BundleKey(5, 0, 128)
WORLD = Extent(-20037508.342787, -20037508.342787, 20037508.342787, 20037508.342787)


# --- the journal file --------------------------------------------------------------------------------------
def test_records_round_trip_and_done_needs_the_recorded_bytes(tmp_path):
    path = journal_path(tmp_path, "abc", KEY)
    assert path == tmp_path / JOURNAL_FOLDER / "abc" / "L05-R0000C0080.journal"
    with BundleJournal(path) as journal:
        journal.record(3, 130, Outcome.BLENDED, b"new bytes")
        journal.record(4, 131, Outcome.COPIED_RAW, b"raw bytes")
        assert not path.exists()                       # nothing on disk before a flush
    again = BundleJournal(path)
    assert again.records == {(3, 130): (Outcome.BLENDED, tile_digest(b"new bytes")),
                             (4, 131): (Outcome.COPIED_RAW, tile_digest(b"raw bytes"))}
    assert again.done(3, 130, b"new bytes") is Outcome.BLENDED
    assert again.done(3, 130, b"old bytes") is None    # digest mismatch: that batch never committed
    assert again.done(3, 130, None) is None
    assert again.done(5, 132, b"new bytes") is None    # not listed


def test_no_flush_when_the_block_fails(tmp_path):
    path = tmp_path / "j.journal"
    with pytest.raises(RuntimeError), BundleJournal(path) as journal:
        journal.record(1, 1, Outcome.BLENDED, b"x")
        raise RuntimeError
    assert not path.exists()


def test_flush_appends_and_a_later_line_wins(tmp_path):
    path = tmp_path / "j.journal"
    with BundleJournal(path) as journal:
        journal.record(1, 1, Outcome.BLENDED, b"first")
        journal.flush()
        assert read_journal(path)[1, 1] == (Outcome.BLENDED, tile_digest(b"first"))
        journal.record(1, 1, Outcome.CLIPPED, b"second")
    assert read_journal(path) == {(1, 1): (Outcome.CLIPPED, tile_digest(b"second"))}


def test_torn_last_line_is_ignored_and_the_next_append_starts_a_new_line(tmp_path):
    path = tmp_path / "j.journal"
    with BundleJournal(path) as journal:
        journal.record(1, 2, Outcome.BLENDED, b"a")
    whole = path.read_bytes()
    path.write_bytes(whole + whole[:20])                # a crash in the middle of appending a line
    assert read_journal(path) == {(1, 2): (Outcome.BLENDED, tile_digest(b"a"))}
    with BundleJournal(path) as journal:
        journal.record(7, 8, Outcome.COPIED_RAW, b"b")
    assert read_journal(path) == {(1, 2): (Outcome.BLENDED, tile_digest(b"a")),
                                  (7, 8): (Outcome.COPIED_RAW, tile_digest(b"b"))}


def test_malformed_lines_and_other_outcomes_are_ignored(tmp_path):
    path = tmp_path / "j.journal"
    digest = tile_digest(b"a").hex()
    path.write_bytes(f"1 2 blended {digest}\n1 3 damaged {digest}\n1 4 blended xyz\n\0\0\0\n"
                     f"-1 5 blended {digest}\n1 6 blended {digest} extra\n".encode())
    assert read_journal(path) == {(1, 2): (Outcome.BLENDED, tile_digest(b"a"))}


def test_open_journal_chooses_by_mode_and_layout(tmp_path):
    compact = open_cache(write_cache(tmp_path / "v2", make_scheme("COMPACT_V2"), {}))
    exploded = open_cache(write_cache(tmp_path / "ex", make_scheme("EXPLODED"), {}))
    assert isinstance(open_journal(tmp_path, None, compact.storage, KEY), NoJournal)
    journal = open_journal(tmp_path, "id", compact.storage, KEY)
    assert (journal.durable, journal.immediate) == (True, False)
    journal = open_journal(tmp_path, "id", exploded.storage, KEY)
    assert journal.immediate                           # an exploded put is visible at once
    journal.record(1, 130, Outcome.BLENDED, b"x")
    assert read_journal(journal.path)                  # so its line is already on disk
    journal.close()
    compact.close()
    exploded.close()


def test_whole_copies_are_appended_and_an_earlier_versions_line_counts(tmp_path):
    first, second, third = BundleKey(9, 0, 128), BundleKey(9, 128, 0), BundleKey(8, 0, 0)
    record_whole_copies(tmp_path, "abc", [first])
    path = journal_folder(tmp_path, "abc") / WHOLE_COPIES
    with open(path, "ab") as file:
        file.write(b"L09-R0080")                           # a run killed while appending
    record_whole_copies(tmp_path, "abc", [second])        # a run again adds its own
    assert path.read_bytes() == b"L09-R0000C0080\nL09-R0080\nL09-R0080C0000\n"
    assert listed_whole_copy(tmp_path, "abc", first) and listed_whole_copy(tmp_path, "abc", second)
    assert not listed_whole_copy(tmp_path, "abc", third) and not listed_whole_copy(tmp_path, "other", first)
    journal_path(tmp_path, "abc", third).write_bytes(b"whole-bundle " + b"0" * 32 + b"\n")
    assert listed_whole_copy(tmp_path, "abc", third)
    record_whole_copies(tmp_path, "new", [])
    assert not journal_folder(tmp_path, "new").exists()   # nothing to list: no folder


def test_remove_journal_leaves_other_imports(tmp_path):
    for name in ("mine", "other"):
        with BundleJournal(journal_path(tmp_path, name, KEY)) as journal:
            journal.record(1, 130, Outcome.BLENDED, b"x")
    remove_journal(tmp_path, "mine")
    assert not journal_folder(tmp_path, "mine").exists() and journal_folder(tmp_path, "other").exists()
    remove_journal(tmp_path, "other")
    assert not (tmp_path / JOURNAL_FOLDER).exists()
    remove_journal(tmp_path, "never ran")               # nothing to remove is fine


def test_a_removal_cut_short_marks_the_import_finished(tmp_path):
    for key in (KEY, BundleKey(5, 128, 128)):
        with BundleJournal(journal_path(tmp_path, "mine", key)) as journal:
            journal.record(1, 130, Outcome.BLENDED, b"x")
    assert not journal_finished(tmp_path, "mine")
    done = tmp_path / JOURNAL_FOLDER / "mine.done"
    journal_folder(tmp_path, "mine").rename(done)      # what remove_journal does first; then a kill
    next(done.iterdir()).unlink()
    assert journal_finished(tmp_path, "mine")
    remove_journal(tmp_path, "mine")
    assert not journal_finished(tmp_path, "mine") and not (tmp_path / JOURNAL_FOLDER).exists()


def test_import_id_follows_the_source_files_and_settings(tmp_path):
    scheme = make_scheme("COMPACT_V2", levels=range(3))
    folder = write_cache(tmp_path / "src", scheme, {(1, 0, 0): png_tile((1, 2, 3, 100))})
    with open_cache(folder) as source:
        first = import_id(folder, source, [1], ("target", "MERGE"))
        assert import_id(folder, source, [1], ("target", "MERGE")) == first
        assert import_id(folder, source, [1], ("target", "MERGE", "PNG8")) != first
        assert import_id(folder, source, [0, 1], ("target", "MERGE")) == first   # level 0 has no bundles
    write_cache(folder, scheme, {(1, 0, 1): png_tile((1, 2, 3, 100))})          # the bundle file changes
    with open_cache(folder) as source:
        assert import_id(folder, source, [1], ("target", "MERGE")) != first


# --- end to end: a MERGE interrupted, then run again -------------------------------------------------------
STORAGES = ["COMPACT_V2", "COMPACT", "EXPLODED"]
COUNTERS = ("copied_raw", "blended", "clipped", "skipped_empty", "skipped_outside", "written")


def merge_case(folder, storage: str, n: int = 30):
    """(target, source) data-frame folders of 16-pixel PNG tiles on levels 8 and 9. The source is mostly
    semi-transparent (some opaque, some fully transparent tiles) over the target's opaque tiles: level 9
    bundle (0, 0) has tiles the target lacks below its own; bundle (0, 128) is absent from the target (a
    whole-file copy); level 8 is a small bundle over old tiles."""
    scheme = make_scheme(storage, "PNG", levels=range(10), tile_size=16)
    encoded = {}

    def tile(version, level, row, col):
        index = (row * 7 + col * 13 + level * 3) % 31
        alpha = 255 if version == 0 or index == 5 else 0 if index == 9 else 90 + index
        if (version, index, alpha) not in encoded:
            encoded[version, index, alpha] = png_tile((index * 8, 200 - version * 90, index * 5, alpha), 16)
        return encoded[version, index, alpha]

    def block(version, level, rows, cols):
        return {(level, r, c): tile(version, level, r, c) for r in rows for c in cols}

    old = {**block(0, 9, range(n), range(n)), **block(0, 8, range(10), range(10))}
    new = {**block(1, 9, range(n + 10), range(n)), **block(1, 9, range(10), range(128, 138)),
           **block(1, 8, range(3, 13), range(3, 13))}
    target = write_cache(folder / "target" / "Layers", scheme, old, extent=WORLD)
    return target, write_cache(folder / "source" / "Layers", scheme, new), scheme


def half_tile_area(scheme) -> bytes:
    """An area whose edges cut level 9 tiles in half (rows and columns 0-20; tile edges elsewhere)."""
    lod = next(lod for lod in scheme.lods if lod.level == 9)
    top_left, cut = scheme.tile_bounds(lod, 0, 0), scheme.tile_bounds(lod, 20, 20)
    return shapely.to_wkb(shapely.box(top_left.xmin, (cut.ymin + cut.ymax) / 2, (cut.xmin + cut.xmax) / 2,
                                      top_left.ymax))


def pixels(tiles: dict) -> dict:
    return {tile: np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")) for tile, data in tiles.items()}


def assert_same_tiles(target, expected: dict, where: str) -> None:
    """Tile by tile, decoded: the target holds exactly the expected tiles."""
    got = pixels(crashkit.read_tiles(target))
    assert set(got) == set(expected), f"{where}: other tiles present"
    differing = sorted(tile for tile in got if not np.array_equal(got[tile], expected[tile]))
    assert not differing, f"{where}: {len(differing)} tiles differ (blended twice?), first {differing[:3]}"


class Uninterrupted:
    """A case and the result of one uninterrupted MERGE of it: decoded tiles, counts, and how often it asked
    whether to stop."""

    def __init__(self, folder, storage: str, area: bool):
        self.target, self.source, scheme = merge_case(folder, storage)
        self.area = half_tile_area(scheme) if area else None
        finished = crashkit.copy_cache(self.target, folder / "uninterrupted" / "Layers")
        counter = CancelAfter(10 ** 9)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(workers, "STOP_CHECK_SECONDS", 0)      # as in the cancel test: before each tile
            self.result = import_cache(self.request(finished), counter)
        self.questions = 10 ** 9 - counter.calls
        self.tiles = pixels(crashkit.read_tiles(finished))
        assert not (finished / JOURNAL_FOLDER).exists()

    def request(self, target) -> ImportRequest:
        return ImportRequest(target, self.source, SourceType.CACHE_DATASET, workers=1,
                             area_of_interest=self.area)

    def resume_and_check(self, target, where: str) -> None:
        """Run the import again on an interrupted target: the uninterrupted tiles and counts (none when the
        interrupted run had completed, killed while removing its journal), no journal left."""
        finished = any((target / JOURNAL_FOLDER).glob("*.done"))
        again = import_cache(self.request(target))
        assert_same_tiles(target, self.tiles, where)
        counts = [getattr(again, name) for name in COUNTERS]
        expected = [0] * len(COUNTERS) if finished else [getattr(self.result, name) for name in COUNTERS]
        assert counts == expected, f"{where}: {counts}"
        assert not (target / JOURNAL_FOLDER).exists(), f"{where}: journal left after success"


_CASES: dict = {}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    def get(storage: str, area: bool = False) -> Uninterrupted:
        if (storage, area) not in _CASES:
            _CASES[storage, area] = Uninterrupted(tmp_path_factory.mktemp(storage), storage, area)
        return _CASES[storage, area]

    yield get
    _CASES.clear()


class CancelAfter:
    """Progress that cancels at the ``calls``-th question (units ask before each tile here)."""

    def __init__(self, calls: int):
        self.calls = calls

    def message(self, text):
        pass

    warning = message

    def progress(self, done, total):
        pass

    def is_cancelled(self):
        self.calls -= 1
        return self.calls < 0


@pytest.mark.parametrize("area", [False, True], ids=["whole", "area"])
@pytest.mark.parametrize("storage", STORAGES)
def test_cancelled_merge_resumes_to_the_uninterrupted_result(uninterrupted, tmp_path, monkeypatch, storage,
                                                             area):
    case = uninterrupted(storage, area)
    monkeypatch.setattr(workers, "BATCH_TILES", 100)
    monkeypatch.setattr(workers, "STOP_CHECK_SECONDS", 0)
    for calls in (case.questions * 2 // 5, case.questions - 50):   # in level 9's big bundle, in level 8's
        target = crashkit.copy_cache(case.target, tmp_path / str(calls) / "Layers")
        with pytest.raises(ImportCancelled):
            import_cache(case.request(target), CancelAfter(calls))
        assert (target / JOURNAL_FOLDER).is_dir()
        case.resume_and_check(target, f"{storage} cancelled at call {calls}")


def failing_flush(real_flush, failing: int):
    """BundleJournal.flush that raises right after its ``failing``-th flush of some lines."""
    flushes = []

    def flush(journal):
        wrote = bool(journal._lines)
        real_flush(journal)
        flushes.append(wrote)
        if sum(flushes) == failing:
            raise OSError(errno.EIO, "injected failure after the journal flush")

    return flush


@pytest.mark.parametrize("area", [False, True], ids=["whole", "area"])
@pytest.mark.parametrize("storage", STORAGES)
def test_failure_between_journal_and_commit_resumes(uninterrupted, tmp_path, monkeypatch, storage, area):
    """The journal lists a batch that never committed (an error right after the journal is written): those
    tiles' bytes do not match their lines, so the re-run composes them."""
    case = uninterrupted(storage, area)
    monkeypatch.setattr(workers, "BATCH_TILES", 100)
    real_flush = BundleJournal.flush
    for failing in (1, 3, 6):
        monkeypatch.setattr(BundleJournal, "flush", failing_flush(real_flush, failing))
        target = crashkit.copy_cache(case.target, tmp_path / str(failing) / "Layers")
        with pytest.raises(StorageError, match="injected"):
            import_cache(case.request(target))
        monkeypatch.setattr(BundleJournal, "flush", real_flush)
        case.resume_and_check(target, f"{storage} failed after journal flush {failing}")


@pytest.mark.parametrize(("storage", "published"), [("EXPLODED", 2), ("COMPACT", 1), ("COMPACT_V2", 0)])
def test_whole_bundle_copy_cut_short_resumes(uninterrupted, tmp_path, monkeypatch, storage, published):
    """The copy of level 9's bundle (0, 128), absent from the target, fails after ``published`` of its
    files are renamed into place (exploded: two tiles; V1: the .bundle without its .bundlx)."""
    case = uninterrupted(storage)
    renamed, replace = [], os.replace

    def failing_replace(source, destination, *args, **kwargs):
        if re.search(r"L09/.*C0*8[0-9]\.(png|bundle|bundlx)$", str(destination)):
            if len(renamed) == published:
                raise OSError(errno.EIO, "injected failure while publishing the copy")
            renamed.append(destination)
        return replace(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)
    target = crashkit.copy_cache(case.target, tmp_path / "Layers")
    with pytest.raises(StorageError, match="injected"):
        import_cache(case.request(target))
    monkeypatch.setattr(os, "replace", replace)
    assert len(renamed) == published
    case.resume_and_check(target, f"{storage} copy cut short after {published} files")


@pytest.mark.parametrize("storage", ["COMPACT_V2", "COMPACT"])
def test_published_whole_copy_counts_as_done_while_unchanged(uninterrupted, tmp_path, monkeypatch, storage):
    """Every tile-by-tile unit fails after the whole-bundle copy of level 9's bundle (0, 128) published: the
    import's list of copies names it, and a run again leaves the bundle's files as they are, unless they
    changed."""
    case = uninterrupted(storage)

    def failing_run(self):
        raise OSError(errno.EIO, "injected failure of a tile-by-tile unit")

    for changed in (False, True):
        target = crashkit.copy_cache(case.target, tmp_path / str(changed) / "Layers")
        with monkeypatch.context() as patch:
            patch.setattr(workers._ComposeRun, "run", failing_run)
            with pytest.raises(StorageError, match="injected"):
                import_cache(case.request(target))
        listed = list((target / JOURNAL_FOLDER).glob(f"*/{WHOLE_COPIES}"))
        assert len(listed) == 1 and listed[0].read_bytes() == b"L09-R0000C0080\n"
        assert not list((target / JOURNAL_FOLDER).glob("*/*.journal"))   # compact copies journal nothing else
        bundle = next((target / "_alllayers" / "L09").glob("R0000C0080.bundle"))
        if changed:                          # another writer rewrote a tile of it: no longer the source's
            tile = crashkit.read_tiles(target)[9, 0, 128]
            with open_cache(target) as cache, cache.storage.writer(BundleKey(9, 0, 128)) as writer:
                writer.put(0, 128, tile)
        before = bundle.stat()
        again = import_cache(case.request(target))
        after = bundle.stat()
        assert (after.st_size == before.st_size) is not changed, f"changed={changed}"
        if not changed:
            expected = [getattr(case.result, name) for name in COUNTERS]
            assert [getattr(again, name) for name in COUNTERS] == expected
            assert_same_tiles(target, case.tiles, f"{storage} after the published copy")
        else:
            assert again.blended > case.result.blended     # the bundle's tiles were composed over themselves


def crash_and_resume(case: Uninterrupted, folder, count: int | None, seed: int) -> int:
    """SIGKILL a child import at chosen commit-step system calls (journal fsyncs included), run again."""
    reference = crashkit.copy_cache(case.target, folder / "child" / "Layers")
    code, details, err = crashkit.finish(crashkit.start_import(crashkit.ImportSpec(
        str(reference), str(case.source), overwrite=False)))
    assert code == 0 and details["outcome"] == "DONE", err
    assert_same_tiles(reference, case.tiles, "child import")
    killed = 0
    removing = f"{details['calls'] - 1}:after"           # the last calls remove the finished import's journal
    for point in dict.fromkeys(crashkit.crash_points(details["calls"], count, seed) + [removing]):
        target = crashkit.copy_cache(case.target, folder / point.replace(":", "-") / "Layers")
        child = crashkit.start_import(crashkit.ImportSpec(str(target), str(case.source), overwrite=False),
                                      crash_at=point)
        code, _, err = crashkit.finish(child)
        crashkit.wait_group_gone(child.pid, 60)
        assert code in (-signal.SIGKILL, 0), err
        where = f"crash point {point} of {details['calls']} (seed {seed})"
        if code == 0:                  # copy threads ran in another order: fewer calls, the run completed
            assert_same_tiles(target, case.tiles, f"{where}, not reached")
            continue
        killed += 1
        case.resume_and_check(target, where)
    return killed


@pytest.mark.parametrize("storage", STORAGES)
def test_killed_merge_resumes_to_the_uninterrupted_result(uninterrupted, tmp_path, storage):
    seed = int.from_bytes(os.urandom(4), "little")
    crash_and_resume(uninterrupted(storage), tmp_path, 3, seed)


@pytest.mark.stress
@pytest.mark.parametrize("storage", STORAGES)
def test_killed_merge_at_every_commit_step(uninterrupted, tmp_path, storage):
    killed = crash_and_resume(uninterrupted(storage), tmp_path, None if storage != "EXPLODED" else 60, 0)
    assert killed
