"""Export Map Server Cache in core: the target laid out as ArcGIS lays out its exports, every storage and
package type, the round trip (export a region, import it into an empty copy of the service: the same bytes),
per-pixel clipping, MERGE and OVERWRITE into an earlier export, COPY_DATA through the server's output folder,
bad input refused before anything is written, and the service never modified."""

from __future__ import annotations

import io

import numpy as np
import pytest
from cachebuilders import make_scheme, png_tile, write_cache
from crashkit import sha256_tree
from PIL import Image
from test_engine_rawcopy import all_tiles

from map_server_cache.core.errors import (
    ImportCancelled,
    IncompatibleCacheError,
    PackageError,
    SchemeError,
    SelectionError,
)
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.execution.export import ExportRequest, ExportType, export_cache
from map_server_cache.core.formats.conf import read_conf_cdi, read_conf_xml
from map_server_cache.core.scheme import Extent, StorageFormat
from map_server_cache.core.sources.opening import open_cache

LEVELS = range(0, 4)
STORAGES = list(StorageFormat)


def listed(folder) -> list:
    """What a folder holds besides the plugin's hidden bookkeeping (the export's lock lives there)."""
    return [path for path in folder.iterdir() if path.name != ".map_server_cache"]


def colour_tile(level, row, col, alpha=255) -> bytes:
    return png_tile((40 * row % 256, 40 * col % 256, 50 * level, alpha))


@pytest.fixture
def server(tmp_path):
    """A server root with a compact V2 service (every tile of levels 0-3, each different) and an empty
    folder to export into."""
    root = tmp_path / "server"
    (root / "arcgissystem").mkdir(parents=True)
    tiles = {(level, row, col): colour_tile(level, row, col)
             for level in LEVELS for row in range(2 ** level) for col in range(2 ** level)}
    service = write_cache(root / "arcgiscache" / "Roads_Basemap" / "Layers",
                          make_scheme("COMPACT_V2", "PNG32", LEVELS), tiles)
    (tmp_path / "exports").mkdir()
    return service, tiles, tmp_path / "exports"


def export(service, folder, export_type=ExportType.CACHE_DATASET, storage=StorageFormat.COMPACT_V2, **more):
    return export_cache(ExportRequest(service, folder, export_type, storage, workers=1, **more))


# The north-west quarter of the world, a hair inside tile edges at every level from 1 on.
QUARTER = Extent(-20037508.342787, 1.0, -1.0, 20037508.342787)


ROUND_TRIPS = [(ExportType.CACHE_DATASET, storage) for storage in STORAGES] + [
    (ExportType.TILE_PACKAGE, StorageFormat.COMPACT), (ExportType.TILE_PACKAGE, StorageFormat.COMPACT_V2)]


