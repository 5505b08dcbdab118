"""The Dask cluster of the executor tests: started once per session, on first use (see clusterkit)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers (with nannies) on 127.0.0.1, shared by the session."""
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    from clusterkit import Cluster

    cluster = Cluster(tmp_path_factory.mktemp("dask"))
    yield cluster
    cluster.stop()


@pytest.fixture
def cluster(dask_cluster):
    """The session's cluster with both workers up (a test may have killed one: its nanny restarts it)."""
    dask_cluster.wait_for_workers(2)
    return dask_cluster
