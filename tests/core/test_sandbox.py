"""Sandbox: hostile XML, package entries, image headers and service strings never reach outside their place.

The import-level checks (nothing written outside the target and the staging folder, the source never
modified) are at the end; they snapshot the test's own tree (server root, source, temporary folder) before
and after a real import. No test snapshots more than its own folder: the session's temporary root holds
every other test's files too.
"""

from __future__ import annotations

import io
import stat
import struct
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from cachebuilders import make_scheme, make_tpk, make_tpkx, png_tile, write_cache
from crashkit import file_states, sha256_tree
from PIL import Image, ImageFile

from map_server_cache.core.errors import PackageError, SchemeError, ServiceError
from map_server_cache.core.execution.compose import Outcome, compose_tile
from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.formats import tileformats
from map_server_cache.core.formats.conf import parse_conf_cdi, parse_conf_xml
from map_server_cache.core.formats.conf_write import write_conf_cdi, write_conf_xml
from map_server_cache.core.scheme import Extent
from map_server_cache.core.sources.opening import open_cache
from map_server_cache.core.sources.services import resolve_input_service

LAUGHS = ('<!DOCTYPE CacheInfo [<!ENTITY l0 "ha">'
          + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>")
HOSTILE_DOCTYPES = {
    "billion laughs": (LAUGHS, "&l9;"),
    "quadratic blow-up": ('<!DOCTYPE CacheInfo [<!ENTITY a "' + "x" * 50_000 + '">]>', "&a;" * 2000),
    "external entity": ('<!DOCTYPE CacheInfo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
    "external DTD": ('<!DOCTYPE CacheInfo SYSTEM "file:///etc/passwd">', ""),
    "parameter entity": ('<!DOCTYPE CacheInfo [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>', ""),
    "network entity": ('<!DOCTYPE CacheInfo [<!ENTITY n SYSTEM "http://127.0.0.1:9/x">]>', "&n;"),
}


def with_doctype(conf: bytes, doctype: str, reference: str, root: str = "CacheInfo") -> bytes:
    """conf with a DOCTYPE after the XML declaration and an entity reference inside its first text element."""
    declaration, _, rest = conf.partition(b"?>")
    doctype = doctype.replace("CacheInfo", root, 1).encode()
    rest = rest.replace(b"<WKT>", b"<WKT>" + reference.encode(), 1) if b"<WKT>" in rest else rest.replace(
        b"<XMin>", b"<XMin>" + reference.encode(), 1)
    return declaration + b"?>" + doctype + rest


@pytest.fixture(scope="module")
def conf_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conf")
    scheme = make_scheme("COMPACT", "PNG", levels=range(2))
    write_conf_xml(scheme, folder / "conf.xml")
    write_conf_cdi(Extent(0, 0, 10, 10), folder / "conf.cdi")
    return scheme, (folder / "conf.xml").read_bytes(), (folder / "conf.cdi").read_bytes()


@pytest.mark.parametrize("name", sorted(HOSTILE_DOCTYPES))
def test_conf_xml_and_cdi_refuse_dtds(conf_files, name):
    _, conf_xml, conf_cdi = conf_files
    doctype, reference = HOSTILE_DOCTYPES[name]
    cases = ((parse_conf_xml, conf_xml, "CacheInfo"), (parse_conf_cdi, conf_cdi, "EnvelopeN"))
    for parse, data, root in cases:
        started = time.perf_counter()
        with pytest.raises(SchemeError, match="hostile.xml: DTDs and entity declarations are not allowed"):
            parse(with_doctype(data, doctype, reference, root), "hostile.xml")
        assert time.perf_counter() - started < 1


def test_hostile_conf_xml_refused_in_folders_and_packages(conf_files, tmp_path):
    """The refusal holds on every way in: a cache folder, a .tpk (its conf.xml) — before any tile is read."""
    scheme, conf_xml, _ = conf_files
    folder = write_cache(tmp_path / "Layers", scheme, {(0, 0, 0): png_tile((1, 2, 3))})
    package = make_tpk(tmp_path / "a.tpk", folder)
    (folder / "conf.xml").write_bytes(with_doctype(conf_xml, *HOSTILE_DOCTYPES["external entity"]))
    with pytest.raises(SchemeError, match="DTDs and entity declarations"):
        open_cache(folder)
    hostile = tmp_path / "hostile.tpk"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(hostile, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            hostile_conf = info.filename.endswith("conf.xml")
            out.writestr(info, (folder / "conf.xml").read_bytes() if hostile_conf else data)
    with pytest.raises(SchemeError, match="DTDs and entity declarations"):
        open_cache(hostile)


def _tpkx_with(tmp_path, name: str, external_attr: int = 0o644 << 16) -> Path:
    """A valid .tpkx plus one extra entry called ``name``."""
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(2))
    folder = write_cache(tmp_path / "Layers", scheme, {(1, 0, 1): png_tile((9, 9, 9))})
    package = make_tpkx(tmp_path / "a.tpkx", folder)
    with zipfile.ZipFile(package, "a") as archive:
        info = zipfile.ZipInfo(name)
        info.external_attr = external_attr
        archive.writestr(info, b"/etc/passwd" if stat.S_ISLNK(external_attr >> 16) else b"evil")
    return package


HOSTILE_NAMES = {
    "tile/L01/../../../evil.bundle": "'..'",
    "../evil": "'..'",
    "/etc/evil": "absolute",
    "C:/Windows/evil": "':'",
    "C:evil": "':'",
    "tile\\..\\..\\evil": "backslash",
    "tile/L01//evil": "empty",
}


# Deeper than any hostile name climbs ("..", three at most): an entry that got out of its place would still
# land inside the test's own folder, the only tree the test has to snapshot.
PACKAGE_DEPTH = ("a", "b", "c", "d")


@pytest.mark.parametrize("name", sorted(HOSTILE_NAMES))
def test_package_entries_leaving_their_place_refused(tmp_path, monkeypatch, name):
    """Refused with the entry named, and nothing written: neither beside the package, nor above it, nor in the
    temporary folder (inflated entries go there)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    package = _tpkx_with(tmp_path.joinpath(*PACKAGE_DEPTH), name)
    before = file_states(tmp_path), sorted(tmp_path.rglob("*"))
    with pytest.raises(PackageError, match=f"{package}: entry .* refused: .*{HOSTILE_NAMES[name]}"):
        open_cache(package)
    assert (file_states(tmp_path), sorted(tmp_path.rglob("*"))) == before


def test_package_symlink_and_nul_entries_refused(tmp_path):
    link = _tpkx_with(tmp_path / "link", "tile/L01/R0000C0000.bundlx", (stat.S_IFLNK | 0o777) << 16)
    with pytest.raises(PackageError, match="symbolic link"):
        open_cache(link)
    package = _tpkx_with(tmp_path / "nul", "tile/L01/evilXbundle")
    raw = package.read_bytes().replace(b"tile/L01/evilXbundle", b"tile/L01/evil\0bundle")
    package.write_bytes(raw)
    with pytest.raises(PackageError, match="NUL"):
        open_cache(package)


def png_header_only(width: int, height: int, colour_type: int = 6) -> bytes:
    """A tiny PNG whose IHDR declares width×height and whose IDAT holds a few compressed zero rows."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (tileformats.PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(4096)))
            + chunk(b"IEND", b""))


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real 16×16 JPEG whose SOF0 segment is patched to declare width×height."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


HUGE_TILES = {"png 100000x100000": png_header_only(100_000, 100_000),
              "png 9000x9000 (below Pillow's bomb limit)": png_header_only(9000, 9000),
              "png 256x9000": png_header_only(256, 9000),
              "jpeg 65000x65000": jpeg_declaring(65000, 65000),
              "jpeg 9000x9000": jpeg_declaring(9000, 9000)}


@pytest.mark.parametrize("name", sorted(HUGE_TILES))
def test_huge_declared_dimensions_refused_before_decoding(monkeypatch, name):
    """decode() and compose_tile() refuse; Pillow never loads the pixels (that would allocate gigabytes)."""
    loads, load = [], ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: loads.append(image.size) or load(image))
    data = HUGE_TILES[name]
    assert tileformats.decode(data, 256, 256) is None
    mask = np.zeros((256, 256), bool)
    mask[:128] = True
    for fmt in ("PNG", "JPEG", "MIXED"):
        if tileformats.is_valid_signature(data, fmt):
            below = png_tile((1, 2, 3, 255))
            assert compose_tile(data, below, mask, False, fmt, 75, 256, 256).outcome is Outcome.DAMAGED
    assert loads == []


