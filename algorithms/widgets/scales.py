"""The scales as a check list of the target's levels (level, scale, resolution), marking those the source
holds; nothing checked imports every level both share. Re-read whenever the service or the source changes.

The value stays the text a script would give, "500000;250000" (the exact scales of the checked levels), so
checkParameterValues and the engine read it as they read any other.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ...core.compatibility import compare, format_differences
from ...core.errors import CacheError
from ...core.planning.levels import SCALE_REL_TOL, select_levels
from ...core.sources.opening import open_cache
from ...core.sources.services import resolve_input_service
from ...settings import all_connections
from ..keywords import SOURCE_TYPES, KeywordError, parse_scales, parse_source_type
from .standard_only import StandardDialogWidgetWrapper

WATCHED = ("input_service", "source_cache_type", "source_cache_dataset", "source_tile_package")
SOURCE_FIELDS = ("source_cache_dataset", "source_tile_package")     # in the order of SOURCE_TYPES
UPDATE_DELAY_MS = 300                                               # typing a path reads it once, at the end
GREY, RED = QColor(128, 128, 128), QColor(200, 0, 0)
HELD, MISSING = "✓", "—"                                            # the "In source" column
VISIBLE_ROWS = 12                                                   # more rows scroll
UNKNOWN = "?"                                                       # level of a scale the target lacks


def same_scale(a: float, b: float) -> bool:
    return abs(a - b) <= SCALE_REL_TOL * max(abs(a), abs(b))


class ScalesWidgetWrapper(StandardDialogWidgetWrapper):
    """`scales`: one checkable row per target level, coarsest first; a status line says what was read."""

    def tr(self, text):
        return QCoreApplication.translate("ScalesWidgetWrapper", text)

    def createWidget(self):
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setHeaderLabels([self.tr("Level"), self.tr("Scale"), self.tr("Resolution"),
                                   self.tr("In source")])
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._checks_changed)
        self.status, self.choice = QLabel(), QLabel()       # what was read; what the checks choose
        for label in (self.status, self.choice):
            label.setWordWrap(True)
        self.siblings: dict = {}
        self.unreadable_text: str | None = None       # a value set from outside that is not a list of scales
        self.timer = QTimer(self.tree)
        self.timer.setSingleShot(True)
        self.timer.setInterval(UPDATE_DELAY_MS)
        self.timer.timeout.connect(self.update_levels)
        widget = QWidget()
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.status)
        layout.addWidget(self.choice)
        self._show_status(self.tr("Choose the input service to list its levels."))
        self._fit_height()
        return widget

    def postInitialize(self, wrappers):
        for name in WATCHED:
            wrapper = self.sibling(wrappers, name)
            if wrapper is not None:
                self.siblings[name] = wrapper
                wrapper.widgetValueHasChanged.connect(lambda _wrapper: self.timer.start())
        self.update_levels()

    def setValue(self, value):
        try:
            scales = parse_scales(value if value != "" else None) or []
        except KeywordError:
            self.unreadable_text = str(value)
            scales = []
        else:
            self.unreadable_text = None
        self.tree.blockSignals(True)
        for index in reversed(range(self.tree.topLevelItemCount())):
            item = self.tree.topLevelItem(index)
            if item.text(0) == UNKNOWN:
                self.tree.takeTopLevelItem(index)
            else:
                item.setCheckState(0, Qt.CheckState.Unchecked)
        self.tree.blockSignals(False)
        self._check(scales)

    def value(self):
        if self.unreadable_text is not None:
            return self.unreadable_text
        return ";".join(f"{scale:.15g}" for scale in self.checked_scales())

    def checked_scales(self) -> list[float]:
        return [self.tree.topLevelItem(i).data(1, Qt.ItemDataRole.UserRole)
                for i in range(self.tree.topLevelItemCount())
                if self.tree.topLevelItem(i).checkState(0) == Qt.CheckState.Checked]

    def update_levels(self):
        """List the target's levels again, keeping the checked scales; mark those the source holds."""
        self.timer.stop()
        checked = self.checked_scales()
        self.tree.blockSignals(True)
        self.tree.clear()
        self.tree.blockSignals(False)
        service = self._sibling_text("input_service")
        if not service:
            self._show_status(self.tr("Choose the input service to list its levels."))
            self._check(checked)
            return
        try:
            with open_cache(resolve_input_service(service, all_connections())) as target:
                scheme = target.scheme
        except (CacheError, OSError) as error:
            self._show_status(self.tr("Cannot read the input service: {error}").format(error=error), True)
            self._check(checked)
            return
        held, note, problem = self._levels_in_source(scheme)
        self._show_status(note, problem)
        for lod in sorted(scheme.lods, key=lambda lod: -lod.resolution):
            in_source = "" if held is None else HELD if lod.level in held else MISSING
            self._add_row(str(lod.level), lod.scale, f"{lod.resolution:.10g}", in_source,
                          GREY if held is not None and lod.level not in held else None)
        self._check(checked)

    def _levels_in_source(self, scheme):
        """(target levels the chosen source holds or None, a note on the source, whether it is a problem)."""
        if "source_cache_type" not in self.siblings:            # an export: the service is the source
            return None, self.tr("The levels the input service caches."), False
        try:
            source_type = parse_source_type(self._sibling_value("source_cache_type"))
        except KeywordError:
            source_type = SOURCE_TYPES[0]
        path = self._sibling_text(SOURCE_FIELDS[SOURCE_TYPES.index(source_type)])
        if not path:
            return None, self.tr("Choose a source to see which levels it holds."), False
        try:
            with open_cache(path) as source:
                pairs = select_levels(source.scheme, scheme).pairs
                differences = compare(source.scheme, scheme)
        except (CacheError, OSError) as error:
            return None, self.tr("Cannot read the source: {error}").format(error=error), True
        held = {target_lod.level for _source_lod, target_lod in pairs}
        if differences:
            return held, self.tr("The source does not fit the target:\n{differences}").format(
                differences=format_differences(differences)), True
        return held, self.tr("The source holds {held} of these {count} levels.").format(
            held=len(held), count=len(scheme.lods)), False

    def _add_row(self, level: str, scale: float, resolution: str, in_source: str, colour=None):
        item = QTreeWidgetItem([level, f"{scale:,.0f}" if scale >= 100 else f"{scale:.6g}", resolution,
                                in_source])
        item.setData(1, Qt.ItemDataRole.UserRole, scale)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        for column in (1, 2):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setTextAlignment(3, Qt.AlignmentFlag.AlignCenter)
        if colour is not None:
            for column in range(4):
                item.setForeground(column, QBrush(colour))
        self.tree.blockSignals(True)
        self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)
        return item

    def _check(self, scales):
        """Check the rows of these scales; a scale no row has gets a row of its own, marked unknown."""
        self.tree.blockSignals(True)
        for scale in scales:
            rows = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
            row = next((item for item in rows if same_scale(item.data(1, Qt.ItemDataRole.UserRole), scale)),
                       None)
            if row is None:
                row = self._add_row(UNKNOWN, scale, "", "", RED)
                row.setToolTip(0, self.tr("The input service does not cache this scale"))
            row.setCheckState(0, Qt.CheckState.Checked)
        self.tree.blockSignals(False)
        self._rows_changed()

    def _checks_changed(self, _item, _column):
        """The user checked or unchecked a row: the checks are the value now."""
        self.unreadable_text = None
        self._rows_changed()

    def _rows_changed(self):
        self._fit_height()
        self._show_choice()
        self.widgetValueHasChanged.emit(self)

    def _fit_height(self):
        """Tall enough for every row up to VISIBLE_ROWS, so a short list leaves no blank box; no list without
        rows."""
        self.tree.setVisible(self.tree.topLevelItemCount() > 0)
        rows = min(max(self.tree.topLevelItemCount(), 2), VISIBLE_ROWS)
        row_height = self.tree.sizeHintForRow(0) if self.tree.topLevelItemCount() else 20
        self.tree.setFixedHeight(self.tree.header().sizeHint().height() + rows * row_height
                                 + 2 * self.tree.frameWidth() + 2)

    def _show_status(self, note: str, problem: bool = False):
        self.status.setText(note)
        self.status.setStyleSheet(f"color: {RED.name()}" if problem else "")

    def _show_choice(self):
        """What the checked rows import, and what in them the import will skip or refuse."""
        problem = False
        items = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        self.choice.setVisible(bool(items) or self.unreadable_text is not None)
        checked = [item for item in items if item.checkState(0) == Qt.CheckState.Checked]
        if self.unreadable_text is not None:
            choice, problem = self.tr("Not a list of scales: {text}").format(text=self.unreadable_text), True
        elif not checked:
            choice = self.tr("Nothing checked: every level source and target share is imported.")
        else:
            choice = self.tr("{count} checked.").format(count=len(checked))
            lacking = [item.text(0) for item in checked if item.text(3) == MISSING]
            if lacking:
                choice += " " + self.tr("The source lacks level(s) {levels}: skipped.").format(
                    levels=", ".join(lacking))
            unknown = [item.text(1) for item in checked if item.text(0) == UNKNOWN]
            if unknown:
                choice += " " + self.tr("The input service does not cache the scale(s) {scales}.").format(
                    scales="; ".join(unknown))
                problem = True
        self.choice.setText(choice)
        self.choice.setStyleSheet(f"color: {RED.name()}" if problem else "")

    def _sibling_value(self, name: str):
        wrapper = self.siblings.get(name)
        return None if wrapper is None else wrapper.parameterValue()

    def _sibling_text(self, name: str) -> str:
        value = self._sibling_value(name)
        return "" if value is None else str(value).strip()


class CacheScalesWidgetWrapper(ScalesWidgetWrapper):
    """`scales` of a tool without a source (Manage Map Server Cache Tiles): the cache's levels alone."""

    def tr(self, text):
        return QCoreApplication.translate("CacheScalesWidgetWrapper", text)

    def _levels_in_source(self, scheme):
        return None, self.tr("Nothing checked: every level of the cache."), False
