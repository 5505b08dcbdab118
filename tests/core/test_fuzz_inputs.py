"""Hostile and broken input, fuzzed: each mutated file ends in success or a CacheError, fast and small.

Mutations start from valid files written by core itself and combine structural edits (an element's text, a
JSON value, a header field, an index entry, a zip directory field set to a boundary value; elements duplicated
or removed) with raw byte edits (set, insert, delete, truncate, copy). `make test` runs 2 200 cases (500
conf.xml, 300 conf.cdi, 500 root.json, 400 bundles, 500 packages); `make stress` STRESS_FACTOR times more.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import tempfile
import tracemalloc
from xml.sax.saxutils import escape as xml_escape

import pytest
from cachebuilders import make_scheme, make_tpk, make_tpkx, png_tile, root_json, write_cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from map_server_cache.core.errors import CacheError
from map_server_cache.core.formats.conf import parse_conf_cdi, parse_conf_xml
from map_server_cache.core.formats.conf_write import write_conf_cdi, write_conf_xml
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.formats.root_json import parse_root_json
from map_server_cache.core.scheme import Extent, StorageFormat, TilingScheme
from map_server_cache.core.sources.opening import open_cache
from map_server_cache.core.storage.base import TILES_PER_BUNDLE, BundleKey
from map_server_cache.core.storage.layouts import open_storage

STRESS_FACTOR = 20
DEADLINE_MS = 2000
# Python-level allocations of one case (tracemalloc sees bytes objects, numpy arrays, lists, dicts).
MEMORY_LIMIT = 64 * 1024 * 1024
BUDGETS = [pytest.param(1, id="quick"), pytest.param(STRESS_FACTOR, id="stress", marks=pytest.mark.stress)]
BOUNDARY_INTS = (0, 1, 3, 4, 5, 16, 40, 60, 64, 127, 128, 255, 256, 16383, 16384, 65535, 65536, 81952,
                 131072, 131092, 2**31 - 1, 2**31, 2**32 - 1, 2**40 - 1, 2**40, 2**63 - 1, 2**64 - 1)
XML_TEXTS = ("", "NaN", "nan", "inf", "-inf", "-1", "0", "1e309", "-1e309", "5e-324", "2147483648",
             "99999999999999999999999999", "4.5", " 7 ", "abc", "&amp;", "&#0;", "&#x10FFFF;", "]]>", "<X/>",
             "<![CDATA[1]]>", "0x10", "1_000", "\u00e9", "esriMapCacheStorageModeCompactV3", "PNG", "LERC")
XML_DECLARATIONS = ("", "<?xml version='1.0'?>", "<?xml version='1.0' encoding='tf-8'?>",
                    "<?xml version='1.0' encoding='utf-16'?>", "<?xml version='1.0' encoding='x-unknown'?>",
                    "<?xml version='1.0' encoding='ascii'?>", "<?xml version='2.0'?>",
                    "<?xml version='1.0' standalone='maybe'?>", "<?xml version='1.0' encoding='latin-1'?>")
XML_TAGS = ("CacheInfo", "TileCacheInfo", "SpatialReference", "WKT", "WKID", "LatestWKID", "TileOrigin", "X",
            "Y", "TileCols", "TileRows", "DPI", "LODInfos", "LODInfo", "LevelID", "Scale", "Resolution",
            "TileImageInfo", "CacheTileFormat", "CompressionQuality", "CacheStorageInfo", "StorageFormat",
            "PacketSize", "EnvelopeN", "XMin", "YMin", "XMax", "YMax")


class Files(dict):
    """Generated files {name: bytes}, shown in failure reports by size and digest, not by their bytes."""

    def __repr__(self) -> str:
        return "Files(" + ", ".join(f"{name}: {len(data)} bytes sha1 {hashlib.sha1(data).hexdigest()[:12]}"
                                    for name, data in self.items()) + ")"


def run_cases(strategy, check, examples: int) -> int:
    """Run ``check`` on ``examples`` generated cases (no example database: nothing written to the repo)."""
    count = 0

    @settings(max_examples=examples, deadline=DEADLINE_MS, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def case(data):
        nonlocal count
        count += 1
        check(data)

    case()
    assert count >= examples
    return count


def ends_cleanly(call, where: str):
    """Result of call(), or the CacheError it raised (whose message must name ``where``); memory bounded."""
    tracemalloc.start()
    try:
        return call()
    except CacheError as error:
        assert where in str(error), f"error does not name {where}: {error}"
        return error
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < MEMORY_LIMIT, f"{where}: {peak} bytes allocated for a small input"


@st.composite
def byte_edits(draw, data: bytes, region: tuple[int, int] | None = None, most: int = 3) -> bytes:
    """Raw edits of ``data``; positions mostly inside ``region`` (start, end) when given."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, most))):
        low, high = region if region and draw(st.integers(0, 3)) else (0, len(out))
        high = max(low, min(high, len(out)))
        at = draw(st.integers(low, high))
        op = draw(st.sampled_from(("set", "int", "insert", "delete", "truncate", "copy")))
        if op == "set" and at < len(out):
            out[at] = draw(st.integers(0, 255))
        elif op == "int":
            fmt = draw(st.sampled_from(("<I", "<Q", "<H", "5")))
            value = draw(st.sampled_from(BOUNDARY_INTS) | st.integers(0, 2**64 - 1))
            packed = (value % 2**40).to_bytes(5, "little") if fmt == "5" else struct.pack(
                fmt, value % 2 ** (8 * struct.calcsize(fmt)))
            out[at:at + len(packed)] = packed
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del out[at:at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del out[at:]
        elif op == "copy" and out:
            start = draw(st.integers(0, len(out) - 1))
            out[at:at] = out[start:start + draw(st.integers(1, 64))]
    return bytes(out)


def _element_spans(text: str, tag: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"<{tag}[\s>].*?</{tag}>|<{tag}\s*/>", text, re.S)]


