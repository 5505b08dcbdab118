"""Base of the plugin's widget wrappers: custom in the algorithm dialog, QGIS's own widget elsewhere.

Processing builds the wrapper named in a parameter's metadata (``widget_wrapper``) in every dialog. Batch
rows and the modeler need what QGIS's own wrappers give there (fill-down, model inputs, expressions), so in
those dialogs the constructor hands back the wrapper QGIS would have made without the metadata.
"""

from __future__ import annotations

from processing.gui.wrappers import DIALOG_MODELER, DIALOG_STANDARD, WidgetWrapper, dialogTypes
from qgis.gui import QgsGui


class StandardDialogWidgetWrapper(WidgetWrapper):
    """A Python wrapper in the algorithm dialog; QGIS's registered wrapper in batch mode and the modeler."""

    def __new__(cls, param, dialog, row=0, col=0, **kwargs):
        dialog_type = dialogTypes.get(type(dialog).__name__, DIALOG_STANDARD)
        if dialog_type == DIALOG_STANDARD:
            return super().__new__(cls)
        registry = QgsGui.processingGuiRegistry()
        if dialog_type == DIALOG_MODELER:
            return registry.createModelerParameterWidget(dialog.model, dialog.childId, param, dialog.context)
        wrapper = registry.createParameterWidgetWrapper(param, dialog_type)
        wrapper.setDialog(dialog)
        return wrapper

    @staticmethod
    def sibling(wrappers, name: str):
        """The wrapper of parameter ``name`` among the dialog's wrappers, or None."""
        return next((wrapper for wrapper in wrappers if wrapper.parameterDefinition().name() == name), None)
