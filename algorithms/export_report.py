"""What an export did, for people: the import report's table, pictures and inputs under the export's own
words (an export is an import from the service into a new target)."""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication

from .report import ImportReport


class ExportReport(ImportReport):
    """An ExportResult's engine counts (``imported``), the output as the target."""

    def tr(self, text):
        """This class's own strings; those it inherits keep the import report's translations."""
        translated = QCoreApplication.translate("ExportReport", text)
        return translated if translated != text else super().tr(text)

    def title(self) -> str:
        return self.tr("Export Map Server Cache")

    def done_label(self) -> str:
        return self.tr("Exported")

    def summary_lines(self) -> list[str]:
        """One line per level, then the totals."""
        lines = super().summary_lines()[:len(self.result.levels)]       # the import's per-level lines
        total = self.counts()
        lines.append(self.tr("Exported {imported} tiles to {target} in {seconds:.1f} s ({megabytes:.1f} MB "
                             "written): {clipped} clipped, {skipped} skipped, {damaged} damaged").format(
            target=self.result.target, seconds=self.result.seconds,
            megabytes=self.result.bytes_written / 1e6, **total))
        return lines