ESCAPING_SERVICES = ("GIS Servers/conn/...MapServer", "GIS Servers/conn/..MapServer",
                     "GIS Servers/conn/../USA.MapServer", "GIS Servers/conn/USA/../../USA.MapServer",
                     "GIS Servers/conn/.../..MapServer", "GIS Servers/conn//etc.MapServer",
                     "GIS Servers/conn/C:/USA.MapServer", "GIS Servers/conn/C:USA.MapServer",
                     "GIS Servers/conn/USA\\..\\..\\x.MapServer", "GIS Servers/conn/\0/USA.MapServer",
                     "GIS Servers/../conn/USA.MapServer", "GIS Servers/conn/./.MapServer")


@pytest.mark.parametrize("value", ESCAPING_SERVICES)
def test_input_service_cannot_leave_the_cache_root(tmp_path, value):
    """Every string is refused, and never resolves to a folder outside <root>/arcgiscache/<service>."""
    root = tmp_path / "server"
    (root / "arcgiscache" / "USA" / "Layers").mkdir(parents=True)
    for folder in (tmp_path, root, root / "arcgiscache", root / "arcgiscache" / "USA" / "Layers"):
        (folder / "conf.xml").write_bytes(b"<CacheInfo/>")
    with pytest.raises(ServiceError, match="input service"):
        resolve_input_service(value, {"conn": str(root)})


