"""The tests hold wherever a user clones: a copy of this checkout's tracked files inside a folder only its
owner may enter (as `mktemp -d` makes, or root's home), with its `.venv` inside that folder too, runs the
tests that depend on where the checkout lies (a Dask worker started as another user, a child Python of the
venv)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOBODY_TEST = ("tests/core/test_cluster.py::"
               "test_worker_that_cannot_write_the_target_stops_the_import_before_any_tile")
LOCATED = [NOBODY_TEST, "tests/core/test_core_has_no_qgis.py"]


def tracked_files() -> list[str]:
    """The working tree as a clone would hold it, new files not yet added included (as .ci/debian-lane)."""
    try:
        listed = subprocess.run(["git", "-c", "safe.directory=*", "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], cwd=REPO, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    return [name for name in listed.stdout.decode().split("\0") if name and (REPO / name).is_file()]


def test_tests_pass_in_a_checkout_only_its_owner_may_enter():
    folder = Path(tempfile.mkdtemp(prefix="checkout-"))
    try:
        assert folder.stat().st_mode & 0o777 == 0o700
        checkout = folder / "map_server_cache"
        for name in tracked_files():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
        # The venv reached through the 0700 folder, as one `make deps` creates there (not installed again).
        (checkout / ".venv").symlink_to(Path(sys.prefix).resolve(), target_is_directory=True)
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        done = subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-m", "pytest", "-q", "-rA",
                               "-p", "no:cacheprovider", *LOCATED], cwd=checkout, env={
                                   **env, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
        if os.geteuid() == 0 and shutil.which("setpriv"):
            assert f"PASSED {NOBODY_TEST}" in done.stdout, done.stdout[-4000:]
    finally:
        shutil.rmtree(folder)
