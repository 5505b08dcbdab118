"""processing.run end to end: a cache dataset, a .tpk and a .tpkx; every form of each keyword parameter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from caches import BLUE, LEVELS, RED, cachebuilders, make_server, make_source, pixels, read_tile
from qgis.core import QgsProcessingException, QgsProcessingFeedback

SCHEME = cachebuilders.make_scheme("COMPACT_V2", "PNG32", LEVELS)
SCALE = {lod.level: lod.scale for lod in SCHEME.lods}


def parameters(server, source, **more):
    base = {"input_service": str(server.target), "source_cache_type": "CACHE_DATASET",
            "source_cache_dataset": str(source), "num_of_caching_service_instances": 1, "scales": [SCALE[1]]}
    return {**base, **more}


def assert_merged(tile: bytes):
    """Blue source over red target: the source's transparent right half shows the target."""
    image = pixels(tile)
    assert (image[:, :128] == BLUE).all() and (image[:, 128:] == RED).all()


def assert_overwritten(tile: bytes):
    image = pixels(tile)
    assert (image[:, :128] == BLUE).all() and (image[:, 128:, 3] == 0).all()


def assert_untouched(tile: bytes):
    assert (pixels(tile) == RED).all()


def test_cache_dataset_merge(run, server, source, tmp_path):
    report = tmp_path / "report.html"
    results = run(parameters(server, source, report=str(report)))
    assert Path(results["target_cache"]) == server.target
    assert results["imported"] == 4 and results["blended"] == 4
    assert (results["clipped"], results["skipped"], results["damaged"]) == (0, 0, 0)
    for row in range(2):
        for col in range(2):
            assert_merged(read_tile(server.target, 1, row, col))
    assert_untouched(read_tile(server.target, 2, 0, 0))
    html = report.read_text(encoding="utf-8")
    assert results["report"] == str(report)
    assert "<table>" in html and html.count("<tr>") == 2        # heading row and level 1


