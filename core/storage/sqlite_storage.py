"""Tiles of an MBTiles file or a GeoPackage tile table, read through one read-only SQLite connection.

Rows are handed out in Esri's order (counted from the top): a GeoPackage's tile_row already is; an MBTiles
row is TMS (from the bottom) and flipped at zoom z as 2^z - 1 - row. Tiles outside the level's matrix
(negative, or past its width and height) are left out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import StorageError
from ..formats.fs import DirectoryFS
from ..formats.sqlite_tiles import connect_read_only
from .base import BUNDLE_SIZE, BundleKey
from .read_only import ReadOnlyTileStorage


class SqliteTileStorage(ReadOnlyTileStorage):
    """``matrix``: zoom → (columns, rows) of the level; ``tms``: rows counted from the bottom (MBTiles)."""

    def __init__(self, path: Path, table: str, matrix: dict[int, tuple[int, int]], tms: bool):
        path = Path(path)
        super().__init__(DirectoryFS(path.parent), str(path))
        self.path, self.matrix, self.tms = path, matrix, tms
        self._table = '"' + table.replace('"', '""') + '"'
        self._connection = connect_read_only(path)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._connection.close()

    def _query(self, sql: str, parameters: tuple) -> list[tuple]:
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except Exception as error:      # sqlite3.Error, or a closed connection
                raise StorageError(f"{self.path}: cannot read tiles ({error})") from None

    def levels(self) -> list[int]:
        found = self._query(f"SELECT DISTINCT zoom_level FROM {self._table}", ())
        return sorted(int(z) for (z,) in found if int(z) in self.matrix)

    def _row(self, level: int, row: int) -> int:
        """Stored row ↔ Esri row (the flip is its own inverse)."""
        return self.matrix[level][1] - 1 - row if self.tms else row

    def positions(self, level: int) -> np.ndarray:
        if level not in self.matrix:
            return np.zeros((0, 2), np.int64)
        sql = f"SELECT tile_row, tile_column FROM {self._table} WHERE zoom_level = ?"
        found = np.asarray(self._query(sql, (level,)), np.int64).reshape(-1, 2)
        cols, rows = self.matrix[level]
        if self.tms:
            found[:, 0] = rows - 1 - found[:, 0]
        inside = (found >= 0).all(axis=1) & (found[:, 0] < rows) & (found[:, 1] < cols)
        return found[inside]

    def iter_bundle(self, key: BundleKey) -> Iterator[tuple[tuple[int, int], bytes]]:
        if key.level not in self.matrix:
            return
        first, last = self._row(key.level, key.row0), self._row(key.level, key.row0 + BUNDLE_SIZE - 1)
        found = self._query(
            f"SELECT tile_row, tile_column, tile_data FROM {self._table} WHERE zoom_level = ? "
            "AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?",
            (key.level, key.col0, key.col0 + BUNDLE_SIZE - 1, min(first, last), max(first, last)))
        for row, col, data in found:
            if isinstance(data, (bytes, bytearray)) and data:
                yield (self._row(key.level, int(row)), int(col)), bytes(data)

    def get_tile(self, level: int, row: int, col: int) -> bytes | None:
        if level not in self.matrix:
            return None
        found = self._query(f"SELECT tile_data FROM {self._table} WHERE zoom_level = ? AND tile_column = ? "
                            "AND tile_row = ?", (level, col, self._row(level, row)))
        data = found[0][0] if found else None
        return bytes(data) if isinstance(data, (bytes, bytearray)) and data else None
