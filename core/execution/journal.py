"""Import journals: which MERGE tiles an interrupted import already committed, so that running it again does
not blend their semi-transparent pixels a second time.

OVERWRITE and raw copies are idempotent, a MERGE is not: its result depends on what the target held. So, per
target bundle, a MERGE appends one line per tile whose result depends on the target (blended, clipped, or
copied where the target had no tile) to
``<target>/.map_server_cache/journals/<import id>/L05-R0000C0080.journal`` (the plugin's bookkeeping folder):
``row col outcome digest-of-the-new-bytes``. The lines are written (and fsynced where the storage is durable)
before the batch holding those tiles commits. On a run with the same import id, a tile listed there whose
current bytes have the listed digest is done; any other tile (its batch never committed, or another import
changed it since) is composed again. A line torn by a crash mid-append is ignored.

A MERGE's whole-bundle copies into a compact target are journaled once per import instead: before any unit
runs, the target bundles planned as copies (the target had none there) are listed in the import folder's
``whole-copies`` file (``record_whole_copies``, one fsync). A run again finds such a bundle done when the
target's files are byte for byte the source bundle's (``bundlecopy.same_bundle_files``); otherwise (not
published yet, or changed since) it composes it as usual. Earlier versions wrote a ``whole-bundle <stamp>``
line into the bundle's journal; such a line counts as a listing.

One writer per journal: the bundle's writer or copy, lock held (``whole-copies``: the engine). The engine
removes the import's folder once the whole import succeeded (a run killed during that removal counts as
complete: see ``remove_journal``); journals of other import ids are never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import threading
from pathlib import Path

from ..atomic import sync_folder
from ..scheme import StorageFormat
from ..storage.base import BundleKey, bundle_name
from ..storage.locks import BOOKKEEPING_FOLDER
from .compose import Outcome

JOURNAL_FOLDER = f"{BOOKKEEPING_FOLDER}/journals"
WHOLE_COPIES = "whole-copies"
DIGEST_SIZE = 16
# Outcomes a journal may list: those whose bytes were written into the target.
RESUMABLE = {outcome.value: outcome for outcome in (Outcome.COPIED_RAW, Outcome.BLENDED, Outcome.CLIPPED)}
_LINE = re.compile(rb"(\d{1,9}) (\d{1,9}) ([a-z_]{1,20}) ([0-9a-f]{%d})" % (2 * DIGEST_SIZE))
_WHOLE_LINE = re.compile(rb"whole-bundle ([0-9a-f]{%d})" % (2 * DIGEST_SIZE))


def tile_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def import_id(source_path, source, levels, settings: tuple) -> str:
    """Hex name of an import: a digest of the source as found on disk (its resolved path and the size and
    mtime of the package file, or of each bundle file of the source ``levels``) and of ``settings`` (the
    other values that determine the result: target, level pairs, extent, area, mode, format)."""
    digest = hashlib.blake2b(repr(settings).encode(), digest_size=DIGEST_SIZE)
    path = Path(source_path).resolve()
    digest.update(f"\0{path}".encode())
    files = [path] if path.is_file() else [source.fs.real_path(relpath) for level in levels
                                           for key in source.storage.bundles(level)
                                           for relpath in source.storage.bundle_files(key)]
    for file in files:
        stat = file.stat()
        digest.update(f"\0{file} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def journal_folder(target_folder, import_id: str) -> Path:
    return Path(target_folder) / JOURNAL_FOLDER / import_id


def journal_path(target_folder, import_id: str, key: BundleKey) -> Path:
    return journal_folder(target_folder, import_id) / f"{_bundle_id(key)}.journal"


def read_journal(path: Path) -> dict:
    """(row, col) → (Outcome, digest) of the complete, well-formed lines of a journal ({} when absent);
    a later line for a tile wins."""
    return _parse(path)[0]


def record_whole_copies(target_folder, import_id: str, keys: list[BundleKey], durable: bool = True) -> None:
    """List ``keys``, the target bundles a MERGE is about to copy whole, before any copy is published:
    appended (a run again adds its own to those of the interrupted run) and synced, with its folders, when
    ``durable``."""
    if not keys:
        return
    with _open_appending(journal_folder(target_folder, import_id) / WHOLE_COPIES, durable) as file:
        file.write("".join(f"{_bundle_id(key)}\n" for key in keys).encode())
        file.flush()
        if durable:
            os.fsync(file.fileno())


def listed_whole_copy(target_folder, import_id: str, key: BundleKey) -> bool:
    """True when a run of this import listed ``key`` as a whole-bundle copy (``record_whole_copies``, or an
    earlier version's ``whole-bundle`` line in the bundle's journal)."""
    try:
        listed = (journal_folder(target_folder, import_id) / WHOLE_COPIES).read_bytes().split(b"\n")[:-1]
    except FileNotFoundError:
        listed = []
    return _bundle_id(key).encode() in listed or _parse(journal_path(target_folder, import_id, key))[1]


def _bundle_id(key: BundleKey) -> str:
    return f"L{key.level:02d}-{bundle_name(key)}"


def _parse(path: Path) -> tuple[dict, bool]:
    """``read_journal``'s records, and whether an earlier version's ``whole-bundle`` line is there."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, False
    records, whole = {}, False
    for line in data.split(b"\n")[:-1]:        # after the last newline: nothing, or a torn line
        match = _LINE.fullmatch(line)
        if match and match.group(3).decode() in RESUMABLE:
            records[int(match.group(1)), int(match.group(2))] = (RESUMABLE[match.group(3).decode()],
                                                                  bytes.fromhex(match.group(4).decode()))
        elif _WHOLE_LINE.fullmatch(line):
            whole = True
    return records, whole


