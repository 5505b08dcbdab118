"""QGIS 4 / Qt 6 readiness of the plugin's Python: what QGIS's migration script
(scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py, see README) would change must not be there, nor the per-class
enums QGIS 4 removes outside qgiscompat.

The script needs QGIS's enums.json and tokenize-rt, neither here at test time, so its checks that matter
for this code are made on the syntax tree, resolving names against the running Qt/QGIS: ``exec_``,
``QVariant.<type>``, PyQt5 imports, enum members reached through their class instead of their enum
(``Qt.AlignLeft`` for ``Qt.AlignmentFlag.AlignLeft``).
"""

from __future__ import annotations

import ast
import enum
import inspect
import subprocess
from pathlib import Path

import pytest
from qgis import analysis, core, gui
from qgis.core import Qgis
from qgis.PyQt import QtCore, QtGui, QtNetwork, QtWidgets

REPO = Path(__file__).resolve().parents[2]
PYQT = ("PyQt5", "PyQt6")
NAMESPACES = (QtCore, QtGui, QtNetwork, QtWidgets, core, gui, analysis)
# Per-class enums QGIS 3.30/3.36 moved into Qgis and QGIS 4 removes: only qgiscompat may name them.
REMOVED_IN_QGIS4 = {("QgsProcessing", "SourceType"), ("QgsProcessingParameterDefinition", "Flag"),
                    ("QgsProcessingAlgorithm", "Flag"), ("QgsProcessingParameterNumber", "Type"),
                    ("QgsProcessingParameterFile", "Behavior"), ("QgsWkbTypes", "Type"),
                    ("QgsWkbTypes", "GeometryType"), ("QgsProcessingProvider", "Flag")}


def _class(name: str):
    for namespace in NAMESPACES:
        value = getattr(namespace, name, None)
        if inspect.isclass(value):
            return value
    return None


def _unscoped_enum(owner: str, member: str) -> str | None:
    """The enum a Qt5-style unscoped member belongs to (``Qt.AlignLeft`` -> AlignmentFlag), else None.

    Reached through its enum (``Qt.AlignmentFlag``) the attribute is the enum class itself; reached
    through the class it is a member: a sip enum value or, for QGIS's scoped enums, an ``enum.Enum``.
    """
    cls = _class(owner)
    value = getattr(cls, member, None) if cls is not None else None
    if value is None or inspect.isclass(value):
        return None
    if type(type(value)).__name__ == "enumtype" or isinstance(value, enum.Enum):
        return type(value).__name__
    return None


def problems(source: str, filename: str = "<source>") -> list[str]:
    """What the migration script would change in source, and per-class enums QGIS 4 removes."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, (ast.FunctionDef, ast.Attribute)) and "exec_" in (
                getattr(node, "name", None), getattr(node, "attr", None)):
            found.append(f"{where}: exec_ (Qt 6: exec)")
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PYQT:
            found.append(f"{where}: import from {node.module} (use qgis.PyQt)")
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] in PYQT for alias in node.names):
            found.append(f"{where}: import of PyQt5/6 (use qgis.PyQt)")
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        owner, member = node.value.id, node.attr
        if owner == "QVariant" and member[:1].isupper():
            found.append(f"{where}: QVariant.{member} (Qt 6: QMetaType.Type)")
        elif (owner, member) in REMOVED_IN_QGIS4 and Path(filename).name != "qgiscompat.py":
            found.append(f"{where}: {owner}.{member} is removed in QGIS 4 (use qgiscompat)")
        elif enum := _unscoped_enum(owner, member):
            found.append(f"{where}: {owner}.{member} (Qt 6: {owner}.{enum}.{member})")
    return found


def _plugin_sources():
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / name for name in listed.stdout.split()]


def test_checker_finds_each_qt5_form():
    bad = ("from PyQt5.QtCore import Qt\n"
           "from qgis.core import QgsProcessingParameterDefinition, QgsField\n"
           "align = Qt.AlignLeft\n"
           "advanced = QgsProcessingParameterDefinition.FlagAdvanced\n"
           "scoped_but_removed = QgsProcessingParameterDefinition.Flag.FlagAdvanced\n"
           "dialog.exec_()\n"
           "field = QgsField('n', QVariant.Int)\n")
    found = "\n".join(problems(bad))
    expected = [":1: import from PyQt5", ":3: Qt.AlignLeft (Qt 6: Qt.AlignmentFlag.AlignLeft)",
                ":5: QgsProcessingParameterDefinition.Flag is removed", ":6: exec_", ":7: QVariant.Int"]
    if Qgis.QGIS_VERSION_INT < 33600:     # from 3.36 the old member aliases Qgis.ProcessingParameterFlag
        expected.append(":4: QgsProcessingParameterDefinition.FlagAdvanced (Qt 6: "
                        "QgsProcessingParameterDefinition.Flag.FlagAdvanced)")
    for line in expected:
        assert line in found
    good = ("from qgis.PyQt.QtCore import Qt\nalign = Qt.AlignmentFlag.AlignLeft\ndialog.exec()\n"
            "role = Qt.ItemDataRole.UserRole\n")
    assert problems(good) == []


def test_plugin_code_has_no_qt5_forms():
    sources = _plugin_sources()
    assert len(sources) > 20
    found = [problem for path in sources
             for problem in problems(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))]
    assert found == []


def test_metadata_declares_qgis4_support():
    """QGIS 4's plugin manager and plugins.qgis.org go by qgisMaximumVersion >= 4.0; the Qt 6 builds of
    QGIS 3 by supportsQt6."""
    lines = (REPO / "metadata.txt").read_text().splitlines()
    assert "supportsQt6=True" in lines and "qgisMaximumVersion=4.99" in lines


@pytest.mark.parametrize("name, legacy", [
    ("PARAMETER_ADVANCED", "QgsProcessingParameterDefinition.FlagAdvanced"),
    ("PARAMETER_OPTIONAL", "QgsProcessingParameterDefinition.FlagOptional"),
    ("ALGORITHM_SUPPORTS_BATCH", "QgsProcessingAlgorithm.FlagSupportsBatch"),
    ("ALGORITHM_CAN_CANCEL", "QgsProcessingAlgorithm.FlagCanCancel"),
    ("SOURCE_VECTOR_POLYGON", "QgsProcessing.TypeVectorPolygon"),
    ("NUMBER_INTEGER", "QgsProcessingParameterNumber.Integer"),
    ("FILE_BEHAVIOR_FILE", "QgsProcessingParameterFile.File"),
    ("FILE_BEHAVIOR_FOLDER", "QgsProcessingParameterFile.Folder"),
    ("WKB_POLYGON", "QgsWkbTypes.Polygon"),
    ("WKB_MULTIPOLYGON", "QgsWkbTypes.MultiPolygon"),
    ("POLYGON_GEOMETRY", "QgsWkbTypes.PolygonGeometry"),
])
def test_compat_names_are_the_members_qgis_means(name, legacy):
    """Each compat name is the member the 3.22 name denotes (by value: QGIS 3.36+ keeps the values)."""
    from map_server_cache import qgiscompat

    owner, member = legacy.split(".")
    expected = getattr(getattr(core, owner), member, None)
    if expected is None:
        pytest.skip(f"QGIS {core.Qgis.version()} no longer has {legacy}")
    assert int(getattr(qgiscompat, name)) == int(expected)
