"""open_cache: one entry point for cache folders, conf.xml, .tpk, .tpkx and zips of unknown suffix."""

import shutil
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # cachebuilders, until tests/conftest.py adds tests/core

from cachebuilders import make_scheme, make_tpk, make_tpkx, png_tile, write_cache  # noqa: E402

from map_server_cache.core.errors import PackageError, SchemeError  # noqa: E402
from map_server_cache.core.scheme import StorageFormat  # noqa: E402
from map_server_cache.core.sources.dataset import CacheDataset, find_dataframe_folder  # noqa: E402
from map_server_cache.core.sources.opening import open_cache

TILES = {(0, 0, 0): png_tile((255, 0, 0, 255), size=8), (1, 1, 0): png_tile((0, 255, 0, 128), size=8)}


@pytest.fixture
def v1_cache(tmp_path):
    return write_cache(tmp_path / "svc" / "Layers", make_scheme("COMPACT", levels=range(2)), TILES)


@pytest.fixture
def v2_cache(tmp_path):
    return write_cache(tmp_path / "v2" / "Layers", make_scheme("COMPACT_V2", levels=range(2)), TILES)


def read_all(dataset: CacheDataset) -> dict:
    return {(level, row, col): dataset.storage.get_tile(level, row, col) for level, row, col in TILES}


def test_folder_forms_open_the_same_data_frame(v1_cache):
    for path in (v1_cache, v1_cache.parent, v1_cache / "conf.xml"):
        with open_cache(path) as dataset:
            assert dataset.root == str(v1_cache)
            assert dataset.scheme.storage_format is StorageFormat.COMPACT
            assert read_all(dataset) == TILES
            assert dataset.level_of(dataset.scheme.lods[1]) == 1


def test_packages_dispatch_by_suffix_and_by_content(tmp_path, v1_cache, v2_cache):
    tpk = make_tpk(tmp_path / "a.tpk", v1_cache)
    tpkx = make_tpkx(tmp_path / "a.tpkx", v2_cache)
    cases = [(tpk, StorageFormat.COMPACT), (tpkx, StorageFormat.COMPACT_V2)]
    cases += [(shutil.copy(tpk, tmp_path / name), StorageFormat.COMPACT) for name in ("UPPER.TPK", "tpk.zip")]
    cases += [(shutil.copy(tpkx, tmp_path / name), StorageFormat.COMPACT_V2) for name in ("UP.TPKX", "x.bin")]
    for path, storage_format in cases:
        with open_cache(path) as dataset:
            assert dataset.scheme.storage_format is storage_format
            assert read_all(dataset) == TILES
            assert dataset.root.startswith(str(path))


def test_dataset_close_releases_package_temp_files(tmp_path, v1_cache):
    path = make_tpk(tmp_path / "d.tpk", v1_cache, deflate=True)
    dataset = open_cache(path)
    inflated = dataset.fs.real_path("_alllayers/L00/R0000C0000.bundle")
    assert inflated.is_file()
    with dataset:
        pass
    assert not inflated.exists()


def test_several_or_no_data_frames(tmp_path, v1_cache):
    write_cache(v1_cache.parent / "Other", make_scheme("COMPACT", levels=range(2)), TILES)
    with pytest.raises(SchemeError, match="Layers, Other") as caught:
        open_cache(v1_cache.parent)
    assert str(v1_cache.parent) in str(caught.value)
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    with pytest.raises(SchemeError, match="no conf.xml") as caught:
        find_dataframe_folder(empty)
    assert str(empty) in str(caught.value)


def test_bad_paths_name_the_file(tmp_path):
    with pytest.raises(PackageError, match="no such file") as caught:
        open_cache(tmp_path / "missing.tpkx")
    assert "missing.tpkx" in str(caught.value)
    with pytest.raises(SchemeError, match="no such file"):
        open_cache(tmp_path / "missing")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(PackageError, match="not a zip") as caught:
        open_cache(text)
    assert str(text) in str(caught.value)
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "no cache here")
    with pytest.raises(PackageError, match="neither a .tpkx") as caught:
        open_cache(other_zip)
    assert str(other_zip) in str(caught.value)


def test_real_esri_caches(samples):
    with open_cache(samples / "arcgis-10.1-compact-v1-jpeg") as dataset:
        assert dataset.storage.levels() == [5, 6]
        assert len(dataset.storage.get_tile(5, 12, 7)) == 6342
        assert len(dataset.storage.get_tile(6, 25, 17)) == 6308
    with open_cache(samples / "esri-compactcache-v2-jpeg") as dataset:
        assert dataset.scheme.storage_format is StorageFormat.COMPACT_V2
        assert dataset.storage.levels() == [0, 1, 2]
    with open_cache(samples / "arcgis-10.3-tpk-v1-png8" / "states_filled.tpk") as dataset:
        assert dataset.scheme.tile_format == "PNG8"
        assert dataset.storage.levels() == [0, 1, 2, 3, 4]
