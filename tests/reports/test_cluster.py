"""Scale-out: the same batch on a real Dask cluster (scheduler + two workers on 127.0.0.1)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reports.conftest import MakeJobs
from workbench.reports.batch import BatchError, run_batch
from workbench.reports.process_cluster import (
    dask_executable,
    free_port,
    marked_processes,
    process_cluster,
)

DASK = Path(dask_executable())
WORKBENCH = Path(sys.executable).with_name("workbench")


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


def _report(kb: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(WORKBENCH), "report", "--alle", "--repository", str(kb), "--out",
                           str(out), "--ohne-fortschritt", *extra],
                          capture_output=True, text=True, timeout=600)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
def test_cli_on_separate_dask_processes_equals_local_pool(example_copy: Path, tmp_path: Path):
    """Goal 5 of issue 13: ``workbench report --scheduler tcp://…`` against ``dask scheduler`` and
    two ``dask worker`` OS processes renders the shipped example byte-for-byte like ``--jobs 2``,
    both workers take part, and nothing (no worker, no kernel) outlives the teardown."""
    local = _report(example_copy, tmp_path / "lokal", "--jobs", "2")
    assert local.returncode == 0, local.stderr
    with process_cluster(workers=2, log_dir=tmp_path / "dask-logs") as cluster:
        remote = _report(example_copy, tmp_path / "dask", "--scheduler", cluster.address)
        assert remote.returncode == 0, remote.stderr + (tmp_path / "dask" / "batch.log").read_text()
        # the orphan check can see the workers' kernels: they carry the cluster's marker
        running = [_cmdline(pid) for pid in marked_processes(cluster.marker)]
        assert sum("ipykernel" in cmd for cmd in running) == 2, running
        assert sum(" worker " in f" {cmd} " for cmd in running) >= 2, running
    assert cluster.orphans == [], f"Prozesse nach dem Herunterfahren übrig: {cluster.orphans}"
    assert all(proc.poll() is not None for proc in cluster.processes)
    assert marked_processes(cluster.marker) == []

    assert "über " + cluster.address in (tmp_path / "dask" / "batch.log").read_text()
    produced = sorted(p.name for p in (tmp_path / "lokal").iterdir() if p.name != "batch.log")
    assert produced == sorted(p.name for p in (tmp_path / "dask").iterdir()
                              if p.name != "batch.log")
    reports = [name for name in produced if name.endswith(".html") and name != "index.html"]
    assert len(reports) == 18  # 8 members + Verbund, each as potential and as strategy report
    for name in produced:  # reports, index and manifest: the same bytes
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "lokal" / name).read_bytes(), name
