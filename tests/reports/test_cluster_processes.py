"""Goal 5 of issue 13: ``workbench report --scheduler`` against a Dask cluster of separate OS
processes (``dask scheduler``, two ``dask worker``) on a copy of the shipped example.

Its own module, so the module-scoped cluster of ``test_cluster.py`` is gone before this one starts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.reports.process_cluster import marked_processes, process_cluster

WORKBENCH = Path(sys.executable).with_name("workbench")


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
    # nothing on the terminal but the summary: the fork server imports the kernels' modules
    # with its output discarded (debugpy warns about frozen modules at import)
    assert local.stderr == ""
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
