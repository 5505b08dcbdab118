"""Read-only file views of a cache root, so storage readers work alike on folders and on tile packages.

Paths are '/'-separated and relative to the root. ``DirectoryFS`` is a plain folder; ``ZipFS`` (in
zipfs.py) reads entries of a .tpk/.tpkx in place. Writers need real paths and use ``DirectoryFS.path``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO


class ReadOnlyFS:
    """What storage readers may use: open, exists, listdir, size, describe (for messages), real_path."""

    def open(self, relpath: str) -> BinaryIO:
        """A seekable binary file; FileNotFoundError when missing."""
        raise NotImplementedError

    def exists(self, relpath: str) -> bool:
        raise NotImplementedError

    def listdir(self, relpath: str) -> list[str]:
        """Names directly under ``relpath``; [] when it is missing or not a folder."""
        raise NotImplementedError

    def size(self, relpath: str) -> int:
        raise NotImplementedError

    def describe(self, relpath: str) -> str:
        """Where a path is, for error messages."""
        raise NotImplementedError

    def real_path(self, relpath: str) -> Path | None:
        """A plain file on disk holding exactly this entry, else None."""
        return None

    def will_read(self, relpath: str, length: int) -> None:
        """A hint: the first ``length`` bytes of ``relpath`` are read soon (nothing happens by default)."""

    def close(self) -> None:
        """Release what the view holds (nothing for a folder)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parts(relpath: str) -> list[str]:
    parts = [part for part in relpath.replace("\\", "/").split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"'..' in cache path {relpath!r}")
    return parts


class DirectoryFS(ReadOnlyFS):
    """A plain folder; the only view writers accept, since they need real files to lock and replace."""

    def __init__(self, root):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"DirectoryFS({str(self.root)!r})"

    def __reduce__(self):
        return DirectoryFS, (self.root,)

    def path(self, relpath: str) -> Path:
        """The real path of ``relpath`` under the root (which may not exist yet)."""
        return self.root.joinpath(*_parts(relpath))

    def open(self, relpath: str) -> BinaryIO:
        return open(self.path(relpath), "rb")

    def exists(self, relpath: str) -> bool:
        return self.path(relpath).exists()

    def listdir(self, relpath: str) -> list[str]:
        try:
            return os.listdir(self.path(relpath))
        except (FileNotFoundError, NotADirectoryError):
            return []

    def size(self, relpath: str) -> int:
        return self.path(relpath).stat().st_size

    def describe(self, relpath: str) -> str:
        return str(self.path(relpath))

    def real_path(self, relpath: str) -> Path | None:
        path = self.path(relpath)
        return path if path.is_file() else None

    def will_read(self, relpath: str, length: int) -> None:
        """Ask the system to start reading now (POSIX_FADV_WILLNEED): a cold disk then fetches many files'
        first bytes at once instead of one read at a time. A missing file or no fadvise: nothing."""
        if not hasattr(os, "posix_fadvise"):
            return
        try:
            fd = os.open(self.path(relpath), os.O_RDONLY)
        except OSError:
            return
        try:
            os.posix_fadvise(fd, 0, length, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)
