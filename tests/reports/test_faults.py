"""Fault tolerance: broken data, a killed worker, a write error — the others finish."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import psutil

from tests.reports.conftest import KOMMUNEN, MakeJobs, out_files
from workbench.reports import kernel_fork
from workbench.reports.batch import run_batch
from workbench.reports.manifest import MANIFEST_NAME

BASE_FILES = {"index.html", MANIFEST_NAME, "batch.log"}


def by_stem(result) -> dict:
    return {r.stem: r for r in result.results}


def no_temp_files(out: Path) -> bool:
    return not [p for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts
                and (p.name.endswith(".tmp") or p.name.startswith("."))]


def test_broken_data_fails_alone_and_is_redone(tmp_path: Path, make_jobs: MakeJobs):
    out = tmp_path / "reports"
    jobs = make_jobs(verbund=False, extra={"033560005": {"fail": True}})
    result = run_batch(jobs, out_dir=out, jobs_n=2, progress=False)
    broken = by_stem(result)["033560005_test"]
    assert broken.status == "fehlgeschlagen"
    assert "ValueError" in broken.reason and "kaputt" in broken.reason
    assert result.exit_code == 1
    assert sum(r.status == "erstellt" for r in result.results) == 3
    assert not (out / "033560005_test.html").exists()
    debug = nbformat.read(out / "033560005_test.fehler.ipynb", as_version=4)
    errors = [o for c in debug.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError"
    assert "kaputt" in result.summary() and "fehlgeschlagen" in result.summary()
    log = (out / "batch.log").read_text(encoding="utf-8")
    assert "fehlgeschlagen: 033560005_test" in log and "kaputt" in log
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "fehlgeschlagen" in index and "033560005_test.fehler.ipynb" in index
    assert no_temp_files(out)

    fixed = run_batch(make_jobs(verbund=False), out_dir=out, jobs_n=2, progress=False)
    assert {s: r.status for s, r in by_stem(fixed).items()} == {
        f"{key}_test": ("erstellt" if key == "033560005" else "übersprungen") for key, _ in KOMMUNEN}
    assert not (out / "033560005_test.fehler.ipynb").exists()
    assert fixed.exit_code == 0


def test_killed_worker(tmp_path: Path, make_jobs: MakeJobs, monkeypatch):
    """One job kills its worker once (retried, succeeds), one kills it every time (fails)."""
    out, marker = tmp_path / "reports", tmp_path / "einmal-abbrechen"
    marker.touch()
    token = f"test-{os.getpid()}-{time.time_ns()}"
    monkeypatch.setenv("WERKBENCH_TESTLAUF", token)  # inherited by our workers' kernels only
    jobs = make_jobs(verbund=False, extra={"033560002": {"kill_worker": str(marker)},
                                           "033560007": {"kill_worker": "immer"}})
    result = run_batch(jobs, out_dir=out, jobs_n=2, progress=False)
    results = by_stem(result)
    assert not marker.exists()
    assert results["033560002_test"].status == "erstellt"  # retried once on a new worker
    killer = results["033560007_test"]
    assert killer.status == "fehlgeschlagen" and "zweimal" in killer.reason
    assert "SIGKILL" in killer.reason
    assert results["033560005_test"].status == results["099999999_test"].status == "erstellt"
    assert result.exit_code == 1
    expected = {f"{k}_test.html" for k, _ in KOMMUNEN if k != "033560007"} | BASE_FILES
    assert out_files(out) == expected and no_temp_files(out)  # no partial files
    assert "neuer Versuch" in (out / "batch.log").read_text(encoding="utf-8")

    rerun = run_batch(jobs, out_dir=out, jobs_n=2, progress=False)  # still killing: redone, fails
    assert {s for s, r in by_stem(rerun).items() if r.status != "übersprungen"} == {"033560007_test"}
    healed_jobs = make_jobs(verbund=False, extra={"033560002": {"kill_worker": str(marker)}})
    healed = run_batch(healed_jobs, out_dir=out, jobs_n=2, progress=False)
    assert {s for s, r in by_stem(healed).items() if r.status == "erstellt"} == {"033560007_test"}
    assert healed.exit_code == 0

    time.sleep(1.5)  # orphaned kernels of killed workers must be gone
    assert not [p.pid for p in psutil.process_iter(["cmdline"]) if _is_our_kernel(p, token)]


def _is_our_kernel(process: psutil.Process, token: str) -> bool:
    try:
        return ((any("ipykernel_launcher" in part for part in process.info["cmdline"] or [])
                 or process.name() == kernel_fork.PROCESS_NAME)
                and process.status() != psutil.STATUS_ZOMBIE
                and process.environ().get("WERKBENCH_TESTLAUF") == token)
    except psutil.Error:
        return False


def test_write_error_leaves_no_partial_file(tmp_path: Path, make_jobs: MakeJobs):
    """A directory where the report file should go: the write fails like a full disk would."""
    out = tmp_path / "reports"
    blocked = out / "033560005_test.html"
    blocked.mkdir(parents=True)
    jobs = make_jobs(verbund=False)
    result = run_batch(jobs, out_dir=out, jobs_n=2, progress=False)
    failed = by_stem(result)["033560005_test"]
    assert failed.status == "fehlgeschlagen" and "Schreibfehler" in failed.reason
    assert "033560005_test.html" in failed.reason
    assert result.exit_code == 1
    assert sum(r.status == "erstellt" for r in result.results) == 3
    assert blocked.is_dir() and not list(blocked.iterdir())
    assert no_temp_files(out)
    assert "Schreibfehler" in result.summary()

    blocked.rmdir()
    again = run_batch(jobs, out_dir=out, jobs_n=2, progress=False)
    assert {s for s, r in by_stem(again).items() if r.status == "erstellt"} == {"033560005_test"}
    assert (out / "033560005_test.html").is_file()
