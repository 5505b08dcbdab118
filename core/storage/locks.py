"""One writer per bundle at a time across processes, and publishing a finished file atomically.

A bundle is locked through a sidecar file beside it (``R0000C0000.lock``) with ``fcntl.lockf`` on POSIX and
``msvcrt.locking`` on Windows. The lock file is never deleted: removing it would let a process that opened
the old file before the unlink hold a lock on an orphan inode while a newcomer locks a fresh file, so two
writers would run at once (the race MapProxy's remove-on-unlock lock accepts). Empty lock files are the
price; readers and bundle listings ignore them.

``lockf`` locks belong to a process, so threads of one process are serialised by an in-process lock per path.

The intent file that makes a compact writer's commit atomic is in compact.py.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()
_WINDOWS_RETRY_SECONDS = 0.05
_PUBLISH_ATTEMPTS = 200  # ten seconds of a reader holding the old file open on Windows


def _thread_lock(path: str) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(path, threading.Lock())


class BundleLock:
    """Exclusive lock on ``path`` (the sidecar lock file), held between ``acquire`` and ``release``."""

    def __init__(self, path):
        self.path = Path(path)
        self._fd: int | None = None
        self._thread_lock = _thread_lock(os.path.abspath(self.path))

    def acquire(self) -> None:
        self._thread_lock.acquire()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                _lock_fd(fd)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock_fd(fd)
        finally:
            os.close(fd)
            self._thread_lock.release()

    def __enter__(self) -> BundleLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _lock_fd(fd: int) -> None:
    if fcntl is not None:
        fcntl.lockf(fd, fcntl.LOCK_EX)
        return
    while True:  # LK_LOCK gives up after ten seconds; wait as long as the other writer needs
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return
        except OSError:
            time.sleep(_WINDOWS_RETRY_SECONDS)


def _unlock_fd(fd: int) -> None:
    if fcntl is not None:
        fcntl.lockf(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def publish(temporary, destination) -> None:
    """Rename a finished temporary file over ``destination`` (atomic for readers).

    Windows refuses to replace a file another process has open; readers hold bundle files only briefly,
    so the rename is retried for a while there.
    """
    for attempt in range(_PUBLISH_ATTEMPTS):
        try:
            os.replace(temporary, destination)
            return
        except PermissionError:
            if os.name != "nt" or attempt == _PUBLISH_ATTEMPTS - 1:
                raise
            time.sleep(_WINDOWS_RETRY_SECONDS)
