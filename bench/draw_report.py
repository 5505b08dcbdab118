"""The drawing and conversion sections of bench/RESULTS.md, each between markers so that a run of one section
alone (``run_bench.py --only draw``) replaces its own text and keeps the rest of the file."""

from __future__ import annotations

import re
import statistics

from draw import ratio

NOTES_HEADING = "## What limits the figures"
DRAW_NOTES = [
    "Where a worker's time goes (cProfile, one worker, the 1 260 tiles of zoom 15, load average 4): QGIS's "
    "rendering 3.5 s (2.8 ms a tile, supertiles of 8×8 tiles with a 32-pixel margin, 6 % more pixels than "
    "the tiles); PNG encoding 2.8 s (2.2 ms a tile, zlib 2.1 s of it: `core/formats/pngwrite.py` deflates "
    "the rows unfiltered, Pillow's per-row filter choice took 2.2× as long and made this map's tiles a third "
    "larger; zlib level 2 as QGIS's default); converting the premultiplied QImage to straight RGBA and "
    "copying it out 0.9 s; bundle writes "
    "and commits 0.3 s. Each worker process starts QGIS and reads the project once (about 0.8 s). QGIS's "
    "algorithm renders 4×4-tile metatiles and saves every tile with `QImage.save` (Qt's unpremultiply and "
    "libpng's filter heuristic), one file each; its time moves most with the machine's load.", ""]


def marked(name: str, lines: list[str]) -> list[str]:
    return [f"<!-- section:{name} -->", *lines, f"<!-- /section:{name} -->", ""]


def splice(existing: str, name: str, lines: list[str]) -> str:
    """``existing`` with section ``name`` replaced (or put before the notes, or appended)."""
    block = "\n".join(marked(name, lines)) + "\n"
    pattern = re.compile(rf"<!-- section:{name} -->.*?<!-- /section:{name} -->\n\n?", re.S)
    if pattern.search(existing):
        return pattern.sub(lambda _match: block, existing, count=1)
    if NOTES_HEADING in existing:
        return existing.replace(NOTES_HEADING, block + NOTES_HEADING, 1)
    return existing.rstrip("\n") + "\n\n" + block


def draw_section_name(figures: dict) -> str:
    """One marked section per QGIS major.minor, so that a run in the Debian 13 lane keeps 3.22's figures."""
    return "draw-qgis-" + ".".join(str(figures["rounds"][0]["qgis"]).split(".")[:2])


def draw_section(figures: dict, when: str) -> list[str]:
    """Rounds of ours vs QGIS's XYZ tiles (ratio, spread, load), then our peak memory at N and 4N tiles."""
    rounds, memory = figures["rounds"], figures["memory"]
    first = rounds[0]
    ratios = [ratio(run) for run in rounds]
    lines = [
        f"## Drawing a QGIS map (issue 18): Manage Map Server Cache Tiles vs `{first['algorithm']}`", "",
        f"Run {when}, QGIS {first['qgis']}: the generated map of `bench/drawmap.py` (2 300 labelled "
        "semi-transparent polygons, 3 800 roads of two widths, 6 000 point markers over 50 × 36 km), "
        f"{first['our_tiles']:,} tiles on zooms {first['zooms']} of the ArcGIS Online / XYZ grid, PNG, "
        "96 DPI, 2 workers each (ours: processes; theirs: threads, QGIS's MAX_THREADS), both through "
        "`processing.run` in one fresh QGIS process per round, the order alternating. Ours writes a compact "
        "V2 cache (the smallest PNG depth that keeps the pixels, zlib level 2); theirs one RGBA PNG file per "
        "tile (`QImage.save` at its default quality 75, which Qt turns into zlib level 2).", "",
        "| round | first | ours s | tiles/s | theirs s | tiles/s | ours / theirs | MB ours / theirs | "
        "load average before → after |", "|---:|---|---:|---:|---:|---:|---:|---|---|"]
    for number, run in enumerate(rounds, 1):
        lines.append(
            f"| {number} | {run['order'][0]} | {run['our_seconds']:.1f} | "
            f"{run['our_tiles'] / run['our_seconds']:.0f} | {run['their_seconds']:.1f} | "
            f"{run['their_tiles'] / run['their_seconds']:.0f} | {ratio(run):.2f}× | "
            f"{run['our_mb']:.0f} / {run['their_mb']:.0f} | {run['load'][0]:.1f} → {run['load'][1]:.1f} |")
    met = sum(value <= 1.0 for value in ratios)
    verdict = ("met" if met == len(ratios) else f"met in {met} of {len(ratios)} rounds" if met
               else "**missed**")
    lines += ["", f"- ours / theirs (time per tile): {min(ratios):.2f}–{max(ratios):.2f}×, median "
              f"{statistics.median(ratios):.2f}× (target ≤ 1.0×: {verdict})", "",
              "Peak memory (VmHWM) of ours alone, each in a fresh QGIS process, 2 worker processes:", "",
              "| zoom | tiles | seconds | QGIS process MB | largest worker MB | load average before → after "
              "|",
              "|---:|---:|---:|---:|---:|---|"]
    for run in memory:
        lines.append(f"| {run['zooms'].split('-')[0]} | {run['our_tiles']:,} | {run['our_seconds']:.1f} | "
                     f"{run['main_kb'] / 1024:.0f} | {run['workers_kb'] / 1024:.0f} | "
                     f"{run['load'][0]:.1f} → {run['load'][1]:.1f} |")
    small, large = memory[0], memory[-1]
    growth = max(large["main_kb"], large["workers_kb"]) / max(small["main_kb"], small["workers_kb"])
    lines += ["", f"- {large['our_tiles'] / small['our_tiles']:.1f}× the tiles: peak × {growth:.2f} "
              f"(target flat, ≤ 1.1×: {'met' if growth <= 1.1 else '**missed**'})", "", *DRAW_NOTES]
    return lines


def convert_section(figures: dict) -> list[str]:
    """Issue 19's conversion in place, each direction against ``cp -r`` of its result."""
    lines = [f"## Converting a cache's storage in place ({figures['tiles']:,} tiles, {figures['workers']} "
             "workers)", "", "Each run ends with `os.sync()` (the conversion's own fsyncs are part of its "
             "cost), the page cache warm.", "",
             "| direction | tiles | convert s | `cp -r` of the result s | ratio |",
             "|---|---:|---:|---:|---:|"]
    best: dict[str, float] = {}
    for direction, tiles, seconds, copying in figures["rows"]:
        lines.append(f"| → {direction} | {tiles:,} | {seconds:.2f} | {copying:.2f} | "
                     f"{seconds / copying:.2f} |")
        best[direction] = min(best.get(direction, float("inf")), seconds / copying)
    lines += [""] + [f"- → {direction}: best {value:.2f}× `cp -r` (target ≤ 2×: "
                     f"{'met' if value <= 2 else '**missed**'})" for direction, value in best.items()] + [""]
    return lines
