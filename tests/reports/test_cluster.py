"""Scale-out: the same batch on a real Dask cluster (scheduler + two workers on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reports.conftest import MakeJobs
from workbench.reports.batch import BatchError, run_batch

DASK = Path(sys.executable).with_name("dask")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(processes: list[subprocess.Popen]) -> None:
    for proc in reversed(processes):  # workers first, then the scheduler
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in reversed(processes):
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory) -> Iterator[str]:
    """``dask scheduler`` and two ``dask worker`` processes; always terminated afterwards."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask-logs")
    env = dict(os.environ)
    processes: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:  # the child keeps its own copy of the fd
            processes.append(subprocess.Popen([str(DASK), *args], stdout=subprocess.DEVNULL,
                                              stderr=log, env=env, cwd=logs))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
              "--no-dashboard")
        for n in range(2):
            start(f"worker{n}", "worker", address, "--nworkers", "1", "--nthreads", "1",
                  "--no-dashboard", "--name", f"werkbench-test-{n}")
        from distributed import Client

        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        stop(processes)


def test_dask_batch_equals_local_batch(tmp_path: Path, make_jobs: MakeJobs, dask_cluster: str):
    jobs = make_jobs(verbund=False)  # four Kommune reports
    local = run_batch(jobs, out_dir=tmp_path / "lokal", jobs_n=2, progress=False)
    remote = run_batch(jobs, out_dir=tmp_path / "dask", scheduler=dask_cluster, progress=False)
    assert local.exit_code == remote.exit_code == 0
    assert [r.status for r in remote.results] == ["erstellt"] * 4
    for job in jobs:
        name = f"{job.stem}.html"
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "lokal" / name).read_bytes()
    assert len(remote.workers) == 2  # both Dask workers rendered, each with its warm kernel
    assert all(w["kernel_starts"] == 1 for w in remote.workers.values())
    again = run_batch(jobs, out_dir=tmp_path / "dask", scheduler=dask_cluster, progress=False)
    assert [r.status for r in again.results] == ["übersprungen"] * 4

    failing = make_jobs(verbund=False, extra={"033560005": {"fail": True}})
    mixed = run_batch(failing, out_dir=tmp_path / "dask", scheduler=dask_cluster, progress=False)
    statuses = {r.stem: r.status for r in mixed.results}
    assert statuses["033560005_test"] == "fehlgeschlagen" and mixed.exit_code == 1
    assert (tmp_path / "dask" / "033560005_test.fehler.ipynb").is_file()


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path, make_jobs: MakeJobs, monkeypatch):
    monkeypatch.setenv("WERKBENCH_DASK_TIMEOUT", "3")
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(BatchError, match="nicht erreichbar"):
        run_batch(make_jobs(keys=["033560002"], verbund=False), out_dir=tmp_path / "x",
                  scheduler=address, progress=False)
    assert time.monotonic() - started < 20
