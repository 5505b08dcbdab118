"""The one entry point that opens any cache source: a cache folder, a .tpk or a .tpkx, as a CacheDataset."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import PackageError, SchemeError
from ..formats.zipfs import ZipFS
from .dataset import CacheDataset, open_folder
from .packages import open_tpk, open_tpkx

PACKAGE_SUFFIXES = (".tpk", ".tpkx")


def open_cache(path) -> CacheDataset:
    """Open a cache folder, a conf.xml, a .tpk or a .tpkx; other files are told apart by their content."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        return open_folder(path)
    if not path.is_file():
        error = PackageError if suffix in PACKAGE_SUFFIXES else SchemeError
        raise error(f"{path}: no such file or folder")
    if path.name.lower() == "conf.xml":
        return open_folder(path.parent)
    if suffix == ".tpk":
        return open_tpk(path)
    if suffix == ".tpkx":
        return open_tpkx(path)
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{path}: not a cache folder, conf.xml, .tpk or .tpkx (and not a zip)")
    with ZipFS(path) as fs:
        top = {name.lower() for name in fs.listdir("")}
    if "root.json" in top:
        return open_tpkx(path)
    if "v101" in top:
        return open_tpk(path)
    raise PackageError(f"{path}: a zip, but neither a .tpkx (root.json) nor a .tpk (v101/<folder>/conf.xml)")
