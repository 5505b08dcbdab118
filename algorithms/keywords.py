"""Parameter values in every form a user may write them: arcpy keywords and QGIS's own.

Scripts ported from arcpy pass "TILE_PACKAGE", "OVERWRITE", "DO_NOT_UPLOAD", "500000;250000"; QGIS passes
booleans, enum indexes and lists; qgis_process passes everything as text. QGIS's own parameter types read
these inconsistently (a boolean reads any non-empty word as true), so the algorithm parses raw values here.
Unknown words are errors, never a guess: "MERGE" and "DO_NOT_UPLOAD" can only ever mean false.
"""

from __future__ import annotations

import math
import re
from typing import Callable

from qgis.PyQt.QtCore import QCoreApplication

SOURCE_TYPES = ("CACHE_DATASET", "TILE_PACKAGE", "MBTILES", "GEOPACKAGE", "TILE_FOLDER")   # the enum's order
OVERWRITE_WORDS = ("OVERWRITE", "MERGE")            # (true, false)
UPLOAD_WORDS = ("UPLOAD_DATA", "DO_NOT_UPLOAD")
EXPORT_TYPES = ("CACHE_DATASET", "TILE_PACKAGE", "MBTILES", "GEOPACKAGE", "TILE_FOLDER")   # the enum's order
TILE_ROW_ORDERS = ("XYZ", "TMS")   # tile_row_order: a tile folder's rows (from the top, from the bottom)
STORAGE_TYPES = ("COMPACT", "COMPACT_V2", "EXPLODED")  # storage_format_type, in the enum's order
COPY_WORDS = ("COPY_DATA", "DO_NOT_COPY")
_TRUE_WORDS = ("TRUE", "YES", "ON", "1")
_FALSE_WORDS = ("FALSE", "NO", "OFF", "0")
_SCALE_SEPARATORS = re.compile(r"[;,\s]+")


class KeywordError(ValueError):
    """A parameter value that no accepted form matches; the message says which forms are accepted."""


def parse_keyword_parameters(raw: dict) -> dict:
    """source_type, upload, overwrite, scales, workers from raw values keyed by the arcpy parameter names."""
    parsers: dict[str, tuple[str, Callable[[object], object]]] = {
        "source_type": ("source_cache_type", parse_source_type),
        "upload": ("upload_data_to_server", lambda value: parse_flag(value, UPLOAD_WORDS)),
        "overwrite": ("overwrite", lambda value: parse_flag(value, OVERWRITE_WORDS)),
        "scales": ("scales", parse_scales),
        "workers": ("num_of_caching_service_instances", parse_workers),
        "tile_rows": ("tile_row_order", lambda value: parse_choice(value, TILE_ROW_ORDERS)),
    }
    return parse_all(raw, parsers)


def parse_all(raw: dict, parsers: dict[str, tuple[str, Callable[[object], object]]]) -> dict:
    """{option: parse(raw[parameter name])} for parsers {option: (parameter name, parse)}; an error names
    the parameter."""
    options = {}
    for key, (name, parse) in parsers.items():
        try:
            options[key] = parse(raw.get(name))
        except KeywordError as error:
            raise KeywordError(f"{name}: {error}") from None
    return options


def parse_flag(value, words: tuple[str, str], default: bool = False) -> bool:
    """True/False from a boolean, 0/1, "true"/"false" or the arcpy pair `words` (true word, false word)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().upper()
        if word in (words[0],) + _TRUE_WORDS:
            return True
        if word in (words[1],) + _FALSE_WORDS:
            return False
    raise KeywordError(QCoreApplication.translate(
        "keywords", "{value!r} is not accepted: use {true} or {false} (or true/false)").format(
        value=value, true=words[0], false=words[1]))


def parse_source_type(value, default: str = SOURCE_TYPES[0]) -> str:
    """One of SOURCE_TYPES, from the keyword (any case) or the enum index."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in SOURCE_TYPES:
            return text.upper()
        value = int(text) if text.isdigit() else text
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in range(len(SOURCE_TYPES)):
        return SOURCE_TYPES[int(value)]
    raise KeywordError(QCoreApplication.translate(
        "keywords", "{value!r} is not a source cache type: use CACHE_DATASET (0), TILE_PACKAGE (1), "
        "MBTILES (2), GEOPACKAGE (3) or TILE_FOLDER (4)").format(value=value))


def parse_scales(value) -> list[float] | None:
    """Scale values from a number, a list, or text such as "500000;250000" (also "1:500000"); None = all."""
    if value is None:
        return None
    if isinstance(value, str):
        items = [item for item in _SCALE_SEPARATORS.split(value.strip()) if item]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    scales = [_scale(item) for item in items]
    return scales or None


def _scale(item) -> float:
    text = item.strip() if isinstance(item, str) else item
    if isinstance(text, str) and text.startswith("1:"):
        text = text[2:]
    try:
        scale = float(text)
    except (TypeError, ValueError):
        scale = math.nan
    if isinstance(item, bool) or not math.isfinite(scale) or scale <= 0:
        raise KeywordError(QCoreApplication.translate(
            "keywords", "{value!r} is not a scale: give positive numbers such as 500000;250000").format(
            value=item))
    return scale


