"""What Manage Map Server Cache Tiles did, for people: log lines, the count outputs, and an HTML page with a
table per level, a coverage picture per level and a few of the tiles drawn."""

from __future__ import annotations

import html
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication

from .report import ImportReport, _definitions, _figure, _heading, _page_start

COUNTS = ("drawn", "empty", "skipped", "deleted")


class ManageReport:
    """A core ManageResult and the inputs given."""

    def __init__(self, result, inputs: dict):
        self.result = result
        self.inputs = {name: ImportReport.describe(value) for name, value in inputs.items()}
        label, self.tiles_from = self.where()
        self.inputs[label] = str(self.tiles_from)

    def tr(self, text):
        return QCoreApplication.translate("ManageReport", text)

    def title(self) -> str:
        return self.tr("Manage Map Server Cache Tiles")

    def where(self) -> tuple[str, Path]:
        """What holds the drawn tiles, named for the inputs table; the sample tiles are read from it."""
        return self.tr("Cache folder"), Path(self.result.target)

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
        title = html.escape(self.title())
        parts = [
            *_page_start(title), _heading(self.tr("Inputs")), _definitions(self.inputs.items()),
            _heading(self.tr("Totals")), _definitions(totals), _heading(self.tr("Levels")),
            "<table><tr>" + "".join(f"<th>{html.escape(heading)}</th>" for heading in headings) + "</tr>",
            *rows, "</table>", *self._pictures(), "</body></html>"]
        Path(path).write_text("\n".join(parts), encoding="utf-8")

    def _pictures(self) -> list[str]:
        """Per shown level the coverage map of the run's outcomes (core's, as the import's); then a few of
        the tiles drawn, read back from the cache."""
        from ..core.errors import CacheError
        from ..core.reporting.pictures import COLOURS, coverage_map, data_uri, on_checkerboard
        from ..core.reporting.samples import tile_pixels
        from ..core.sources.opening import open_cache

        pictures = self.result.pictures
        names = {"drawn": self.tr("drawn"), "drawn_empty": self.tr("drawn, empty (not stored)"),
                 "skipped_present": self.tr("skipped (present)"), "deleted": self.tr("deleted"),
                 "": self.tr("not chosen")}
        legend = "<p>" + "".join(
            f'<span class="key" style="background:rgb{COLOURS[name]}"></span>{html.escape(text)}'
            for name, text in names.items()) + "</p>"
        parts = [_heading(self.tr("Pictures")), legend, "<p>" + html.escape(self.tr(
            "Coverage maps: each tile the run chose, coloured by what happened to it; grey lines are the "
            "bundle grid, the magenta line is the area of interest or the extent.")) + "</p>"]
        for level in (pictures.levels.values() if pictures is not None else ()):
            image = coverage_map(pictures, level)
            if image is not None:
                caption = self.tr("Level {level} (1:{scale:,.0f})").format(level=level.lod.level,
                                                                            scale=level.lod.scale)
                parts.append(_figure(data_uri(image), caption, image.size))
        try:
            with open_cache(self.tiles_from) as cache:
                samples = [(address, tile_pixels(cache, *address)) for address in self.result.samples]
        except (CacheError, OSError) as error:
            note = self.tr("No tiles shown: {error}").format(error=error)
            return [*parts, f"<p>{html.escape(note)}</p>"]
        drawn = [(address, pixels) for address, pixels in samples if pixels is not None]
        if drawn:
            parts.append("<h3>" + html.escape(self.tr("Tiles drawn")) + "</h3>")
        for (level_id, row, col), pixels in drawn:
            picture = on_checkerboard(pixels)
            caption = self.tr("Level {level}, row {row}, column {col}").format(level=level_id, row=row,
                                                                                col=col)
            parts.append(_figure(data_uri(picture, "JPEG"), caption, picture.size))
        return parts


class TilePackageReport(ManageReport):
    """Create Map Tile Package's report: the drawing's counts, the tiles shown read back from the package
    (core names it as the drawing's target: the staged cache they were drawn into is gone by then)."""

    def __init__(self, result, inputs: dict):
        super().__init__(result.drawn, inputs)

    def title(self) -> str:
        return QCoreApplication.translate("TilePackageReport", "Create Map Tile Package")

    def where(self) -> tuple[str, Path]:
        return QCoreApplication.translate("TilePackageReport", "Tile package"), Path(self.result.target)
