"""Where a drawing run's units go: the local pool (worker threads or processes) or the site's Dask cluster.

Every tool that draws (Manage Map Server Cache Tiles, Create Map Tile Package) hands its units here, so each
runs on the scheduler chosen as for imports (``cluster.chosen_scheduler``: MAP_SERVER_CACHE_DASK_SCHEDULER,
else the one the tool names). On the cluster the drawing package travels with core/ and every worker passes
the drawing pre-flight before any tile is written: it reads the project and writes the target's
bookkeeping folder, and the drawer's module (the renderer) says what else it lacks (QGIS of the client's
version, the project's layers, the labels' fonts).
"""

from __future__ import annotations

import importlib
import os
from typing import Callable

from ..errors import CacheError
from ..planning.draw_plan import DrawSettings
from ..planning.units import UnitResult
from ..storage.locks import BOOKKEEPING_FOLDER
from .cluster import chosen_scheduler, run_units_on_cluster
from .cluster_task import probe
from .draw_worker import close_drawer, open_drawer, run_draw_unit
from .drawer import drawer_factory
from .pool import UnitKind, run_units

# What a Dask worker needs of the plugin besides core/ to draw with the QGIS renderer.
DRAWING_CODE = ("drawing", "qgiscompat.py")


def draw_kind(threads: bool) -> UnitKind:
    """Drawing units: one drawer per worker thread (or process); on a cluster, the drawing pre-flight."""
    return UnitKind(run_draw_unit, open_drawer, close_drawer, threads=threads, probe_args=draw_probe_args,
                    probe=probe_draw_worker, ships=DRAWING_CODE, name="drawing", doing="Drawing",
                    resume="RECREATE_EMPTY_TILES draws the rest")


def run_draw_units(settings: DrawSettings, units: list, workers: int | None, progress,
                   finished: Callable[[UnitResult], None], *, threads: bool = True,
                   scheduler: str | None = None) -> None:
    """Run the drawing units on the chosen Dask scheduler (``workers`` tasks in flight, None: every worker
    thread), else on the local pool (``workers`` threads or processes, None: every core)."""
    kind = draw_kind(threads)
    chosen = chosen_scheduler(scheduler)
    if chosen is not None:
        run_units_on_cluster(settings, units, chosen, workers, progress, finished, kind)
    else:
        run_units(settings, units, workers, progress, finished, kind)


def draw_probe_args(settings: DrawSettings) -> tuple:
    """On the client: what every worker is probed with, including the facts it must match that the
    drawer's module states for this client (``client_facts(project, map_theme)``: the renderer's QGIS
    version and label fonts)."""
    facts: dict = {}
    if settings.project is not None:
        module = importlib.import_module(drawer_factory(settings.drawer).__module__)
        client_facts = getattr(module, "client_facts", None)
        facts = client_facts(settings.project, settings.map_theme) if callable(client_facts) else {}
    return (settings.drawer, settings.project, settings.map_theme,
            os.path.join(settings.target, BOOKKEEPING_FOLDER), facts)


def probe_draw_worker(spec: str, project: str | None, map_theme: str | None, folder: str, facts: dict) -> str:
    """On a worker: "" when it reads the project, writes the bookkeeping folder, loads the drawer and the
    drawer's module finds nothing missing (``worker_problems(project, map_theme, facts)``); else what
    fails."""
    problem = probe([project] if project else [], folder)
    if problem or project is None:
        return problem
    try:
        module = importlib.import_module(drawer_factory(spec).__module__)
    except CacheError as error:
        return str(error)
    worker_problems = getattr(module, "worker_problems", None)
    return worker_problems(project, map_theme, facts) if callable(worker_problems) else ""
