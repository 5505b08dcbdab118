"""What an import did (or, previewed, would do), for people: counts, log lines after the run, an HTML report
with a table per level and pictures (a coverage map and a before/after pair per level), all in one file."""

from __future__ import annotations

import html
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication

# LevelResult fields shown per level, in table order.
LEVEL_COUNTS = ("tiles", "bundles", "whole_bundles", "copied_raw", "blended", "clipped", "skipped_outside",
                "skipped_empty", "damaged", "written")


class ImportReport:
    """An engine ImportResult (levels of LevelResult, bytes_written, seconds, target) and the inputs given."""

    def __init__(self, result, inputs: dict, preview: bool = False):
        self.result = result
        self.preview = preview
        self.inputs = {name: self.describe(value) for name, value in inputs.items()}
        self.inputs[self.tr("Target cache folder")] = str(result.target)

    def tr(self, text):
        return QCoreApplication.translate("ImportReport", text)

    @staticmethod
    def describe(value) -> str:
        """A parameter value as given, as text (a layer by its source, a selection said so)."""
        if hasattr(value, "selectedFeaturesOnly"):
            source = value.source.staticValue() if hasattr(value.source, "staticValue") else value.source
            if value.selectedFeaturesOnly:
                return QCoreApplication.translate("ImportReport", "{} (selected features only)").format(
                    source)
            return str(source)
        if hasattr(value, "dataProvider") and callable(getattr(value, "source", None)):
            return value.source()
        return "" if value is None else str(value)

    def counts(self) -> dict[str, int]:
        """The algorithm's count outputs: imported (tiles written), blended, clipped, skipped, damaged."""
        total = {name: sum(getattr(level, name) for level in self.result.levels) for name in LEVEL_COUNTS}
        return {"imported": total["written"], "blended": total["blended"], "clipped": total["clipped"],
                "skipped": total["skipped_outside"] + total["skipped_empty"], "damaged": total["damaged"]}

    def summary_lines(self) -> list[str]:
        """Lines for the log after the run: one per level, then the totals."""
        lines = [self.tr("Level {level} (1:{scale:,.0f}): {written} of {tiles} tiles written, {blended} "
                         "blended, {clipped} clipped, {skipped} skipped, {damaged} damaged").format(
            level=level.level, scale=level.scale, written=level.written, tiles=level.tiles,
            blended=level.blended, clipped=level.clipped, skipped=level.skipped_outside + level.skipped_empty,
            damaged=level.damaged) for level in self.result.levels]
        total = self.counts()
        if self.preview:
            lines.append(self.tr("Preview: {imported} tiles would be written into {target} ({megabytes:.1f} "
                                 "MB, {estimated:.1f} MB of it estimated): {blended} blended, {clipped} "
                                 "clipped, {skipped} skipped, {damaged} damaged; nothing was written").format(
                target=self.result.target, megabytes=self.result.bytes_written / 1e6,
                estimated=self.result.estimated_bytes / 1e6, **total))
            return lines
        lines.append(self.tr("Imported {imported} tiles into {target} in {seconds:.1f} s ({megabytes:.1f} MB "
                             "written): {blended} blended, {clipped} clipped, {skipped} skipped, "
                             "{damaged} damaged").format(
            target=self.result.target, seconds=self.result.seconds,
            megabytes=self.result.bytes_written / 1e6, **total))
        if total["damaged"]:
            lines.append(self.tr("{damaged} damaged source tiles were skipped; the target keeps its own "
                                 "tiles there").format(**total))
        return lines + list(self.result.notes)

    def title(self) -> str:
        """The page's title and heading (a subclass for another tool says its own)."""
        return self.tr("Import Map Server Cache")

    def done_label(self) -> str:
        """The name of the first total: the tiles written."""
        return self.tr("Imported")

    def write_html(self, path) -> None:
        """An HTML page: the inputs as given, the totals and a table with one row per level."""
        headings = [self.tr("Level"), self.tr("Scale"), self.tr("Resolution"), self.tr("Tiles"),
                    self.tr("Bundles"), self.tr("Bundles copied whole"), self.tr("Copied raw"),
                    self.tr("Blended"), self.tr("Clipped"),
                    self.tr("Skipped outside"), self.tr("Skipped empty"), self.tr("Damaged"),
                    self.tr("Written")]
        rows = []
        for level in self.result.levels:
            cells = [str(level.level), f"{level.scale:,.2f}", f"{level.resolution:.6g}"]
            cells += [str(getattr(level, name)) for name in LEVEL_COUNTS]
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        total = self.counts()
        totals = [(self.done_label(), total["imported"]), (self.tr("Blended"), total["blended"]),
                  (self.tr("Clipped"), total["clipped"]), (self.tr("Skipped"), total["skipped"]),
                  (self.tr("Damaged"), total["damaged"]),
                  (self.tr("Bytes written"), self.result.bytes_written),
                  (self.tr("Seconds"), f"{self.result.seconds:.1f}")]
        title = html.escape(self.title())
        notes = list(self.result.notes)
        if self.preview:
            title = html.escape(self.tr("Preview of Import Map Server Cache"))
            totals[0] = (self.tr("Tiles to write"), total["imported"])
            totals[5] = (self.tr("Bytes to write"), self.result.bytes_written)
            notes.append(self.tr(
                "Nothing was written: these are the planned outcomes. Copies are counted with the exact size "
                "of their source tiles; blends and clips ({estimated} bytes of the total) are estimated by "
                "the size of their source tiles. Tiles opaque by their format (JPEG, PNG without alpha) "
                "replace the target's tiles instead of being blended.").format(
                estimated=self.result.estimated_bytes))
        parts = [
            *_page_start(title), *(f"<p>{html.escape(note)}</p>" for note in notes),
            _heading(self.tr("Inputs")), _definitions(self.inputs.items()),
            _heading(self.tr("Totals")), _definitions(totals),
            _heading(self.tr("Levels")),
            "<table><tr>" + "".join(f"<th>{html.escape(heading)}</th>" for heading in headings) + "</tr>",
            *rows, "</table>", *ReportPictures(self.result.pictures, self.preview).html(), "</body></html>",
        ]
        Path(path).write_text("\n".join(parts), encoding="utf-8")


