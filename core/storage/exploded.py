"""Exploded cache: one file per tile, ``L##/R{row:08x}/C{col:08x}.{png|jpg}``.

Rows and columns are hex, lower-case as ArcGIS writes them; upper-case names are accepted when reading.
A MIXED cache holds both extensions; when a crash left two files for one tile, the newer one counts.
Bulk reads and ``bundles()`` work on the same 128×128 blocks as compact bundles and list folder names
only. Writing a tile goes through a temporary file in the same folder and an atomic rename, then removes
the tile's other-extension file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from types import TracebackType
from typing import NamedTuple

import numpy as np

from ..atomic import is_temporary, replace_file
from ..errors import StorageError
from ..scheme import StorageFormat
from .base import (
    BUNDLE_SIZE,
    MAX_TILE_SIZE,
    BundleKey,
    BundleWriter,
    FileSink,
    TileHeads,
    TileStorage,
    bundle_key,
    default_level_dir,
    make_heads,
)

EXTENSIONS = ("png", "jpg", "jpeg", "lerc")
_EXTENSION_SPELLINGS = EXTENSIONS + tuple(ext.upper() for ext in EXTENSIONS)
_ROW = re.compile(r"^R([0-9a-f]{8})$", re.IGNORECASE)
_COL = re.compile(r"^C([0-9a-f]{8})\.(png|jpe?g|lerc)$", re.IGNORECASE)
_LEFTOVER = re.compile(r"^\.C([0-9a-f]{8})\.", re.IGNORECASE)
ODD = 255
# How often a tile write is tried again when a neighbouring block's writer removes the shared row folder.
FOLDER_RACE_ATTEMPTS = 10


def sniff_extension(data: bytes) -> str:
    """File extension for tile bytes whose writer gave none."""
    if data[:4] == b"\x89PNG":
        return "png"
    if data[:2] == b"\xff\xd8":
        return "jpg"
    if data[:9] == b"CntZImage" or data[:6] == b"Lerc2 ":
        return "lerc"
    raise ValueError("tile bytes are neither PNG, JPEG nor LERC; give the file extension")


class _Row(NamedTuple):
    """A row folder's tile files: columns sorted, each one's extension (ODD: name spelt otherwise)."""

    cols: np.ndarray            # uint32
    exts: np.ndarray            # uint8 index into EXTENSIONS, or ODD
    odd: dict                   # index → the name as listed (upper-case, ...)
    leftovers: dict             # column → temporary files (``.C00000001.png.tmp``) a killed writer left

    def name(self, index: int) -> str:
        ext = int(self.exts[index])
        return self.odd[index] if ext == ODD else f"C{int(self.cols[index]):08x}.{EXTENSIONS[ext]}"


class ExplodedStorage(TileStorage):
    """Row folders are listed once and remembered for the object's lifetime (compactly: 5 bytes per tile),
    so that the 128-column blocks of a wide level cost one listing, not one per block. Under a bundle's lock
    (writers, copy_bundle) its rows are listed afresh (``refresh``)."""

    storage_format = StorageFormat.EXPLODED
    publishes_whole_bundles = False

    def __init__(self, fs, tiles_dir: str = "_alllayers", level_dir=default_level_dir):
        super().__init__(fs, tiles_dir, level_dir)
        self.durable = False  # one file per tile, renamed into place: an fsync each would outweigh the write
        self._odd_rows: dict[int, dict[int, list[str]]] = {}
        self._rows: dict[str, _Row] = {}   # row folder → its listing

    def _row_names(self, level: int) -> dict[int, list[str]]:
        """Row folders of a level not spelt the canonical lower-case way (listed once per level)."""
        if level not in self._odd_rows:
            odd: dict[int, list[str]] = {}
            for name in self.fs.listdir(self.level_path(level)):
                match = _ROW.match(name)
                if match and name != f"R{int(match.group(1), 16):08x}":
                    odd.setdefault(int(match.group(1), 16), []).append(name)
            self._odd_rows[level] = odd
        return self._odd_rows[level]

    def _row_folders(self, level: int, row: int) -> list[str]:
        level_path = self.level_path(level)
        names = [f"R{row:08x}"] + self._row_names(level).get(row, [])
        return [f"{level_path}/{name}" for name in names]

    def _row(self, folder: str) -> _Row:
        """The tile files of a row folder, listed on first use."""
        row = self._rows.get(folder)
        if row is None:
            found, leftovers = [], {}  # type: tuple[list, dict[int, list[str]]]
            for name in self.fs.listdir(folder):
                match = _COL.match(name)
                leftover = _LEFTOVER.match(name)
                if leftover and is_temporary(name):
                    leftovers.setdefault(int(leftover.group(1), 16), []).append(name)
                elif match:
                    col, ext = int(match.group(1), 16), match.group(2)
                    canonical = ext in EXTENSIONS and name == f"C{col:08x}.{ext}"
                    found.append((col, EXTENSIONS.index(ext) if canonical else ODD, name))
            found.sort(key=lambda item: item[0])
            row = self._rows[folder] = _Row(np.array([item[0] for item in found], np.uint32),
                                            np.array([item[1] for item in found], np.uint8),
                                            {i: item[2] for i, item in enumerate(found) if item[1] == ODD},
                                            leftovers)
        return row

    def recover(self, key: BundleKey) -> None:
        """Remove the temporary files a killed writer left in the block (lock held)."""
        self.refresh(key)
        for row in range(key.row0, key.row0 + BUNDLE_SIZE):
            for folder in self._row_folders(key.level, row):
                for col, names in self._row(folder).leftovers.items():
                    if key.col0 <= col < key.col0 + BUNDLE_SIZE:
                        for name in names:
                            self.real_file(f"{folder}/{name}").unlink(missing_ok=True)

    def will_read_indexes(self, keys: list[BundleKey]) -> None:
        """No index to read ahead: a block's tiles are listed from its row folders."""

    def refresh(self, key: BundleKey) -> None:
        for row in range(key.row0, key.row0 + BUNDLE_SIZE):
            for folder in self._row_folders(key.level, row):
                self._rows.pop(folder, None)

    def bundles(self, level: int) -> list[BundleKey]:
        keys = set()
        level_path = self.level_path(level)
        for row_name in self.fs.listdir(level_path):
            row_match = _ROW.match(row_name)
            if row_match:
                row = int(row_match.group(1), 16)
                for block in np.unique(self._row(f"{level_path}/{row_name}").cols // BUNDLE_SIZE).tolist():
                    keys.add(bundle_key(level, row, block * BUNDLE_SIZE))
        return sorted(keys)

    def bundle_exists(self, key: BundleKey) -> bool:
        return bool(self.block_files(key))

    def block_files(self, key: BundleKey) -> dict[tuple[int, int], list[str]]:
        """(row, col) → relative paths of the tile's files (several only in a MIXED leftover)."""
        found: dict[tuple[int, int], list[str]] = {}
        for row in range(key.row0, key.row0 + BUNDLE_SIZE):
            for folder in self._row_folders(key.level, row):
                listing = self._row(folder)
                first, last = np.searchsorted(listing.cols, (key.col0, key.col0 + BUNDLE_SIZE)).tolist()
                for index in range(first, last):
                    tile = (row, int(listing.cols[index]))
                    found.setdefault(tile, []).append(f"{folder}/{listing.name(index)}")
        return found

    def _newest(self, paths: list[str]) -> str:
        if len(paths) == 1:
            return paths[0]

        def modified(path):
            real = self.fs.real_path(path)
            return real.stat().st_mtime_ns if real is not None else 0

        return max(sorted(paths), key=modified)

    def bundle_tiles(self, key: BundleKey) -> list[tuple[int, int]]:
        return sorted(self.block_files(key))

    def bundle_files(self, key: BundleKey) -> list[str]:
        return sorted(self._newest(paths) for paths in self.block_files(key).values())

    def iter_bundle(self, key: BundleKey) -> Iterator[tuple[tuple[int, int], bytes]]:
        for tile, paths in sorted(self.block_files(key).items()):
            data = self._read(self._newest(paths))
            if data is not None:
                yield tile, data

    def stream(self, key: BundleKey, length: int, copy: FileSink | None = None) -> TileHeads:
        tiles, sizes, heads = [], [], []
        for tile, paths in sorted(self.block_files(key).items()):
            relpath = self._newest(paths)
            if copy is None:
                found = self._head(relpath, length)
            else:
                data = self._read(relpath)
                if data is not None:
                    with copy.file(relpath) as sink:
                        sink.write(data)
                found = None if data is None else (len(data), data[:length])
            if found is not None:
                tiles.append(tile)
                sizes.append(found[0])
                heads.append(found[1].ljust(length, b"\0"))
        return make_heads(tiles, sizes, np.frombuffer(b"".join(heads), np.uint8).reshape(-1, length))

    def _head(self, relpath: str, length: int) -> tuple[int, bytes] | None:
        """(size, first ``length`` bytes) of a tile file, None when it is gone."""
        try:
            with self.fs.open(relpath) as fp:
                head = fp.read(length)
                size = fp.seek(0, os.SEEK_END)
        except FileNotFoundError:
            return None
        if size > MAX_TILE_SIZE:
            raise StorageError(f"{self.fs.describe(relpath)}: tile file larger than {MAX_TILE_SIZE} bytes")
        return size, head

    def _read(self, relpath: str) -> bytes | None:
        try:
            with self.fs.open(relpath) as fp:
                data = fp.read(MAX_TILE_SIZE + 1)
        except FileNotFoundError:
            return None
        if len(data) > MAX_TILE_SIZE:
            raise StorageError(f"{self.fs.describe(relpath)}: tile file larger than {MAX_TILE_SIZE} bytes")
        return data

    def get_tile(self, level: int, row: int, col: int) -> bytes | None:
        col_names = dict.fromkeys((f"C{col:08x}", f"C{col:08X}"))
        present = [f"{folder}/{name}.{ext}" for folder in self._row_folders(level, row)
                   if self.fs.exists(folder) for name in col_names for ext in _EXTENSION_SPELLINGS
                   if self.fs.exists(f"{folder}/{name}.{ext}")]
        return self._read(self._newest(present)) if present else None

    def writer(self, key: BundleKey) -> ExplodedWriter:
        return ExplodedWriter(self, key)


class ExplodedWriter(BundleWriter):
    """Writes each tile as it is put (temporary file + rename); ``commit`` has nothing left to do."""

    def __init__(self, storage: ExplodedStorage, key: BundleKey):
        super().__init__(storage, key)
        self.storage: ExplodedStorage = storage
        self._files: dict[tuple[int, int], list[str]] = {}   # the block's tile files, as this writer saw them

    def __enter__(self) -> ExplodedWriter:
        self._lock.acquire()
        try:
            self.storage.recover(self.key)
            self._files = self.storage.block_files(self.key)
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._lock.release()

    def get(self, row: int, col: int) -> bytes | None:
        paths = self._files.get((row, col))
        return self.storage._read(self.storage._newest(paths)) if paths else None

    def put(self, row: int, col: int, data: bytes, ext: str | None = None) -> None:
        self.check_tile(row, col, data)
        ext = (ext or sniff_extension(data)).lower().lstrip(".")
        if ext == "jpeg":
            ext = "jpg"
        if ext not in EXTENSIONS:
            raise ValueError(f"unknown tile file extension {ext!r}")
        storage = self.storage
        relpath = f"{storage.level_path(self.key.level)}/R{row:08x}/C{col:08x}.{ext}"
        path = storage.real_file(relpath)
        for attempt in range(FOLDER_RACE_ATTEMPTS):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                replace_file(path, data, durable=False)   # one writer at a time: a leftover is overwritten
                break
            except (FileNotFoundError, FileExistsError):
                # The writer of a neighbouring block (same row folder, another lock) removed the row folder
                # it emptied between our mkdir and our write; its rmdir fails once our file is in.
                if attempt == FOLDER_RACE_ATTEMPTS - 1:
                    raise
        for stale in self._files.get((row, col), []):
            if stale != relpath:
                storage.real_file(stale).unlink(missing_ok=True)
        self._files[(row, col)] = [relpath]
        for folder in storage._row_folders(self.key.level, row):
            storage._rows.pop(folder, None)

    def delete(self, row: int, col: int) -> None:
        """Remove the tile's files, the newest last (a kill between two leaves the tile as it was), then its
        row folder when that is empty now (a neighbouring block's writer may fill it again: see ``put``)."""
        self.check_position(row, col)
        storage = self.storage
        paths = self._files.pop((row, col), [])
        if not paths:
            return
        newest = storage._newest(paths)
        for relpath in [path for path in paths if path != newest] + [newest]:
            storage.real_file(relpath).unlink(missing_ok=True)
        for folder in {path.rsplit("/", 1)[0] for path in paths}:
            storage._rows.pop(folder, None)
            try:
                storage.real_file(folder).rmdir()
            except OSError:     # not empty (or gone): kept
                pass

    def commit(self) -> None:
        """Tiles are in place (or gone) as soon as ``put`` (``delete``) returns."""
