"""Replacing a file so that readers see the old one or the new one, never half of either: the one place
that writes a temporary file, syncs it and renames it over the destination.

Every temporary file is ``.<name>.tmp`` beside its destination ``<name>`` (``temporary_path``): hidden,
on the same file system (so the rename is atomic), and a fixed name, so that the next writer, holding the
same lock, overwrites or removes what a killed one left (``is_temporary`` recognises them all).
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMPORARY_SUFFIX = ".tmp"
_WINDOWS_RETRY_SECONDS = 0.05
_PUBLISH_ATTEMPTS = 200  # ten seconds of a reader holding the old file open on Windows


def temporary_path(destination: str | os.PathLike) -> Path:
    """Where the next version of ``destination`` is written before it is renamed into place."""
    destination = Path(destination)
    return destination.with_name(f".{destination.name}{TEMPORARY_SUFFIX}")


def is_temporary(name: str) -> bool:
    """True for a name ``temporary_path`` gives."""
    return name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)


def publish(temporary: str | os.PathLike, destination: str | os.PathLike) -> None:
    """Rename a finished temporary file over ``destination`` (atomic for readers).

    Windows refuses to replace a file another process has open; readers hold files only briefly, so the
    rename is retried for a while there.
    """
    for attempt in range(_PUBLISH_ATTEMPTS):
        try:
            os.replace(temporary, destination)
            return
        except PermissionError:
            if os.name != "nt" or attempt == _PUBLISH_ATTEMPTS - 1:
                raise
            time.sleep(_WINDOWS_RETRY_SECONDS)


def replace_file(destination: str | os.PathLike, content: bytes | Callable[[BinaryIO], object],
                 durable: bool = True, before_publish: Callable[[], object] | None = None) -> None:
    """Write ``content`` (bytes, or a function writing to the open file) to ``temporary_path(destination)``,
    sync it when ``durable``, and rename it over ``destination``. On failure the temporary file is removed
    and ``destination`` is left as it was. Callers serialise writers of one destination (a lock, or a fresh
    folder): the temporary name is fixed. ``before_publish`` runs once the temporary file is complete, just
    before the rename (a caller holding ``destination`` open closes it there: Windows renames no open
    file)."""
    temporary = temporary_path(destination)
    try:
        with open(temporary, "wb") as fp:
            if callable(content):
                content(fp)
            else:
                fp.write(content)
            fp.flush()
            if durable:
                os.fsync(fp.fileno())
        if before_publish is not None:
            before_publish()
        publish(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def sync_folder(folder: str | os.PathLike) -> None:
    """Make a folder's entries (files created or renamed in it) durable; nothing to do on Windows."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(first: str | os.PathLike, second: str | os.PathLike) -> bool:
    """Swap two existing paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``): a reader of either path
    sees the old entry or the new one, never none. False where the system or file system cannot do it
    (other systems, old kernels, some network file systems); the caller then falls back to two renames."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), os.fspath(first), None, os.fspath(second))
