"""The checked index of a zip's entries: what ZipFS serves, refused as a whole when any entry is unsafe.

The central directory is parsed by the standard library (it only reads the directory) after its declared size
is bounded; every entry name is checked before anything is opened, so a hostile package cannot point outside
its place, and an entry's data start is taken from its local header.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path

from ..errors import PackageError

# A real tpk needs ~90 directory bytes per entry (two entries per V1 bundle): 32 MiB hold ~350 000 entries,
# billions of tiles. zipfile keeps ~700 bytes per entry, so even a hostile directory of minimal entries
# (~700 000) stays under ~500 MB while it is parsed.
MAX_CENTRAL_DIRECTORY = 32 * 1024 * 1024
MAX_ENTRIES = 1_000_000
_JUNK_NAMES = frozenset({".DS_Store"})
_JUNK_FOLDERS = frozenset({"__MACOSX"})
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def _check_directory_size(fp, size: int, where: str) -> None:
    """Refuse, from the end-of-central-directory record, a directory too large to parse within bounds."""
    tail_size = min(size, _EOCD.size + 0xFFFF)
    fp.seek(size - tail_size)
    tail = fp.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        raise PackageError(f"{where}: not a zip file (no end-of-central-directory record)")
    _, _, _, _, entries, cd_size, _, _ = _EOCD.unpack_from(tail, at)
    locator_at = size - tail_size + at - _ZIP64_LOCATOR.size
    if locator_at >= 0:
        fp.seek(locator_at)
        sig, _, zip64_at, _ = _ZIP64_LOCATOR.unpack(fp.read(_ZIP64_LOCATOR.size))
        if sig == b"PK\x06\x07" and zip64_at + _ZIP64_EOCD.size <= size:
            fp.seek(zip64_at)
            record = _ZIP64_EOCD.unpack(fp.read(_ZIP64_EOCD.size))
            if record[0] == b"PK\x06\x06":
                entries, cd_size = record[7], record[8]
    if entries > MAX_ENTRIES or cd_size > MAX_CENTRAL_DIRECTORY:
        raise PackageError(f"{where}: zip directory too large ({entries} entries, {cd_size} bytes; "
                           f"at most {MAX_ENTRIES} entries and {MAX_CENTRAL_DIRECTORY} bytes are read)")


def _unsafe_reason(info: zipfile.ZipInfo, parts: list[str]) -> str | None:
    """Why an entry name or type is refused, None when it is a plain relative file or folder."""
    name = info.orig_filename
    if not name:
        return "an empty name"
    if "\x00" in name:
        return "a NUL byte in its name"
    if "\\" in name:
        return "a backslash in its name"
    if name.startswith("/"):
        return "an absolute path"
    if ":" in name:
        return "a ':' in its name (drive letter or stream)"
    if ".." in parts:
        return "a '..' component"
    if "" in parts or "." in parts:
        return "an empty or '.' component"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    return None


class ZipIndex:
    """The checked entries of one zip: files by name and the folder tree implied by them."""

    def __init__(self, zip_path: Path):
        self.path = zip_path
        where = str(zip_path)
        try:
            self.size = zip_path.stat().st_size
            with open(zip_path, "rb") as fp:
                _check_directory_size(fp, self.size, where)
                with zipfile.ZipFile(fp) as archive:
                    infos = archive.infolist()
        except PackageError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, IndexError,
                struct.error, NotImplementedError, OverflowError) as exc:
            raise PackageError(f"{where}: not a readable zip file ({exc})") from exc
        self.files: dict[str, zipfile.ZipInfo] = {}
        self.folders: dict[str, set[str]] = {"": set()}
        self.junk: list[str] = []
        for info in infos:
            self._add(info, where)

    def _add(self, info: zipfile.ZipInfo, where: str) -> None:
        name = info.filename.rstrip("/")
        parts = name.split("/")
        reason = _unsafe_reason(info, parts)
        if reason:
            raise PackageError(f"{where}: entry {info.orig_filename!r} refused: {reason}")
        if parts[0] in _JUNK_FOLDERS or parts[-1] in _JUNK_NAMES:
            self.junk.append(info.filename)
            return
        is_dir = info.filename.endswith("/")
        if name in self.files or (name in self.folders and not is_dir):
            raise PackageError(f"{where}: entry {name!r} appears twice or as both file and folder")
        if is_dir:
            self.folders.setdefault(name, set())
        elif not 0 <= info.header_offset <= self.size - _LOCAL_HEADER.size or info.compress_size > self.size:
            raise PackageError(f"{where}: entry {name!r} lies outside the package ({info.compress_size} "
                               f"bytes at offset {info.header_offset}; package {self.size} bytes)")
        else:
            self.files[name] = info
        parent, _, leaf = name.rpartition("/")
        while True:  # register the folders above, up to the first one already known
            if parent in self.files:
                raise PackageError(f"{where}: entry {name!r} lies under {parent!r}, which is a file")
            children = self.folders.setdefault(parent, set())
            if leaf in children or not parent:
                children.add(leaf)
                break
            children.add(leaf)
            parent, _, leaf = parent.rpartition("/")

    def data_offset(self, fp, name: str, entry: zipfile.ZipInfo) -> int:
        """Start of the entry's data, from its LOCAL header (its extra field may differ from the central)."""
        where = f"{self.path}!{name}"
        fp.seek(entry.header_offset)
        header = fp.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise PackageError(f"{where}: no local file header at offset {entry.header_offset}")
        name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
        raw_name = entry.orig_filename.encode("utf-8" if entry.flag_bits & 0x800 else "cp437")
        if fp.read(name_length) != raw_name:
            raise PackageError(f"{where}: local header names another file")
        start = entry.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        if start + entry.compress_size > self.size:
            raise PackageError(f"{where}: entry data runs past the end of the package ({self.size} bytes)")
        return start
