"""The storage contract every layout follows, and what the layouts share.

Tiles are addressed by (level, row, col); rows count down from the origin. Bulk work goes bundle by bundle:
``BundleKey`` names a 128×128 block (a compact bundle, or the same block of an exploded cache). Readers
return raw tile bytes and never decode. Writers hold a per-bundle lock from ``__enter__`` to ``__exit__``.
``TileStorage`` and ``BundleWriter`` are abstract: a layout implements every ``abstractmethod``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Callable, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from ..errors import StorageError
from ..formats.fs import DirectoryFS, ReadOnlyFS
from .locks import BOOKKEEPING_FOLDER, BundleLock

BUNDLE_SIZE = 128
TILES_PER_BUNDLE = BUNDLE_SIZE * BUNDLE_SIZE
# Largest tile a reader accepts: ArcGIS tiles are kilobytes; V2 cannot even express 16 MiB or more.
MAX_TILE_SIZE = 64 * 1024 * 1024
# Bundle files are read at most READ_CHUNK bytes at a time (whole-file copies; records close together, in
# compact.py). Measured on a 300 MB bundle in page cache: 0.25-1 MiB reads stream at 3-5 GB/s, 16 MiB-1 GiB
# at 1.5-2 GB/s (allocation and cache misses), and memory stays at one chunk.
READ_CHUNK = 1024 * 1024
# Bytes of each tile copy_bundle's ``accept`` sees: the PNG signature's 8, the longest signature checked.
HEAD_LENGTH = 8
_LEVEL = re.compile(r"^L(\d+)$", re.IGNORECASE)
_BUNDLE = re.compile(r"^R([0-9a-f]{4,8})C([0-9a-f]{4,8})\.bundle$", re.IGNORECASE)


class BundleKey(NamedTuple):
    """A 128×128 block of tiles: its level and first row/column (multiples of 128)."""

    level: int
    row0: int
    col0: int


def bundle_key(level: int, row: int, col: int) -> BundleKey:
    return BundleKey(level, row - row % BUNDLE_SIZE, col - col % BUNDLE_SIZE)


def bundle_name(key: BundleKey) -> str:
    """Esri's bundle base name: R{row0:04x}C{col0:04x}."""
    return f"R{key.row0:04x}C{key.col0:04x}"


def default_level_dir(level: int) -> str:
    return f"L{level:02d}"


class FileSink(Protocol):
    """Where ``TileStorage.stream`` writes the files of a bundle it reads (``bundlecopy.BundleCopy``)."""

    def file(self, relpath: str) -> AbstractContextManager[BinaryIO]: ...


class TileHeads(NamedTuple):
    """The first bytes of every tile of a bundle (``TileStorage.tile_heads``), sorted by row, then column."""

    tiles: np.ndarray    # (n, 2) int64: row, column
    sizes: np.ndarray    # (n,) int64: tile size in bytes
    heads: np.ndarray    # (n, length) uint8: the tile's first bytes, zero past its end


def make_heads(tiles: npt.ArrayLike, sizes: npt.ArrayLike, heads: np.ndarray) -> TileHeads:
    """TileHeads sorted, zero past each tile's end (``heads`` may hold the bytes that follow it)."""
    tiles, sizes = np.asarray(tiles, np.int64).reshape(-1, 2), np.asarray(sizes, np.int64)
    keys = tiles[:, 0] * (1 << 32) + tiles[:, 1]
    if len(keys) > 1 and bool((keys[1:] < keys[:-1]).any()):
        order = np.argsort(keys, kind="stable")
        tiles, sizes, heads = tiles[order], sizes[order], heads[order]
    short = sizes < heads.shape[1]
    if short.any():
        heads = heads.copy()
        heads[short] = np.where(np.arange(heads.shape[1]) < sizes[short, None], heads[short], 0)
    return TileHeads(tiles, sizes, heads)


