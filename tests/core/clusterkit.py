"""A real Dask cluster on 127.0.0.1 for tests: ``dask scheduler`` and ``dask worker`` processes of this venv.

Workers keep their nanny: the nanny starts a new worker process when one is killed, as on a site, and the
tests find the process to kill through ``Client.run(os.getpid)``. ``worker_command_for`` finds how another
user (``nobody``) can start a worker when this venv lies where that user cannot enter.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

DASK = Path(sys.executable).parent / "dask"
START_SECONDS = 60
WORKER_IMPORTS = "import distributed, numpy, PIL, osgeo"


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


def as_user(uid: int) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]


def why_user_cannot_run(uid: int, python: str, env: dict) -> str:
    """Empty when ``python`` started as ``uid`` imports what a Dask worker needs, else the error it gave."""
    try:
        done = subprocess.run([*as_user(uid), python, "-c", WORKER_IMPORTS], cwd="/", env=env,
                              capture_output=True, text=True, timeout=120)
    except OSError as error:
        return str(error)
    lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
    return "" if done.returncode == 0 else lines[-1]


def worker_command_for(uid: int, folder: Path) -> tuple[list[str], dict]:
    """The command (before ``worker <address> ...``) and environment with which the user ``uid`` starts a
    Dask worker: this venv's interpreter when that user can reach it, else the base interpreter with a copy
    of the venv's Dask distributions in ``folder`` (which that user must be able to enter). A checkout in a
    folder only its owner may enter (``mktemp -d``) holds a venv no other user reaches. RuntimeError says why
    neither runs."""
    if shutil.which("setpriv") is None:
        raise RuntimeError("setpriv (util-linux) is not installed")
    env = dict(os.environ)
    why_venv = why_user_cannot_run(uid, sys.executable, env)
    if not why_venv:
        return [sys.executable, "-m", "distributed.cli.dask_worker"], env
    base = getattr(sys, "_base_executable", None) or os.path.realpath(sys.executable)
    copy = folder / "site-packages"
    for dist in _closure("distributed", {}).values():
        _copy_distribution(dist, copy)
    for path in [copy, *copy.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy), env.get("PYTHONPATH")]))
    why_copy = why_user_cannot_run(uid, base, env)
    if why_copy:
        raise RuntimeError(f"user {uid} cannot run this venv's Python ({why_venv}) nor {base} with a copy of "
                           f"its Dask in {copy} ({why_copy})")
    return [base, "-m", "distributed.cli.dask_worker"], env


def _closure(name: str, found: dict) -> dict:
    """The installed distribution ``name`` and everything it requires (extras left out), by canonical name."""
    from packaging.requirements import Requirement  # a dependency of Dask's, like the rest of this
    from packaging.utils import canonicalize_name

    key = canonicalize_name(name)
    if key in found:
        return found
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return found
    found[key] = dist
    for line in dist.requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            _closure(requirement.name, found)
    return found


def _copy_distribution(dist, copy: Path) -> None:
    """The files of a distribution installed in this venv, hard-linked (else copied) under ``copy``; those of
    the system's site-packages stay where the base interpreter finds them."""
    site = Path(dist.locate_file(""))
    if not site.is_relative_to(sys.prefix) or sys.prefix == sys.base_prefix:
        return
    for file in dist.files or []:
        if ".." in file.parts:                              # console scripts in bin/
            continue
        source, target = site / file, copy / file
        if not source.is_file() or target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
