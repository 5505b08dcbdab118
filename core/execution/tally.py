"""What an import reports and returns: the Progress protocol, counts per level (LevelResult), the whole
import's ImportResult, and the Tally adding unit results up as they come (an import's, or a preview's
planned ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..planning.units import UnitResult
from ..scheme import Extent
from .snapshots import Pictures


class Progress(Protocol):
    """What an import reports: information, warnings (something the user should look at; the import goes
    on), progress in tiles; and whether the user asked to stop."""

    def message(self, text: str) -> None: ...
    def warning(self, text: str) -> None: ...
    def progress(self, done: int, total: int) -> None: ...
    def is_cancelled(self) -> bool: ...


class SilentProgress:
    """The progress used when the caller gives none."""

    def message(self, text: str) -> None:
        pass

    def warning(self, text: str) -> None:
        pass

    def progress(self, done: int, total: int) -> None:
        pass

    def is_cancelled(self) -> bool:
        return False


@dataclass
class LevelResult:
    """Counts of one target level; ``written`` = copied_raw + blended + clipped."""

    level: int
    scale: float
    resolution: float
    tiles: int = 0
    bundles: int = 0
    whole_bundles: int = 0          # bundles copied as files (planned so: the target had none there)
    copied_raw: int = 0
    blended: int = 0
    clipped: int = 0
    skipped_outside: int = 0
    skipped_empty: int = 0
    damaged: int = 0
    written: int = 0


def summed_over_levels(name: str) -> property:
    """A result property: the levels' ``name`` counts summed (ImportResult, ManageResult)."""
    return property(lambda self: sum(getattr(level, name) for level in self.levels),
                    doc=f"{name} summed over the levels")


@dataclass
class ImportResult:
    target: Path
    levels: list = field(default_factory=list)
    bytes_written: int = 0
    seconds: float = 0.0
    pictures: Pictures | None = None
    estimated_bytes: int = 0        # a preview: the part of bytes_written estimated from source sizes
    extent: Extent | None = None    # bounds of the written tiles, clipped as conf.cdi grows by them
    notes: list = field(default_factory=list)   # what the report must say (an open format re-encoded)

    tiles = summed_over_levels("tiles")
    bundles = summed_over_levels("bundles")
    copied_raw = summed_over_levels("copied_raw")
    blended = summed_over_levels("blended")
    clipped = summed_over_levels("clipped")
    skipped_outside = summed_over_levels("skipped_outside")
    skipped_empty = summed_over_levels("skipped_empty")
    damaged = summed_over_levels("damaged")
    written = summed_over_levels("written")


def _level_result(plan) -> LevelResult:
    """A level's counts as planning knows them (tiles, bundles, bundles to copy whole, tiles outside)."""
    lod = plan.target_lod
    return LevelResult(lod.level, lod.scale, lod.resolution, plan.tiles, len(plan.units),
                       sum(unit.whole_file for unit in plan.units), skipped_outside=plan.skipped_outside)


class Tally:
    """Announces the plans, then adds up unit results as they come (an import's, or a preview's planned
    ones): level counts, bytes, progress, the pictures' outcomes, and the union of the map bounds of the
    written tiles."""

    def __init__(self, scheme, plans, progress, pictures: Pictures):
        self.scheme, self.progress, self.pictures = scheme, progress, pictures
        self.lods = {plan.target_lod.level: plan.target_lod for plan in plans}
        self.levels = [_level_result(plan) for plan in plans]
        self.by_level = {level.level: level for level in self.levels}
        self.bytes_written = self.done = 0
        self.total = sum(plan.tiles for plan in plans)
        self.bounds: Extent | None = None
        for plan in plans:
            progress.message(plan.message())
        progress.progress(0, self.total)

    def finished(self, unit_result: UnitResult) -> None:
        level = self.by_level[unit_result.target_key[0]]
        for name, count in unit_result.counts.items():
            setattr(level, name, getattr(level, name) + count)
        level.written += unit_result.written
        self.bytes_written += unit_result.bytes_written
        if unit_result.written_range is not None:
            lod = self.lods[unit_result.target_key[0]]
            bounds = range_bounds(self.scheme, lod, unit_result.written_range)
            self.bounds = bounds if self.bounds is None else self.bounds.union(bounds)
        self.done += unit_result.tiles
        self.progress.progress(self.done, self.total)
        self.pictures.record(unit_result)

    def written_extent(self, *clips: Extent | None) -> Extent | None:
        """Bounds of the written tiles, clipped by each clip that overlaps them."""
        return clipped(self.bounds, *clips)


def range_bounds(scheme, lod, tile_range: tuple) -> Extent:
    """The map bounds of (row_min, row_max, col_min, col_max), inclusive."""
    row_min, row_max, col_min, col_max = tile_range
    return scheme.tile_bounds(lod, row_min, col_min).union(scheme.tile_bounds(lod, row_max, col_max))


def clipped(bounds: Extent | None, *clips: Extent | None) -> Extent | None:
    """``bounds`` clipped by each clip that overlaps it."""
    for clip in clips:
        if bounds is not None and clip is not None:
            bounds = bounds.intersection(clip) or bounds
    return bounds