class TileStorage(ABC):
    """Reader (any ReadOnlyFS) and, over a DirectoryFS, writer of one cache's tiles."""

    storage_format: Any = None  # the StorageFormat a subclass implements
    # A whole-bundle copy appears at once (its files renamed into place, the last one completing it), so one
    # identity of the published files stands for all its tiles; exploded blocks appear tile by tile.
    publishes_whole_bundles = True

    def __init__(self, fs: ReadOnlyFS, tiles_dir: str = "_alllayers",
                 level_dir: Callable[[int], str] = default_level_dir):
        self.fs = fs
        self.tiles_dir = tiles_dir.strip("/")
        self.level_dir = level_dir
        self.durable = True  # fsync before each commit step; off only for tests and benchmarks
        self._names: dict[BundleKey, str] = {}  # bundles listed under a non-canonical (upper-case) name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fs!r}, {self.tiles_dir!r})"

    def level_path(self, level: int) -> str:
        name = self.level_dir(level)
        return f"{self.tiles_dir}/{name}" if self.tiles_dir else name

    def bundle_path(self, key: BundleKey, suffix: str = ".bundle") -> str:
        return f"{self.level_path(key.level)}/{self._names.get(key) or bundle_name(key)}{suffix}"

    def levels(self) -> list[int]:
        """Levels whose folder exists (folder names as ``level_dir`` spells them)."""
        found = set()
        for name in self.fs.listdir(self.tiles_dir):
            match = _LEVEL.match(name)
            if match and self.level_dir(int(match.group(1))) == name:
                found.add(int(match.group(1)))
        return sorted(found)

    def bundles(self, level: int) -> list[BundleKey]:
        """Bundles present at a level, from file names only."""
        names = set(self.fs.listdir(self.level_path(level)))
        keys = set()
        for name in names:
            match = _BUNDLE.match(name)
            if match and self._listed_bundle_complete(name, names):
                row0, col0 = int(match.group(1), 16), int(match.group(2), 16)
                key = BundleKey(level, row0, col0)
                if row0 % BUNDLE_SIZE == 0 and col0 % BUNDLE_SIZE == 0:
                    keys.add(key)
                    if name[:-7] != bundle_name(key):
                        self._names[key] = name[:-7]
        return sorted(keys)

    def _listed_bundle_complete(self, name: str, names: set[str]) -> bool:
        return True

    def bundle_exists(self, key: BundleKey) -> bool:
        return self.fs.exists(self.bundle_path(key))

    def read_bundle(self, key: BundleKey) -> dict[tuple[int, int], bytes]:
        """Every tile of a bundle, (row, col) → bytes; the index is read once, records in file order."""
        return dict(self.iter_bundle(key))

    @abstractmethod
    def iter_bundle(self, key: BundleKey) -> Iterator[tuple[tuple[int, int], bytes]]:
        """Like read_bundle, streaming: memory stays at one read chunk whatever the bundle size."""

    def tile_heads(self, key: BundleKey, length: int = HEAD_LENGTH) -> TileHeads:
        """The first ``length`` bytes and the size of every tile, checked as ``iter_bundle`` checks them."""
        return self.stream(key, length)

    @abstractmethod
    def stream(self, key: BundleKey, length: int, copy: FileSink | None = None) -> TileHeads:
        """Read the bundle once for ``tile_heads``; with ``copy``, write each of its files there too."""

    @abstractmethod
    def bundle_tiles(self, key: BundleKey) -> list[tuple[int, int]]:
        """(row, col) of the tiles present, from the index alone (no tile bytes read)."""

    def bundle_positions(self, key: BundleKey) -> np.ndarray:
        """``bundle_tiles`` as an (n, 2) int64 array: what planning reads for every bundle of a level."""
        return np.asarray(self.bundle_tiles(key), np.int64).reshape(-1, 2)

    @abstractmethod
    def will_read_indexes(self, keys: list[BundleKey]) -> None:
        """A hint before ``bundle_positions`` is asked for each of ``keys`` in turn (layouts with an index
        per bundle pass it to the file view: ``ReadOnlyFS.will_read``)."""

    @abstractmethod
    def get_tile(self, level: int, row: int, col: int) -> bytes | None:
        """One tile's bytes, None when it is missing."""

    @abstractmethod
    def bundle_files(self, key: BundleKey) -> list[str]:
        """Relative paths making up a bundle, in the order a whole-file copy must publish them."""

    @abstractmethod
    def writer(self, key: BundleKey) -> BundleWriter:
        """The batch writer of a bundle (writable storages only: see ``real_file``)."""

    # --- writing helpers shared by the layouts -----------------------------------------------------
    def real_file(self, relpath: str) -> Path:
        """The real path behind ``relpath``; writing needs a plain folder."""
        if not isinstance(self.fs, DirectoryFS):
            raise StorageError(f"{self.fs.describe(relpath)}: cannot write here, only into a cache folder")
        return self.fs.path(relpath)

    def bookkeeping_file(self, relpath: str) -> Path:
        """A file of the plugin's own bookkeeping, in the hidden folder beside conf.xml (see locks.py)."""
        return self.real_file(f"{BOOKKEEPING_FOLDER}/{relpath}")

    def lock(self, key: BundleKey) -> BundleLock:
        """The cross-process lock of a bundle (``.map_server_cache/locks/L05/R0000C0080.lock``, never
        deleted); taking it retires the lock file an earlier version kept beside the bundle."""
        legacy = {self.bundle_path(key, ".lock"), f"{self.level_path(key.level)}/{bundle_name(key)}.lock"}
        path = f"locks/{self.level_dir(key.level)}/{bundle_name(key)}.lock"
        return BundleLock(self.bookkeeping_file(path), [self.real_file(old) for old in sorted(legacy)])

    @abstractmethod
    def recover(self, key: BundleKey) -> None:
        """Finish a commit a crash interrupted (redo a leftover intent file); call with the lock held."""

    @abstractmethod
    def refresh(self, key: BundleKey) -> None:
        """Forget what this object remembers of the bundle's files (exploded: folder listings), so the
        next look is at the disk; writers and copy_bundle call it with the lock held."""


