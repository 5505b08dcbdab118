"""The one entry point that opens any cache source as a CacheDataset: a cache folder, a .tpk or a .tpkx, and
the open tile formats (an MBTiles or GeoPackage file, a {z}/{x}/{y} folder: ``open_formats``)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import PackageError, SchemeError
from ..formats.sqlite_tiles import is_sqlite
from ..formats.zipfs import ZipFS
from .dataset import CacheDataset, open_folder
from .open_formats import OPEN_FORMAT_SUFFIXES, is_tile_folder, open_sqlite_tiles, open_tile_folder
from .packages import open_tpk, open_tpkx

PACKAGE_SUFFIXES = (".tpk", ".tpkx")


def open_cache(path, tile_rows: str = "XYZ") -> CacheDataset:
    """Open a cache folder, a conf.xml, a .tpk, a .tpkx, an MBTiles or GeoPackage file or a tile folder (rows
    ``tile_rows``: XYZ or TMS); other files are told apart by their content."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        return open_tile_folder(path, tile_rows) if is_tile_folder(path) else open_folder(path)
    if not path.is_file():
        error = PackageError if suffix in PACKAGE_SUFFIXES else SchemeError
        raise error(f"{path}: no such file or folder")
    if path.name.lower() == "conf.xml":
        return open_folder(path.parent)
    if suffix == ".tpk":
        return open_tpk(path)
    if suffix == ".tpkx":
        return open_tpkx(path)
    if suffix in OPEN_FORMAT_SUFFIXES or is_sqlite(path):
        return open_sqlite_tiles(path)
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{path}: not a cache folder, conf.xml, .tpk or .tpkx (and not a zip)")
    with ZipFS(path) as fs:
        top = {name.lower() for name in fs.listdir("")}
    if "root.json" in top:
        return open_tpkx(path)
    if "v101" in top:
        return open_tpk(path)
    raise PackageError(f"{path}: a zip, but neither a .tpkx (root.json) nor a .tpk (v101/<folder>/conf.xml)")
