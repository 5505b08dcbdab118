"""An opened cache (CacheDataset) and the cache folders on disk: the data-frame folder holding conf.xml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import SchemeError
from ..formats.conf import find_conf_xml, read_conf_cdi, read_conf_xml
from ..formats.fs import DirectoryFS, ReadOnlyFS
from ..scheme import LOD, Extent, TilingScheme
from ..storage.base import TileStorage
from ..storage.layouts import open_storage


@dataclass
class CacheDataset:
    """An opened cache: its scheme, the extent of its data and a reader of its tiles. Close when done."""

    root: str                   # for messages: a folder, "/x/a.tpk!v101/Layers" or "/x/a.tpkx"
    scheme: TilingScheme
    extent: Extent | None       # conf.cdi / root.json fullExtent; None when the source has none
    storage: TileStorage
    fs: ReadOnlyFS

    def level_of(self, lod: LOD) -> int:
        """Number of the level folder (L##) holding a LOD's tiles: its LevelID, absolute in a .tpkx."""
        return lod.level

    def close(self) -> None:
        self.fs.close()

    def __enter__(self) -> CacheDataset:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def has_conf_xml(folder: Path) -> bool:
    try:
        find_conf_xml(folder)
    except SchemeError:
        return False
    return True


def find_dataframe_folder(path) -> Path:
    """The data-frame folder holding conf.xml: ``path`` itself or the one such folder directly inside it."""
    path = Path(path)
    if not path.is_dir():
        raise SchemeError(f"{path}: not a folder")
    if has_conf_xml(path):
        return path
    try:
        inside = sorted(child for child in path.iterdir() if child.is_dir() and has_conf_xml(child))
    except OSError as error:
        raise SchemeError(f"{path}: cannot list folder ({error.strerror or error})") from None
    if not inside:
        raise SchemeError(f"{path}: no conf.xml here nor in a data-frame folder directly inside")
    if len(inside) > 1:
        names = ", ".join(child.name for child in inside)
        raise SchemeError(f"{path}: several data-frame folders with a conf.xml ({names}); choose one")
    return inside[0]


def open_folder(path) -> CacheDataset:
    """A cache dataset folder (data frame, or service folder with one data frame inside)."""
    folder = find_dataframe_folder(path)
    scheme = read_conf_xml(find_conf_xml(folder))
    extent = read_conf_cdi(folder / "conf.cdi")
    fs = DirectoryFS(folder)
    try:
        storage = open_storage(fs, scheme)
    except BaseException:
        fs.close()
        raise
    return CacheDataset(root=str(folder), scheme=scheme, extent=extent, storage=storage, fs=fs)