@st.composite
def xml_edits(draw, seeds: list[bytes]) -> bytes:
    """A seed with its XML declaration swapped, elements' text replaced, elements removed, duplicated (up to
    300 times) or renamed."""
    text = draw(st.sampled_from(seeds)).decode()
    if draw(st.integers(0, 5)) == 0:
        text = draw(st.sampled_from(XML_DECLARATIONS)) + text[text.index("?>") + 2:]
    for _ in range(draw(st.integers(1, 3))):
        tag = draw(st.sampled_from(XML_TAGS))
        spans = _element_spans(text, tag)
        if not spans:
            continue
        start, end = draw(st.sampled_from(spans))
        element = text[start:end]
        op = draw(st.sampled_from(("text", "text", "remove", "duplicate", "rename")))
        if op == "text":
            value = draw(st.sampled_from(XML_TEXTS) | st.text(max_size=12).map(xml_escape))
            element = f"<{tag}>{value}</{tag}>"
        elif op == "remove":
            element = ""
        elif op == "duplicate":
            element *= draw(st.sampled_from((2, 3, 257, 300)))
        else:
            other = draw(st.sampled_from(XML_TAGS))
            element = re.sub(rf"^<{tag}(?=[\s>/])", f"<{other}", element)
            element = re.sub(rf"</{tag}>$", f"</{other}>", element)
        text = text[:start] + element + text[end:]
    data = text.encode()
    return draw(byte_edits(data)) if draw(st.integers(0, 5)) == 0 else data


JSON_LEAVES = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
               | st.sampled_from((10**400, -(10**400), 1e308, 2**63, -1, 0, 999, 1000))
               | st.text(max_size=8))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=10)


def _json_paths(node, path=()):
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from _json_paths(child, (*path, key))


@st.composite
def json_edits(draw, seed: dict) -> bytes:
    """root.json with values replaced, keys removed, lists blown up, deep nesting, NaN or raw byte edits."""
    document = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_json_paths(document))[1:]))
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        op = draw(st.sampled_from(("value",) * 6 + ("remove", "remove", "grow", "nest", "nan")))
        if op == "remove":
            del parent[path[-1]]
        elif op == "grow":
            parent[path[-1]] = [parent[path[-1]]] * draw(st.sampled_from((0, 2, 257, 1000)))
        elif op == "nest":
            parent[path[-1]] = "NEST"
        elif op == "nan":
            parent[path[-1]] = draw(st.sampled_from((float("nan"), float("inf"))))
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    text = json.dumps(document)
    depth = draw(st.sampled_from((10, 1000, 100_000)))
    text = text.replace('"NEST"', "[" * depth + "]" * depth)
    data = text.encode()
    return draw(byte_edits(data)) if draw(st.integers(0, 3)) == 0 else data


