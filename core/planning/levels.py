"""Which levels an import touches: target levels chosen by scale, paired with source levels by resolution."""

from __future__ import annotations

from typing import NamedTuple

from ..errors import SelectionError

# Scales in conf.xml files carry rounding noise (e.g. 591657527.591555 vs 591657527.5916).
SCALE_REL_TOL = 1e-4
# Same tolerance as TilingScheme.lod_for_resolution, which compatibility.compare() uses to accept a source.
RESOLUTION_REL_TOL = 1e-6


class LevelSelection(NamedTuple):
    """Level pairs to import, coarsest first, and the requested scales that were skipped."""

    pairs: list          # [(source_lod, target_lod)]
    skipped: list        # [(requested_scale, reason)] — scales the target caches but the source lacks


def select_levels(source_scheme, target_scheme, scales=None) -> LevelSelection:
    """Pair source and target levels by resolution (never by LevelID: packages renumber from 0).

    ``scales=None`` takes every level both caches share. A requested scale matches a target level within
    ``SCALE_REL_TOL``; one the target does not cache raises SelectionError listing the target's scales, one
    the source lacks is returned in ``skipped`` with a reason the caller can report.
    """
    if scales is None:
        targets = list(target_scheme.lods)
    else:
        targets, unknown = [], []
        for scale in scales:
            lod = target_scheme.lod_for_scale(float(scale), SCALE_REL_TOL)
            if lod is None:
                unknown.append(scale)
            elif lod not in targets:
                targets.append(lod)
        if unknown:
            cached = ", ".join(f"{lod.scale:.15g}" for lod in sorted(target_scheme.lods, key=_coarse_first))
            asked = ", ".join(f"{float(s):.15g}" for s in unknown)
            raise SelectionError(f"the target does not cache the scale(s) {asked}; it caches: {cached}")
    pairs, skipped = [], []
    for target_lod in sorted(targets, key=_coarse_first):
        source_lod = source_scheme.lod_for_resolution(target_lod.resolution, RESOLUTION_REL_TOL)
        if source_lod is not None:
            pairs.append((source_lod, target_lod))
        elif scales is not None:
            skipped.append((target_lod.scale, f"the source has no level at scale {target_lod.scale:.15g} "
                                              f"(resolution {target_lod.resolution:.12g})"))
    return LevelSelection(pairs, skipped)


def _coarse_first(lod):
    return -lod.resolution
