"""The input service as an editable drop-down of the service caches found under the server connections,
with a button to pick a cache folder; typed text is taken as it is."""

from __future__ import annotations

from qgis.core import QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QSizePolicy, QToolButton, QWidget

from ...core.errors import CacheError
from ...core.sources.services import list_services
from ...settings import all_connections
from .standard_only import StandardDialogWidgetWrapper


class ServiceWidgetWrapper(StandardDialogWidgetWrapper):
    """`input_service`: every `GIS Servers/<connection>/<service>.MapServer` of the registered connections."""

    def tr(self, text):
        return QCoreApplication.translate("ServiceWidgetWrapper", text)

    def createWidget(self):
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.setMinimumContentsLength(12)             # long service strings must not widen the panel
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        try:
            services = list_services(all_connections())
            placeholder = (self.tr("Choose a service, type GIS Servers/<connection>/<service>.MapServer, or "
                                   "pick a cache folder") if services else
                           self.tr("No service cache under the registered connections (Settings ▸ Options ▸ "
                                   "Map Server Cache): type a service or pick a cache folder"))
        except CacheError as error:
            QgsMessageLog.logMessage(str(error), "Map Server Cache")
            services, placeholder = [], str(error)
        for text, folder in services:
            self.combo.addItem(text)
            self.combo.setItemData(self.combo.count() - 1, str(folder), Qt.ItemDataRole.ToolTipRole)
        self.combo.setCurrentIndex(-1)
        self.combo.lineEdit().setPlaceholderText(placeholder)
        self.combo.currentTextChanged.connect(lambda _text: self.widgetValueHasChanged.emit(self))
        browse = QToolButton()
        browse.setText("…")
        browse.setToolTip(self.tr("Pick the service's cache folder"))
        browse.clicked.connect(self.pick_folder)
        widget = QWidget()
        layout = QHBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.combo)
        layout.addWidget(browse)
        return widget

    def pick_folder(self):
        folder = QFileDialog.getExistingDirectory(self.widget, self.tr("Service Cache Folder"),
                                                  self.combo.currentText())
        if folder:
            self.setValue(folder)

    def setValue(self, value):
        self.combo.setEditText("" if value is None else str(value))

    def value(self):
        return self.combo.currentText().strip()
