"""Convert Map Server Cache Storage Format in place: every pair of layouts, tiles byte for byte, conf.xml
changed in its storage only, ArcGIS's default target, the space check, imports waiting for the lock, and a
run again finishing what a kill left at each step."""

from __future__ import annotations

import itertools
import os
import threading
import time

import crashkit
import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from crashkit import check_peers, file_states, read_tiles

from map_server_cache.core import atomic
from map_server_cache.core.errors import ImportCancelled, StorageError
from map_server_cache.core.execution import convert as convert_module
from map_server_cache.core.execution.convert import (
    MARKER,
    ConvertRequest,
    convert_storage,
    default_target,
    old_folder,
    staged_folder,
)
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats.conf import find_conf_xml, read_conf_xml
from map_server_cache.core.scheme import StorageFormat

STORAGES = ("COMPACT_V2", "COMPACT", "EXPLODED")


def source_tiles():
    """Tiles over two levels and three bundles, each different (256 px: GDAL's ESRIC reads them)."""
    tiles = {(8, row, col): png_tile((row % 256, col % 256, 77, 200))
             for row, col in [(0, 0), (0, 1), (5, 9), (127, 127), (0, 128), (130, 3)]}
    tiles[(7, 1, 2)] = png_tile((1, 2, 3, 255))
    return tiles


def cache(folder, storage, tiles):
    folder = write_cache(folder, make_scheme(storage, "PNG32", range(9)), tiles)
    (folder / "notes.txt").write_text("keep")   # any other file of the folder is carried over as it is
    return folder


def storage_of(folder) -> StorageFormat:
    return read_conf_xml(find_conf_xml(folder)).storage_format


@pytest.mark.parametrize("source,target", list(itertools.permutations(STORAGES, 2)))
def test_every_pair_keeps_tiles_byte_for_byte(tmp_path, source, target):
    tiles = source_tiles()
    folder = cache(tmp_path / "svc" / "Layers", source, tiles)
    conf_before = find_conf_xml(folder).read_bytes()
    result = convert_storage(ConvertRequest(folder.parent, StorageFormat[target], workers=1))
    assert result.imported is not None and result.imported.written == len(tiles)
    assert storage_of(folder) is StorageFormat[target]
    assert read_tiles(folder) == tiles
    check_peers(folder, tiles)
    assert (folder / "notes.txt").read_text() == "keep"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["Layers"]   # staged and old folders gone
    assert not (folder / MARKER).exists()
    changed = [line for line in zip(conf_before.splitlines(), find_conf_xml(folder).read_bytes().splitlines())
               if line[0] != line[1]]
    assert all(b"StorageFormat" in old or b"PacketSize" in old for old, _new in changed)


@pytest.mark.parametrize("current,expected", [("EXPLODED", "COMPACT_V2"), ("COMPACT", "COMPACT_V2"),
                                              ("COMPACT_V2", "EXPLODED")])
def test_default_target_is_arcgis_rule(tmp_path, current, expected):
    assert default_target(StorageFormat[current]) is StorageFormat[expected]
    folder = cache(tmp_path / "Layers", current, source_tiles())
    assert convert_storage(ConvertRequest(folder)).target_format is StorageFormat[expected]
    assert storage_of(folder) is StorageFormat[expected]


def test_same_format_writes_nothing(tmp_path):
    folder = cache(tmp_path / "Layers", "COMPACT_V2", source_tiles())
    before = file_states(folder)
    result = convert_storage(ConvertRequest(folder, StorageFormat.COMPACT_V2))
    assert result.imported is None
    after = file_states(folder)
    after.pop(".map_server_cache/cache.lock")
    assert after == before


def test_too_little_space_refused_before_writing(tmp_path, monkeypatch):
    folder = cache(tmp_path / "Layers", "COMPACT_V2", source_tiles())
    monkeypatch.setattr(convert_module.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 1024}))
    with pytest.raises(StorageError, match="needs about .* MiB free"):
        convert_storage(ConvertRequest(folder, StorageFormat.EXPLODED))
    assert not staged_folder(folder).exists() and storage_of(folder) is StorageFormat.COMPACT_V2


def test_import_waits_for_the_conversion(tmp_path, monkeypatch):
    """An import (a thread of this process) started while the conversion holds the cache's lock waits and
    then opens the converted cache: its source fits only the new layout, and its tile is there afterwards."""
    tiles = source_tiles()
    folder = cache(tmp_path / "svc" / "Layers", "COMPACT_V2", tiles)
    extra = {(8, 2, 2): source_tiles()[(8, 5, 9)]}
    source = cache(tmp_path / "src" / "Layers", "EXPLODED", extra)   # fits the cache once converted
    locked, go_on, done = threading.Event(), threading.Event(), []
    check_space = convert_module.check_space

    def held(*args):                                  # runs with the conversion's lock held
        locked.set()
        assert go_on.wait(30)
        return check_space(*args)

    monkeypatch.setattr(convert_module, "check_space", held)
    conversion = threading.Thread(target=convert_storage,
                                  args=(ConvertRequest(folder, StorageFormat.EXPLODED, workers=1),))
    conversion.start()
    assert locked.wait(30)
    importing = threading.Thread(target=lambda: done.append(import_cache(
        ImportRequest(folder, source, SourceType.CACHE_DATASET, workers=1, overwrite=True))))
    importing.start()
    time.sleep(0.5)
    assert not done                                   # waiting for the lock
    go_on.set()
    conversion.join(60)
    importing.join(60)
    assert done
    assert storage_of(folder) is StorageFormat.EXPLODED
    assert read_tiles(folder) == {**tiles, **extra}