@pytest.fixture(scope="module")
def conf_seeds(tmp_path_factory):
    """conf.xml and conf.cdi files as core writes them, for several storage formats and tile formats."""
    folder = tmp_path_factory.mktemp("seeds")
    xml, cdi = [], []
    for storage, fmt, crs in (("COMPACT_V2", "PNG", "webmercator"), ("COMPACT", "JPEG", "nztm"),
                              ("EXPLODED", "MIXED", "webmercator")):
        scheme = make_scheme(storage, fmt, levels=range(3), crs=crs, quality=75)
        write_conf_xml(scheme, folder / "conf.xml")
        xml.append((folder / "conf.xml").read_bytes())
        write_conf_cdi(Extent(-1000.5, -20.25, 3000, 4e6), folder / "conf.cdi", scheme.spatial_reference)
        cdi.append((folder / "conf.cdi").read_bytes())
    write_conf_cdi(Extent(0, 0, 1, 1), folder / "conf.cdi")
    cdi.append((folder / "conf.cdi").read_bytes())
    return {"xml": xml, "cdi": cdi, "json": root_json(scheme, Extent(-1, -2, 3, 4))}


@pytest.mark.parametrize("budget", BUDGETS)
def test_conf_xml_fuzzed(conf_seeds, budget):
    def check(data):
        result = ends_cleanly(lambda: parse_conf_xml(data, "fuzz/conf.xml"), "fuzz/conf.xml")
        assert isinstance(result, (TilingScheme, CacheError))

    run_cases(xml_edits(conf_seeds["xml"]), check, 500 * budget)


@pytest.mark.parametrize("budget", BUDGETS)
def test_conf_cdi_fuzzed(conf_seeds, budget):
    def check(data):
        result = ends_cleanly(lambda: parse_conf_cdi(data, "fuzz/conf.cdi"), "fuzz/conf.cdi")
        if isinstance(result, Extent):
            assert result.xmin <= result.xmax and result.ymin <= result.ymax
        else:
            assert result is None or isinstance(result, CacheError)

    run_cases(xml_edits(conf_seeds["cdi"]), check, 300 * budget)


@pytest.mark.parametrize("budget", BUDGETS)
def test_root_json_fuzzed(conf_seeds, budget):
    def check(data):
        result = ends_cleanly(lambda: parse_root_json(data, "fuzz/root.json"), "fuzz/root.json")
        assert isinstance(result, CacheError) or isinstance(result[0], TilingScheme)

    run_cases(json_edits(conf_seeds["json"]), check, 500 * budget)


# --- bundles: headers, indexes and records of compact V1 and V2 ---------------------------------------
FUZZ_KEY = BundleKey(3, 0, 0)
INDEX_REGIONS = {"COMPACT": {".bundle": (0, 60), ".bundlx": (16, 16 + 5 * TILES_PER_BUNDLE + 16)},
                 "COMPACT_V2": {".bundle": (0, 64 + 8 * TILES_PER_BUNDLE)}}


def _bundle_tiles() -> dict:
    """A few tiles of varied sizes at the bundle's corners and middle (one rewritten: dead space)."""
    spots = [(0, 0), (0, 127), (127, 0), (127, 127), (64, 3), (5, 64)]
    return {(FUZZ_KEY.level, row, col): png_tile((row, col, 7), size=4 + 4 * i) for i, (row, col) in
            enumerate(spots)}


@pytest.fixture(scope="module")
def bundle_seeds(tmp_path_factory):
    """{storage name: {suffix: bytes}} of one bundle written by core's own writers."""
    seeds = {}
    for storage in INDEX_REGIONS:
        folder = tmp_path_factory.mktemp(storage)
        scheme = make_scheme(storage, "PNG", levels=range(4))
        tiles = _bundle_tiles()
        write_cache(folder, scheme, tiles)
        write_cache(folder, scheme, {(3, 64, 3): png_tile((1, 1, 1), size=30)})
        level = folder / "_alllayers" / "L03"
        seeds[storage] = {suffix: (level / f"R0000C0000{suffix}").read_bytes()
                          for suffix in INDEX_REGIONS[storage]}
    return seeds


@st.composite
def bundle_edits(draw, seeds: dict) -> tuple[str, Files]:
    """A storage name and its bundle files with header fields, index entries or records edited."""
    storage = draw(st.sampled_from(sorted(seeds)))
    files = Files(seeds[storage])
    for suffix in draw(st.lists(st.sampled_from(sorted(files)), min_size=1, max_size=2, unique=True)):
        files[suffix] = draw(byte_edits(files[suffix], INDEX_REGIONS[storage][suffix]))
    return storage, files


def read_everything(storage) -> dict:
    """Every tile through every reader entry point; the listings must agree with what read_bundle gives."""
    tiles = {}
    for level in storage.levels():
        for key in storage.bundles(level):
            listed = storage.bundle_tiles(key)
            tiles.update(((key.level, *position), data)
                         for position, data in storage.read_bundle(key).items())
            for row, col in listed[:8]:
                storage.get_tile(key.level, row, col)
    return tiles