class BundleWriter(ABC):
    """Batch writer of one bundle: ``with storage.writer(key) as w: w.get(r, c); w.put(r, c, data)``.

    A writer's state is built in ``__init__``; ``__enter__`` takes the bundle's lock and reads the bundle,
    ``__exit__`` commits (or, on an exception, undoes what it can) and releases the lock."""

    def __init__(self, storage: TileStorage, key: BundleKey):
        self.storage = storage
        self.key = key
        self._lock = storage.lock(key)

    @abstractmethod
    def __enter__(self) -> BundleWriter:
        """Take the bundle's lock, finish what a crashed writer left (``recover``) and read the bundle."""

    @abstractmethod
    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Commit unless an exception is raised, then release the lock."""

    @abstractmethod
    def get(self, row: int, col: int) -> bytes | None:
        """The tile as this batch would leave it: pending bytes, else the committed ones, else None."""

    @abstractmethod
    def put(self, row: int, col: int, data: bytes, ext: str | None = None) -> None:
        """Store a tile; ``ext`` ("png"/"jpg") chooses the file name in exploded caches (MIXED)."""

    @abstractmethod
    def delete(self, row: int, col: int) -> None:
        """Remove a tile (a missing one: nothing happens). Compact: its index entry is emptied at the next
        commit, its record becomes dead space; exploded: its file goes at once, then an emptied row folder."""

    @abstractmethod
    def commit(self) -> None:
        """Make every pending tile visible at once; ``__exit__`` commits unless an exception is raised."""

    def check_position(self, row: int, col: int) -> None:
        key = self.key
        if not (key.row0 <= row < key.row0 + BUNDLE_SIZE and key.col0 <= col < key.col0 + BUNDLE_SIZE):
            raise ValueError(f"tile row {row}, column {col} is outside bundle {key}")

    def check_tile(self, row: int, col: int, data: object) -> None:
        key = self.key
        self.check_position(row, col)
        if not isinstance(data, (bytes, bytearray, memoryview)) or not len(data):
            raise ValueError(f"tile L{key.level} row {row} column {col}: tile data must be non-empty bytes")
        if len(data) > MAX_TILE_SIZE:
            raise ValueError(f"tile L{key.level} row {row} column {col}: {len(data)} bytes, "
                             f"more than the {MAX_TILE_SIZE} a bundle may hold")