SOURCES = {"folder": ("COMPACT", None, False), "folder uploaded": ("EXPLODED", None, True),
           "tpk deflated": ("COMPACT", make_tpk, False), "tpkx": ("COMPACT_V2", make_tpkx, False)}


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_import_writes_only_into_the_target_and_staging(tmp_path, monkeypatch, kind):
    """Snapshot the whole tree (server root, source, temp folder) before and after a 2-worker import: only
    files under the target data-frame folder changed, the staging folder is gone, the source is untouched."""
    storage, make_package, upload = SOURCES[kind]
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))           # inflated package entries, in this process and workers
    monkeypatch.setattr(tempfile, "tempdir", None)
    scheme = make_scheme(storage, "PNG", levels=range(10))
    target = write_cache(tmp_path / "server" / "arcgiscache" / "Svc" / "Layers", scheme,
                         {(9, 0, 0): png_tile((1, 1, 1)), (9, 3, 200): png_tile((2, 2, 2))},
                         extent=Extent(-2e7, -2e7, 2e7, 2e7))
    tiles = {(9, r, c): png_tile((r, c, 9)) for r in range(3) for c in range(130, 133)}
    tiles.update({(9, 0, 0): png_tile((6, 6, 6)), (8, 1, 1): png_tile((5, 5, 5))})
    source = write_cache(tmp_path / "source" / "Layers", scheme, tiles)
    source_type = SourceType.CACHE_DATASET
    if make_package is not None:
        source = make_package(tmp_path / "source" / f"in.{make_package.__name__[5:]}", source,
                              deflate=kind.endswith("deflated"))
        source_type = SourceType.TILE_PACKAGE
    sums, before = sha256_tree(tmp_path / "source"), file_states(tmp_path)
    folders_before = {p for p in tmp_path.rglob("*") if p.is_dir()}
    result = import_cache(ImportRequest(target, source, source_type, upload=upload, workers=2))
    assert result.written == len(tiles)
    after = file_states(tmp_path)
    changed = {path for path in set(before) | set(after) if before.get(path) != after.get(path)}
    assert changed and all(path.startswith("server/arcgiscache/Svc/Layers/") for path in changed), changed
    uploads = tmp_path / "server" / "arcgissystem" / "arcgisuploads"
    new_folders = {p for p in tmp_path.rglob("*") if p.is_dir()} - folders_before
    assert all(target in p.parents or p in (uploads, uploads.parent) for p in new_folders), new_folders
    assert not any(uploads.glob("*")) and not any(temp.iterdir()), "staging or temporary files left"
    assert sha256_tree(tmp_path / "source") == sums
