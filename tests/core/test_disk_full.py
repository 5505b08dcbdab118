"""Disk full: the import fails with a clear message naming the file, the target stays readable with every tile
old or new, no staging copy is left, and once there is room the same import completes.

Two ways to run out of space, both through an import in a child process: a 2 MiB tmpfs mounted by the test
(needs root, as on CI; skipped otherwise), and an injected failure that works anywhere: RLIMIT_FSIZE with
SIGXFSZ ignored, so writes past the limit fail with EFBIG like a full disk fails with ENOSPC.
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path
from unittest.mock import ANY

import crashkit
import numpy as np
import pytest
from cachebuilders import make_scheme, make_tpkx, png_tile, write_cache

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.scheme import Extent
from map_server_cache.core.storage.locks import BOOKKEEPING_FOLDER

WORLD = Extent(-20037508.342787, -20037508.342787, 20037508.342787, 20037508.342787)
SMALL = 2 * 1024 * 1024
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
FILE_LIMIT = 200 * 1024     # above any file the target holds before the import, below any it must grow to
FULL_DISK = (os.strerror(errno.ENOSPC), os.strerror(errno.EFBIG))


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a 2 MiB tmpfs, unmounted afterwards; skip where mounting is not allowed."""
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("no mount command here (Debian package `mount`); the injected case still runs")
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the injected case still runs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def noise_tiles(level: int, cells, seed: int) -> dict:
    """Incompressible 256×256 PNG tiles (about 260 kB each): a few fill a small disk."""
    rng = np.random.default_rng(seed)
    return {(level, row, col): png_tile(rng.integers(0, 256, (256, 256, 4), dtype=np.uint8))
            for row, col in cells}


def full_disk_case(folder: Path, source_folder: Path, storage: str) -> tuple[Path, Path, dict]:
    """Target (on ``folder``) with small old tiles; a source of noise tiles over an existing and a new
    bundle."""
    scheme = make_scheme(storage, "PNG", levels=range(10))
    old = {(9, row, col): png_tile((row, col, 1)) for row in range(4) for col in range(4)}
    target = write_cache(folder / "target" / "Layers", scheme, old, extent=WORLD)
    new = noise_tiles(9, [(row, col) for row in range(2, 5) for col in range(2, 5)] + [(0, 130), (1, 131)], 7)
    source = write_cache(source_folder / "source" / "Layers", scheme, new)
    return target, source, crashkit.read_tiles(target)


def ignore_sigxfsz_and_limit_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def run_until_full(spec: crashkit.ImportSpec, inject: bool) -> dict:
    child = crashkit.start_import(spec, ignore_sigxfsz_and_limit_files if inject else None)
    code, details, err = crashkit.finish(child)
    assert code == 3 and details.get("outcome") == "ERROR", f"import did not fail cleanly ({code}): {err}"
    return details


def check_failure(details: dict, target: Path, old: dict, new: dict) -> None:
    message = details["message"]
    assert any(reason in message for reason in FULL_DISK), f"message does not say the disk is full: {message}"
    assert str(target) in message, f"message does not name the file: {message}"
    tiles = crashkit.read_tiles(target)
    crashkit.check_old_or_new(tiles, old, new, str(target))
    crashkit.check_peers(target, tiles)


def uninterrupted(target: Path, source: Path, into: Path) -> dict:
    copy = crashkit.copy_cache(target, into)
    import_cache(ImportRequest(copy, source, SourceType.CACHE_DATASET, overwrite=True, workers=1))
    return crashkit.read_tiles(copy)


@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2", "EXPLODED"])
def test_full_tmpfs(small_disk, tmp_path, storage):
    target, source, old = full_disk_case(small_disk, tmp_path, storage)
    new = uninterrupted(target, source, tmp_path / "roomy" / "Layers")
    details = run_until_full(crashkit.ImportSpec(str(target), str(source)), inject=False)
    check_failure(details, target, old, new)
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, overwrite=True, workers=1))
    assert crashkit.read_tiles(target) == new


def test_full_tmpfs_while_staging(small_disk, tmp_path):
    """A tile package is always staged: the copy fails on the full disk, the staging folder goes, the
    target is untouched."""
    target, source, _ = full_disk_case(tmp_path / "roomy", tmp_path, "COMPACT_V2")
    package = make_tpkx(tmp_path / "big.tpkx", source)
    uploads = small_disk / "uploads"
    before = crashkit.file_states(target)
    details = run_until_full(crashkit.ImportSpec(str(target), str(package), "TILE_PACKAGE",
                                                 uploads_dir=str(uploads)), inject=False)
    assert any(reason in details["message"] for reason in FULL_DISK) and str(uploads) in details["message"]
    assert not any(uploads.iterdir()), "staging folder left on the full disk"
    after = crashkit.file_states(target)
    lock = after.pop(f"{BOOKKEEPING_FOLDER}/cache.lock")   # the conversion lock, empty and kept for good
    assert lock == (0, ANY, EMPTY_SHA256)
    assert after == before


@pytest.mark.parametrize("storage", ["COMPACT", "COMPACT_V2", "EXPLODED"])
def test_injected_file_size_limit(tmp_path, storage):
    target, source, old = full_disk_case(tmp_path, tmp_path, storage)
    new = uninterrupted(target, source, tmp_path / "roomy" / "Layers")
    details = run_until_full(crashkit.ImportSpec(str(target), str(source)), inject=True)
    check_failure(details, target, old, new)
    import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, overwrite=True, workers=1))
    assert crashkit.read_tiles(target) == new
