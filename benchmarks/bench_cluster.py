"""Benchmark: the report batch on a Dask cluster of separate processes against the local pool.

    .venv/bin/python benchmarks/bench_cluster.py [--n 200] [--laeufe 3]

Two cases, each measured in the same run as paired repetitions (local, then Dask), medians of
``--laeufe``:

1. the shipped example (``processes/``): the whole command ``workbench report --alle --force``
   (8 members + Verbund, potential and strategy reports) with ``--jobs 2`` against the same
   command with ``--scheduler tcp://127.0.0.1:PORT``;
2. a national-scale case: ``--n`` real administrations of the Gemeindeverzeichnis in a knowledge
   base built by ``bench_reports.build_knowledge_base``; ``run_batch`` of every Kommune report
   with ``jobs_n=2`` against ``scheduler=``.

The cluster is ``dask scheduler`` plus two ``dask worker --nworkers 1 --nthreads 1`` processes
(:func:`workbench.reports.process_cluster.process_cluster`), started afresh before every Dask
repetition and not timed (a cluster is a standing service); the workers' kernels start inside the
timed run, as the local pool's do. One untimed local run first fills a simulation cache of the
benchmark's own (``WERKBENCH_SIM_CACHE``), so every timed run of both sides reads it. Both sides
must produce the same bytes; otherwise the script fails.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from bench_reports import build_knowledge_base  # noqa: E402
from benchlib import Timing, record  # noqa: E402

from workbench.reports.batch import jobs_for_repository, run_batch  # noqa: E402
from workbench.reports.jobs import installed_templates  # noqa: E402
from workbench.reports.process_cluster import process_cluster  # noqa: E402
from workbench.repository import Repository  # noqa: E402
from workbench.text import german_number  # noqa: E402

BENCH = "bench_cluster"
WORKERS = 2
WORKBENCH = Path(sys.executable).with_name("workbench")
NOTE = ("2 Kerne: lokaler Pool und Dask-Worker teilen dieselben 2 Kerne, zu erwarten ist ≈ 1×; "
        "unter 1 ist der Mehraufwand von Dask (Scheduler, Übertragung der fertigen Seiten), "
        "darüber Schwankung der geteilten Maschine – mehr Durchsatz bringen erst weitere Rechner; "
        "Cluster-Start nicht gemessen, Kernelstart gemessen")


def whole_command(kb: Path, out: Path, *extra: str) -> int:
    """``workbench report --alle --force`` on ``kb``; returns the number of reports rendered."""
    done = subprocess.run([str(WORKBENCH), "report", "--alle", "--force", "--ohne-fortschritt",
                           "--repository", str(kb), "--out", str(out), *extra],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"workbench report {' '.join(extra)} fehlgeschlagen:\n{done.stderr}")
    return sum(1 for p in out.glob("*.html") if p.name != "index.html")


def paired(laeufe: int, local: Callable[[Path], int], dask: Callable[[Path, str], int],
           work: Path) -> tuple[Timing, Timing, int]:
    """``laeufe`` repetitions of (local, fresh cluster + Dask); returns both timings."""
    local_runs, dask_runs, reports = [], [], 0
    for n in range(laeufe):
        started = time.perf_counter()
        reports = local(work / "lokal")
        local_runs.append(time.perf_counter() - started)
        with process_cluster(workers=WORKERS, log_dir=work / f"dask-logs-{n}") as cluster:
            started = time.perf_counter()
            dask_reports = dask(work / "dask", cluster.address)
            dask_runs.append(time.perf_counter() - started)
        if cluster.orphans:
            raise SystemExit(f"Prozesse nach dem Herunterfahren übrig: {cluster.orphans}")
        if dask_reports != reports:
            raise SystemExit(f"Dask erzeugte {dask_reports} statt {reports} Berichte.")
        print(f"  Lauf {n + 1}: lokal {local_runs[-1]:.1f} s, Dask {dask_runs[-1]:.1f} s "
              f"({reports} Berichte)", flush=True)
    same_bytes(work / "lokal", work / "dask")
    return Timing(tuple(local_runs)), Timing(tuple(dask_runs)), reports


def same_bytes(left: Path, right: Path) -> None:
    """Every report, the index and the manifest are byte-identical on both sides."""
    names = sorted(p.name for p in left.iterdir() if p.name != "batch.log")
    _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    if mismatch or errors:
        raise SystemExit(f"Dask und lokaler Pool liefern verschiedene Dateien: {mismatch + errors}")


def report(case: str, local: Timing, dask: Timing, reports: int) -> None:
    ours, base = reports / dask.median, reports / local.median
    record(BENCH, case, ours, baseline=base, baseline_label=f"lokaler Pool --jobs {WORKERS}",
           unit="Berichte/s", runs=len(dask.runs), target="≥ 0,9× lokaler Pool",
           met=ours >= 0.9 * base,
           note=f"{WORKERS} Dask-Worker (eigene Prozesse, je 1 Thread); Läufe Dask "
                f"{_seconds(dask)}, lokal {_seconds(local)}; {NOTE}")


def _seconds(timing: Timing) -> str:
    return " / ".join(german_number(run, 1) for run in timing.runs) + " s"


def example_case(work: Path, laeufe: int) -> None:
    kb = work / "processes"
    shutil.copytree(ROOT / "processes", kb)
    whole_command(kb, work / "aufwaermen", "--jobs", str(WORKERS))
    local, dask, reports = paired(
        laeufe, lambda out: whole_command(kb, out, "--jobs", str(WORKERS)),
        lambda out, address: whole_command(kb, out, "--scheduler", address), work)
    report(f"Beispiel: {reports} Berichte, ganzer Befehl workbench report --alle", local, dask,
           reports)


def national_case(work: Path, n: int, laeufe: int) -> None:
    kb = build_knowledge_base(work / "processes", n)
    repo = Repository.load(kb)
    templates = installed_templates()
    jobs = [job for job in jobs_for_repository(
        repo, include_verbund=False, stand=repo.verbund.stand,
        top_n=int(repo.verbund.parameter.get("top_n", 5)), template_dir=templates)
        if job.kind == "kommune"]
    peaks: list[dict] = []

    def batch(out: Path, scheduler: str | None = None) -> int:
        result = run_batch(jobs, out_dir=out, jobs_n=WORKERS, force=True, scheduler=scheduler,
                           progress=False)
        if result.failed:
            raise SystemExit(f"{len(result.failed)} Berichte fehlgeschlagen (siehe {out}/batch.log)")
        if scheduler:
            peaks.extend(result.workers.values())
        return len(result.results)

    batch(work / "aufwaermen")
    local, dask, reports = paired(laeufe, batch, batch, work)
    report(f"{n} Verwaltungen (Gemeindeverzeichnis): {reports} Kommunenberichte, run_batch",
           local, dask, reports)
    mib = 2**20
    kernel = max(stats.get("kernel_peak_rss", 0) for stats in peaks) / mib
    worker = max(stats.get("worker_peak_rss", 0) for stats in peaks) / mib
    record(BENCH, f"{n} Verwaltungen: Spitzen-RSS je Prozess auf den Dask-Workern",
           max(kernel, worker), unit="MiB", runs=len(local.runs), target="≤ 500 MiB",
           met=max(kernel, worker) <= 500,
           note=f"größter Wert über alle Läufe: Kernel {kernel:.0f} MiB, Worker {worker:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="Verwaltungen im großen Fall")
    parser.add_argument("--laeufe", type=int, default=3, help="gepaarte Läufe je Fall (Median)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="werkbench-bench-cluster-"))
    os.environ["WERKBENCH_SIM_CACHE"] = str(work / "sim-cache")  # inherited by the workers
    try:
        example_case(work / "beispiel", args.laeufe)
        national_case(work / "national", args.n, args.laeufe)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