def test_run_again_after_switch_only_cleans_up(tmp_path, monkeypatch):
    """Killed after the exchange: the live folder has the marker; a run again removes the old tiles."""
    tiles = source_tiles()
    folder = cache(tmp_path / "Layers", "EXPLODED", tiles)
    monkeypatch.setattr(convert_module, "_finish_cleanup", lambda folder, progress: False)
    convert_storage(ConvertRequest(folder, StorageFormat.COMPACT_V2, workers=1))
    assert (folder / MARKER).exists() and staged_folder(folder).exists()
    assert read_tiles(folder) == tiles and storage_of(folder) is StorageFormat.COMPACT_V2
    monkeypatch.undo()
    result = convert_storage(ConvertRequest(folder, workers=1))   # the default target would be exploded
    assert result.finished_earlier and result.imported is None
    assert storage_of(folder) is StorageFormat.COMPACT_V2 and not staged_folder(folder).exists()
    assert not (folder / MARKER).exists() and read_tiles(folder) == tiles


def test_two_rename_fallback_finishes_between_renames(tmp_path, monkeypatch):
    """Without an exchange (other systems) a kill between the two renames leaves no live folder; the run
    again renames the staged folder in and removes the old one."""
    tiles = source_tiles()
    folder = cache(tmp_path / "Layers", "COMPACT", tiles)
    monkeypatch.setattr(convert_module, "exchange", lambda first, second: False)
    renames = []

    def rename_once(source, destination):
        renames.append(destination)
        if len(renames) == 2:
            raise KeyboardInterrupt   # stands for the kill between the two renames
        os.replace(source, destination)

    monkeypatch.setattr(convert_module.os, "rename", rename_once)
    with pytest.raises(KeyboardInterrupt):
        convert_storage(ConvertRequest(folder, StorageFormat.COMPACT_V2, workers=1))
    monkeypatch.undo()
    assert not folder.exists() and old_folder(folder).is_dir() and staged_folder(folder).is_dir()
    convert_storage(ConvertRequest(folder, StorageFormat.COMPACT_V2, workers=1))
    assert storage_of(folder) is StorageFormat.COMPACT_V2 and read_tiles(folder) == tiles
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Layers"]


def test_exchange_swaps_two_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    if not atomic.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("no renameat2 RENAME_EXCHANGE here")
    assert (tmp_path / "b" / "x").read_text() == "a" and not (tmp_path / "a" / "x").exists()


@pytest.mark.parametrize("sample,chain", [
    ("arcgis-10.1-compact-v1-jpeg", ("COMPACT_V2", "EXPLODED", "COMPACT")),
    ("esri-compactcache-v2-jpeg", ("EXPLODED", "COMPACT_V2"))])
def test_real_caches_round_trip(samples, tmp_path, sample, chain):
    """ArcGIS's own caches through every layout and back: the same tiles, conf.xml's other bytes kept (the
    10.1 sample's "Conf.xml" keeps its name)."""
    folder = crashkit.copy_cache(samples / sample, tmp_path / "svc" / "Layers")
    tiles = read_tiles(folder)
    conf = find_conf_xml(folder)
    original = conf.read_bytes()
    for target in chain:
        convert_storage(ConvertRequest(folder, StorageFormat[target], workers=1))
        assert storage_of(folder) is StorageFormat[target] and find_conf_xml(folder).name == conf.name
        assert read_tiles(folder) == tiles
    check_peers(folder, tiles, gdal=False)   # crashkit's GDAL check probes cells beyond these small levels
    if sample.startswith("esri-compactcache-v2"):           # back where it started: conf.xml byte for byte
        assert find_conf_xml(folder).read_bytes() == original


def test_cancel_leaves_the_cache_as_it_was(tmp_path):
    folder = cache(tmp_path / "Layers", "COMPACT_V2", source_tiles())
    before = file_states(folder)

    class Cancelling:
        def message(self, text): pass
        def warning(self, text): pass
        def progress(self, done, total): pass
        def is_cancelled(self): return True

    with pytest.raises(ImportCancelled):
        convert_storage(ConvertRequest(folder, StorageFormat.EXPLODED, workers=1), Cancelling())
    after = file_states(folder)
    after.pop(".map_server_cache/cache.lock")
    assert after == before and sorted(p.name for p in tmp_path.iterdir()) == ["Layers"]


def test_drawing_waits_for_the_conversion(tmp_path, monkeypatch):
    """Manage Map Server Cache Tiles (the test drawer) started during a conversion waits for it and draws into
    the converted layout."""
    from drawkit import SPEC, make_drawn_cache

    from map_server_cache.core.execution.manage import ManageRequest, manage_tiles

    folder = make_drawn_cache(tmp_path, "COMPACT_V2")
    locked, go_on, drawn = threading.Event(), threading.Event(), []
    check_space = convert_module.check_space

    def held(*args):
        locked.set()
        assert go_on.wait(30)
        return check_space(*args)

    monkeypatch.setattr(convert_module, "check_space", held)
    conversion = threading.Thread(target=convert_storage,
                                  args=(ConvertRequest(folder, StorageFormat.EXPLODED, workers=1),))
    conversion.start()
    assert locked.wait(30)
    level_2 = read_conf_xml(find_conf_xml(folder)).lods[2].scale
    drawing = threading.Thread(target=lambda: drawn.append(manage_tiles(ManageRequest(
        folder, drawer=SPEC, workers=1, supertile_pixels=512, scales=[level_2], executor="threads"))))
    drawing.start()
    time.sleep(0.5)
    assert not drawn
    go_on.set()
    conversion.join(60)
    drawing.join(60)
    assert drawn and storage_of(folder) is StorageFormat.EXPLODED
    assert {level for level, _row, _col in read_tiles(folder)} == {2}