def open_journal(target_folder, import_id: str | None, storage, key: BundleKey):
    """The journal of one target bundle; a NoJournal when ``import_id`` is None (OVERWRITE)."""
    if import_id is None:
        return NoJournal()
    # An exploded writer's put is visible at once (one file renamed into place): its lines go out one by one.
    return BundleJournal(journal_path(target_folder, import_id, key), storage.durable,
                         storage.storage_format is StorageFormat.EXPLODED)


class BundleJournal:
    """One bundle's journal: ``done`` asks about a tile, ``record`` notes one, ``flush`` (before a commit,
    and on leaving the ``with`` block without an error) makes the notes durable."""

    def __init__(self, path: Path, durable: bool = True, immediate: bool = False):
        self.path, self.durable, self.immediate = path, durable, immediate
        self.records = read_journal(path)
        self._lines: list[bytes] = []
        self._file: io.BufferedWriter | None = None

    def done(self, row: int, col: int, current: bytes | None) -> Outcome | None:
        """The outcome this import gave the tile when ``current`` (the target's bytes) is its result."""
        record = self.records.get((row, col))
        if record is None or current is None or tile_digest(current) != record[1]:
            return None
        return record[0]

    def record(self, row: int, col: int, outcome: Outcome, data: bytes) -> None:
        """Note the bytes a tile is about to get (in the target before the next commit)."""
        line = f"{row} {col} {outcome.value} {tile_digest(data).hex()}\n"
        self._lines.append(line.encode())
        if self.immediate:
            self.flush()

    def flush(self) -> None:
        if not self._lines:
            return
        if self._file is None:
            self._file = _open_appending(self.path, self.durable)
        self._file.write(b"".join(self._lines))
        self._lines.clear()
        self._file.flush()
        if self.durable:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> BundleJournal:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.flush()
        finally:
            self.close()


class NoJournal:
    """What OVERWRITE uses: idempotent, it records nothing and finds nothing done."""

    def done(self, row: int, col: int, current: bytes | None) -> None:
        return None

    def record(self, row: int, col: int, outcome: Outcome, data: bytes) -> None:
        pass

    def flush(self) -> None:
        pass

    def __enter__(self) -> NoJournal:
        return self

    def __exit__(self, *exc) -> None:
        pass


def remove_journal(target_folder, import_id: str) -> None:
    """Remove an import's journals once it succeeded, then ``journals`` when nothing else is left.

    The folder is first renamed ``<import id>.done`` in one step: a kill while its files are deleted one by
    one leaves that name, by which a run again knows the import completed (``journal_finished``) instead of
    blending again the tiles whose lines are gone."""
    folder, done = journal_folder(target_folder, import_id), _done_folder(target_folder, import_id)
    with _PARENTS_SYNCED_LOCK:
        _PARENTS_SYNCED.discard(folder)
    if folder.exists():
        if done.exists():
            shutil.rmtree(done)
        os.rename(folder, done)
    if done.exists():
        shutil.rmtree(done)
    with contextlib.suppress(OSError):
        folder.parent.rmdir()


def journal_finished(target_folder, import_id: str) -> bool:
    """True when a run of this import completed and was stopped while removing its journal."""
    return _done_folder(target_folder, import_id).exists()


def _done_folder(target_folder, import_id: str) -> Path:
    return Path(target_folder) / JOURNAL_FOLDER / f"{import_id}.done"


def _open_appending(path: Path, durable: bool) -> io.BufferedWriter:
    """A journal file opened for appending; a torn last line (no newline) is closed by one, so it stays a
    line of its own. A new file's folders are synced too (durable storage), so that a power loss cannot lose
    the file while keeping the commit that follows."""
    created = not path.exists()
    for attempt in range(3):             # another import may remove an empty journals folder meanwhile
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            file = open(path, "ab")
            break
        except FileNotFoundError:
            if attempt == 2:
                raise
    if file.tell() and _last_byte(path) != b"\n":
        file.write(b"\n")
    if created and durable:
        sync_folder(path.parent)
        _sync_parents_once(path.parent)
    return file


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as file:
        file.seek(-1, os.SEEK_END)
        return file.read(1)


# Import journal folders whose three parents this process synced: those gain an entry once per import, so
# once is enough (a whole-bundle copy makes a journal per bundle, and each fsync costs milliseconds).
# remove_journal forgets the folder, so that a run again, which creates it anew, syncs them again.
_PARENTS_SYNCED: set = set()
_PARENTS_SYNCED_LOCK = threading.Lock()


def _sync_parents_once(folder: Path) -> None:
    with _PARENTS_SYNCED_LOCK:
        if folder in _PARENTS_SYNCED:
            return
        for parent in list(folder.parents)[:3]:        # journals, .map_server_cache, the target
            sync_folder(parent)
        _PARENTS_SYNCED.add(folder)

