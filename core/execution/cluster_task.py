"""What a Dask worker runs for an import: stdlib only, shipped as a top-level module named after the code.

The client zips ``map_server_cache/__init__.py``, ``map_server_cache/core/**`` and this file, which goes in
as ``map_server_cache_boot_<code hash>.py`` (``cluster.shipped_code``). Tasks name their functions through
that module, so a worker never confuses two versions of it. Before it unpickles a unit, a task makes sure the
``map_server_cache`` in ``sys.modules`` is the one from its own zip: a worker process that imported another
version earlier (another client, an older plugin, a plain install) has it dropped from ``sys.modules`` and
imported again from the zip. Units, settings and results travel pickled, so they are read only by the
client's code.
"""

from __future__ import annotations

import _imp
import importlib
import os
import pickle
import sys
import time

PACKAGE = "map_server_cache"
BOOT_PREFIX = "map_server_cache_boot_"
# The attribute marking a package imported by this module from the zip of one code hash.
MARK = "__shipped_code__"
# How often (seconds) a running unit asks the cluster whether the import was cancelled.
STOP_POLL_SECONDS = 1.0


def code_hash() -> str:
    return __name__[len(BOOT_PREFIX):]


def shipped_package():
    """``map_server_cache`` as shipped with this module's code hash: imported again from its zip when the
    worker holds another version."""
    wanted = code_hash()
    _imp.acquire_lock()                   # one thread of the worker swaps the package at a time
    try:
        package = sys.modules.get(PACKAGE)
        if getattr(package, MARK, None) == wanted:
            return package
        _close_opened(package)
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        archive = _archive_path()
        while archive in sys.path:
            sys.path.remove(archive)
        sys.path.insert(0, archive)
        importlib.invalidate_caches()
        package = importlib.import_module(PACKAGE)
        if not os.path.abspath(package.__file__ or "").startswith(archive + os.sep):
            raise ImportError(f"{PACKAGE} was imported from {package.__file__}, not from {archive}")
        importlib.import_module(PACKAGE + ".core.execution.workers")
        setattr(package, MARK, wanted)
        return package
    finally:
        _imp.release_lock()


def _archive_path() -> str:
    """The zip this module was loaded from (``upload_file`` put it on ``sys.path``)."""
    here = os.path.abspath(__file__)
    archive = os.path.dirname(here)
    if not archive.endswith(".zip"):
        raise ImportError(f"{__name__} must be loaded from its code zip, not from {here}")
    return archive


def _close_opened(package) -> None:
    """Close the caches a loaded version keeps open (its datasets), if it has any."""
    workers = sys.modules.get(PACKAGE + ".core.execution.workers") if package is not None else None
    if workers is not None and hasattr(workers, "close_datasets"):
        workers.close_datasets()


def run_unit(run_blob: bytes, unit_blob: bytes, stop_name: str):
    """The task of one unit: run it with the client's code and its kind (``pool.UnitKind``, pickled with the
    run's settings); stop when the run's Event is set. The kind's ``open_worker`` runs before every unit in
    the worker's thread: what it sets up is kept there between units and runs (a drawer keeps its project)."""
    shipped_package()
    kind, settings = pickle.loads(run_blob)
    unit = pickle.loads(unit_blob)
    if kind.open_worker is not None:
        kind.open_worker(settings)
    return kind.run(settings, unit, _stop_poller(stop_name))


def _stop_poller(stop_name: str):
    """``should_stop`` for a unit: asks the scheduler at most once per STOP_POLL_SECONDS."""
    from distributed import Event

    event = Event(stop_name)
    state = {"next": 0.0, "stop": False}

    def should_stop() -> bool:
        now = time.monotonic()
        if not state["stop"] and now >= state["next"]:
            state["stop"] = bool(event.is_set())
            state["next"] = now + STOP_POLL_SECONDS
        return bool(state["stop"])

    return should_stop


def close_opened() -> None:
    """Close the caches the shipped code holds open in this worker (at the start and end of an import)."""
    package = sys.modules.get(PACKAGE)
    if getattr(package, MARK, None) == code_hash():
        _close_opened(package)


def probe_kind(kind_blob: bytes, args_blob: bytes) -> str:
    """A worker's pre-flight for one run: "" when it has what units of the kind need, else what it lacks."""
    try:
        shipped_package()
        kind = pickle.loads(kind_blob)
        return kind.probe(*pickle.loads(args_blob))
    except Exception as error:                  # what is missing on this worker (a module, a library)
        return f"{type(error).__name__}: {error}"


def probe(read_paths: list, write_folder: str) -> str:
    """"" when this worker reads every file of ``read_paths`` and writes (creates if missing) a probe file
    in ``write_folder``; else what failed."""
    for path in read_paths:
        try:
            with open(path, "rb") as file:
                file.read(1)
        except OSError as error:
            return f"cannot read {path} ({error.strerror or error})"
    probe_file = os.path.join(write_folder, f"probe-{os.uname().nodename if hasattr(os, 'uname') else ''}"
                                            f"-{os.getpid()}-{time.time_ns()}.tmp")
    try:
        os.makedirs(write_folder, exist_ok=True)
        with open(probe_file, "wb") as file:
            file.write(b"probe")
        os.remove(probe_file)
    except OSError as error:
        return f"cannot write in {write_folder} ({error.strerror or error})"
    return ""
