"""What Manage Map Server Cache Tiles did, for people: log lines, the count outputs, and an HTML page with a
table per level, a coverage picture per level and a few of the tiles drawn."""

from __future__ import annotations

import html
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication

from .report import ImportReport, _definitions, _figure, _heading

COUNTS = ("drawn", "empty", "skipped", "deleted")


class ManageReport:
    """A core ManageResult and the inputs given; ``selection`` is the extent the tiles were chosen in."""

    def __init__(self, result, inputs: dict, selection=None):
        self.result = result
        self.selection = selection
        self.inputs = {name: ImportReport.describe(value) for name, value in inputs.items()}
        self.inputs[self.tr("Cache folder")] = str(result.target)

    def tr(self, text):
        return QCoreApplication.translate("ManageReport", text)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self.result, name) for name in COUNTS}

    def summary_lines(self) -> list[str]:
        lines = [self.tr("Level {level} (1:{scale:,.0f}): {drawn} drawn, {empty} empty, {skipped} skipped, "
                         "{deleted} deleted of {tiles} tiles in {seconds:.1f} s ({rate:.1f} tiles/s)").format(
            level=level.level, scale=level.scale, drawn=level.drawn, empty=level.empty,
            skipped=level.skipped, deleted=level.deleted, tiles=level.tiles, seconds=level.seconds,
            rate=level.tiles_per_second) for level in self.result.levels]
        lines.append(self.tr("{mode}: {drawn} tiles drawn, {empty} empty, {skipped} skipped, {deleted} "
                             "deleted in {target} in {seconds:.1f} s ({megabytes:.1f} MB written)").format(
            mode=self.result.mode.name, target=self.result.target, seconds=self.result.seconds,
            megabytes=self.result.bytes_written / 1e6, **self.counts()))
        return lines

    def write_html(self, path) -> None:
        headings = [self.tr("Level"), self.tr("Scale"), self.tr("Resolution"), self.tr("Tiles"),
                    self.tr("Bundles"), self.tr("Drawn"), self.tr("Empty"), self.tr("Skipped"),
                    self.tr("Deleted"), self.tr("Seconds"), self.tr("Tiles/s")]
        rows = []
        for level in self.result.levels:
            cells = [str(level.level), f"{level.scale:,.2f}", f"{level.resolution:.6g}", str(level.tiles),
                     str(level.bundles), str(level.drawn), str(level.empty), str(level.skipped),
                     str(level.deleted), f"{level.seconds:.1f}", f"{level.tiles_per_second:.1f}"]
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        counts = self.counts()
        totals = [(self.tr("Mode"), self.result.mode.name), (self.tr("Drawn"), counts["drawn"]),
                  (self.tr("Empty"), counts["empty"]), (self.tr("Skipped"), counts["skipped"]),
                  (self.tr("Deleted"), counts["deleted"]),
                  (self.tr("Bytes written"), self.result.bytes_written),
                  (self.tr("Seconds"), f"{self.result.seconds:.1f}"),
                  (self.tr("Tiles/s"), f"{self.result.tiles_per_second:.1f}")]
        title = html.escape(self.tr("Manage Map Server Cache Tiles"))
        parts = [
            "<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>{title}</title>",
            "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
            "td{text-align:right}th{background:#eee}figure{display:inline-block;margin:4px 12px 4px 0}"
            "img{border:1px solid #999;image-rendering:pixelated}</style></head><body>",
            f"<h1>{title}</h1>", _heading(self.tr("Inputs")), _definitions(self.inputs.items()),
            _heading(self.tr("Totals")), _definitions(totals), _heading(self.tr("Levels")),
            "<table><tr>" + "".join(f"<th>{html.escape(heading)}</th>" for heading in headings) + "</tr>",
            *rows, "</table>", *self._pictures(), "</body></html>"]
        Path(path).write_text("\n".join(parts), encoding="utf-8")

    def _pictures(self) -> list[str]:
        """Per level the tiles the cache holds over the selection; then the sample tiles drawn."""
        from ..core.errors import CacheError
        from ..core.reporting.coverage import level_coverage, tile_pixels
        from ..core.reporting.pictures import data_uri, on_checkerboard
        from ..core.sources.opening import open_cache

        parts = [_heading(self.tr("Pictures")), "<p>" + html.escape(self.tr(
            "Coverage: green where the cache holds a tile after the run, grey where it holds none, over the "
            "tiles the run chose (large levels show one square per block of tiles).")) + "</p>"]
        try:
            with open_cache(self.result.target) as cache:
                for level in self.result.levels:
                    lod = next(lod for lod in cache.scheme.lods if lod.level == level.level)
                    extent = self.selection or cache.extent
                    image = level_coverage(cache, lod, extent) if extent is not None else None
                    if image is not None:
                        caption = self.tr("Level {level} (1:{scale:,.0f})").format(level=level.level,
                                                                                    scale=level.scale)
                        parts.append(_figure(data_uri(image), caption, image.size))
                samples = [(address, tile_pixels(cache, *address)) for address in self.result.samples]
        except (CacheError, OSError) as error:
            return [*parts, "<p>" + html.escape(self.tr("No pictures: {error}").format(error=error)) + "</p>"]
        drawn = [(address, pixels) for address, pixels in samples if pixels is not None]
        if drawn:
            parts.append("<h3>" + html.escape(self.tr("Tiles drawn")) + "</h3>")
        for (level, row, col), pixels in drawn:
            picture = on_checkerboard(pixels)
            caption = self.tr("Level {level}, row {row}, column {col}").format(level=level, row=row, col=col)
            parts.append(_figure(data_uri(picture, "JPEG"), caption, picture.size))
        return parts
