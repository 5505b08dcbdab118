"""The QGIS enum members the plugin uses, by the names of the running QGIS: 3.22 up to QGIS 4 (Qt 6).

QGIS 3.30 and 3.36 moved the processing and geometry enums into ``Qgis`` (``Qgis.ProcessingSourceType``,
``Qgis.WkbType``, ...) and deprecated the per-class ones (``QgsProcessing.SourceType``, ``QgsWkbTypes.Type``,
...), which QGIS 4 removes. Each name here is the current member where this QGIS has it, else the 3.22 one;
the rest of the plugin takes them from here only (tests/processing/test_qt6_names.py checks that).
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsLabelingEngineSettings,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

if hasattr(Qgis, "ProcessingSourceType"):  # QGIS >= 3.36
    PARAMETER_ADVANCED = Qgis.ProcessingParameterFlag.Advanced
    PARAMETER_OPTIONAL = Qgis.ProcessingParameterFlag.Optional
    ALGORITHM_SUPPORTS_BATCH = Qgis.ProcessingAlgorithmFlag.SupportsBatch
    ALGORITHM_CAN_CANCEL = Qgis.ProcessingAlgorithmFlag.CanCancel
    SOURCE_VECTOR_POLYGON = Qgis.ProcessingSourceType.VectorPolygon
    NUMBER_INTEGER = Qgis.ProcessingNumberParameterType.Integer
    FILE_BEHAVIOR_FILE = Qgis.ProcessingFileParameterBehavior.File
    FILE_BEHAVIOR_FOLDER = Qgis.ProcessingFileParameterBehavior.Folder
else:
    PARAMETER_ADVANCED = QgsProcessingParameterDefinition.Flag.FlagAdvanced
    PARAMETER_OPTIONAL = QgsProcessingParameterDefinition.Flag.FlagOptional
    ALGORITHM_SUPPORTS_BATCH = QgsProcessingAlgorithm.Flag.FlagSupportsBatch
    ALGORITHM_CAN_CANCEL = QgsProcessingAlgorithm.Flag.FlagCanCancel
    SOURCE_VECTOR_POLYGON = QgsProcessing.SourceType.TypeVectorPolygon
    NUMBER_INTEGER = QgsProcessingParameterNumber.Type.Integer
    FILE_BEHAVIOR_FILE = QgsProcessingParameterFile.Behavior.File
    FILE_BEHAVIOR_FOLDER = QgsProcessingParameterFile.Behavior.Folder

if hasattr(Qgis, "WkbType"):  # QGIS >= 3.30
    WKB_POLYGON = Qgis.WkbType.Polygon
    WKB_MULTIPOLYGON = Qgis.WkbType.MultiPolygon
    POLYGON_GEOMETRY = Qgis.GeometryType.Polygon
else:
    WKB_POLYGON = QgsWkbTypes.Type.Polygon
    WKB_MULTIPOLYGON = QgsWkbTypes.Type.MultiPolygon
    POLYGON_GEOMETRY = QgsWkbTypes.GeometryType.PolygonGeometry

if hasattr(Qgis, "CrsWktVariant"):  # QGIS >= 3.36
    WKT1_ESRI = Qgis.CrsWktVariant.Wkt1Esri
else:
    WKT1_ESRI = QgsCoordinateReferenceSystem.WktVariant.WKT1_ESRI

if hasattr(Qgis, "LabelingFlag"):  # QGIS >= 3.40
    LABELS_PARTIAL_CANDIDATES = Qgis.LabelingFlag.UsePartialCandidates
else:
    LABELS_PARTIAL_CANDIDATES = QgsLabelingEngineSettings.Flag.UsePartialCandidates
