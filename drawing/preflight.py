"""What a Dask worker checks before it draws for a client (``core.execution.draw_run``'s pre-flight).

The client states its QGIS version and the font each label font of the project resolves to there
(``client_facts``: a font it lacks too falls back alike everywhere); each worker, with QGIS started, says
what it lacks to draw tiles identical to the client's: the same QGIS major.minor, the project read whole at
the same path (every layer valid: a layer whose data the worker cannot reach is named), the map theme, and
every label font resolving to the client's.
"""

from __future__ import annotations

from qgis.core import Qgis, QgsProject, QgsVectorLayer
from qgis.PyQt.QtGui import QFont, QFontInfo

from .project import DrawingError, check_map_theme, open_project


def qgis_major_minor() -> str:
    version = Qgis.QGIS_VERSION_INT
    return f"{version // 10000}.{version // 100 % 100}"


def client_facts(project_path: str, map_theme: str | None) -> dict:
    """What every worker must match: this QGIS's major.minor version and the fonts the project's labels
    are drawn with here ({family asked for: family drawn with})."""
    project = open_project(project_path)
    try:
        return {"qgis": qgis_major_minor(), "fonts": resolved_fonts(project)}
    finally:
        project.clear()


def problems(project_path: str, map_theme: str | None, facts: dict) -> str:
    """"" when this process (QGIS started) can draw the project as the client does, else what it lacks."""
    found = []
    wanted, mine = facts.get("qgis"), qgis_major_minor()
    if wanted and wanted != mine:
        found.append(f"QGIS {mine}, not the client's {wanted}")
    try:
        project = open_project(project_path)
    except DrawingError as error:
        return "; ".join([*found, str(error)])
    try:
        check_map_theme(project, map_theme)
        fonts = {family: (drawn, drawn_with(family)) for family, drawn in facts.get("fonts", {}).items()}
        missing = [f"{family} (drawn with {here} here, {there} on the client)"
                   for family, (there, here) in sorted(fonts.items()) if here != there]
        if missing:
            found.append(f"{project_path}: font(s) its labels use missing: {'; '.join(missing)}")
    except DrawingError as error:
        found.append(str(error))
    finally:
        project.clear()
    return "; ".join(found)


def resolved_fonts(project: QgsProject) -> dict[str, str]:
    """{font family a label asks for: the family Qt draws it with in this process}."""
    return {family: drawn_with(family) for family in label_fonts(project)}


def drawn_with(family: str) -> str:
    """The family Qt draws text of ``family`` with in this process (itself when installed)."""
    return QFontInfo(QFont(family)).family()


def label_fonts(project: QgsProject) -> set[str]:
    """The font families of every labelling the project's vector layers have switched on."""
    fonts = set()
    for layer in project.mapLayers().values():
        if not isinstance(layer, QgsVectorLayer) or not layer.labelsEnabled() or layer.labeling() is None:
            continue
        labeling = layer.labeling()
        for provider in labeling.subProviders():
            settings = labeling.settings(provider)
            if settings is not None and settings.drawLabels:
                fonts.add(settings.format().font().family())
    return fonts
