"""One writer per bundle at a time across processes.

The plugin keeps its bookkeeping out of the cache layout ArcGIS defines, in one hidden folder beside
conf.xml, ``.map_server_cache/`` (``BOOKKEEPING_FOLDER``): bundle locks ``locks/L05/R0000C0080.lock``, MERGE
journals ``journals/<import id>/`` and ``conf.cdi.lock``. ``_alllayers/`` holds bundle files or row folders
of tiles only.

A bundle is locked through its lock file with ``fcntl.lockf`` on POSIX and ``msvcrt.locking`` on Windows.
The lock file is never deleted: removing it would let a process that opened the old file before the unlink
hold a lock on an orphan inode while a newcomer locks a fresh file, so two writers would run at once (the
race MapProxy's remove-on-unlock lock accepts). Empty lock files are the price; they live in the hidden
folder.

Earlier versions kept each lock beside its bundle (``_alllayers/L05/R0000C0080.lock``). The next writer of
that bundle, holding the new lock, also takes the old one (so it waits for a writer of an earlier version
inside that bundle to finish), deletes it, and releases it (``retire_legacy_lock``). An earlier version
started after that creates the old file afresh and locks only it: the two versions do not exclude each
other then, so do not import into one cache with an old and a new version of the plugin at the same time.

``lockf`` locks belong to a process, so threads of one process are serialised by an in-process lock per path.

The intent file that makes a compact writer's commit atomic is in compact.py.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

BOOKKEEPING_FOLDER = ".map_server_cache"
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()
_WINDOWS_RETRY_SECONDS = 0.05


def _thread_lock(path: str) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(path, threading.Lock())


class BundleLock:
    """Exclusive lock on ``path`` (the lock file), held between ``acquire`` and ``release``; ``legacy``: where
    an earlier version kept the same lock, retired once this one is held."""

    def __init__(self, path, legacy=()):
        self.path = Path(path)
        self.legacy = [Path(old) for old in legacy]
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
        try:
            for old in self.legacy:
                retire_legacy_lock(old)
        except BaseException:
            self.release()
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



def retire_legacy_lock(path) -> None:
    """Remove a lock file an earlier version left beside a bundle; call with the bundle's new lock held.

    The old lock is taken first, so a writer of an earlier version still inside the bundle finishes before
    the file goes."""
    path = Path(path)
    if not path.exists():
        return
    legacy = BundleLock(path)
    legacy.acquire()
    try:
        if os.name != "nt":
            path.unlink(missing_ok=True)
    finally:
        legacy.release()
    if os.name == "nt":  # Windows deletes no file held open: after the release, unless another took it
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


class _SharedOrExclusive:
    """Within one process (``lockf`` does not exclude a process from itself): many shared holders or one
    exclusive one per path, for algorithms running in threads of one QGIS."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.shared = 0
        self.exclusive = False

    def acquire(self, shared: bool) -> None:
        with self.condition:
            self.condition.wait_for(lambda: not self.exclusive and (shared or not self.shared))
            if shared:
                self.shared += 1
            else:
                self.exclusive = True

    def release(self, shared: bool) -> None:
        with self.condition:
            if shared:
                self.shared -= 1
            else:
                self.exclusive = False
            self.condition.notify_all()


_CACHE_LOCKS: dict[str, _SharedOrExclusive] = {}


class CacheLock:
    """The lock of a whole cache, ``.map_server_cache/cache.lock`` in its data-frame folder: imports hold it
    shared (any number at once), a storage-format conversion exclusively, so none writes a bundle in the
    format the conversion is replacing. A conversion exchanges the data-frame folder, lock file included:
    whoever waited on the old file finds, once it holds it, that the path now names another file, and takes
    the new one instead. Windows (``msvcrt``) has no shared locks: there, shared is exclusive too."""

    def __init__(self, folder, shared: bool):
        self.path = Path(folder) / BOOKKEEPING_FOLDER / "cache.lock"
        self.shared = shared
        self._fd: int | None = None
        with _THREAD_LOCKS_GUARD:
            self._local = _CACHE_LOCKS.setdefault(os.path.abspath(self.path), _SharedOrExclusive())

    def acquire(self) -> None:
        self._local.acquire(self.shared)
        try:
            self._fd = self._lock_file()
        except BaseException:
            self._local.release(self.shared)
            raise

    def _lock_file(self) -> int:
        while True:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                if fcntl is not None and self.shared:
                    fcntl.lockf(fd, fcntl.LOCK_SH)
                else:
                    _lock_fd(fd)
                with contextlib.suppress(FileNotFoundError):
                    if os.name == "nt" or os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                        return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)   # the folder was exchanged while we waited: lock the file the path names now

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock_fd(fd)
        finally:
            os.close(fd)
            self._local.release(self.shared)

    def __enter__(self) -> CacheLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
