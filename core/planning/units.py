"""The work of an import as plain, picklable data: run-wide settings, one small unit per target bundle, and
what a unit did.

The planner makes them and any executor hands them to workers (a local process pool, or a cluster): the
settings travel once per import, the units once each, so a unit holds only what differs between bundles.
Sources and targets are named by path, so a worker on any process or machine opens them itself.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ..scheme import LOD, TilingScheme
from .selection import BUNDLE_SIZE

# Per-tile outcome codes of ``UnitResult.outcomes``: the index of an Outcome value, 0 for no source tile.
# Ordered by importance, so that a picture showing several tiles in one pixel can show the highest code; an
# import's codes come first, then those of drawing (Manage Map Server Cache Tiles), never mixed in one run.
OUTCOME_CODES = ("", "skipped_outside", "skipped_empty", "copied_raw", "blended", "clipped", "damaged",
                 "skipped_present", "drawn_empty", "deleted", "drawn")


@dataclass(frozen=True)
class ImportSettings:
    """What every unit of one import shares."""

    source: str                                   # cache folder, .tpk or .tpkx (staged copy when staged)
    target: str                                   # target data-frame folder
    scheme: TilingScheme                          # the target's: tile size, origin, format, quality
    overwrite: bool
    import_id: str | None = None                  # MERGE: names the journal (``journal``); None: OVERWRITE
    area_of_interest: bytes | None = None         # (Multi)Polygon WKB, cache CRS: clips boundary tiles
    flush_copies: bool = False                    # whole-bundle copies reach the disk before they appear
    link_copies: bool = False                     # whole-bundle copies as hard links (a throw-away target)

    @property
    def tile_format(self) -> str:
        return self.scheme.tile_format

    @property
    def quality(self) -> int | None:
        return self.scheme.compression_quality

    def lod(self, level: int) -> LOD:
        """The target LOD of a level folder id (a target is a folder, whose folder ids are its LevelIDs)."""
        return next(lod for lod in self.scheme.lods if lod.level == level)


@dataclass(frozen=True)
class WorkUnit:
    """One target bundle to fill from one source bundle (same rows and columns, maybe another level id)."""

    target_key: tuple                             # (level, row0, col0) of the target bundle
    source_key: tuple                             # (level, row0, col0) of the source bundle feeding it
    codes: bytes | None                           # 128×128 TileClass codes, row-major; None: all inside
    whole_file: bool                              # all inside, target bundle absent when planned: file copy
    tiles: int                                    # source tiles this unit will look at (for progress)


@dataclass
class UnitResult:
    """What one unit did: tile counts by outcome, per-tile outcomes, bytes written, the range of written
    tiles."""

    target_key: tuple
    tiles: int
    counts: dict = field(default_factory=dict)    # Outcome.value → tiles
    written: int = 0
    bytes_written: int = 0
    written_range: tuple | None = None            # (row_min, row_max, col_min, col_max)
    stopped: bool = False                         # a stop request ended the unit early
    outcomes: bytes | None = None                 # pack_outcomes of the bundle's OUTCOME_CODES
    seconds: float = 0.0                          # the worker's time on the unit (drawing units)
    samples: list = field(default_factory=list)   # a few (row, col) written (drawing units, for the report)


def outcome_grid() -> np.ndarray:
    """An empty bundle's worth of outcome codes: (BUNDLE_SIZE, BUNDLE_SIZE) uint8, row-major."""
    return np.zeros((BUNDLE_SIZE, BUNDLE_SIZE), np.uint8)


def pack_outcomes(grid: np.ndarray) -> bytes:
    """A bundle's outcome codes, deflated: mostly runs of one code, so tens of bytes instead of 16 KiB."""
    return zlib.compress(np.ascontiguousarray(grid, np.uint8).tobytes(), 1)


def unpack_outcomes(packed: bytes) -> np.ndarray:
    return np.frombuffer(zlib.decompress(packed), np.uint8).reshape(BUNDLE_SIZE, BUNDLE_SIZE)