@pytest.mark.parametrize("export_type,storage", ROUND_TRIPS)
def test_round_trip_of_a_region_for_every_storage(server, tmp_path, export_type, storage):
    """Export a region, import it into an empty copy of the service (in the export's storage): the same
    tiles, byte for byte (no clipping here)."""
    service, tiles, folder = server
    before = sha256_tree(service)
    result = export(service, folder, export_type, storage, extent=QUARTER)
    if export_type is ExportType.CACHE_DATASET:
        assert result.output == folder / "Roads_Basemap" / "Layers"
        assert read_conf_xml(result.output / "conf.xml").storage_format is storage
        cdi = read_conf_cdi(result.output / "conf.cdi")
        assert cdi is not None and cdi.xmax <= 0 < cdi.ymax
        source_type = SourceType.CACHE_DATASET
    else:
        suffix = ".tpk" if storage is StorageFormat.COMPACT else ".tpkx"
        assert result.output == folder / f"Roads_Basemap{suffix}"
        source_type = SourceType.TILE_PACKAGE
    exported = {key: data for key, data in tiles.items()
                if key[0] == 0 or (key[1] < 2 ** key[0] // 2 and key[2] < 2 ** key[0] // 2)}
    assert all_tiles(result.output) == exported
    assert result.imported.written == len(exported)
    copy = write_cache(tmp_path / "copy" / "Layers", make_scheme(storage.name, "PNG32", LEVELS), {})
    import_cache(ImportRequest(copy, result.output, source_type, workers=1, uploads_dir=tmp_path / "up"))
    assert all_tiles(copy) == exported
    assert sha256_tree(service) == before


def test_area_of_interest_clips_per_pixel(server):
    from osgeo import ogr

    service, tiles, folder = server
    ring = "POLYGON((-20037508.342787 0, 0 20037508.342787, -20037508.342787 20037508.342787, " \
           "-20037508.342787 0))"
    aoi = ogr.CreateGeometryFromWkt(ring).ExportToWkb()
    result = export(service, folder, area_of_interest=bytes(aoi), scales=[read_scale(service, 1)])
    assert result.imported.clipped == 1
    tile = np.asarray(Image.open(io.BytesIO(all_tiles(result.output)[(1, 0, 0)])).convert("RGBA"))
    assert tile[5, 5, 3] == 255 and tile[250, 250, 3] == 0


def read_scale(service, level: int) -> float:
    return next(lod.scale for lod in read_conf_xml(service / "conf.xml").lods if lod.level == level)


def test_merge_blends_into_an_earlier_export_and_overwrite_replaces(server):
    service, tiles, folder = server
    scale = read_scale(service, 1)
    export(service, folder, scales=[scale])
    dataframe = folder / "Roads_Basemap" / "Layers"
    half = png_tile((0, 0, 255, 128))
    with open_cache(service) as cache, cache.storage.writer(cache.storage.bundles(1)[0]) as writer:
        writer.put(0, 0, half, "png")
    export(service, folder, scales=[scale])                      # MERGE: blue over the earlier tile
    merged = all_tiles(dataframe)[(1, 0, 0)]
    assert merged not in (half, tiles[(1, 0, 0)])
    assert all_tiles(dataframe)[(1, 1, 1)] == tiles[(1, 1, 1)]
    result = export(service, folder, scales=[scale], overwrite=True)
    assert all_tiles(dataframe)[(1, 0, 0)] == half
    assert result.imported.copied_raw == 4


def test_earlier_export_of_another_storage_is_refused_before_writing(server):
    service, _, folder = server
    export(service, folder, storage=StorageFormat.EXPLODED, scales=[read_scale(service, 0)])
    before = sha256_tree(folder)
    with pytest.raises(IncompatibleCacheError, match="storage format"):
        export(service, folder, storage=StorageFormat.COMPACT, scales=[read_scale(service, 1)])
    assert sha256_tree(folder) == before


@pytest.mark.parametrize("storage,suffix", [(StorageFormat.COMPACT, ".tpk"),
                                            (StorageFormat.COMPACT_V2, ".tpkx")])
def test_tile_package_of_each_compact_storage(server, storage, suffix):
    service, tiles, folder = server
    before = sha256_tree(service)
    result = export(service, folder, ExportType.TILE_PACKAGE, storage)
    assert sha256_tree(service) == before, "linked into the staged folder, never written"
    assert all(path.stat().st_nlink == 1 for path in (service / "_alllayers").rglob("*.bundle"))
    assert result.output == folder / f"Roads_Basemap{suffix}"
    with open_cache(result.output) as package:
        assert package.scheme.storage_format is storage
    assert all_tiles(result.output) == tiles
    assert sorted(path.name for path in listed(folder)) == [result.output.name], "staging removed"


def test_tile_package_merge_keeps_the_earlier_package_tiles(server):
    service, tiles, folder = server
    export(service, folder, ExportType.TILE_PACKAGE, scales=[read_scale(service, 0)])
    result = export(service, folder, ExportType.TILE_PACKAGE, scales=[read_scale(service, 1)])
    assert all_tiles(result.output) == {key: data for key, data in tiles.items() if key[0] in (0, 1)}


def test_exploded_package_is_refused(server):
    service, _, folder = server
    with pytest.raises(PackageError, match="EXPLODED"):
        export(service, folder, ExportType.TILE_PACKAGE, StorageFormat.EXPLODED)
    assert not any(listed(folder))


@pytest.mark.parametrize("export_type", list(ExportType))
def test_copy_data_stages_in_the_server_output_folder(server, export_type):
    service, tiles, folder = server
    seen = []

    class Messages:
        def message(self, text):
            seen.append(text)

        def warning(self, text):
            pass

        def progress(self, done, total):
            pass

        def is_cancelled(self):
            return False

    outputs = service.parents[2] / "arcgissystem" / "arcgisoutput"
    result = export_cache(ExportRequest(service, folder, export_type, StorageFormat.COMPACT_V2,
                                        copy_data=True, workers=1), Messages())
    assert any(str(outputs) in text for text in seen)
    assert outputs.is_dir() and not any(outputs.iterdir()), "the staging folder is removed"
    assert all_tiles(result.output) == tiles
    again = export_cache(ExportRequest(service, folder, export_type, StorageFormat.COMPACT_V2,
                                       copy_data=True, workers=1, overwrite=True))
    assert again.output == result.output and all_tiles(again.output) == tiles
    assert sorted(path.name for path in listed(folder)) == [result.output.relative_to(folder).parts[0]]
    assert sorted(path.name for path in listed(result.output.parent)) == [result.output.name], \
        "no copy left beside the export"


def test_bad_input_is_refused_before_anything_is_written(server, tmp_path):
    service, _, folder = server
    with pytest.raises(SchemeError, match="not an existing folder"):
        export(service, tmp_path / "missing")
    with pytest.raises(SelectionError, match="1234"):
        export(service, folder, scales=[1234])
    with pytest.raises(SelectionError):
        export(service, folder, area_of_interest=b"\x01\x01\x00\x00\x00" + bytes(16))
    with pytest.raises(SchemeError, match="own cache"):
        export(service, service.parents[1])
    assert not any(listed(folder))


@pytest.mark.parametrize("export_type", list(ExportType))
def test_cancel_leaves_nothing(server, export_type):
    """Stopped before any tile: no package, no new export folder."""
    service, _, folder = server

    class Cancelled:
        def message(self, text):
            pass

        warning = message

        def progress(self, done, total):
            pass

        def is_cancelled(self):
            return True

    with pytest.raises(ImportCancelled):
        export_cache(ExportRequest(service, folder, export_type, StorageFormat.COMPACT_V2, workers=1),
                     Cancelled())
    assert not any(listed(folder))


def test_worker_processes_export_the_same_tiles(server):
    """num_of_caching_service_instances: units run in a pool of spawned processes, tile by tile across
    layouts (V2 → V1 here)."""
    service, tiles, folder = server
    result = export_cache(ExportRequest(service, folder, ExportType.CACHE_DATASET, StorageFormat.COMPACT,
                                        workers=2))
    assert all_tiles(result.output) == tiles
    assert result.imported.copied_raw == len(tiles)


def test_staged_whole_bundles_are_hard_links_of_the_service_files(server, tmp_path):
    """A package's staged folder is only read, so whole bundles are linked, not copied (the bench's
    ≤ 1.5× zip -0); from a package (no plain file) they are copied."""
    from cachebuilders import make_tpkx

    from map_server_cache.core.storage.base import BundleKey
    from map_server_cache.core.storage.bundlecopy import copy_whole_bundle

    service, tiles, _ = server
    key = BundleKey(3, 0, 0)
    for source_path, linked in [(service, True), (make_tpkx(tmp_path / "s.tpkx", service), False)]:
        scheme = make_scheme("COMPACT_V2", "PNG32", LEVELS)
        staged = write_cache(tmp_path / f"staged{linked}" / "Layers", scheme, {})
        with open_cache(source_path) as source, open_cache(staged) as target:
            copied = copy_whole_bundle(source.storage, key, target.storage, link=True)
        assert copied is not None and len(copied) == 64
        bundle = staged / "_alllayers" / "L03" / "R0000C0000.bundle"
        assert bundle.samefile(service / "_alllayers" / "L03" / "R0000C0000.bundle") is linked
        assert all_tiles(staged) == {key: data for key, data in tiles.items() if key[0] == 3}


def test_export_runs_on_a_dask_cluster(server, cluster):
    """The same units as Dask tasks: a .tpk exported through the cluster (V2 tiles into V1 bundles, one by
    one) holds the same tiles."""
    service, tiles, folder = server
    result = export_cache(ExportRequest(service, folder, ExportType.TILE_PACKAGE, StorageFormat.COMPACT,
                                        scheduler=cluster.address))
    assert all_tiles(result.output) == tiles


@pytest.mark.parametrize("sample", ["arcgis-10.1-compact-v1-jpeg", "esri-compactcache-v2-jpeg"])
@pytest.mark.parametrize("export_type,storage", [(ExportType.TILE_PACKAGE, StorageFormat.COMPACT),
                                                 (ExportType.TILE_PACKAGE, StorageFormat.COMPACT_V2),
                                                 (ExportType.CACHE_DATASET, StorageFormat.EXPLODED)])
def test_real_esri_caches_export_unchanged(samples, tmp_path, sample, export_type, storage):
    """ArcGIS's own caches (V1 from ArcGIS Server 10.1, V2 from Esri's writer) into every compact package
    and an exploded folder: the same tiles byte for byte; the read-only sample is only read."""
    source = samples / sample
    before = sha256_tree(source)
    result = export_cache(ExportRequest(source, tmp_path, export_type, storage, workers=1))
    assert all_tiles(result.output) == all_tiles(source)
    assert sha256_tree(source) == before
