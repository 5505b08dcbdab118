"""What the read-only storages of open tile formats (SQLite files, tile folders) share: no bundle files,
no writer, nothing to recover; tiles gathered into 128×128 bundle keys from a per-level position list."""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from ..errors import StorageError
from .base import BUNDLE_SIZE, BundleKey, BundleWriter, FileSink, TileHeads, TileStorage, make_heads


class ReadOnlyTileStorage(TileStorage):
    """A TileStorage whose tiles are not in bundles: subclasses give ``positions(level)`` ((n, 2) int64 rows
    and columns, Esri's row order) and ``iter_bundle``; whole-bundle copies never apply (no bundle files)."""

    publishes_whole_bundles = False

    def __init__(self, fs, where: str):
        super().__init__(fs, "")
        self.where = where
        self.stray: set[str] = set()     # entries looked at that are not tiles (a tile folder's other files)
        self._bundles: dict[int, dict[BundleKey, np.ndarray]] = {}

    @abstractmethod
    def positions(self, level: int) -> np.ndarray:
        """Every tile of a level as (row, col), rows counted from the top (Esri's and XYZ's order)."""

    def _by_bundle(self, level: int) -> dict[BundleKey, np.ndarray]:
        found = self._bundles.get(level)
        if found is None:
            tiles = self.positions(level)
            found = {}
            if len(tiles):
                blocks = tiles // BUNDLE_SIZE
                order = np.lexsort((tiles[:, 1], tiles[:, 0], blocks[:, 1], blocks[:, 0]))
                tiles, blocks = tiles[order], blocks[order]
                starts = np.flatnonzero(np.r_[True, (blocks[1:] != blocks[:-1]).any(axis=1)])
                for start, end in zip(starts, np.r_[starts[1:], len(tiles)]):
                    row_block, col_block = (int(v) for v in blocks[start])
                    key = BundleKey(level, row_block * BUNDLE_SIZE, col_block * BUNDLE_SIZE)
                    found[key] = tiles[start:end]
            self._bundles[level] = found
        return found

    def bundles(self, level: int) -> list[BundleKey]:
        return sorted(self._by_bundle(level))

    def bundle_exists(self, key: BundleKey) -> bool:
        return key in self._by_bundle(key.level)

    def bundle_positions(self, key: BundleKey) -> np.ndarray:
        return self._by_bundle(key.level).get(key, np.zeros((0, 2), np.int64))

    def bundle_tiles(self, key: BundleKey) -> list[tuple[int, int]]:
        return [(int(row), int(col)) for row, col in self.bundle_positions(key)]

    def stream(self, key: BundleKey, length: int, copy: FileSink | None = None) -> TileHeads:
        if copy is not None:
            raise StorageError(f"{self.where}: tiles of an open format are copied one by one, not as files")
        tiles, sizes, heads = [], [], []
        for position, data in self.iter_bundle(key):
            tiles.append(position)
            sizes.append(len(data))
            heads.append(np.frombuffer(data[:length].ljust(length, b"\0"), np.uint8))
        array = np.stack(heads) if heads else np.zeros((0, length), np.uint8)
        return make_heads(tiles, sizes, array)

    def will_read_indexes(self, keys: list[BundleKey]) -> None:
        pass

    def bundle_files(self, key: BundleKey) -> list[str]:
        return []

    def writer(self, key: BundleKey) -> BundleWriter:
        raise StorageError(f"{self.where}: an open tile format is only read, never written as a cache")

    def recover(self, key: BundleKey) -> None:
        pass

    def refresh(self, key: BundleKey) -> None:
        pass
