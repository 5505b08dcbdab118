"""Tile packages (.tpk, .tpkx) opened in place: scheme and extent from the package, tiles read through ZipFS.

A package is never extracted: zipfs.py reads STORED entries by offset (bundles included) and inflates
DEFLATEd ones to a private temporary folder.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PackageError, SchemeError
from ..formats.conf import parse_conf_cdi, parse_conf_xml
from ..formats.root_json import parse_root_json
from ..formats.zipfs import ZipFS
from ..storage.layouts import open_storage
from .dataset import CacheDataset

# Scheme files are kilobytes; this only keeps a huge entry out of memory (the scheme parsers apply their own).
MAX_SCHEME_FILE = 16 * 1024 * 1024


def _read_small(fs: ZipFS, relpath: str) -> bytes:
    """Whole bytes of a scheme file, refused before reading when absurdly large."""
    if fs.size(relpath) > MAX_SCHEME_FILE:
        raise SchemeError(f"{fs.describe(relpath)}: file larger than {MAX_SCHEME_FILE} bytes")
    with fs.open(relpath) as f:
        return f.read()


def _child(fs: ZipFS, folder: str, name: str) -> str | None:
    """Path of the child of ``folder`` called ``name`` in any case (Esri writes conf.xml and Conf.xml)."""
    matches = [child for child in fs.listdir(folder) if child.lower() == name.lower()]
    if len(matches) > 1:
        raise PackageError(f"{fs.describe(folder)}: holds {' and '.join(matches)}; expected one {name}")
    return f"{folder}/{matches[0]}".lstrip("/") if matches else None


def open_tpk(path) -> CacheDataset:
    """A .tpk: conf.xml and conf.cdi under ``v101/<Root>/``, compact V1 bundles under its ``_alllayers``."""
    path = Path(path)
    top = ZipFS(path)
    v101 = _child(top, "", "v101")
    roots = [root for root in (top.listdir(v101) if v101 else [])
             if _child(top, f"{v101}/{root}", "conf.xml") in top.index.files]
    if not roots:
        raise SchemeError(f"{path}: no v101/<folder>/conf.xml in the tile package")
    if len(roots) > 1:
        raise PackageError(f"{path}: several caches in the tile package ({', '.join(roots)} under v101/); "
                           "expected one")
    fs = ZipFS(path, f"{v101}/{roots[0]}", top.index)
    try:
        conf_xml = _child(fs, "", "conf.xml")
        assert conf_xml is not None                     # the root was chosen for holding one
        scheme = parse_conf_xml(_read_small(fs, conf_xml), fs.describe(conf_xml))
        conf_cdi = _child(fs, "", "conf.cdi")
        extent = parse_conf_cdi(_read_small(fs, conf_cdi), fs.describe(conf_cdi)) if conf_cdi else None
        storage = open_storage(fs, scheme, "_alllayers")
    except BaseException:
        fs.close()
        raise
    return CacheDataset(root=fs.describe(""), scheme=scheme, extent=extent, storage=storage, fs=fs)


def open_tpkx(path) -> CacheDataset:
    """A .tpkx: root.json gives scheme and extent, compact V2 bundles under ``tile/L##`` (absolute levels)."""
    path = Path(path)
    fs = ZipFS(path)
    try:
        root_json = _child(fs, "", "root.json")
        if root_json is None:
            raise SchemeError(f"{path}: no root.json in the tile package")
        scheme, extent = parse_root_json(_read_small(fs, root_json), fs.describe(root_json))
        storage = open_storage(fs, scheme, "tile")
    except BaseException:
        fs.close()
        raise
    return CacheDataset(root=str(path), scheme=scheme, extent=extent, storage=storage, fs=fs)
