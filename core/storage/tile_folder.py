"""Tiles of a ``{z}/{x}/{y}.<ext>`` folder (QGIS's XYZ directory, gdal2tiles, MapProxy), read only.

Rows are XYZ (counted from the top, as Esri's) or TMS (from the bottom, flipped at zoom z as 2^z - 1 - y).
Only names made of digits count: ``<z>`` folders, ``<x>`` folders, ``<y>.png|.jpg|.jpeg|.webp`` files; other
entries (a viewer's HTML, metadata files, stray files) are skipped and counted in ``stray``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import StorageError
from ..formats.fs import DirectoryFS
from .base import MAX_TILE_SIZE, BundleKey
from .read_only import ReadOnlyTileStorage

TILE_EXTENSIONS = ("png", "jpg", "jpeg", "webp")
_TILE = re.compile(r"^(\d{1,9})\.(png|jpe?g|webp)$", re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,9}$")

class TileFolderStorage(ReadOnlyTileStorage):
    """``tms``: rows counted from the bottom; ``max_zoom`` bounds the levels looked at."""

    def __init__(self, root: Path, tms: bool, max_zoom: int = 30):
        super().__init__(DirectoryFS(Path(root)), str(root))
        self.tms, self.max_zoom = tms, max_zoom
        self._files: dict[int, dict[tuple[int, int], str]] = {}

    def levels(self) -> list[int]:
        found = []
        for name in self.fs.listdir(""):
            if _NUMBER.match(name) and int(name) <= self.max_zoom and self.fs.listdir(name):
                found.append(int(name))
            elif not name.startswith("."):
                self.stray.add(name)
        return sorted(found)

    def _level_names(self, level: int) -> dict[tuple[int, int], str]:
        names = self._files.get(level)
        if names is None:
            names = {}
            size = 1 << level
            for x in self.fs.listdir(str(level)):
                if not _NUMBER.match(x) or int(x) >= size:
                    self.stray.add(f"{level}/{x}")
                    continue
                for file in self.fs.listdir(f"{level}/{x}"):
                    match = _TILE.match(file)
                    if not match or int(match.group(1)) >= size:
                        self.stray.add(f"{level}/{x}/{file}")
                        continue
                    y = int(match.group(1))
                    row = size - 1 - y if self.tms else y
                    names.setdefault((row, int(x)), f"{level}/{x}/{file}")
            self._files[level] = names
        return names

    def positions(self, level: int) -> np.ndarray:
        return np.asarray(sorted(self._level_names(level)), np.int64).reshape(-1, 2)

    def iter_bundle(self, key: BundleKey) -> Iterator[tuple[tuple[int, int], bytes]]:
        names = self._level_names(key.level)
        for row, col in self.bundle_positions(key):
            position = (int(row), int(col))
            yield position, self._read(names[position])

    def get_tile(self, level: int, row: int, col: int) -> bytes | None:
        relpath = self._level_names(level).get((row, col))
        return None if relpath is None else self._read(relpath)

    def bundle_files(self, key: BundleKey) -> list[str]:
        """The tile files of a block (what an import's journal digest stats), never copied as files."""
        names = self._level_names(key.level)
        return [names[(int(row), int(col))] for row, col in self.bundle_positions(key)]

    def _read(self, relpath: str) -> bytes:
        where = self.fs.describe(relpath)
        try:
            size = self.fs.size(relpath)
            if size <= MAX_TILE_SIZE:
                with self.fs.open(relpath) as fp:
                    return fp.read()
        except OSError as error:
            raise StorageError(f"{where}: cannot read ({error.strerror or error})") from None
        raise StorageError(f"{where}: tile file larger than {MAX_TILE_SIZE} bytes")
