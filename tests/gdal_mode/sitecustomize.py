"""Sets GDAL's exception mode from MAP_SERVER_CACHE_GDAL_EXCEPTIONS (1 on, 0 off) at interpreter start.

tests/conftest.py runs it in the test process and puts this folder on PYTHONPATH while the tests run in a
chosen mode, so that spawned pool workers and qgis_process, which start a fresh interpreter, run in the same
mode, as under a host that sets the mode at start-up. It shadows Debian's sitecustomize (apport's crash hook
only) in those processes.
"""

import os

MODE = os.environ.get("MAP_SERVER_CACHE_GDAL_EXCEPTIONS")

if MODE in ("0", "1"):
    try:
        from osgeo import gdal, ogr, osr
    except ImportError:
        pass
    else:
        for module in (gdal, ogr, osr):  # GDAL < 3.7 keeps one mode per module
            module.UseExceptions() if MODE == "1" else module.DontUseExceptions()