def test_report_defaults_to_a_temporary_file(run, server, source):
    results = run(parameters(server, source))
    assert Path(results["report"]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_tile_package_tpk(run, tmp_path):
    server = make_server(tmp_path, storage="COMPACT")
    source = make_source(tmp_path / "v1" / "Layers", "COMPACT")
    package = cachebuilders.make_tpk(tmp_path / "update.tpk", source)
    results = run({"input_service": str(server.target), "source_cache_type": "TILE_PACKAGE",
                   "source_tile_package": str(package), "overwrite": "OVERWRITE", "scales": str(SCALE[2])})
    assert results["imported"] == 16
    assert_overwritten(read_tile(server.target, 2, 3, 1, storage="COMPACT"))
    assert_untouched(read_tile(server.target, 1, 0, 0, storage="COMPACT"))
    assert not any((server.root / "arcgissystem" / "arcgisuploads").iterdir())   # staged copy removed


def test_tile_package_tpkx(run, server, source, tmp_path):
    package = cachebuilders.make_tpkx(tmp_path / "update.tpkx", source)
    results = run({"input_service": str(server.target), "source_cache_type": 1,
                   "source_tile_package": str(package), "overwrite": "MERGE"})
    assert results["imported"] == sum(4 ** level for level in LEVELS)
    assert_merged(read_tile(server.target, 3, 7, 7))


@pytest.mark.parametrize(("value", "overwrite"), [
    ("MERGE", False), ("OVERWRITE", True), ("merge", False), (True, True), (False, False), ("true", True),
    ("false", False), (1, True), (0, False), (None, False), ("", False)])
def test_overwrite_forms(run, server, source, value, overwrite):
    run(parameters(server, source, overwrite=value))
    (assert_overwritten if overwrite else assert_merged)(read_tile(server.target, 1, 1, 0))


@pytest.mark.parametrize("value", ["UPLOAD_DATA", "DO_NOT_UPLOAD", True, False, "false", 0])
def test_upload_forms(run, server, source, value):
    run(parameters(server, source, upload_data_to_server=value))
    assert_merged(read_tile(server.target, 1, 0, 1))
    assert not any((server.root / "arcgissystem" / "arcgisuploads").iterdir())


@pytest.mark.parametrize("value", ["CACHE_DATASET", "cache_dataset", 0, "0"])
def test_source_type_forms_for_a_folder(run, server, source, value):
    run(parameters(server, source, source_cache_type=value))
    assert_merged(read_tile(server.target, 1, 0, 0))


@pytest.mark.parametrize("value", ["TILE_PACKAGE", 1, "1"])
def test_source_type_forms_for_a_package(run, server, source, tmp_path, value):
    package = cachebuilders.make_tpkx(tmp_path / "update.tpkx", source)
    run(parameters(server, source, source_cache_type=value, source_tile_package=str(package),
                   source_cache_dataset=""))
    assert_merged(read_tile(server.target, 1, 0, 0))


@pytest.mark.parametrize("value", [
    [SCALE[1], SCALE[3]], (SCALE[1], SCALE[3]), f"{SCALE[1]};{SCALE[3]}", f"{SCALE[1]:.4f}; {SCALE[3]:.4f}",
    [str(SCALE[1]), str(SCALE[3])]])
def test_scales_forms(run, server, source, value):
    results = run(parameters(server, source, scales=value))
    assert results["imported"] == 4 + 64
    assert_merged(read_tile(server.target, 3, 5, 2))
    assert_untouched(read_tile(server.target, 2, 1, 1))


@pytest.mark.parametrize("value", [None, "", []])
def test_scales_default_every_shared_level(run, server, source, value):
    results = run(parameters(server, source, scales=value))
    assert results["imported"] == sum(4 ** level for level in LEVELS)


@pytest.mark.parametrize("value", [2, "2", None, ""])
def test_workers_forms(run, server, source, value):
    run(parameters(server, source, num_of_caching_service_instances=value))
    assert_merged(read_tile(server.target, 1, 1, 1))


@pytest.mark.parametrize(("name", "value", "message"), [
    ("overwrite", "MERGED", "overwrite"), ("overwrite", 2, "OVERWRITE or MERGE"),
    ("upload_data_to_server", "UPLOAD", "UPLOAD_DATA or DO_NOT_UPLOAD"),
    ("source_cache_type", "FOLDER", "CACHE_DATASET"), ("source_cache_type", 5, "TILE_FOLDER"),
    ("scales", "big;small", "not a scale"), ("scales", [-5], "not a scale"),
    ("num_of_caching_service_instances", "two", "whole number"),
    ("num_of_caching_service_instances", 0, "whole number")])
def test_bad_keyword_values_are_refused(run, server, source, name, value, message):
    with pytest.raises(QgsProcessingException, match=message):
        run(parameters(server, source, **{name: value}))
    assert_untouched(read_tile(server.target, 1, 0, 0))


@pytest.mark.parametrize(("more", "message"), [
    ({"source_cache_dataset": ""}, "give source_cache_dataset"),
    ({"source_cache_dataset": "/nonexistent/Layers"}, "is not a folder"),
    ({"source_cache_type": "TILE_PACKAGE"}, "give source_tile_package"),
    ({"source_cache_type": "TILE_PACKAGE", "source_tile_package": "/nonexistent/a.tpkx"},
     "not a .tpk or .tpkx"),
    ({"input_service": "/nonexistent/service"}, "input_service"),
])
def test_missing_sources_are_refused_before_work(run, server, source, more, message):
    with pytest.raises(QgsProcessingException, match=message):
        run(parameters(server, source, **more))


def test_engine_errors_become_processing_errors(run, server, tmp_path):
    """A source with another tiling scheme: the engine's message, listing the difference, reaches the user."""
    other = cachebuilders.write_cache(tmp_path / "nztm" / "Layers", cachebuilders.make_scheme(
        "COMPACT_V2", "PNG32", LEVELS, crs="nztm"), {(0, 0, 0): cachebuilders.png_tile(BLUE)})
    with pytest.raises(QgsProcessingException, match="does not fit"):
        run({"input_service": str(server.target), "source_cache_type": 0, "source_cache_dataset": str(other)})
    assert_untouched(read_tile(server.target, 0, 0, 0))


def test_counts_match_the_tiles_written(run, server, source):
    results = run(parameters(server, source, scales=None, overwrite=True))
    written = sum(read_tile(server.target, level, row, col) is not None
                  for level in LEVELS for row in range(2 ** level) for col in range(2 ** level))
    assert results["imported"] == written == sum(4 ** level for level in LEVELS)
    assert np.asarray([results[name] for name in ("clipped", "skipped", "damaged")]).sum() == 0


class WarningRecorder(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.warnings, self.infos = [], []

    def pushWarning(self, warning):
        self.warnings.append(warning)

    def pushInfo(self, info):
        self.infos.append(info)


def test_engine_warnings_reach_qgis_as_warnings(run, server, tmp_path):
    """A scale the source does not hold is skipped with a warning (pushWarning), not an info line."""
    source = make_source(tmp_path / "partial", levels=[1])
    feedback = WarningRecorder()
    run(parameters(server, source, scales=[SCALE[1], SCALE[3]]), feedback=feedback)
    assert any(warning.startswith("Skipped") for warning in feedback.warnings), feedback.warnings
    assert not any(info.startswith("Skipped") for info in feedback.infos)
