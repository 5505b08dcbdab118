"""UPLOAD_DATA: copy the source next to the target first and import from the copy; always clean up.

The tool copies a source cache into the server's uploads folder when asked to, and a tile package always.
Staged copies live in a fresh folder ``<server root>/arcgissystem/arcgisuploads/<unique>`` when the target
sits in a server directories root, else in a hidden temporary folder beside the target's service folder (same
disk as the target, so the copy does not fill a small /tmp). ``staged()`` removes that folder on success,
failure and cancel alike. An export's COPY_DATA writes its result in ``arcgissystem/arcgisoutput`` the same
way (``scratch_folder`` under ``staging_root(..., OUTPUTS_SUBFOLDER)``) before copying it to its target.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Callable

from ..atomic import TEMPORARY_SUFFIX
from ..errors import CacheError, ImportCancelled
from ..sources.dataset import find_dataframe_folder
from ..sources.services import server_root_for
from ..storage.locks import BOOKKEEPING_FOLDER

UPLOADS_SUBFOLDER = Path("arcgissystem") / "arcgisuploads"
OUTPUTS_SUBFOLDER = Path("arcgissystem") / "arcgisoutput"
STAGING_PREFIX = "import_map_server_cache_"
# What a cache folder holds that an import never reads: ArcGIS's status table, the plugin's bookkeeping
# (and the lock files and journals of earlier versions) and temporary files.
_SKIPPED_NAMES = frozenset({"status.gdb", BOOKKEEPING_FOLDER, ".import-journal"})
_SKIPPED_SUFFIXES = (".lock", TEMPORARY_SUFFIX)
_COPY_CHUNK = 8 * 1024 * 1024


def staging_root(target_dataframe: Path, uploads_dir: Path | None = None,
                 subfolder: Path = UPLOADS_SUBFOLDER) -> Path:
    """Where staged copies go: uploads_dir, the server's uploads (or other ``subfolder``) folder, or beside
    the service folder."""
    if uploads_dir is not None:
        return Path(uploads_dir)
    server_root = server_root_for(target_dataframe)
    if server_root is not None:
        return server_root / subfolder
    return Path(os.path.abspath(target_dataframe)).parent.parent


@contextlib.contextmanager
def scratch_folder(root: Path, prefix: str = STAGING_PREFIX) -> Iterator[Path]:
    """A fresh folder under ``root`` (created when missing), removed when the block ends however it ends."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    except OSError as error:
        raise CacheError(f"{root}: cannot create a staging folder ({error.strerror or error})") from None
    try:
        yield folder
    finally:
        remove_tree(folder)


@contextlib.contextmanager
def staged(source: Path, target_dataframe: Path, uploads_dir: Path | None = None,
           is_cancelled: Callable[[], bool] = lambda: False,
           message: Callable[[str], None] = lambda text: None,
           level_folders: Collection[str] | None = None) -> Iterator[Path]:
    """Copy ``source`` (a cache folder or a package file) into a fresh staging folder; yield the copy.

    A package is copied as its one file; a cache folder as its data-frame folder: conf files and the
    ``_alllayers`` level folders named in ``level_folders`` (all when None), without Status.gdb or lock
    files. The staging folder is removed when the block ends, however it ends. Cancelling during the copy
    raises ImportCancelled.
    """
    source = Path(source)
    with scratch_folder(staging_root(target_dataframe, uploads_dir)) as folder:
        message(f"Uploading {source} to {folder}")
        if source.is_dir():
            dataframe = find_dataframe_folder(source)
            copy = folder / dataframe.name
            wanted = None if level_folders is None else {name.lower() for name in level_folders}
            _copy_tree(dataframe, copy, is_cancelled, wanted)
        else:
            copy = folder / source.name
            _copy_file(source, copy, is_cancelled)
        yield copy


def copy_cache_folder(source: Path, destination: Path, is_cancelled: Callable[[], bool]) -> None:
    """Copy a cache folder to a new ``destination`` without bookkeeping, lock or temporary files."""
    _copy_tree(source, destination, is_cancelled)


def copy_file(source: Path, destination: Path, is_cancelled: Callable[[], bool]) -> None:
    """Copy one file in chunks, honouring a cancel between chunks."""
    _copy_file(source, destination, is_cancelled)


def _copy_tree(source: Path, destination: Path, is_cancelled, level_folders=None, only=None) -> None:
    """Copy a folder; ``only`` limits which subfolders are copied, ``level_folders`` those of _alllayers."""
    destination.mkdir()
    with os.scandir(source) as entries:
        for entry in entries:
            name = entry.name.lower()
            if name in _SKIPPED_NAMES or name.endswith(_SKIPPED_SUFFIXES):
                continue
            if entry.is_dir(follow_symlinks=False):
                if name == "_alllayers":
                    _copy_tree(Path(entry.path), destination / entry.name, is_cancelled, only=level_folders)
                elif only is None or name in only:
                    _copy_tree(Path(entry.path), destination / entry.name, is_cancelled)
            elif entry.is_file(follow_symlinks=False):
                _copy_file(Path(entry.path), destination / entry.name, is_cancelled)


def _copy_file(source: Path, destination: Path, is_cancelled) -> None:
    """Copy in chunks so a cancel is noticed within one chunk even for a package of many gigabytes."""
    if is_cancelled():
        raise ImportCancelled("import cancelled while uploading the source")
    try:
        with open(source, "rb") as src, open(destination, "wb") as dst:
            while True:
                chunk = src.read(_COPY_CHUNK)
                if not chunk:
                    break
                dst.write(chunk)
                if is_cancelled():
                    raise ImportCancelled("import cancelled while uploading the source")
    except OSError as error:
        raise CacheError(f"cannot copy {source} to {destination} for the upload "
                         f"({error.strerror or error})") from None


def remove_tree(folder: Path) -> None:
    """Remove a staging folder; read-only files (copied from read-only media, Windows) are made writable."""
    def make_writable_and_retry(function, path, _info):
        os.chmod(path, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
        function(path)

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=make_writable_and_retry)
    else:
        shutil.rmtree(folder, onerror=make_writable_and_retry)
