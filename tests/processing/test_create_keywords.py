"""Create Map Server Cache's keyword parameters: arcpy's words and QGIS's forms give the same options."""

from __future__ import annotations

import pytest

from map_server_cache.algorithms.create_parameters import CreateOptions
from map_server_cache.algorithms.keywords import KeywordError, parse_choice, parse_whole_number

WORDS = ("COMPACT", "COMPACT_V2", "EXPLODED")


@pytest.mark.parametrize("value, expected", [
    ("compact_v2", "COMPACT_V2"), (" Compact V2 ", "COMPACT_V2"), (1, "COMPACT_V2"), ("2", "EXPLODED"),
    ([0], "COMPACT"), (None, "COMPACT"), ("", "COMPACT")])
def test_choice(value, expected):
    assert parse_choice(value, WORDS, "COMPACT") == expected


@pytest.mark.parametrize("value", ["COMPACT_V3", 3, -1, True, 1.5])
def test_bad_choice_lists_the_words(value):
    with pytest.raises(KeywordError, match=r"COMPACT \(0\), COMPACT_V2 \(1\), EXPLODED \(2\)"):
        parse_choice(value, WORDS, "COMPACT")


def test_whole_number():
    assert parse_whole_number("75", 0, 100, 1) == 75
    assert parse_whole_number(None, 0, 100, 1) == 1
    for bad in ("101", 2.5, "many", True):
        with pytest.raises(KeywordError, match="whole number from 0 to 100"):
            parse_whole_number(bad, 0, 100, 1)


def test_arcpy_words_and_qgis_forms_agree():
    arcpy = CreateOptions.parse({"tiling_scheme_type": "PREDEFINED", "scales_type": "CUSTOM",
                                 "num_of_scales": "5", "dots_per_inch": "96", "scales": "500000;250000",
                                 "cache_tile_format": "MIXED", "tile_compression_quality": "90",
                                 "storage_format": "EXPLODED"})
    qgis = CreateOptions.parse({"tiling_scheme_type": 1, "scales_type": 1, "num_of_scales": 5,
                                "dots_per_inch": 96, "scales": [500000, 250000], "cache_tile_format": 5,
                                "tile_compression_quality": 90, "storage_format": 2})
    assert arcpy == qgis
    assert qgis.canonical()["cache_tile_format"] == 5 and qgis.canonical()["scales"] == "500000;250000"


def test_defaults_are_arcpy_defaults_and_not_given():
    options = CreateOptions.parse({})
    assert (options.tiling_scheme_type, options.scales_type, options.dots_per_inch, options.cache_tile_format,
            options.tile_compression_quality, options.storage_format) == (
        "NEW", "STANDARD", 96, "PNG", 75, "COMPACT")
    assert not (options.format_given or options.quality_given or options.storage_given)


def test_the_parameter_is_named():
    with pytest.raises(KeywordError, match="^cache_tile_format: 'GIF'"):
        CreateOptions.parse({"cache_tile_format": "GIF"})
