"""A "Map Server Cache" page in QGIS's Settings ▸ Options: the server connections and the flush setting."""

from __future__ import annotations

from pathlib import Path

from qgis.gui import QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..settings import (
    save_connections,
    save_flush_new_bundles,
    saved_connection_entries,
    saved_flush_new_bundles,
)

ICON = Path(__file__).resolve().parents[1] / "icon.svg"


class ConnectionsOptionsFactory(QgsOptionsWidgetFactory):
    """Creates the connections page each time the Options dialog opens."""

    def __init__(self):
        super().__init__(self.tr("Map Server Cache"), QIcon(str(ICON)))

    def tr(self, text):
        return QCoreApplication.translate("ConnectionsOptionsFactory", text)

    def createWidget(self, parent=None):
        return ConnectionsOptionsPage(parent)


class ConnectionsOptionsPage(QgsOptionsPageWidget):
    """A three-column table (connection name, server directories root, Dask scheduler of the site) and the
    flush check box; saved when the dialog is accepted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Connection name"), self.tr("Server directories root"),
                                              self.tr("Dask scheduler (optional)")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add, remove, browse = (QPushButton(self.tr("Add")), QPushButton(self.tr("Remove")),
                               QPushButton(self.tr("Choose Folder…")))
        add.clicked.connect(lambda: self.add_row("", "", ""))
        remove.clicked.connect(self.remove_selected)
        browse.clicked.connect(self.browse_root)
        buttons = QHBoxLayout()
        for button in (add, remove, browse):
            buttons.addWidget(button)
        buttons.addStretch()
        note = QLabel(self.tr(
            "A connection maps the name used in service strings such as "
            "<i>GIS Servers/&lt;connection&gt;/&lt;service&gt;.MapServer</i> to the folder holding "
            "<i>arcgiscache</i> and <i>arcgissystem</i>. For headless runs, the environment variable "
            "MAP_SERVER_CACHE_SERVERS may add connections as a JSON object. A Dask scheduler such as "
            "<i>tcp://caching1:8786</i> runs the imports into that connection's caches on the site's "
            "Dask workers (every machine mounting the cache share at the same path); "
            "MAP_SERVER_CACHE_DASK_SCHEDULER overrides it for every import."))
        note.setWordWrap(True)
        self.flush = QCheckBox(self.tr("Flush new bundles to disk before publishing them"))
        self.flush.setChecked(saved_flush_new_bundles())
        flush_note = QLabel(self.tr(
            "Protects the bundles an import creates as whole-file copies against a power cut during or "
            "just after the import, which could leave such a bundle empty; tiles that existed before are "
            "always protected. The cost: imports into empty targets wait for the disk and take about twice "
            "as long as a plain copy. For headless runs, the environment variable "
            "MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES (1 or 0) overrides this setting."))
        flush_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.flush)
        layout.addWidget(flush_note)
        for name, (root, scheduler) in sorted(saved_connection_entries().items()):
            self.add_row(name, root, scheduler or "")

    def tr(self, text):
        return QCoreApplication.translate("ConnectionsOptionsPage", text)

    def add_row(self, name: str, root: str, scheduler: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((name, root, scheduler)):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def browse_root(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.add_row("", "", "")
            row = self.table.rowCount() - 1
        current = self.table.item(row, 1).text() if self.table.item(row, 1) else ""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Server Directories Root"), current)
        if folder:
            self.table.setItem(row, 1, QTableWidgetItem(folder))

    def connections(self) -> dict[str, str]:
        """The table's rows with name and folder filled, trimmed: name → folder."""
        return {name: root for name, (root, _scheduler) in self.entries().items()}

    def schedulers(self) -> dict[str, str]:
        """The schedulers of those rows that name one: name → scheduler address."""
        return {name: scheduler for name, (_root, scheduler) in self.entries().items() if scheduler}

    def entries(self) -> dict[str, tuple[str, str]]:
        result = {}
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in (0, 1, 2)]
            name, root, scheduler = (cell.text().strip() if cell else "" for cell in cells)
            if name and root:
                result[name] = (root, scheduler)
        return result

    def apply(self):
        save_connections(self.connections(), self.schedulers())
        save_flush_new_bundles(self.flush.isChecked())
