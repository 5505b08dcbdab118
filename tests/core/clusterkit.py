"""A real Dask cluster on 127.0.0.1 for tests: ``dask scheduler`` and ``dask worker`` processes of this venv.

Workers keep their nanny: the nanny starts a new worker process when one is killed, as on a site, and the
tests find the process to kill through ``Client.run(os.getpid)``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DASK = Path(sys.executable).parent / "dask"
START_SECONDS = 60


class Cluster:
    """One scheduler and ``workers`` single-threaded workers; ``stop()`` ends every process it started."""

    def __init__(self, folder: Path, workers: int = 2, env: dict | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.processes = folder, []
        scheduler_file = folder / "scheduler.json"
        self.processes.append(self._start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                           "--dashboard-address", ":0", "--scheduler-file",
                                           str(scheduler_file)], "scheduler"))
        deadline = time.monotonic() + START_SECONDS
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dask scheduler did not start: {self.log('scheduler')}")
            time.sleep(0.1)
        self.address = json.loads(scheduler_file.read_text())["address"]
        for index in range(workers):
            self.add_worker(f"worker{index}", env=env)
        self.wait_for_workers(workers)

    def _start(self, command, name, env=None, cwd=None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=cwd or self.folder,
                                env={**os.environ, **(env or {})}, start_new_session=True)

    def add_worker(self, name: str, env: dict | None = None, cwd=None) -> subprocess.Popen:
        process = self._start([str(DASK), "worker", self.address, "--nworkers", "1", "--nthreads", "1",
                               "--host", "127.0.0.1", "--dashboard-address", ":0", "--name", name,
                               "--local-directory", str(self.folder / name)], name, env, cwd)
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=30, set_as_default=False)

    def wait_for_workers(self, count: int) -> None:
        with self.client() as client:
            client.wait_for_workers(count, timeout=START_SECONDS)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
