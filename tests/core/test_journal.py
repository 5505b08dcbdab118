"""Import journals: a MERGE run again after a cancel or a SIGKILL gives exactly the uninterrupted result.

Unit tests of core/journal.py (records, torn lines, digest mismatch, removal, import ids), then end-to-end
MERGE imports of semi-transparent tiles over V2, V1 and exploded targets: blended over existing tiles,
copied where the target has none (tile by tile and as whole bundle files), clipped to an area of interest.
"""

from __future__ import annotations

import pytest
from cachebuilders import make_scheme, png_tile, write_cache

from map_server_cache.core.compose import Outcome
from map_server_cache.core.journal import (
    JOURNAL_FOLDER,
    BundleJournal,
    NoJournal,
    import_id,
    journal_folder,
    journal_path,
    open_journal,
    read_journal,
    remove_journal,
    tile_digest,
)
from map_server_cache.core.sources import open_cache
from map_server_cache.core.storage.base import BundleKey

KEY = BundleKey(5, 0, 128)


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


def test_remove_journal_leaves_other_imports(tmp_path):
    for name in ("mine", "other"):
        with BundleJournal(journal_path(tmp_path, name, KEY)) as journal:
            journal.record(1, 130, Outcome.BLENDED, b"x")
    remove_journal(tmp_path, "mine")
    assert not journal_folder(tmp_path, "mine").exists() and journal_folder(tmp_path, "other").exists()
    remove_journal(tmp_path, "other")
    assert not (tmp_path / JOURNAL_FOLDER).exists()
    remove_journal(tmp_path, "never ran")               # nothing to remove is fine


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
