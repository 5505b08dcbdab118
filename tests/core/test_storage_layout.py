"""The cache stays laid out as ArcGIS lays it out: after any import, ``_alllayers/`` holds bundle files (or
row folders of tile files) and nothing else; the plugin's locks and journals live in ``.map_server_cache/``,
and the lock files earlier versions left beside bundles go when the plugin next writes those bundles."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cachebuilders import make_scheme, png_tile, write_cache

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.scheme import StorageFormat
from map_server_cache.core.storage.base import BundleKey
from map_server_cache.core.storage.layouts import open_storage
from map_server_cache.core.storage.locks import BOOKKEEPING_FOLDER

SIZE = 16
LAYOUTS = ["EXPLODED", "COMPACT", "COMPACT_V2"]
_BUNDLE_FILES = {"COMPACT": re.compile(r"^R[0-9a-f]{4}C[0-9a-f]{4}\.(bundle|bundlx)$"),
                 "COMPACT_V2": re.compile(r"^R[0-9a-f]{4}C[0-9a-f]{4}\.bundle$")}
_ROW, _TILE = re.compile(r"^R[0-9a-f]{8}$"), re.compile(r"^C[0-9a-f]{8}\.(png|jpg)$")


def strays(alllayers: Path, storage: str) -> list[str]:
    """Whatever under ``_alllayers`` is not a level folder of bundle files (or of row folders of tiles)."""
    found = []
    for level in alllayers.iterdir():
        if not (level.is_dir() and re.fullmatch(r"L\d\d", level.name)):
            found.append(level.name)
            continue
        for entry in level.iterdir():
            if storage == "EXPLODED":
                if not (entry.is_dir() and _ROW.match(entry.name)):
                    found.append(f"{level.name}/{entry.name}")
                    continue
                found += [f"{level.name}/{entry.name}/{tile.name}" for tile in entry.iterdir()
                          if not (tile.is_file() and _TILE.match(tile.name))]
            elif not (entry.is_file() and _BUNDLE_FILES[storage].match(entry.name)):
                found.append(f"{level.name}/{entry.name}")
    return found


def tiles(alpha: int, shade: int) -> dict:
    """Tiles in three bundles over two levels (a quarter of the rows and columns of each)."""
    return {(level, row, col): png_tile((shade, row % 256, col % 256, alpha), size=SIZE)
            for level, rows, cols in ((8, range(0, 6), range(0, 6)), (8, range(130, 133), range(0, 4)),
                                      (7, range(0, 3), range(0, 3)))
            for row in rows for col in cols}


@pytest.mark.parametrize("storage", LAYOUTS)
@pytest.mark.parametrize("overwrite", [True, False], ids=["OVERWRITE", "MERGE"])
def test_imports_leave_only_bundle_files_in_alllayers(tmp_path, storage, overwrite):
    """Whole-bundle copies (the target lacks the bundle), then tile by tile (the target holds it), with
    semi-transparent tiles so that a MERGE blends and journals."""
    scheme = make_scheme(storage, "PNG32", levels=range(9), tile_size=SIZE)
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {}, extent=None)
    for run, shade in enumerate((10, 200)):
        source = write_cache(tmp_path / f"src{run}" / "Layers", scheme, tiles(120, shade))
        result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, overwrite=overwrite,
                                            workers=1))
        assert result.written == len(tiles(120, shade))
        assert strays(target / "_alllayers", storage) == [], f"run {run}"
        if storage != "EXPLODED" and run == 0:
            assert result.copied_raw == result.written, "the first run copies whole bundles"
    locks = sorted(path.relative_to(target / BOOKKEEPING_FOLDER).as_posix()
                   for path in (target / BOOKKEEPING_FOLDER).rglob("*.lock"))
    assert locks == ["cache.lock", "locks/L07/R0000C0000.lock", "locks/L08/R0000C0000.lock",
                     "locks/L08/R0080C0000.lock"]
    assert not (target / BOOKKEEPING_FOLDER / "journals").exists(), "a successful MERGE removes its journal"
    assert not (target / ".import-journal").exists() and not (target / "conf.cdi.lock").exists()


@pytest.mark.parametrize("storage", LAYOUTS)
def test_writing_a_bundle_removes_its_old_style_lock(tmp_path, storage):
    scheme = make_scheme(storage, "PNG32", levels=range(9), tile_size=SIZE)
    target = write_cache(tmp_path / "svc" / "Layers", scheme, tiles(255, 1))
    level = target / "_alllayers" / "L08"
    written, untouched = level / "R0000C0000.lock", level / "R0080C0000.lock"
    written.touch()
    untouched.touch()
    (target / "conf.cdi.lock").touch()
    source = write_cache(tmp_path / "src" / "Layers", scheme,
                         {(8, 1, 1): png_tile((1, 2, 3, 255), size=SIZE)})
    import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1))
    assert not written.exists(), "removed by the next writer of its bundle"
    assert untouched.exists(), "a bundle not written keeps its old lock file until it is"
    assert not (target / "conf.cdi.lock").exists(), "conf.cdi was grown under the new lock"
    assert (target / BOOKKEEPING_FOLDER / "locks" / "L08" / "R0000C0000.lock").exists()


OLD_VERSION_WRITER = textwrap.dedent("""
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    print("LOCKED", flush=True)
    time.sleep(float(sys.argv[3]))
    open(sys.argv[2], "w").close()          # the old version's write is done
    fcntl.lockf(fd, fcntl.LOCK_UN)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in for an earlier version uses fcntl")
@pytest.mark.parametrize("storage", LAYOUTS)
def test_new_writer_waits_for_an_earlier_version_inside_the_bundle(tmp_path, storage):
    """A process of an earlier version holding the old-style lock is let finish before the file goes."""
    storage_format = StorageFormat[storage]
    cache = open_storage(DirectoryFS(tmp_path), storage_format)
    old_lock = tmp_path / "_alllayers" / "L03" / "R0000C0000.lock"
    old_lock.parent.mkdir(parents=True)
    done = tmp_path / "old-version-done"
    child = subprocess.Popen([sys.executable, "-c", OLD_VERSION_WRITER, str(old_lock), str(done), "1.0"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "LOCKED"
        with cache.writer(BundleKey(3, 0, 0)) as writer:
            assert done.exists(), "the new writer entered while the old version was writing"
            writer.put(0, 0, png_tile((1, 1, 1, 255), size=SIZE), "png")
    finally:
        child.wait(30)
        child.stdout.close()
    assert not old_lock.exists()
    assert strays(tmp_path / "_alllayers", storage) == []
