"""The algorithm dialog and the batch dialog open offscreen; values set in the dialog pass the checks."""

from __future__ import annotations

import pytest
from caches import ALGORITHM_ID
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject
from qgis.gui import QgsBrowserGuiModel


@pytest.fixture
def iface(qgis_iface, monkeypatch):
    """pytest-qgis's stub interface with a real browser model, which the parameters panel asks for."""
    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    return qgis_iface


def test_algorithm_dialog_opens_and_builds_valid_parameters(plugin, iface, server, source):
    from processing.gui.AlgorithmDialog import AlgorithmDialog

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    dialog = AlgorithmDialog(algorithm)
    try:
        dialog.show()
        QgsApplication.processEvents()
        # 3.22 titles the dialog "Import Map Server Cache", 3.40 "Caching - Import Map Server Cache".
        assert algorithm.displayName() in dialog.windowTitle()
        wrappers = dialog.mainWidget().wrappers
        assert set(wrappers) >= {"input_service", "source_cache_type", "scales", "area_of_interest",
                                 "overwrite", "import_extent", "upload_data_to_server"}
        dialog.setParameters({"input_service": str(server.target), "source_cache_type": 0,
                              "source_cache_dataset": str(source), "overwrite": True,
                              "scales": "147914381.897889"})
        parameters = dialog.createProcessingParameters()
        assert parameters["overwrite"] is True and parameters["source_cache_type"] == 0
        assert parameters["input_service"] == str(server.target)
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        assert algorithm.checkParameterValues(parameters, context) == (True, "")
    finally:
        dialog.close()
        dialog.deleteLater()


def test_batch_dialog_opens(plugin, iface):
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    dialog = BatchAlgorithmDialog(algorithm)
    try:
        dialog.show()
        QgsApplication.processEvents()
        assert dialog.isVisible()
    finally:
        dialog.close()
        dialog.deleteLater()
