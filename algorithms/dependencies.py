"""Which run-time libraries the import engine needs and which of them this Python lacks.

Checked without importing core/, so the plugin loads (and says what is missing) even without them.
"""

from __future__ import annotations

import importlib.util

REQUIRED_MODULES = (("PIL", "Pillow"), ("numpy", "numpy"), ("osgeo.gdal", "GDAL (osgeo)"))


def missing_libraries() -> list[str]:
    """Display names of the required libraries that cannot be imported."""
    missing = []
    for module, name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing
