"""Keyword parsing on its own: every accepted form, and refusals that say what is accepted."""

from __future__ import annotations

import pytest

from map_server_cache.algorithms.keywords import (
    OVERWRITE_WORDS,
    UPLOAD_WORDS,
    KeywordError,
    parse_flag,
    parse_keyword_parameters,
    parse_scales,
    parse_source_type,
    parse_workers,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("OVERWRITE", True), ("MERGE", False), (" merge ", False), ("Overwrite", True), (True, True),
    (False, False), (1, True), (0, False), (1.0, True), ("true", True), ("FALSE", False), ("1", True),
    ("0", False), ("yes", True), ("no", False), (None, False), ("", False)])
def test_overwrite(value, expected):
    assert parse_flag(value, OVERWRITE_WORDS) is expected


@pytest.mark.parametrize("value", ["MERGED", "UPLOAD_DATA", 2, -1, "overwrite please", [True]])
def test_overwrite_refuses_other_words(value):
    with pytest.raises(KeywordError, match="OVERWRITE or MERGE"):
        parse_flag(value, OVERWRITE_WORDS)


def test_upload_words_are_not_overwrite_words():
    assert parse_flag("UPLOAD_DATA", UPLOAD_WORDS) is True
    assert parse_flag("DO_NOT_UPLOAD", UPLOAD_WORDS) is False
    with pytest.raises(KeywordError):
        parse_flag("MERGE", UPLOAD_WORDS)


@pytest.mark.parametrize(("value", "expected"), [
    ("CACHE_DATASET", "CACHE_DATASET"), ("tile_package", "TILE_PACKAGE"), (0, "CACHE_DATASET"),
    (1, "TILE_PACKAGE"), ("1", "TILE_PACKAGE"), ([1], "TILE_PACKAGE"), (None, "CACHE_DATASET"),
    ("mbtiles", "MBTILES"), (3, "GEOPACKAGE"), ("TILE_FOLDER", "TILE_FOLDER")])
def test_source_type(value, expected):
    assert parse_source_type(value) == expected


@pytest.mark.parametrize("value", ["FOLDER", 5, True, "-1", 0.5])
def test_source_type_refusals(value):
    with pytest.raises(KeywordError, match="CACHE_DATASET"):
        parse_source_type(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("500000;250000", [500000.0, 250000.0]), ("500000; 250000 ;", [500000.0, 250000.0]),
    ("500000,250000", [500000.0, 250000.0]), ("1:500000", [500000.0]),
    ([500000, "250000"], [500000.0, 250000.0]),
    ((64000.5,), [64000.5]), (125000, [125000.0]), (None, None), ("", None), ([], None)])
def test_scales(value, expected):
    assert parse_scales(value) == expected


@pytest.mark.parametrize("value", ["big", "0", "-5", "nan", "inf", [True], [None]])
def test_scales_refusals(value):
    with pytest.raises(KeywordError, match="not a scale"):
        parse_scales(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("2", 2), (2, 2), (3.0, 3), (" 4 ", 4), (None, None), ("", None)])
def test_workers(value, expected):
    assert parse_workers(value) == expected


@pytest.mark.parametrize("value", ["two", 0, -1, 1.5, True, "2.5"])
def test_workers_refusals(value):
    with pytest.raises(KeywordError, match="whole number"):
        parse_workers(value)


def test_errors_name_the_parameter():
    with pytest.raises(KeywordError, match="^upload_data_to_server: "):
        parse_keyword_parameters({"upload_data_to_server": "UPLOAD"})
    assert parse_keyword_parameters({}) == {"source_type": "CACHE_DATASET", "upload": False,
                                            "overwrite": False, "scales": None, "workers": None,
                                            "tile_rows": "XYZ"}
