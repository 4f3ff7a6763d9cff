"""Scale-out: the same batch on a real Dask cluster (scheduler + two workers on 127.0.0.1)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reports.conftest import MakeJobs
from workbench.reports.batch import BatchError, run_batch
from workbench.reports.process_cluster import dask_executable, free_port, process_cluster

DASK = Path(dask_executable())


def stop(processes: list[subprocess.Popen]) -> None:
    """Terminate processes started by a test (workers first, then the scheduler)."""
    for proc in reversed(processes):
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
    with process_cluster(workers=2, log_dir=tmp_path_factory.mktemp("dask-logs")) as cluster:
        yield cluster.address
    assert cluster.orphans == [], f"Prozesse nach dem Herunterfahren übrig: {cluster.orphans}"


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

