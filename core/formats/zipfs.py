"""ZipFS: a read-only file view over the entries of a zip, read in place, no extraction.

Tile packages are zips whose entries are normally STORED, so a bundle inside is a plain byte range of the
package: ``ZipFS.open`` returns a seekable file over that range and the bundle readers seek in it as in any
file. DEFLATEd entries (repackaged tpks) are inflated once, on first use, into a private temporary folder
that ``close()`` removes (failing that, garbage collection or the end of the process): memory stays bounded
whatever the entry size, and neither the index-then-tiles reads of a bundle nor copy threads reading at once
inflate an entry twice.

The entries come from a checked index of the central directory (``zipindex``).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import threading
import zipfile
import zlib
from multiprocessing import util as multiprocessing_util
from pathlib import Path

from ..errors import PackageError
from .fs import ReadOnlyFS
from .zipindex import ZipIndex

_COPY_CHUNK = 1 << 20


class _EntryFile(io.RawIOBase):
    """Read-only, seekable view of the byte range [start, start + size) of a file."""

    def __init__(self, file, start: int, size: int, name: str):
        super().__init__()
        self._file = file
        self._start = start
        self._size = size
        self._pos = 0
        self.name = name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError(f"{self.name}: negative seek position {base + offset}")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def byte_range(self) -> tuple[int, int, int]:
        """(descriptor, offset, size) of the entry's bytes in the package file, so that whole-bundle copies
        go through the kernel (``bundlecopy``)."""
        return self._file.fileno(), self._start, self._size

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError(f"{self.name}: read from a closed file")
        left = self._size - self._pos
        if size is None or size < 0 or size > left:
            size = max(left, 0)
        if size == 0:
            return b""
        self._file.seek(self._start + self._pos)
        data = self._file.read(size)
        self._pos += len(data)
        return data

    def readall(self) -> bytes:
        return self.read()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


class ZipFS(ReadOnlyFS):
    """ReadOnlyFS over the entries under ``prefix`` of a zip; STORED entries are read in place by offset.

    Views of one zip may share its checked directory: ``ZipFS(path, prefix, other.index)``.
    """

    def __init__(self, zip_path, prefix: str = "", index: ZipIndex | None = None):
        self.zip_path = Path(zip_path)
        self.prefix = prefix.strip("/")
        self.index = index or ZipIndex(self.zip_path)
        self._inflated: dict[str, Path] = {}
        self._inflating: dict[str, tuple[threading.Lock, Path]] = {}   # entry → its lock and target file
        self._lock = threading.Lock()                                  # guards the temp folder and both dicts
        self._temp: Path | None = None
        self._remove_temp: multiprocessing_util.Finalize | None = None

    @property
    def junk(self) -> list[str]:
        """Entries skipped as operating-system clutter (.DS_Store, __MACOSX/), for reports."""
        return list(self.index.junk)

    def __reduce__(self):
        return ZipFS, (self.zip_path, self.prefix)

    def _full(self, relpath: str) -> str:
        rel = relpath.strip("/")
        if rel in ("", "."):
            return self.prefix
        if ".." in rel.split("/"):
            raise ValueError(f"{self.describe('')}: '..' in path {relpath!r}")
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def _entry(self, relpath: str) -> tuple[str, zipfile.ZipInfo]:
        full = self._full(relpath)
        entry = self.index.files.get(full)
        if entry is None:
            raise FileNotFoundError(f"{self.zip_path}!{full}: no such entry in the package")
        if entry.flag_bits & 0x1:
            raise PackageError(f"{self.zip_path}!{full}: entry is encrypted")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageError(f"{self.zip_path}!{full}: compression method {entry.compress_type} is not "
                               "supported (only stored and deflated entries are read)")
        return full, entry

    def open(self, relpath: str):
        full, entry = self._entry(relpath)
        if entry.compress_type == zipfile.ZIP_DEFLATED:
            return open(self._inflate(full, entry), "rb")
        if entry.compress_size != entry.file_size:
            raise PackageError(f"{self.zip_path}!{full}: stored entry with compressed size "
                               f"{entry.compress_size} but size {entry.file_size}")
        fp = open(self.zip_path, "rb")
        try:
            start = self.index.data_offset(fp, full, entry)
        except BaseException:
            fp.close()
            raise
        return _EntryFile(fp, start, entry.file_size, f"{self.zip_path}!{full}")

    def exists(self, relpath: str) -> bool:
        full = self._full(relpath)
        return full in self.index.files or full in self.index.folders

    def listdir(self, relpath: str) -> list[str]:
        return sorted(self.index.folders.get(self._full(relpath), ()))

    def size(self, relpath: str) -> int:
        return self._entry(relpath)[1].file_size

    def describe(self, relpath: str) -> str:
        return f"{self.zip_path}!{self._full(relpath)}"

    def real_path(self, relpath: str) -> Path | None:
        """None for a STORED entry (only inside the zip); a DEFLATEd one is inflated to a temporary file."""
        full = self._full(relpath)
        entry = self.index.files.get(full)
        if entry is None or entry.compress_type != zipfile.ZIP_DEFLATED:
            return None
        return self._inflate(*self._entry(relpath))

    def close(self) -> None:
        with self._lock:
            if self._remove_temp is not None:
                self._remove_temp()
            self._inflated.clear()
            self._inflating.clear()
            self._temp = self._remove_temp = None

    def _inflate(self, full: str, entry: zipfile.ZipInfo) -> Path:
        """Inflate a DEFLATEd entry once into the private temp folder, checking size and CRC.

        Copy threads may ask at once: the folder is made once, and each entry has its own lock, so one thread
        inflates it while others wait for it and other entries inflate meanwhile.
        """
        with self._lock:
            if full in self._inflated:
                return self._inflated[full]
            if full not in self._inflating:
                target = self._temp_folder() / f"{len(self._inflating)}.bin"
                self._inflating[full] = (threading.Lock(), target)
            entry_lock, target = self._inflating[full]
        with entry_lock:
            if full not in self._inflated:             # else another thread inflated it while this one waited
                self._inflate_to(target, full, entry)
                with self._lock:
                    self._inflated[full] = target
        return target

    def _temp_folder(self) -> Path:
        """The private temp folder, made on first use (``_lock`` held)."""
        if self._temp is None:
            self._temp = Path(tempfile.mkdtemp(prefix="map_server_cache-"))
            # multiprocessing's Finalize (unlike weakref.finalize) also runs when a pool worker exits, and
            # only in the process that made the folder: a worker that never closes its source leaves nothing.
            self._remove_temp = multiprocessing_util.Finalize(self, shutil.rmtree, (str(self._temp), True),
                                                              exitpriority=0)
        return self._temp

    def _inflate_to(self, target: Path, full: str, entry: zipfile.ZipInfo) -> None:
        """Inflate the entry into ``target``; a failure leaves no file behind."""
        where = f"{self.zip_path}!{full}"
        if entry.file_size > shutil.disk_usage(target.parent).free:
            raise PackageError(f"{where}: inflating needs {entry.file_size} bytes, "
                               f"more than is free in {target.parent}")
        try:
            with open(self.zip_path, "rb") as fp, open(target, "wb") as out:
                fp.seek(self.index.data_offset(fp, full, entry))
                _inflate_stream(fp, out, entry, where)
        except (zlib.error, OSError) as exc:
            target.unlink(missing_ok=True)
            if isinstance(exc, PackageError):
                raise
            raise PackageError(f"{where}: cannot inflate ({exc})") from exc


def _inflate_stream(fp, out, entry: zipfile.ZipInfo, where: str) -> None:
    """Raw-deflate ``entry.compress_size`` bytes from fp into out, never past the declared size."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, pending, written, crc = entry.compress_size, b"", 0, 0
    while not inflater.eof:
        if not pending and left:
            pending = fp.read(min(_COPY_CHUNK, left))
            if not pending:
                raise PackageError(f"{where}: deflate data cut short by the end of the package")
            left -= len(pending)
        data = inflater.decompress(pending, _COPY_CHUNK)
        pending = inflater.unconsumed_tail
        if not data and not pending and not left:
            break
        written += len(data)
        if written > entry.file_size:
            raise PackageError(f"{where}: inflates past its declared size of {entry.file_size} bytes")
        crc = zlib.crc32(data, crc)
        out.write(data)
    if not inflater.eof or written != entry.file_size or crc != entry.CRC:
        raise PackageError(f"{where}: damaged deflate data (size {written} of {entry.file_size}, "
                           f"CRC {crc:08x}, expected {entry.CRC:08x})")
