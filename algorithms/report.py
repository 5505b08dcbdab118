"""What an import did, for people: counts, log lines after the run, an HTML report with a table per level."""

from __future__ import annotations

import html
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication

# LevelResult fields shown per level, in table order.
LEVEL_COUNTS = ("tiles", "bundles", "copied_raw", "blended", "clipped", "skipped_outside", "skipped_empty",
                "damaged", "written")


class ImportReport:
    """An engine ImportResult (levels of LevelResult, bytes_written, seconds, target) and the inputs given."""

    def __init__(self, result, inputs: dict):
        self.result = result
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
        lines.append(self.tr("Imported {imported} tiles into {target} in {seconds:.1f} s ({megabytes:.1f} MB "
                             "written): {blended} blended, {clipped} clipped, {skipped} skipped, "
                             "{damaged} damaged").format(
            target=self.result.target, seconds=self.result.seconds,
            megabytes=self.result.bytes_written / 1e6, **total))
        if total["damaged"]:
            lines.append(self.tr("{damaged} damaged source tiles were skipped; the target keeps its own "
                                 "tiles there").format(**total))
        return lines

    def write_html(self, path) -> None:
        """An HTML page: the inputs as given, the totals and a table with one row per level."""
        headings = [self.tr("Level"), self.tr("Scale"), self.tr("Resolution"), self.tr("Tiles"),
                    self.tr("Bundles"), self.tr("Copied raw"), self.tr("Blended"), self.tr("Clipped"),
                    self.tr("Skipped outside"), self.tr("Skipped empty"), self.tr("Damaged"),
                    self.tr("Written")]
        rows = []
        for level in self.result.levels:
            cells = [str(level.level), f"{level.scale:,.2f}", f"{level.resolution:.6g}"]
            cells += [str(getattr(level, name)) for name in LEVEL_COUNTS]
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        total = self.counts()
        totals = [(self.tr("Imported"), total["imported"]), (self.tr("Blended"), total["blended"]),
                  (self.tr("Clipped"), total["clipped"]), (self.tr("Skipped"), total["skipped"]),
                  (self.tr("Damaged"), total["damaged"]),
                  (self.tr("Bytes written"), self.result.bytes_written),
                  (self.tr("Seconds"), f"{self.result.seconds:.1f}")]
        title = html.escape(self.tr("Import Map Server Cache"))
        parts = [
            "<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>{title}</title>",
            "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
            "td{text-align:right}th{background:#eee}</style></head><body>", f"<h1>{title}</h1>",
            _heading(self.tr("Inputs")), _definitions(self.inputs.items()),
            _heading(self.tr("Totals")), _definitions(totals),
            _heading(self.tr("Levels")),
            "<table><tr>" + "".join(f"<th>{html.escape(heading)}</th>" for heading in headings) + "</tr>",
            *rows, "</table></body></html>",
        ]
        Path(path).write_text("\n".join(parts), encoding="utf-8")


def _heading(text: str) -> str:
    return f"<h2>{html.escape(text)}</h2>"


def _definitions(items) -> str:
    return "<dl>" + "".join(f"<dt>{html.escape(str(name))}</dt><dd>{html.escape(str(value))}</dd>"
                            for name, value in items) + "</dl>"
