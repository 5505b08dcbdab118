"""Worker threads for units whose kind asks for threads (drawing: the renderer releases the GIL).

Each thread sets up its worker state (``pool.UnitKind.open_worker``: a drawer made in that thread) before its
first unit and tears it down in the same thread after its last, which an executor's initializer cannot do.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from concurrent.futures import Future


class WorkerThreads:
    """``count`` threads taking units from one queue, each keeping its own worker state (``UnitKind``) from
    its first unit to its last; ``submit`` and ``shutdown`` as an executor's, so the dispatch waits on them
    alike (``submit``'s function is the process pool's entry point: threads call ``kind.run`` directly)."""

    def __init__(self, count: int, kind, settings, stop: threading.Event):
        self.kind, self.settings, self.stop = kind, settings, stop
        self.units: queue.SimpleQueue = queue.SimpleQueue()
        self.threads = [threading.Thread(target=self._work, name=f"map_server_cache worker {index}",
                                         daemon=True) for index in range(count)]
        self.started = False

    def submit(self, function, unit) -> Future:
        future: Future = Future()
        self.units.put((future, unit))
        if not self.started:
            self.started = True
            for thread in self.threads:
                thread.start()
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        if cancel_futures:
            with contextlib.suppress(queue.Empty):
                while True:
                    self.units.get_nowait()[0].cancel()
        for _ in self.threads:
            self.units.put(None)
        if wait and self.started:
            for thread in self.threads:
                thread.join()

    def _work(self) -> None:
        kind = self.kind
        try:
            if kind.open_worker is not None:
                kind.open_worker(self.settings)
        except BaseException as error:    # the state could not be set up: the units this thread takes fail
            self._take(error)
            return
        try:
            self._take(None)
        finally:
            if kind.close_worker is not None:
                kind.close_worker()

    def _take(self, error: BaseException | None) -> None:
        while True:
            item = self.units.get()
            if item is None:
                return
            future, unit = item
            if not future.set_running_or_notify_cancel():
                continue
            if error is not None:
                future.set_exception(error)
                continue
            try:
                future.set_result(self.kind.run(self.settings, unit, self.stop.is_set))
            except BaseException as failure:
                future.set_exception(failure)
