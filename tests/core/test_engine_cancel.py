"""Cancel (between units and inside a running one, inline and in the pool) leaves every bundle readable;
staged copies are removed after success, failure and cancel."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cachebuilders import make_scheme, make_tpkx, png_tile, write_cache

from map_server_cache.core.errors import ImportCancelled
from map_server_cache.core.execution import pool
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.sources.opening import open_cache


class Recorder:
    """Progress that records messages and cancels once ``cancel_when(recorder)`` says so."""

    def __init__(self, cancel_when=lambda recorder: False):
        self.messages, self.done, self.cancel_when = [], [], cancel_when
        self.cancelled_at = None

    def message(self, text):
        self.messages.append(text)

    warning = message

    def progress(self, done, total):
        self.done.append((done, total))

    def is_cancelled(self):
        if self.cancelled_at is None and self.cancel_when(self):
            self.cancelled_at = time.monotonic()
        return self.cancelled_at is not None


def assert_all_readable(target: Path) -> int:
    """Read every tile of every bundle; returns the tile count."""
    count = 0
    with open_cache(target) as cache:
        for level in cache.storage.levels():
            for key in cache.storage.bundles(level):
                count += len(cache.storage.read_bundle(key))
    return count


def sparse_caches(tmp_path, storage="COMPACT_V2"):
    """One tile in each of 64 bundles: 64 units."""
    scheme = make_scheme(storage, "PNG32", levels=range(11), tile_size=16)
    tile = png_tile((10, 200, 30, 255), size=16)
    tiles = {(10, row * 128 + 5, col * 128 + 7): tile for row in range(8) for col in range(8)}
    source = write_cache(tmp_path / "src" / "Layers", scheme, tiles)
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {}, extent=None)
    return source, target, tiles


def busy_caches(tmp_path):
    """Two bundles of semi-transparent tiles over existing ones: each tile is decoded, blended, encoded."""
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(9), tile_size=256)
    positions = [(row, col + offset) for row in range(32) for col in range(64) for offset in (0, 128)]
    new, old = png_tile((200, 10, 10, 100)), png_tile((0, 0, 255, 255))
    source = write_cache(tmp_path / "src" / "Layers", scheme, {(8, r, c): new for r, c in positions})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {(8, r, c): old for r, c in positions},
                         extent=None)
    return source, target, old


def test_cancel_between_units(tmp_path):
    source, target, tiles = sparse_caches(tmp_path)
    progress = Recorder(lambda recorder: any(done for done, _ in recorder.done))
    with pytest.raises(ImportCancelled):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=1), progress)
    assert 0 < assert_all_readable(target) < len(tiles)


@pytest.mark.parametrize("worker_count", [1, 2])
def test_cancel_inside_a_running_unit(tmp_path, worker_count):
    source, target, old = busy_caches(tmp_path)
    started = []

    def after_a_while(recorder):
        started.append(time.monotonic())
        return time.monotonic() - started[0] > 1.5

    progress = Recorder(after_a_while)
    t0 = time.monotonic()
    with pytest.raises(ImportCancelled):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, workers=worker_count), progress)
    assert progress.cancelled_at is not None
    assert time.monotonic() - progress.cancelled_at < 1.0, "a running unit stops within a second"
    assert progress.cancelled_at - t0 < 10, "cancelled while the unit was still running"
    with open_cache(target) as cache:
        tiles = [data for key in cache.storage.bundles(8) for data in cache.storage.read_bundle(key).values()]
    assert len(tiles) == 4096
    assert sum(data != old for data in tiles) < 4096, "stopped before the end"


def test_staged_package_removed_after_success_in_server_uploads(tmp_path):
    root = tmp_path / "directories"
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(3), tile_size=16)
    package = make_tpkx(tmp_path / "u.tpkx", write_cache(tmp_path / "pkg" / "Layers", scheme,
                                                         {(1, 0, 0): png_tile((1, 2, 3, 255), size=16)}))
    target = write_cache(root / "arcgiscache" / "Svc" / "Layers", scheme, {}, extent=None)
    progress = Recorder()
    result = import_cache(ImportRequest(target, package, SourceType.TILE_PACKAGE, workers=1), progress)
    assert result.written == 1
    uploads = root / "arcgissystem" / "arcgisuploads"
    assert any(str(uploads) in message for message in progress.messages), progress.messages
    assert uploads.is_dir() and not list(uploads.iterdir())


def test_staging_removed_on_failure(tmp_path, monkeypatch):
    source, target, _tiles = sparse_caches(tmp_path)
    seen = []

    def failing_unit(settings, unit, should_stop=None):
        seen.append(Path(settings.source))
        raise RuntimeError("injected failure")

    monkeypatch.setattr(pool, "run_unit", failing_unit)
    uploads = tmp_path / "uploads"
    with pytest.raises(RuntimeError, match="injected"):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, upload=True, workers=1,
                                   uploads_dir=uploads))
    assert seen and uploads in seen[0].parents, "the unit read the staged copy"
    assert not list(uploads.iterdir())


def test_staging_beside_target_removed_on_cancel(tmp_path):
    source, target, _tiles = sparse_caches(tmp_path)
    before = sorted(p.name for p in (tmp_path / "svc").parent.iterdir())
    progress = Recorder(lambda recorder: any(done for done, _ in recorder.done))
    with pytest.raises(ImportCancelled):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, upload=True, workers=1),
                     progress)
    assert any("Uploading" in message and str(tmp_path) in message for message in progress.messages)
    assert sorted(p.name for p in (tmp_path / "svc").parent.iterdir()) == before


def test_cancel_during_upload(tmp_path):
    source, target, _tiles = sparse_caches(tmp_path)
    uploads = tmp_path / "uploads"
    with pytest.raises(ImportCancelled):
        import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, upload=True, workers=1,
                                   uploads_dir=uploads), Recorder(lambda recorder: True))
    assert not list(uploads.iterdir())
    assert assert_all_readable(target) == 0


def test_upload_copies_only_the_levels_imported(tmp_path, monkeypatch):
    scheme = make_scheme("COMPACT_V2", "PNG32", levels=range(4), tile_size=16)
    tile = png_tile((1, 2, 3, 255), size=16)
    source = write_cache(tmp_path / "src" / "Layers", scheme, {(level, 0, 0): tile for level in range(4)})
    target = write_cache(tmp_path / "svc" / "Layers", scheme, {}, extent=None)
    staged_levels = []

    def spy(settings, unit, should_stop=None):
        staged_levels.append(sorted(p.name for p in (Path(settings.source) / "_alllayers").iterdir()))
        return run_unit(settings, unit, should_stop)

    run_unit = pool.run_unit
    monkeypatch.setattr(pool, "run_unit", spy)
    scales = [lod.scale for lod in scheme.lods if lod.level in (1, 3)]
    result = import_cache(ImportRequest(target, source, SourceType.CACHE_DATASET, upload=True, workers=1,
                                        scales=scales, uploads_dir=tmp_path / "up"))
    assert result.written == 2
    assert staged_levels and all(levels == ["L01", "L03"] for levels in staged_levels)
