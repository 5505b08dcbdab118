"""Widgets of the algorithm dialog: a service picker, a scale check list and a source type that follows the
chosen file. Each is named in its parameter's metadata, so any algorithm declaring the same parameters gets
them; batch mode and the modeler keep QGIS's own widgets (see standard_only.py)."""
