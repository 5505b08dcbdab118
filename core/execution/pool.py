"""The pool running work units of any kind (an import's, Manage Map Server Cache Tiles' drawing): whole-bundle
copies on threads, the rest on worker threads, in worker processes or inline.

What differs between kinds travels as a ``UnitKind``: the function running one unit, and the set-up and
tear-down of what each worker keeps for its units (a drawer: one per thread, created in that thread; one per
process, created in the pool initializer). Whole-bundle file copies run on threads of the calling process, as
many as the workers. The other units run inline with one worker, else on worker threads when their kind asks
for them (drawing releases the GIL), else in a ``spawn`` process pool (the only start method on Windows and
macOS, and safe in a threaded host like QGIS). Inside QGIS ``sys.executable`` is QGIS itself or whatever PATH
offers, so the pool is pointed at the Python interpreter that belongs to this process. A cancel sets a stop
event that running units poll (threads share one, processes get theirs through the pool initializer).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import types
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import CacheError, ImportCancelled
from ..planning.units import UnitResult
from .cluster_task import probe
from .worker_threads import WorkerThreads
from .workers import close_datasets, import_probe_args, run_unit

# How often (seconds) the pool's owner polls for finished units and for a cancel.
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class UnitKind:
    """How units of one kind run; picklable (module-level functions), sent once per worker process."""

    run: Callable[[Any, Any, Callable[[], bool]], UnitResult]   # (settings, unit, should_stop) → result
    open_worker: Callable[[Any], None] | None = None      # (settings): set up what this thread keeps
    close_worker: Callable[[], None] | None = None        # undo open_worker, in the same thread
    threads: bool = False                                 # workers are threads of this process
    # On a Dask cluster (``cluster``): what each worker proves before any tile is written. ``probe_args``
    # runs on the client, ``probe`` on every worker with those arguments and says what that worker lacks
    # ("": nothing); ``ships`` names what the workers need of the plugin besides core/.
    probe_args: Callable[[Any], tuple] | None = None
    probe: Callable[..., str] | None = None
    ships: tuple[str, ...] = ()
    name: str = "import"                                  # what a run of this kind is called in messages
    doing: str = "Importing"
    resume: str = "run the same import again to finish it"


IMPORT_UNITS = UnitKind(run_unit, probe_args=import_probe_args, probe=probe)

_STOP = None
_SETTINGS: Any = None
_KIND: UnitKind = IMPORT_UNITS


def init_worker(stop_event, settings, kind: UnitKind = IMPORT_UNITS) -> None:
    """Pool initializer: remember the shared stop event, the run's settings and unit kind (sent once per
    worker) and set up the worker (torn down when the process exits normally)."""
    global _STOP, _SETTINGS, _KIND
    _STOP, _SETTINGS, _KIND = stop_event, settings, kind
    if kind.open_worker is not None:
        kind.open_worker(settings)
    if kind.close_worker is not None:
        from multiprocessing.util import Finalize  # run by a pool worker's orderly exit, unlike atexit
        Finalize(None, kind.close_worker, exitpriority=10)


def run_in_worker(unit) -> UnitResult:
    """Entry point of pool workers: run the unit, stopping early when the shared event is set."""
    assert _SETTINGS is not None, "init_worker runs first"
    return _KIND.run(_SETTINGS, unit, _STOP.is_set if _STOP is not None else (lambda: False))


def run_units(settings, units: list, workers: int | None, progress,
              finished: Callable[[UnitResult], None], kind: UnitKind = IMPORT_UNITS) -> None:
    """Run every unit, calling ``finished`` with each result as it comes; raises ImportCancelled on cancel.

    ``workers`` (None: every core) is how many units run at once of each kind. Whole-bundle file copies run on
    that many threads of this process: the kernel copies their bytes, so threads are enough, and more of them
    than cores only contend (1M tiles from the page cache on 2 cores: 0.33-0.39 s on 2 threads, 0.47-0.63 s
    on 8; from disk the same within noise). The other units are CPU-bound: in that many processes, inline in
    this thread when one worker (or one unit) is enough; on that many worker threads when ``kind.threads``.
    """
    workers = workers or os.cpu_count() or 1
    copies = [unit for unit in units if getattr(unit, "whole_file", False)]
    others = sorted((unit for unit in units if not getattr(unit, "whole_file", False)),
                    key=lambda unit: -unit.tiles)
    count = min(workers, len(others))
    executable = python_executable() if count > 1 and not kind.threads else None
    if count > 1 and not kind.threads and executable is None:
        progress.warning("No Python interpreter found next to this application to start worker processes; "
                         "working in this process")
        count = 1
    _Dispatch(settings, progress, finished, kind).run(copies, min(workers, len(copies)), others, count,
                                                      executable)


class _Dispatch:
    """Feeds units to the copy threads, the worker threads or processes, or this thread; stops them all on
    cancel or error, and still reports the units that finished meanwhile."""

    def __init__(self, settings, progress, finished, kind: UnitKind):
        self.settings, self.progress, self.finished, self.kind = settings, progress, finished, kind
        self.thread_stop = threading.Event()
        self.process_stop: Any = None
        self.futures: list[Future] = []
        self.reported: set[Future] = set()

    def run(self, copies, threads_count, others, count, executable) -> None:
        threads = ThreadPoolExecutor(threads_count) if copies else None
        processes: Any = None
        if count > 1:
            processes = WorkerThreads(count, self.kind, self.settings, self.thread_stop) \
                if self.kind.threads else self._processes(count, executable)
        try:
            if threads is not None:
                self.futures += [threads.submit(run_unit, self.settings, unit,
                                                              self.thread_stop.is_set) for unit in copies]
            inline = [] if processes is not None else list(others)
            if processes is not None:
                with _main_module_hidden():                # workers are started by the first submits
                    self.futures += [processes.submit(run_in_worker, unit) for unit in others]
            self._loop(inline)
        except BaseException:
            self.thread_stop.set()
            if self.process_stop is not None:
                self.process_stop.set()
            for pool in (threads, processes):
                if pool is not None:
                    pool.shutdown(wait=True, cancel_futures=True)  # running units stop at a batch boundary
            for future in self.futures:
                if future not in self.reported and future.done() and not future.cancelled() \
                        and not future.exception():
                    self.finished(future.result())
            raise
        finally:
            for pool in (threads, processes):
                if pool is not None:
                    pool.shutdown(wait=True)
            close_datasets()

    def _processes(self, count, executable):
        # Imported here: an import of whole-bundle copies only starts no process and needs neither.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        if executable != sys.executable:
            context.set_executable(executable)
        self.process_stop = context.Event()
        return ProcessPoolExecutor(count, mp_context=context, initializer=init_worker,
                                   initargs=(self.process_stop, self.settings, self.kind))

    def _loop(self, inline: list) -> None:
        with _worker_state(self.kind, self.settings) if inline else contextlib.nullcontext():
            self._wait(inline)

    def _wait(self, inline: list) -> None:
        pending = set(self.futures)
        while pending or inline:
            if inline:
                result = self.kind.run(self.settings, inline.pop(0), self.progress.is_cancelled)
                self.finished(result)
                if result.stopped:
                    raise ImportCancelled("cancelled")
            if pending:
                done, pending = wait(pending, timeout=0 if inline else POLL_SECONDS,
                                     return_when=FIRST_COMPLETED)
                for future in done:
                    self.reported.add(future)
                    self.finished(_result(future))
            if self.progress.is_cancelled():
                raise ImportCancelled("cancelled")


@contextlib.contextmanager
def _worker_state(kind: UnitKind, settings):
    """What a worker keeps for its units, set up and torn down in the calling thread."""
    if kind.open_worker is not None:
        kind.open_worker(settings)
    try:
        yield
    finally:
        if kind.close_worker is not None:
            kind.close_worker()


@contextlib.contextmanager
def _main_module_hidden():
    """Start workers without the caller's ``__main__``: units need nothing from it, and a script lacking the
    ``if __name__ == "__main__"`` guard would otherwise run again in every worker (spawn imports it)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _result(future) -> UnitResult:
    try:
        return future.result()
    except Exception as error:
        # Only a process pool breaks, and it loaded its module: a copy-only import never imports it.
        process = sys.modules.get("concurrent.futures.process")
        if process is not None and isinstance(error, process.BrokenProcessPool):
            raise CacheError(f"a worker process ended abruptly ({error}); bundles written so far are "
                             "complete, run the import again to finish it") from None
        raise


