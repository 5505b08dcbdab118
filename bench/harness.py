"""What every section of ``make bench`` uses: generated PNG tiles, empty targets, timing, the rounds.

bench/run_bench.py puts the plugin (build/plugins) and tests/core (cachebuilders, clusterkit) on sys.path
before it imports the sections.
"""

from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path

import numpy as np
from cachebuilders import write_cache
from PIL import Image

PLUGINS = Path(__file__).resolve().parents[1] / "build" / "plugins"
TILE = 256
PNG_LEVEL = 6
ROUNDS = 3                                 # every timed run is repeated; the best time is reported
SCALE_ROUNDS = 5                           # the scale section's disk-bound runs vary most between rounds


def tile_pool(count: int, alpha: bool, seed: int) -> list:
    """Distinct PNG tiles of a few KB: 8×8-pixel blocks of noise, optionally with varied transparency."""
    rng = np.random.default_rng(seed)
    tiles = []
    for _ in range(count):
        blocks = rng.integers(0, 256, (32, 32, 4), dtype=np.uint8)
        blocks[..., 3] = rng.choice([0, 96, 255], (32, 32)) if alpha else 255
        pixels = blocks.repeat(8, axis=0).repeat(8, axis=1)
        out = io.BytesIO()
        Image.fromarray(pixels, "RGBA").save(out, "PNG", compress_level=PNG_LEVEL)
        tiles.append(out.getvalue())
    return tiles


def grid_tiles(level: int, count: int, pool: list) -> dict:
    """``count`` tiles filling 128-row columns bundle after bundle."""
    return {(level, i % 128, i // 128): pool[i % len(pool)] for i in range(count)}


def timed(function, *args, **kwargs):
    os.sync()
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def empty_target(folder: Path, scheme) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    return write_cache(folder / "Layers", scheme, {}, extent=None)


def scale_of(scheme, level: int) -> float:
    return next(lod.scale for lod in scheme.lods if lod.level == level)

