"""Package a finished cache folder as a tile package: ``.tpk`` (compact V1) or ``.tpkx`` (compact V2).

Tiles are never written here: a caller first fills a cache folder through the engine's writers (an export
stages one; Create Map Tile Package will draw into one), then this module lays that folder out as the
package and zips it, every entry STORED (readers seek into bundles in place), into a temporary file renamed
over the destination (``atomic.replace_file``): a reader sees the old package or the new one, and a failure
or cancel leaves nothing half-written.

- .tpk, as ArcGIS 10.3 writes it: ``esriinfo/item.pkinfo``, ``iteminfo.xml``, ``thumbnail/thumbnail.png``,
  ``servicedescriptions/mapserver/mapserver.json``, ``v101/<data frame>/conf.xml``, ``conf.cdi``,
  ``conf.properties``, ``_alllayers/L##/R####C####.bundle`` and ``.bundlx`` (not ArcMap's ``.lyr`` files).
- .tpkx, per Esri's open tile-package specification: ``root.json``, ``iteminfo.json``, ``thumbnail.png``,
  ``tile/L##/R####C####.bundle``.
"""

from __future__ import annotations

import enum
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..atomic import replace_file
from ..errors import ImportCancelled, PackageError
from ..formats.root_json_write import root_json
from ..scheme import StorageFormat
from ..sources.dataset import find_dataframe_folder, open_folder
from .iteminfo import (
    ItemInfo,
    conf_properties,
    item_pkinfo,
    iteminfo_json,
    iteminfo_xml,
    service_description_json,
)
from .thumbnail import thumbnail_png

_LEVEL = re.compile(r"^L\d+$", re.IGNORECASE)
_BUNDLE = re.compile(r"^R[0-9a-f]+C[0-9a-f]+\.(bundle|bundlx)$", re.IGNORECASE)
_COPY_CHUNK = 4 * 1024 * 1024


class PackageKind(enum.Enum):
    """A package type and the storage format its tiles must be in."""

    TPK = ("tpk", StorageFormat.COMPACT)
    TPKX = ("tpkx", StorageFormat.COMPACT_V2)

    @property
    def suffix(self) -> str:
        return "." + self.value[0]

    @property
    def storage_format(self) -> StorageFormat:
        return self.value[1]

    @classmethod
    def for_storage(cls, storage_format: StorageFormat) -> PackageKind:
        """The package of a storage format; an exploded package does not exist (ArcGIS refuses it too)."""
        for kind in cls:
            if kind.storage_format is storage_format:
                return kind
        raise PackageError("a tile package holds compact bundles: choose COMPACT (.tpk) or COMPACT_V2 "
                           "(.tpkx), not EXPLODED")


Entry = tuple[str, "bytes | Path"]


def write_package(cache_folder: Path, destination: Path, item: ItemInfo,
                  is_cancelled: Callable[[], bool] = lambda: False) -> Path:
    """Zip the cache folder as the package its storage format calls for; returns ``destination``."""
    folder = find_dataframe_folder(cache_folder)
    with open_folder(folder) as cache:
        kind = PackageKind.for_storage(cache.scheme.storage_format)
        if destination.suffix.lower() != kind.suffix:
            raise PackageError(f"{destination}: a {cache.scheme.storage_format.name} cache makes a "
                               f"{kind.suffix} package")
        bundles = list(_bundle_files(folder / "_alllayers"))
        levels = {int(level[1:]) for level, _ in bundles}
        thumbnail = thumbnail_png(cache)
        if kind is PackageKind.TPKX:
            entries: list[Entry] = [
                ("root.json", root_json(cache.scheme, cache.extent, item.name, levels)),
                ("iteminfo.json", iteminfo_json(item)), ("thumbnail.png", thumbnail)]
            entries += [(f"tile/{level}/{path.name}", path) for level, path in bundles
                        if path.suffix.lower() == ".bundle"]
        else:
            root = f"v101/{folder.name}"
            entries = [("esriinfo/item.pkinfo", item_pkinfo(item)),
                       ("esriinfo/iteminfo.xml", iteminfo_xml(item)),
                       ("esriinfo/thumbnail/thumbnail.png", thumbnail),
                       ("servicedescriptions/mapserver/mapserver.json", service_description_json(item))]
            entries += [(f"{root}/{file.name}", file) for file in sorted(folder.iterdir())
                        if file.name.lower() in ("conf.xml", "conf.cdi")]
            entries.append((f"{root}/conf.properties", conf_properties()))
            entries += [(f"{root}/_alllayers/{level}/{path.name}", path) for level, path in bundles]
    try:
        replace_file(destination, lambda fp: _zip(fp, entries, is_cancelled))
    except OSError as error:
        raise PackageError(f"{destination}: cannot write the tile package ({error.strerror or error})"
                           ) from None
    return destination


def _bundle_files(alllayers: Path) -> Iterator[tuple[str, Path]]:
    """(level folder name, file) of every bundle file, levels and names in order; nothing else (locks,
    temporary files and bookkeeping are left out)."""
    if not alllayers.is_dir():
        return
    for level in sorted(alllayers.iterdir(), key=lambda p: p.name):
        if level.is_dir() and _LEVEL.match(level.name):
            for file in sorted(level.iterdir(), key=lambda p: p.name):
                if file.is_file() and _BUNDLE.match(file.name):
                    yield f"L{int(level.name[1:]):02d}", file


def _zip(fp: BinaryIO, entries: list[Entry], is_cancelled: Callable[[], bool]) -> None:
    with zipfile.ZipFile(fp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, content in entries:
            if is_cancelled():
                raise ImportCancelled("cancelled while writing the tile package")
            if isinstance(content, Path):
                info = zipfile.ZipInfo.from_file(content, name)
                info.compress_type = zipfile.ZIP_STORED
                with open(content, "rb") as source, archive.open(info, "w") as target:
                    while chunk := source.read(_COPY_CHUNK):
                        target.write(chunk)
            else:
                info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, content)