def python_executable() -> str | None:
    """A Python interpreter for worker processes, the same one this process runs.

    An embedded Python (QGIS, qgis_process) derives ``sys.executable`` from the host or from PATH, which may
    name a foreign interpreter without GDAL or numpy; it is trusted only when it lies under this Python's
    prefix and reports this version, else the interpreter installed under ``sys.exec_prefix`` is used.
    """
    candidates = []
    if sys.executable and os.path.basename(sys.executable).lower().startswith("python"):
        real = os.path.realpath(sys.executable)
        if any(_is_under(real, prefix) for prefix in (sys.exec_prefix, sys.base_exec_prefix)):
            candidates.append(sys.executable)
    if os.name == "nt":
        candidates += [os.path.join(sys.exec_prefix, name) for name in ("pythonw.exe", "python.exe")]
    else:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        candidates += [os.path.join(sys.exec_prefix, "bin", name) for name in (f"python{version}", "python3")]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK) and _reports_this_version(candidate):
            return candidate
    return None


def _is_under(path: str, prefix: str) -> bool:
    path, prefix = os.path.normcase(path), os.path.normcase(os.path.realpath(prefix))
    try:
        return os.path.commonpath([path, prefix]) == prefix
    except ValueError:                                   # another drive (Windows)
        return False


def _reports_this_version(python: str) -> bool:
    """Whether ``python`` runs and is this major.minor version (worker and caller must share binaries)."""
    try:
        done = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                              text=True, timeout=30, stdin=subprocess.DEVNULL,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.split() == [str(part) for part in sys.version_info[:2]]
