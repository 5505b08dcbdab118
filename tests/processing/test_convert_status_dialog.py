"""The dialogs of Convert Map Server Cache Storage Format and Manage Map Server Cache Status open offscreen
with the import's pickers (service list, scale check list listing the service's levels); values set in them
pass the checks, and the checks refuse bad values before Run."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject
from test_dialog import iface  # noqa: F401  (a fixture)

CONVERT = "mapservercache:convertmapservercachestorageformat"
STATUS = "mapservercache:managemapservercachestatus"


def open_dialog(algorithm_id):
    from processing.gui.AlgorithmDialog import AlgorithmDialog

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    dialog = AlgorithmDialog(algorithm)
    dialog.show()
    QgsApplication.processEvents()
    return algorithm, dialog


def context():
    made = QgsProcessingContext()
    made.setProject(QgsProject.instance())
    return made


@pytest.mark.parametrize("algorithm_id,values", [
    (CONVERT, {"storage_format": 2}),
    (STATUS, {"manage_mode": 2, "scales": "147914381.897889"}),
])
def test_dialog_builds_valid_parameters(plugin, iface, server, tmp_path, algorithm_id, values):  # noqa: F811
    algorithm, dialog = open_dialog(algorithm_id)
    try:
        wrappers = dialog.mainWidget().wrappers
        assert type(wrappers["input_service"]).__name__ == "ServiceWidgetWrapper"
        if "scales" in wrappers:
            assert type(wrappers["scales"]).__name__ == "ScalesWidgetWrapper"
        dialog.setParameters({"input_service": str(server.target), "report_folder": str(tmp_path), **values})
        parameters = dialog.createProcessingParameters()
        assert parameters["input_service"] == str(server.target)
        assert algorithm.checkParameterValues(parameters, context()) == (True, "")
        if "scales" in wrappers:
            wrappers["scales"].update_levels()
            assert wrappers["scales"].tree.topLevelItemCount() == 4     # the service's levels listed
    finally:
        dialog.close()
        dialog.deleteLater()


def test_checks_refuse_before_run(plugin, server, tmp_path):
    convert = QgsApplication.processingRegistry().createAlgorithmById(CONVERT)
    ok, message = convert.checkParameterValues({"input_service": str(tmp_path)}, context())
    assert not ok and "conf.xml" in message
    status = QgsApplication.processingRegistry().createAlgorithmById(STATUS)
    ok, message = status.checkParameterValues({"input_service": str(server.target), "manage_mode": 2,
                                               "report_folder": str(tmp_path / "missing")}, context())
    assert not ok and "not a folder" in message
