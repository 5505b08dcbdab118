"""The HTML report of Manage Map Server Cache Status: the inputs, per level totals (bundles, tiles, bytes,
dead bytes, damaged tiles) and each level's coverage picture (core.reporting.pictures, as the import
report draws it: present tiles green, damaged red, the bundle grid grey)."""

from __future__ import annotations

import html
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication

from .report import _definitions, _figure, _heading, _page_start

MAX_PICTURES = 8   # levels with a coverage picture (those with the most tiles); a report stays small


class StatusReport:
    """A core StatusResult (or None for DELETE_CACHE_STATUS) and what was done, as an HTML page."""

    def __init__(self, result, mode: str, inputs: dict, notes: list[str]):
        self.result, self.mode, self.inputs, self.notes = result, mode, inputs, notes

    def tr(self, text):
        return QCoreApplication.translate("StatusReport", text)

    def write_html(self, path) -> None:
        from ..core.reporting.pictures import COLOURS, data_uri

        title = html.escape(self.tr("Manage Map Server Cache Status"))
        parts = [*_page_start(title, f"{title}: {html.escape(self.mode)}"),
                 *(f"<p>{html.escape(note)}</p>" for note in self.notes),
                 _heading(self.tr("Inputs")), _definitions(self.inputs.items())]
        if self.result is not None:
            headings = [self.tr("Level"), self.tr("Scale"), self.tr("Bundles"), self.tr("Tiles"),
                        self.tr("Bytes"), self.tr("Dead bytes"), self.tr("Damaged tiles")]
            totals = self.result.level_totals()
            parts += [_heading(self.tr("Levels")), "<table><tr>" + "".join(
                f"<th>{html.escape(heading)}</th>" for heading in headings) + "</tr>"]
            for level, total in totals.items():
                counts = ("bundles", "tiles", "bytes", "dead_bytes", "damaged")
                cells = [str(level), f"{total['scale']:,.2f}"] + [f"{int(total[name]):,}" for name in counts]
                parts.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
            parts.append("</table>")
            legend = "<p>" + "".join(
                f'<span class="key" style="background:rgb{COLOURS[name]}"></span>{html.escape(text)}'
                for name, text in (("copied_raw", self.tr("tile")), ("damaged", self.tr("damaged tile")),
                                   ("", self.tr("no tile")))) + "</p>"
            shown = sorted(totals, key=lambda level: -totals[level]["tiles"])[:MAX_PICTURES]
            if shown:
                parts += [_heading(self.tr("Coverage")), legend]
            for level in sorted(shown):
                image = self.result.coverage_picture(level)
                if image is not None:
                    caption = self.tr("Level {level} (1:{scale:,.0f})").format(
                        level=level, scale=totals[level]["scale"])
                    parts.append(_figure(data_uri(image), caption, image.size))
        parts.append("</body></html>")
        Path(path).write_text("\n".join(parts), encoding="utf-8")
