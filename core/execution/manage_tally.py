"""What Manage Map Server Cache Tiles reports and returns: counts per level (ManageLevel), the run's
ManageResult, and the ManageTally adding unit results up as they come."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..planning.draw_plan import DrawLevelPlan, UpdateMode
from ..planning.units import UnitResult
from ..scheme import Extent
from .draw_worker import DELETED, DRAWN, EMPTY, SKIPPED_PRESENT
from .snapshots import MAX_PICTURE_LEVELS, LevelPictures, Pictures
from .tally import Progress, clipped, range_bounds, summed_over_levels

SAMPLES = 6


@dataclass
class ManageLevel:
    """One level's counts. ``seconds`` is the workers' time on its units (summed over workers)."""

    level: int
    scale: float
    resolution: float
    tiles: int = 0                   # selected tiles
    bundles: int = 0
    drawn: int = 0                   # tiles drawn and written
    empty: int = 0                   # tiles drawn with nothing on them: not stored (an old one removed)
    skipped: int = 0                 # RECREATE_EMPTY_TILES: selected tiles already present, left alone
    deleted: int = 0
    seconds: float = 0.0

    @property
    def tiles_per_second(self) -> float:
        return (self.drawn + self.empty + self.deleted) / self.seconds if self.seconds > 0 else 0.0


@dataclass
class ManageResult:
    target: Path
    mode: UpdateMode
    levels: list = field(default_factory=list)     # ManageLevel, coarse to fine
    seconds: float = 0.0                            # wall time of the whole run
    bytes_written: int = 0
    extent: Extent | None = None                    # bounds of the drawn tiles, clipped to the selection
    samples: list = field(default_factory=list)     # a few (level, row, col) drawn
    pictures: Pictures | None = None                # per-tile outcomes of the busiest levels, for
                                                    # reporting.pictures.coverage_map (no before/after)

    tiles = summed_over_levels("tiles")
    drawn = summed_over_levels("drawn")
    empty = summed_over_levels("empty")
    skipped = summed_over_levels("skipped")
    deleted = summed_over_levels("deleted")

    @property
    def tiles_per_second(self) -> float:
        return (self.drawn + self.empty + self.deleted) / self.seconds if self.seconds > 0 else 0.0


class ManageTally:
    """Announces the plans, then adds unit results up: level counts, bytes, progress in tiles, the bounds of
    the drawn tiles, a few samples spread over the levels."""

    def __init__(self, scheme, plans: list[DrawLevelPlan], progress: Progress, outline: list):
        self.scheme, self.progress = scheme, progress
        self.pictures = _pictures(scheme, plans, outline)
        self.lods = {plan.lod.level: plan.lod for plan in plans}
        self.levels = [ManageLevel(plan.lod.level, plan.lod.scale, plan.lod.resolution, plan.tiles,
                                   len(plan.units)) for plan in plans]
        self.by_level = {level.level: level for level in self.levels}
        self.bytes_written = self.done = 0
        self.total = sum(plan.tiles for plan in plans)
        self.bounds: Extent | None = None
        self.samples: dict[int, list] = {}
        self.remaining = {plan.lod.level: len(plan.units) for plan in plans}
        for level in self.levels:
            progress.message(f"Level {level.level} (1:{_spaced(round(level.scale))}): {_spaced(level.tiles)} "
                             f"tiles in {_spaced(level.bundles)} bundle{'s' if level.bundles != 1 else ''}")
        progress.progress(0, self.total)

    def finished(self, result: UnitResult) -> None:
        level_id = result.target_key[0]
        level = self.by_level[level_id]
        for name, attribute in ((DRAWN, "drawn"), (EMPTY, "empty"), (SKIPPED_PRESENT, "skipped"),
                                (DELETED, "deleted")):
            setattr(level, attribute, getattr(level, attribute) + result.counts.get(name, 0))
        level.seconds += result.seconds
        self.bytes_written += result.bytes_written
        if result.written_range is not None:
            bounds = range_bounds(self.scheme, self.lods[level_id], result.written_range)
            self.bounds = bounds if self.bounds is None else self.bounds.union(bounds)
        self.samples.setdefault(level_id, []).extend((level_id, row, col) for row, col in result.samples)
        self.pictures.record(result)
        self.done += result.tiles
        self.progress.progress(self.done, self.total)
        self.remaining[level_id] -= 1
        if not self.remaining[level_id]:
            self.progress.message(level_summary(level))

    def result(self, target: Path, mode: UpdateMode, seconds: float, *clips: Extent | None) -> ManageResult:
        return ManageResult(target, mode, self.levels, seconds, self.bytes_written,
                            clipped(self.bounds, *clips), self.spread_samples(), self.pictures)

    def spread_samples(self) -> list:
        """Up to SAMPLES drawn tiles, taken from the levels in turn (coarse first)."""
        chosen: list = []
        queues = [sorted(self.samples.get(level.level, [])) for level in self.levels]
        while len(chosen) < SAMPLES and any(queues):
            for tiles in queues:
                if tiles and len(chosen) < SAMPLES:
                    chosen.append(tiles.pop(0))
        return chosen


def _pictures(scheme, plans: list[DrawLevelPlan], outline: list) -> Pictures:
    """The levels the report shows coverage maps of: most tiles first, at most MAX_PICTURE_LEVELS."""
    pictures = Pictures(scheme, outline)
    planned = [plan for plan in plans if plan.units]
    shown = sorted(planned, key=lambda plan: (-plan.tiles, -plan.lod.level))[:MAX_PICTURE_LEVELS]
    pictures.left_out = [plan.lod.level for plan in planned if plan not in shown]
    for plan in sorted(shown, key=lambda plan: plan.lod.level):
        pictures.levels[plan.lod.level] = LevelPictures(plan.lod, plan.lod.level)
    return pictures


def level_summary(level: ManageLevel) -> str:
    """'Level 4 done: 52 drawn, 12 empty, 0 present skipped, 0 deleted (3.1 s of work, 20.6 tiles/s)'."""
    return (f"Level {level.level} done: {_spaced(level.drawn)} drawn, {_spaced(level.empty)} empty, "
            f"{_spaced(level.skipped)} present skipped, {_spaced(level.deleted)} deleted "
            f"({level.seconds:.1f} s of work, {level.tiles_per_second:.1f} tiles/s)")


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")