def _page_start(title: str, heading: str | None = None) -> list[str]:
    """How every report page begins: its (escaped) title, the style the reports share, the heading (the
    title unless given)."""
    return [
        "<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>{title}</title>",
        "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
        "td{text-align:right}th{background:#eee}figure{display:inline-block;margin:4px 12px 4px 0}"
        "img{border:1px solid #999;image-rendering:pixelated}.key{display:inline-block;width:12px;"
        "height:12px;border:1px solid #666;margin:0 4px 0 10px}</style></head><body>",
        f"<h1>{heading or title}</h1>"]


def _heading(text: str) -> str:
    return f"<h2>{html.escape(text)}</h2>"


def _definitions(items) -> str:
    return "<dl>" + "".join(f"<dt>{html.escape(str(name))}</dt><dd>{html.escape(str(value))}</dd>"
                            for name, value in items) + "</dl>"


class ReportPictures:
    """The report's pictures section: per shown level a coverage map with its legend, and the before/after
    pair of its region; then what was left out."""

    def __init__(self, pictures, preview: bool):
        self.pictures, self.preview = pictures, preview

    def tr(self, text):
        return QCoreApplication.translate("ReportPictures", text)

    def html(self) -> list[str]:
        from ..core.execution.snapshots import MAX_PICTURE_LEVELS
        from ..core.reporting.pictures import COLOURS, coverage_map, data_uri, on_checkerboard

        if self.pictures is None or not (self.pictures.levels or self.pictures.left_out):
            return []
        names = {"copied_raw": self.tr("copied"), "blended": self.tr("blended"),
                 "clipped": self.tr("clipped"),
                 "damaged": self.tr("damaged"), "skipped_outside": self.tr("skipped (outside)"),
                 "skipped_empty": self.tr("skipped (empty)"), "": self.tr("no source tile")}
        legend = "<p>" + "".join(
            f'<span class="key" style="background:rgb{COLOURS[name]}"></span>{html.escape(text)}'
            for name, text in names.items()) + "</p>"
        parts = [_heading(self.tr("Pictures")), legend, "<p>" + html.escape(self.tr(
            "Coverage maps: grey lines are the bundle grid, the magenta line is the area of interest or the "
            "extent, the black frame is the region shown beside the map. Large levels show the most "
            "important outcome of each square of tiles.")) + "</p>"]
        for level in self.pictures.levels.values():
            heading = self.tr("Level {level} (1:{scale:,.0f})").format(level=level.lod.level,
                                                                      scale=level.lod.scale)
            parts.append(f"<h3>{html.escape(heading)}</h3>")
            image = coverage_map(self.pictures, level)
            if image is not None:
                parts.append(_figure(data_uri(image), self.tr("Coverage map"), image.size))
            row, col, rows, cols = level.region
            where = self.tr("rows {first}–{last}, columns {left}–{right}").format(
                first=row, last=row + rows - 1, left=col, right=col + cols - 1)
            pairs = [(self.tr("Target now ({where})") if self.preview else self.tr("Before ({where})"),
                      level.before), (self.tr("After ({where})"), level.after)]
            for caption, pixels in pairs:
                if pixels is not None:
                    picture = on_checkerboard(pixels)
                    parts.append(_figure(data_uri(picture, "JPEG"), caption.format(where=where),
                                         picture.size))
        if self.pictures.left_out:
            left_out = ", ".join(str(level) for level in self.pictures.left_out)
            parts.append("<p>" + html.escape(self.tr(
                "Levels without pictures (at most {count} levels are shown, those with the most tiles): "
                "{levels}").format(count=MAX_PICTURE_LEVELS, levels=left_out)) + "</p>")
        return parts


def _figure(uri: str, caption: str, size) -> str:
    return (f'<figure><img src="{uri}" width="{size[0]}" height="{size[1]}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")
