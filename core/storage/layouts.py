"""Which storage class reads and writes which cache layout (exploded, compact V1, compact V2)."""

from __future__ import annotations

from ..errors import StorageError
from ..formats.fs import ReadOnlyFS
from .base import TileStorage, default_level_dir
from .compact_v1 import CompactV1Storage
from .compact_v2 import CompactV2Storage
from .exploded import ExplodedStorage


def open_storage(fs: ReadOnlyFS, scheme_or_format, tiles_dir: str = "_alllayers",
                 level_dir=default_level_dir) -> TileStorage:
    """The storage for a StorageFormat, or for a tiling scheme's ``storage_format``."""
    storage_format = getattr(scheme_or_format, "storage_format", scheme_or_format)
    value = getattr(storage_format, "value", storage_format)
    for cls in (ExplodedStorage, CompactV1Storage, CompactV2Storage):
        if cls.storage_format.value == value:
            return cls(fs, tiles_dir, level_dir)
    raise StorageError(f"{fs.describe(tiles_dir)}: unknown cache storage format {value!r}")
