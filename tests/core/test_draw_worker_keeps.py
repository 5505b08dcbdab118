"""A worker thread keeps its drawer between units and runs (a Dask worker's thread calls ``open_drawer``
before every unit) and makes a new one only when the map changed: another project, theme, drawer or scheme,
or the project file's modification time."""

from __future__ import annotations

import os

from drawkit import SPEC, PolygonDrawer, make_drawn_cache

from map_server_cache.core.execution import draw_worker
from map_server_cache.core.planning.draw_plan import DrawSettings, UpdateMode
from map_server_cache.core.sources.opening import open_cache


def test_the_drawer_is_kept_until_the_project_file_changes(tmp_path):
    folder = make_drawn_cache(tmp_path)
    project = tmp_path / "map.qgz"
    with open_cache(folder) as cache:
        settings = DrawSettings(str(folder), cache.scheme, UpdateMode.RECREATE_ALL_TILES, str(project), None,
                                SPEC, 1)
    opened = PolygonDrawer.opened
    try:
        draw_worker.open_drawer(settings)
        first = draw_worker._LOCAL.drawer
        draw_worker.open_drawer(settings)
        assert draw_worker._LOCAL.drawer is first and PolygonDrawer.opened == opened + 1
        stat = project.stat()
        os.utime(project, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        draw_worker.open_drawer(settings)
        assert draw_worker._LOCAL.drawer is not first and PolygonDrawer.opened == opened + 2
        assert list(tmp_path.glob("map.qgz.closed.*")), "the stale drawer was closed"
    finally:
        draw_worker.close_drawer()
