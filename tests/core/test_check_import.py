"""check_import: the engine's checks before writing, alone, with import_cache's messages; nothing written."""

import pytest
from cachebuilders import make_scheme, write_cache

from map_server_cache.core.errors import IncompatibleCacheError, SchemeError, SelectionError
from map_server_cache.core.execution.engine import ImportRequest, SourceType, check_import, import_cache


def tree(folder):
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*")}


@pytest.fixture
def target(tmp_path):
    return write_cache(tmp_path / "target" / "Layers", make_scheme("COMPACT_V2", "PNG32", range(4)), {})


def test_a_fitting_source_gives_the_level_pairs(tmp_path, target):
    source = write_cache(tmp_path / "source" / "Layers", make_scheme("COMPACT_V2", "PNG32", range(1, 3)), {})
    before = tree(tmp_path)
    levels = check_import(ImportRequest(target, source, SourceType.CACHE_DATASET))
    assert [target_lod.level for _source_lod, target_lod in levels.pairs] == [1, 2]
    assert tree(tmp_path) == before


@pytest.mark.parametrize("scheme, scales, error", [
    (make_scheme("EXPLODED", "JPEG", range(2)), None, IncompatibleCacheError),
    (make_scheme("COMPACT_V2", "PNG32", range(2)), [500000], SelectionError),
])
def test_refusals_carry_the_message_import_cache_gives(tmp_path, target, scheme, scales, error):
    source = write_cache(tmp_path / "source" / "Layers", scheme, {})
    request = ImportRequest(target, source, SourceType.CACHE_DATASET, scales=scales)
    with pytest.raises(error) as checked:
        check_import(request)
    with pytest.raises(error) as imported:
        import_cache(request)
    assert str(checked.value) == str(imported.value)


def test_an_unreadable_target_is_refused(tmp_path, target):
    source = write_cache(tmp_path / "source" / "Layers", make_scheme("COMPACT_V2", "PNG32", range(2)), {})
    (target / "conf.xml").write_text("<CacheInfo>")
    with pytest.raises(SchemeError, match="conf.xml"):
        check_import(ImportRequest(target, source, SourceType.CACHE_DATASET))
