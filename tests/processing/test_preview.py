"""mapservercache:previewmapservercacheimport: the planned outcomes match what the import then does, bytes are
exact for copies, and nothing on disk changes (no tile, journal, lock, staging folder, not even an mtime)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from caches import (
    ALGORITHM_ID,
    BLUE,
    LEVELS,
    PREVIEW_ID,
    RED,
    cachebuilders,
    half_transparent_tile,
    tiles_of_levels,
)
from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer
from report_images import report_images

from map_server_cache.core.reporting.pictures import COLOURS

SCHEME = cachebuilders.make_scheme("COMPACT_V2", "PNG32", LEVELS)
SCALE = {lod.level: lod.scale for lod in SCHEME.lods}


def tree_state(folder: Path) -> dict:
    """Every file and folder under ``folder`` (itself included): kind, size, mtime in ns, content hash."""
    state = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        stat = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        state[path.relative_to(folder).as_posix()] = (path.is_dir(), stat.st_size if digest else 0,
                                                      stat.st_mtime_ns, digest)
    return state


def preview(server, source, tmp_path, **more):
    import processing

    parameters = {"input_service": str(server.target), "source_cache_type": "CACHE_DATASET",
                  "source_cache_dataset": str(source), "report": str(tmp_path / "preview.html"), **more}
    return processing.run(PREVIEW_ID, parameters)


def area_layer(wkt: str) -> QgsVectorLayer:
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "area", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(wkt))
    layer.dataProvider().addFeatures([feature])
    return layer


@pytest.mark.parametrize("overwrite", ["MERGE", "OVERWRITE"])
def test_preview_changes_nothing(plugin, server, source, tmp_path, overwrite):
    before, source_before = tree_state(server.root), tree_state(source)
    results = preview(server, source, tmp_path, overwrite=overwrite,
                      area_of_interest=area_layer("POLYGON((-135 10,-100 10,-100 50,-135 50,-135 10))"))
    assert results["imported"] > 0 and results["clipped"] > 0
    assert tree_state(server.root) == before
    assert tree_state(source) == source_before


def test_preview_of_an_uploaded_tile_package_stages_nothing(plugin, server, source, tmp_path):
    package = cachebuilders.make_tpkx(tmp_path / "update.tpkx", source)
    (tmp_path / "out").mkdir()
    before = tree_state(tmp_path)
    results = preview(server, source, tmp_path / "out", source_cache_type="TILE_PACKAGE",
                      source_tile_package=str(package), upload_data_to_server="UPLOAD_DATA")
    assert results["imported"] == sum(4 ** level for level in LEVELS)
    assert {name: state for name, state in tree_state(tmp_path).items() if not name.startswith("out")} == \
        {name: state for name, state in before.items() if not name.startswith("out")}


def test_preview_counts_what_the_import_then_does(plugin, server, source, tmp_path):
    import processing

    common = {"scales": [SCALE[1]], "num_of_caching_service_instances": 1}
    planned = preview(server, source, tmp_path, **common)
    assert planned["bytes_to_write"] == 4 * len(half_transparent_tile(BLUE))     # blends: estimated
    done = processing.run(ALGORITHM_ID, {"input_service": str(server.target), "source_cache_type": 0,
                                         "source_cache_dataset": str(source), **common})
    for name in ("imported", "blended", "clipped", "skipped", "damaged"):
        assert planned[name] == done[name], name
    assert (planned["imported"], planned["blended"]) == (4, 4)


def test_preview_bytes_are_exact_for_copies_and_opaque_sources_replace(plugin, server, tmp_path):
    opaque = cachebuilders.png_tile((30, 60, 220), mode="RGB")            # PNG without alpha
    source = cachebuilders.write_cache(tmp_path / "opaque" / "Layers", SCHEME,
                                       tiles_of_levels(None, [1], tile=opaque))
    results = preview(server, source, tmp_path, scales=[SCALE[1]])
    assert (results["imported"], results["blended"]) == (4, 0)         # MERGE, yet replaced
    assert results["bytes_to_write"] == 4 * len(opaque)
    html = (tmp_path / "preview.html").read_text(encoding="utf-8")
    assert "Preview of Import Map Server Cache" in html and "After (" not in html


def test_preview_report_maps_the_planned_outcomes(plugin, server, source, tmp_path):
    preview(server, source, tmp_path, scales=[SCALE[2]],
            area_of_interest=area_layer("POLYGON((-135 10,-100 10,-100 50,-135 50,-135 10))"))
    images = report_images(tmp_path / "preview.html")
    coverage, now = images["Coverage map"], images["Target now (rows 1–1, columns 0–0)"]
    colours = {colour for _count, colour in coverage.getcolors(1 << 16)}
    assert {COLOURS["clipped"], COLOURS["skipped_outside"]} <= colours
    assert COLOURS["blended"] not in colours and COLOURS["copied_raw"] not in colours
    assert now.size == (256, 256)
    assert max(abs(a - b) for a, b in zip(now.getpixel((128, 128)), RED)) < 12
