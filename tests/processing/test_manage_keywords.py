"""Manage Map Server Cache Tiles' keyword parameters in every form: arcpy's words, enum indexes, -1."""

from __future__ import annotations

import pytest

from map_server_cache.algorithms.keywords import KeywordError, parse_instances, parse_manage_keywords


def parse_update_mode(value):
    return parse_manage_keywords({"update_mode": value})["mode"]


def parse_wait(value):
    return parse_manage_keywords({"wait_for_job_completion": value})["wait"]


@pytest.mark.parametrize("value, expected", [
    (None, "RECREATE_ALL_TILES"), ("", "RECREATE_ALL_TILES"),
    ("recreate_empty_tiles", "RECREATE_EMPTY_TILES"),
    ("DELETE_TILES", "DELETE_TILES"), (2, "DELETE_TILES"), ("1", "RECREATE_EMPTY_TILES"),
    ([0], "RECREATE_ALL_TILES")])
def test_update_mode(value, expected):
    assert parse_update_mode(value) == expected


@pytest.mark.parametrize("value", ["REDRAW", 3, -1, True, "DELETE"])
def test_update_mode_refuses_other_words(value):
    with pytest.raises(KeywordError, match=r"update_mode: .*RECREATE_ALL_TILES \(0\), "
                                           r"RECREATE_EMPTY_TILES \(1\), DELETE_TILES \(2\)"):
        parse_update_mode(value)


@pytest.mark.parametrize("value, expected", [(None, "WAIT"), ("do_not_wait", "DO_NOT_WAIT"),
                                             (1, "DO_NOT_WAIT"), ("WAIT", "WAIT")])
def test_wait(value, expected):
    assert parse_wait(value) == expected


@pytest.mark.parametrize("value, expected", [(None, None), (-1, None), ("-1", None), (-1.0, None), (2, 2),
                                             ("3", 3)])
def test_instances(value, expected):
    assert parse_instances(value) == expected


@pytest.mark.parametrize("value", [0, -2, "two", True, 1.5])
def test_instances_refuses_other_values(value):
    with pytest.raises(KeywordError):
        parse_instances(value)
