"""The site executor: the work units of any kind (an import's, drawing's) as tasks on a Dask cluster.

ArcGIS Server runs an import on a site: caching instances on several machines that share one cache folder.
Here the machines run ``dask worker`` against one ``dask scheduler``; every machine mounts the cache share
at the same path, so a unit names source and target by the client's paths.

Per run: the plugin's own code is shipped to the workers (``shipped_code``: a zip keyed by its content
hash, see ``cluster_task``; core/ and what the unit kind ``ships`` besides, drawing/ for a drawing run), so a
worker needs Python with numpy, Pillow, GDAL and distributed (and QGIS to draw), never a plugin install;
every worker runs the kind's pre-flight probe (an import: reads the source's conf files and writes the
target's bookkeeping folder) before any tile is written; the kind and settings travel once (scattered to
every worker), then one task per target bundle, at most ``instances`` in flight. A worker that dies costs
only its running tasks, which the scheduler runs again elsewhere (units are crash-safe and journaled). The
scheduler may drop the scattered settings with a dead worker although every worker held a copy
(dask/distributed#3149) and cancel the tasks that need them: those are submitted again with the settings
scattered anew, a few times at most. A cancel sets a distributed Event that running units poll, and
cancels the queued ones.

dask is imported here only, and lazily: without it the plugin runs on the local pool, and an import that
names a scheduler says what to install.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import uuid
import zipfile
from collections import deque
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Callable

from ..errors import CacheError, ImportCancelled
from ..planning.units import UnitResult
from . import cluster_task
from .pool import IMPORT_UNITS, UnitKind

CONNECT_SECONDS = 10
POLL_SECONDS = 0.1
RESCATTERS = 3              # times a unit the cluster cancelled (its settings lost) is submitted again
_PACKAGE_DIR = Path(__file__).resolve().parents[2]          # the plugin folder, imported as map_server_cache
INSTALL_HINT = ('install Dask into the Python that runs QGIS: python3 -m pip install "dask[distributed]"')
# Names the Dask scheduler for every run (import, drawing), over the request's (headless runs, whole sites).
SCHEDULER_ENVIRONMENT_VARIABLE = "MAP_SERVER_CACHE_DASK_SCHEDULER"


def chosen_scheduler(requested: str | None) -> str | None:
    """The scheduler a run uses: the environment's, else the requested one; None: the local pool."""
    return os.environ.get(SCHEDULER_ENVIRONMENT_VARIABLE, "").strip() or requested or None


def load_distributed():
    """The ``distributed`` module, or a CacheError saying what to install."""
    try:
        import distributed
    except ImportError as error:
        raise CacheError(f"a Dask scheduler is named but Dask distributed is not installed ({error}); "
                         f"{INSTALL_HINT}, or name no scheduler to import on this machine") from None
    return distributed


def run_units_on_cluster(settings, units: list, scheduler: str, instances: int | None, progress,
                         finished: Callable[[UnitResult], None], kind: UnitKind = IMPORT_UNITS) -> None:
    """Run every unit of ``kind`` on the cluster of ``scheduler``, calling ``finished`` per result as it
    comes; at most ``instances`` tasks in flight (None: every worker thread of the cluster). Raises
    ImportCancelled on cancel and CacheError when the cluster cannot be reached or lost, or a worker lacks
    what the kind's probe asks for."""
    distributed = load_distributed()
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise CacheError(f"Dask scheduler {scheduler}: cannot connect ({error}); start it, or name no "
                         f"scheduler to run the {kind.name} on this machine") from None
    boot = None
    try:
        boot = ship_code(client, distributed, kind.ships)
        progress.message(f"{kind.doing} on the Dask cluster at {scheduler}: "
                         f"{len(client.scheduler_info(n_workers=-1)['workers'])} workers")
        _check_workers(client, boot, settings, kind)
        client.run(boot.close_opened)
        _Tasks(client, distributed, boot, (kind, settings), instances, progress, finished).run(units)
    except distributed.KilledWorker as error:
        raise CacheError(f"Dask scheduler {scheduler}: a unit ended its worker process several times "
                         f"({error}); bundles written so far are complete, see the workers' logs; then "
                         f"{kind.resume}") from None
    except (OSError, TimeoutError, distributed.CancelledError) as error:
        if isinstance(error, CacheError):
            raise
        raise CacheError(f"Dask scheduler {scheduler}: lost the cluster during the {kind.name} ({error!r}); "
                         f"bundles written so far are complete, {kind.resume}") from None
    finally:
        if boot is not None:
            with contextlib.suppress(Exception):     # the cluster may be gone: nothing left to close then
                client.run(boot.close_opened)
        client.close(timeout=CONNECT_SECONDS)