@pytest.mark.parametrize("budget", BUDGETS)
def test_bundles_fuzzed(bundle_seeds, tmp_path_factory, budget):
    """Readers end cleanly on damaged bundles; a writer either refuses them or leaves a readable bundle."""
    folder = tmp_path_factory.mktemp("bundles")

    def check(case):
        storage_name, files = case
        level = folder / storage_name / "_alllayers" / "L03"
        level.mkdir(parents=True, exist_ok=True)
        for leftover in level.iterdir():
            leftover.unlink()
        for suffix, data in files.items():
            (level / f"R0000C0000{suffix}").write_bytes(data)
        storage = open_storage(DirectoryFS(folder / storage_name), StorageFormat[storage_name])
        storage.durable = False
        where = str(level)
        ends_cleanly(lambda: read_everything(storage), where)

        def rewrite():
            with storage.writer(FUZZ_KEY) as writer:
                writer.put(127, 127, b"replaced")
            return storage.get_tile(3, 127, 127)

        if not isinstance(ends_cleanly(rewrite, where), CacheError):
            assert storage.get_tile(3, 127, 127) == b"replaced"
            ends_cleanly(lambda: read_everything(storage), where)

    run_cases(bundle_edits(bundle_seeds), check, 400 * budget)


# --- zip central directories of .tpk and .tpkx -------------------------------------------------------
CENTRAL_FIELDS = ((10, "<H"), (12, "<I"), (16, "<I"), (20, "<I"), (24, "<I"), (28, "<H"), (30, "<H"),
                  (32, "<H"), (34, "<H"), (38, "<I"), (42, "<I"))
END_FIELDS = ((4, "<H"), (6, "<H"), (8, "<H"), (10, "<H"), (12, "<I"), (16, "<I"), (20, "<H"))


@pytest.fixture(scope="module")
def package_seeds(tmp_path_factory):
    """Small .tpk and .tpkx files, STORED and DEFLATEd, with junk entries."""
    seeds = []
    for storage, make, suffix in (("COMPACT", make_tpk, "tpk"), ("COMPACT_V2", make_tpkx, "tpkx")):
        folder = tmp_path_factory.mktemp(storage)
        write_cache(folder / "Layers", make_scheme(storage, "PNG", levels=range(4)), _bundle_tiles())
        for deflate in (False, True):
            package = make(folder / f"seed.{suffix}", folder / "Layers", deflate=deflate, junk=deflate)
            seeds.append((suffix, package.read_bytes()))
    return seeds


@st.composite
def zip_edits(draw, seeds) -> Files:
    """A package with central-directory or end-record fields set to boundary values, or raw edits."""
    suffix, data = draw(st.sampled_from(seeds))
    data = bytearray(data)
    end = data.rfind(b"PK\x05\x06")
    directory = struct.unpack_from("<I", data, end + 16)[0]
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 4)) == 0:
            data = bytearray(draw(byte_edits(bytes(data), (directory, len(data)))))
            continue
        records = [m.start() for m in re.finditer(b"PK\x01\x02", data[directory:end])]
        base, fields = ((directory + draw(st.sampled_from(records)), CENTRAL_FIELDS)
                        if records and draw(st.integers(0, 3)) else (end, END_FIELDS))
        at, fmt = draw(st.sampled_from(fields))
        width = struct.calcsize(fmt)
        value = draw(st.sampled_from(BOUNDARY_INTS) | st.integers(0, 2 ** (8 * width) - 1))
        if at + base + width <= len(data):
            struct.pack_into(fmt, data, base + at, value % 2 ** (8 * width))
    return Files({f"fuzzed.{suffix}": bytes(data)})


def open_and_read(path):
    with open_cache(path) as cache:
        return read_everything(cache.storage)


@pytest.mark.parametrize("budget", BUDGETS)
def test_zip_directories_fuzzed(package_seeds, tmp_path_factory, monkeypatch, budget):
    """Packages end cleanly; entries inflated to a temporary folder (a private one here) are removed."""
    folder = tmp_path_factory.mktemp("packages")
    inflated = tmp_path_factory.mktemp("inflated")
    monkeypatch.setattr(tempfile, "tempdir", str(inflated))

    def check(files):
        (name, data), = files.items()
        path = folder / name
        path.write_bytes(data)
        ends_cleanly(lambda: open_and_read(path), str(path))
        assert not any(inflated.iterdir()), "inflated entries left behind"

    run_cases(zip_edits(package_seeds), check, 500 * budget)