def parse_workers(value) -> int | None:
    """Number of worker processes (at least 1) from a number or its text; None = the engine's default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not number.is_integer() or number < 1:
        raise KeywordError(QCoreApplication.translate(
            "keywords", "{value!r} is not a number of instances: give a whole number of at least 1").format(
            value=value))
    return int(number)


def parse_export_keywords(raw: dict) -> dict:
    """export_type, storage, copy_data, overwrite, scales, workers of Export Map Server Cache, from raw values
    keyed by the arcpy parameter names."""
    parsers: dict[str, tuple[str, Callable[[object], object]]] = {
        "export_type": ("export_cache_type", lambda value: parse_choice(value, EXPORT_TYPES)),
        "storage": ("storage_format_type", lambda value: parse_choice(value, STORAGE_TYPES)),
        "copy_data": ("copy_data_from_server", lambda value: parse_flag(value, COPY_WORDS)),
        "overwrite": ("overwrite", lambda value: parse_flag(value, OVERWRITE_WORDS)),
        "scales": ("scales", parse_scales),
        "workers": ("num_of_caching_service_instances", parse_workers),
        "tile_rows": ("tile_row_order", lambda value: parse_choice(value, TILE_ROW_ORDERS)),
    }
    return parse_all(raw, parsers)


def parse_choice(value, choices: tuple[str, ...], default: str | None = None) -> str:
    """One of ``choices`` from the keyword (any case, "_" or " ") or its enum index; empty: ``default``, else
    the first choice."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return choices[0] if default is None else default
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        text = value.strip().upper().replace(" ", "_")
        if text in choices:
            return text
        value = int(text) if text.isdigit() else value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in range(len(choices)):
        return choices[int(value)]
    accepted = ", ".join(f"{word} ({index})" for index, word in enumerate(choices))
    raise KeywordError(QCoreApplication.translate(
        "keywords", "{value!r} is not accepted: use one of {choices}").format(value=value, choices=accepted))


def parse_whole_number(value, low: int, high: int, default: int) -> int:
    """A whole number in [low, high] from a number or its text; ``default`` when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not number.is_integer() or not low <= number <= high:
        raise KeywordError(QCoreApplication.translate(
            "keywords", "{value!r} is not accepted: give a whole number from {low} to {high}").format(
            value=value, low=low, high=high))
    return int(number)


UPDATE_MODES = ("RECREATE_ALL_TILES", "RECREATE_EMPTY_TILES", "DELETE_TILES")   # in the enum's order
WAIT_WORDS = ("WAIT", "DO_NOT_WAIT")                                              # in the enum's order


def parse_manage_keywords(raw: dict) -> dict:
    """scales, mode, workers, wait of Manage Map Server Cache Tiles, from raw values keyed by the arcpy
    parameter names."""
    parsers: dict[str, tuple[str, Callable[[object], object]]] = {
        "scales": ("scales", parse_scales),
        "mode": ("update_mode", lambda value: parse_choice(value, UPDATE_MODES)),
        "workers": ("num_of_caching_service_instances", parse_instances),
        "wait": ("wait_for_job_completion", lambda value: parse_choice(value, WAIT_WORDS)),
    }
    return parse_all(raw, parsers)


def parse_instances(value) -> int | None:
    """Like parse_workers, with arcpy's -1 ("every instance") meaning the engine's default too."""
    try:
        number = float(value.strip() if isinstance(value, str) else value)
        every = not isinstance(value, bool) and number == -1
    except (TypeError, ValueError):
        every = False
    return None if every else parse_workers(value)


PACKAGE_SERVICE_TYPES = ("ONLINE", "EXISTING")                               # in the enum's order
PACKAGE_FORMAT_TYPES = ("PNG", "PNG8", "PNG24", "PNG32", "JPEG", "MIXED")    # in the enum's order
PACKAGE_TYPES = ("TPK", "TPKX")                                              # in the enum's order


def parse_tile_package_keywords(raw: dict) -> dict:
    """service_type, format_type, package_type and the levels of Create Map Tile Package, from raw values
    keyed by the arcpy parameter names; the levels default as ArcGIS's do (max 1, min 0)."""
    parsers: dict[str, tuple[str, Callable[[object], object]]] = {
        "service_type": ("service_type", lambda value: parse_choice(value, PACKAGE_SERVICE_TYPES)),
        "format_type": ("format_type", lambda value: parse_choice(value, PACKAGE_FORMAT_TYPES)),
        "package_type": ("package_type", lambda value: parse_choice(value, PACKAGE_TYPES, "TPKX")),
        "level_of_detail": ("level_of_detail", lambda value: parse_whole_number(value, 0, 63, 1)),
        "min_level_of_detail": ("min_level_of_detail", lambda value: parse_whole_number(value, 0, 63, 0)),
        "compression_quality": ("compression_quality", lambda value: parse_whole_number(value, 0, 100, 75)),
    }
    return parse_all(raw, parsers)