def shipped_code(package_dir: Path = _PACKAGE_DIR, ships: tuple[str, ...] = ()) -> tuple[str, bytes]:
    """(code hash, zip bytes) of the package's ``__init__.py``, ``core/**/*.py`` and the folders and files
    ``ships`` names, plus the boot module."""
    files = [package_dir / "__init__.py"]
    for name in ("core", *ships):
        path = package_dir / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    contents = [(f"{cluster_task.PACKAGE}/{path.relative_to(package_dir).as_posix()}", path.read_bytes())
                for path in files]
    digest = hashlib.blake2b(digest_size=10)
    for name, data in contents:
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    code = digest.hexdigest()
    boot_source = (package_dir / "core" / "execution" / "cluster_task.py").read_bytes()
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in contents + [(f"{cluster_task.BOOT_PREFIX}{code}.py", boot_source)]:
                archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
        buffer.seek(0)
        return code, buffer.read()


def ship_code(client, distributed, ships: tuple[str, ...] = ()):
    """Upload the code zip to the scheduler and every worker, present and future (once per code hash);
    return the boot module, named by that hash."""
    code, data = shipped_code(ships=ships)
    name = f"{cluster_task.BOOT_PREFIX}{code}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"map_server_cache-{code}.zip"
        path.write_bytes(data)
        plugins = distributed.diagnostics.plugin      # the scheduler unpickles task graphs: it needs it too
        for plugin in (plugins.SchedulerUploadFile(str(path)), plugins.UploadFile(str(path))):
            plugin.idempotent = True                     # a name (code hash) already registered is kept
            client.register_plugin(plugin, name=name)
    boot = sys.modules.get(name)
    if boot is None:                     # the client pickles task functions by this module's name
        spec = importlib.util.spec_from_file_location(name, cluster_task.__file__)
        assert spec is not None and spec.loader is not None
        boot = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(boot)
        sys.modules[name] = boot
    return boot


def _check_workers(client, boot, settings, kind: UnitKind) -> None:
    """Every worker passes the kind's probe (reads and writes what the units need), else stop, naming each
    worker and what it lacks."""
    if kind.probe is None or kind.probe_args is None:
        return
    args = kind.probe_args(settings)
    answers = client.run(boot.probe_kind, pickle.dumps(kind), pickle.dumps(args), on_error="return")
    failed = {worker: answer for worker, answer in answers.items() if answer}
    if not answers:
        raise CacheError("the Dask cluster has no workers: start `dask worker <scheduler address>` on the "
                         "caching machines")
    if failed:
        names = {address: info.get("name") for address, info in
                 client.scheduler_info(n_workers=-1)["workers"].items()}
        lines = "\n".join(f"  {worker} ({names.get(worker)}): {answer}"
                          for worker, answer in sorted(failed.items()))
        raise CacheError(f"{len(failed)} of {len(answers)} Dask workers cannot run this {kind.name} (every "
                         "machine must mount the shares at the client's paths and have what is named "
                         f"below); nothing was written:\n{lines}")


