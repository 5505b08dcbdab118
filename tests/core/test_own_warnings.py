"""The pytest configuration turns deprecation warnings raised from the plugin's modules into errors, and
only those: QGIS's or a library's own warnings, attributed to their modules, stay warnings."""

import warnings

import pytest


@pytest.mark.parametrize("category", [DeprecationWarning, PendingDeprecationWarning, FutureWarning])
def test_deprecation_from_our_modules_fails(category):
    with pytest.raises(category):
        warnings.warn_explicit("deprecated", category, "scheme.py", 1, module="map_server_cache.core.scheme")


def test_deprecation_from_elsewhere_stays_a_warning():
    with pytest.warns(DeprecationWarning):
        warnings.warn_explicit("deprecated", DeprecationWarning, "x.py", 1, module="osgeo.gdal")
