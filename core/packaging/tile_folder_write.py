"""A ``{z}/{x}/{y}.<ext>`` tile folder written from a finished cache folder (the export's last step): the zoom
is the XYZ zoom of each level's resolution (``open_formats.xyz_zooms``), rows XYZ (from the top, as Esri's)
or TMS (from the bottom), each tile's bytes as they are, named .png or .jpg by its signature. The folder must
be new: the export writes it in its staging folder and renames it into place."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import ImportCancelled, PackageError
from ..formats.tileformats import image_ext
from ..sources.dataset import open_folder
from ..sources.open_formats import ROW_ORDERS, xyz_zooms


def write_tile_folder(cache_folder: Path, destination: Path, rows: str = "XYZ",
                      is_cancelled: Callable[[], bool] = lambda: False) -> Path:
    """Every tile of the cache folder into the new folder ``destination``; returns it."""
    rows = rows.strip().upper()
    if rows not in ROW_ORDERS:
        raise PackageError(f"tile row order {rows!r}: use XYZ or TMS")
    destination = Path(destination)
    with open_folder(cache_folder) as cache:
        zooms = xyz_zooms(cache.scheme, str(cache_folder))
        try:
            destination.mkdir()
            for level in cache.storage.levels():
                if level not in zooms:
                    continue
                zoom = zooms[level]
                made: set[int] = set()
                for key in cache.storage.bundles(level):
                    if is_cancelled():
                        raise ImportCancelled("export cancelled while writing the tiles")
                    for (row, col), data in cache.storage.iter_bundle(key):
                        folder = destination / str(zoom) / str(col)
                        if col not in made:
                            folder.mkdir(parents=True, exist_ok=True)
                            made.add(col)
                        y = (1 << zoom) - 1 - row if rows == "TMS" else row
                        with open(folder / f"{y}.{image_ext(data) or 'png'}", "wb") as fp:
                            fp.write(data)
        except OSError as error:
            raise PackageError(f"{destination}: cannot write tiles ({error.strerror or error})") from None
    _sync(destination)
    return destination


def _sync(folder: Path) -> None:
    """Reach the disk before the folder is renamed into place (files, then their folders)."""
    if os.name == "nt":
        return
    for path, _folders, files in os.walk(folder, topdown=False):
        for name in files:
            fd = os.open(os.path.join(path, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