class _Tasks:
    """One task per unit, at most ``limit`` in flight; results reported in the order they finish."""

    def __init__(self, client, distributed, boot, run, instances, progress, finished):
        self.client, self.distributed, self.boot = client, distributed, boot
        self.progress, self.finished = progress, finished
        self.token = uuid.uuid4().hex
        self.stop = distributed.Event(f"map-server-cache-stop-{self.token}", client=client)
        self.pickled_settings = pickle.dumps(run)          # (kind, settings)
        self.settings = client.scatter(self.pickled_settings, broadcast=True, hash=False)
        self.rescatters = 0
        self.submitted = 0
        self.finished_futures: SimpleQueue = SimpleQueue()     # put by each future when it is done
        threads = sum(client.nthreads().values())
        self.limit = max(1, instances or threads)

    def run(self, units: list) -> None:
        queue = deque(sorted(units, key=lambda unit: (getattr(unit, "whole_file", False), -unit.tiles)))
        running: dict = {}                    # future → its unit
        cancelled: dict = {}                  # target key → times the cluster cancelled its unit
        try:
            while queue or running:
                while queue and len(running) < self.limit:
                    unit = queue.popleft()
                    running[self._submit(unit)] = unit
                for future in self._finished_soon(running):
                    unit = running.pop(future)
                    try:
                        result = future.result()
                    except self.distributed.CancelledError:
                        key = _target_key(unit)
                        cancelled[key] = cancelled.get(key, 0) + 1
                        self._settings_lost(future, cancelled[key])
                        queue.appendleft(unit)        # crash-safe and journaled: run it again
                        continue
                    self.finished(result)
                if self.progress.is_cancelled():
                    raise ImportCancelled("cancelled")
        except BaseException:
            self._stop(set(running))
            raise

    def _finished_soon(self, running: dict) -> list:
        """The running futures that finished, waiting at most POLL_SECONDS for the first: the next unit goes
        out the moment a worker frees up instead of at the next poll (the caller handles cancelled ones)."""
        try:
            finished = [self.finished_futures.get(timeout=POLL_SECONDS)]
        except Empty:
            return []
        with contextlib.suppress(Empty):
            while True:
                finished.append(self.finished_futures.get_nowait())
        return [future for future in finished if future in running]

    def _submit(self, unit):
        self.submitted += 1
        future = self.client.submit(self.boot.run_unit, self.settings, pickle.dumps(unit), self.stop.name,
                                    key=f"map-server-cache-{self.token}-{self.submitted}", pure=False)
        future.add_done_callback(self.finished_futures.put)
        return future

    def _settings_lost(self, future, times: int) -> None:
        """A task the cluster cancelled (not we): the scattered settings went with a lost worker. Scatter
        them again, once for all the tasks cancelled with the same copy; when the client lost the cluster,
        or the same unit was cancelled more than RESCATTERS times, raise the cancellation."""
        if self.client.status != "running" or times > RESCATTERS:
            future.result()
        if self.settings.status == "finished" and self.rescatters:
            return                                      # already scattered anew after this loss
        self.rescatters += 1
        self.progress.warning("The Dask cluster lost this run's settings with a worker; scattering "
                              "them again and running the bundles it was working on again")
        self.settings = self.client.scatter(self.pickled_settings, broadcast=True, hash=False)

    def _stop(self, running: set) -> None:
        """Stop the running units at a batch boundary, drop the queued ones, report the finished ones."""
        try:
            self.stop.set()
            started = {key for keys in self.client.processing().values() for key in keys}
        except Exception:                     # the client closed (cluster gone): nothing runs any more
            return
        queued = [future for future in running if future.key not in started]
        self.client.cancel(queued)
        for future in running - set(queued):
            try:
                result = future.result(timeout=60)
            except Exception:
                continue
            self.finished(result)


def _target_key(unit) -> tuple:
    """The target bundle of a unit of any kind (an import's WorkUnit, a DrawUnit)."""
    return getattr(unit, "target_key", None) or unit.key
