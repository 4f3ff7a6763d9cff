"""Benchmark: peak memory per process of the national report batch (issue 13: ≤ 500 MiB each).

    .venv/bin/python benchmarks/bench_memory.py                   # 4,935 administrations (make bench)
    .venv/bin/python benchmarks/bench_memory.py --faelle 50,500,4935
    .venv/bin/python benchmarks/bench_memory.py --faelle 500 --folge 90   # 90 reports, one kernel

For each case a knowledge base of N real administrations with synthetic numbers is built as in
``bench_reports.py`` (its generator, strategy folder removed), then ONE FRESH PROCESS does what
``workbench report --alle`` does in its main process: load the knowledge base, make the jobs of
all N Kommunen and the Verbund, and run the batch with the preparation over all of them (the
analysis with its 500-draw sensitivity and the fingerprints of every report). Of these jobs it
renders a few real reports with ``--jobs`` workers: the Verbund report over all N members, the
Kreis and the Gemeindeverband with the most cases (the longest simulations) and the smallest
Gemeindeverband. The other reports are left out: rendering all of them takes hours, and a
warm kernel renders report after report, so its peak is that of its largest report.

Recorded (VmHWM, i.e. the peak resident set of each process):

- the main process (knowledge base, analysis, preparation, writing the outputs, and the
  bookkeeping of all N reports: digest and manifest look-up of each, index.html with all rows),
- the largest worker (the process that drives a kernel),
- the largest kernel (the process that runs the report notebooks),

each against the target ≤ 500 MiB, with the bare interpreter with numpy and pandas imported
(measured in the same run) as the comparison value: the floor every process starts from.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from benchlib import record  # noqa: E402

NAME = "bench_memory"
TARGET_MIB = 500
MIB = 2**20
#: ``workbench`` run by ``python -c``; at its end it writes its own peak resident set (VmHWM)
#: into the file named first. The parent cannot take it from ``wait4``: Linux carries the
#: high-water mark of the address space a child was forked from across ``execve`` into the
#: child's ``ru_maxrss``, so a child of a large process (pytest after a thousand tests:
#: 723 MiB) would report the parent's size.
CLI_WITH_PEAK = (
    "import sys\n"
    "from workbench.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[2:])\n"
    "finally:\n"
    "    with open('/proc/self/status', encoding='ascii') as status, "
    "open(sys.argv[1], 'w', encoding='ascii') as out:\n"
    "        out.write(next(l for l in status if l.startswith('VmHWM:')))\n"
    "sys.exit(code)\n")


def _status_kib(field: str) -> int:
    """A line of /proc/self/status in KiB (VmHWM: the peak resident set so far)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def build(work: Path, n: int) -> Path:
    """The knowledge base of ``bench_reports`` at N administrations, without strategy."""
    import bench_reports

    kb = work / f"kb-{n}" / "processes"
    if not kb.is_dir():  # built once per run and N
        bench_reports.build_knowledge_base(kb, n)
        shutil.rmtree(kb / "strategie", ignore_errors=True)
    return kb


def picked(repo: object, jobs: list, sequence: int = 0) -> list:
    """The reports rendered: Verbund, the Kreis and the Gemeindeverband with the most cases of
    the latest year, the Gemeindeverband with the fewest (by key on ties); with ``sequence``
    instead the ``sequence`` Kommunen with the fewest cases (many reports in one kernel)."""
    table = repo.fallzahlen  # type: ignore[attr-defined]
    latest = table[table["jahr"] == table["jahr"].max()]
    cases = latest.groupby("kommune")["fallzahl"].sum()
    kommune = {str(j.parameters.get("kommune")): j for j in jobs if j.kind == "kommune"}
    if sequence:
        return [kommune[k] for k in sorted(kommune, key=lambda k: (cases.get(k, 0), k))[:sequence]]
    kreise = sorted((k for k in kommune if len(k) == 5), key=lambda k: (-cases.get(k, 0), k))
    verbaende = sorted((k for k in kommune if len(k) != 5), key=lambda k: (-cases.get(k, 0), k))
    keys = list(dict.fromkeys(kreise[:1] + verbaende[:1] + verbaende[-1:]))
    return [j for j in jobs if j.kind == "verbund"] + [kommune[k] for k in keys]


def measure(kb: Path, out: Path, jobs_n: int, sequence: int = 0) -> dict:
    """The main process of ``workbench report --alle`` (call in a fresh process): load, jobs,
    batch of the picked reports with the preparation over all jobs; peaks in bytes."""
    from workbench.reports.batch import jobs_for_repository, run_batch
    from workbench.reports.jobs import installed_templates
    from workbench.reports.prepare import report_preparer
    from workbench.repository import Repository

    started = time.perf_counter()
    repo = Repository.load(kb)
    stand, top = repo.verbund.stand, int(repo.verbund.parameter.get("top_n", 5) or 5)
    jobs = jobs_for_repository(repo, stand=stand, top_n=top, template_dir=installed_templates())
    chosen = picked(repo, jobs, sequence)
    root = repo.root
    del repo  # as workbench report does before the batch
    result = run_batch(chosen, out_dir=out, jobs_n=jobs_n, progress=False,
                       prepare=report_preparer(root, jobs, stand=stand, top_n=top))
    import bench_reports  # after the batch: its imports do not count in the preparation's peak

    bench_reports.bookkeeping(jobs, out)
    failed = [f"{r.stem}: {r.reason}" for r in result.failed]
    return {"main": _status_kib("VmHWM") * 1024, "seconds": time.perf_counter() - started,
            "jobs": len(jobs), "rendered": [r.stem for r in result.results
                                            if r.status == "erstellt"],
            "failed": failed,
            "workers": [{"worker": s.get("worker_peak_rss", 0), "kernel": s.get("kernel_peak_rss", 0),
                         "kernel_starts": s.get("kernel_starts", 0)}
                        for s in result.workers.values()]}


def parent_side(work: Path, n: int) -> dict:
    """The parent side of ``workbench report --alle`` at N administrations, up to the hand-over
    of the first report: the real command in a fresh process (load, jobs of all, the analysis
    computed and read back, the fingerprints of every report, the digests), pointed at a Dask
    scheduler nobody runs, so it stops with its German error where the first report would go to
    a worker; no worker or kernel is started. ``peak`` is the process's peak resident set in
    bytes (VmHWM, written by the process itself, see :data:`CLI_WITH_PEAK`). The code runs
    from the interpreter's import path, so ``PYTHONPATH`` selects another source tree
    (tests/reports/test_memory_profile checks the old code so)."""
    import socket

    kb = build(work, n)
    out = work / f"eltern-{n}"
    shutil.rmtree(out, ignore_errors=True)
    with socket.socket() as probe:  # a local port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "WERKBENCH_DASK_TIMEOUT": "0.5"}
    peak_file = work / f"eltern-{n}.peak"
    peak_file.unlink(missing_ok=True)
    child = subprocess.run(
        [sys.executable, "-c", CLI_WITH_PEAK, str(peak_file), "report", "-r", str(kb), "--alle",
         "--out", str(out), "--scheduler", f"tcp://127.0.0.1:{port}", "--ohne-fortschritt"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=work, env=env, check=False)
    stderr = child.stderr
    log = (out / "batch.log").read_text(encoding="utf-8") if (out / "batch.log").exists() else ""
    planned = f"0 unverändert (übersprungen), {n + 1} zu erstellen."
    if child.returncode != 2 or "nicht erreichbar" not in stderr.decode() \
            or planned not in log:
        raise RuntimeError(f"Hauptprozess bei {n} Verwaltungen nicht bis zum ersten Bericht "
                           f"gelaufen:\n{stderr.decode()[-3000:]}\n{log[-1000:]}")
    peak = int(peak_file.read_text(encoding="ascii").split()[1]) * 1024  # "VmHWM: N kB"
    return {"peak": peak}


def floor() -> int:
    """VmHWM of a fresh interpreter that imported numpy and pandas, in bytes."""
    code = ("import numpy, pandas; from pathlib import Path; print(next(int(l.split()[1]) for l in "
            "Path('/proc/self/status').read_text().splitlines() if l.startswith('VmHWM:')))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(done.stdout.split()[-1]) * 1024


def run_case(work: Path, n: int, jobs_n: int, sequence: int = 0) -> dict:
    """One case in a fresh process (so VmHWM is this batch's alone)."""
    kb = build(work, n)
    out = work / f"berichte-{n}-{sequence}"
    env = {**os.environ, "WERKBENCH_SIM_CACHE": str(work / f"sim-{n}-{sequence}")}
    done = subprocess.run([sys.executable, __file__, "--messlauf", str(kb), str(out),
                           "--jobs", str(jobs_n), "--folge", str(sequence)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"Messlauf bei {n} Verwaltungen fehlgeschlagen:\n{done.stderr[-3000:]}")
    peaks = json.loads(done.stdout.strip().splitlines()[-1])
    if peaks["failed"] or len(peaks["rendered"]) < 2:
        raise SystemExit(f"Berichte fehlgeschlagen bei {n} Verwaltungen: {peaks['failed']}")
    return peaks


def report(n: int, peaks: dict, base: int, jobs_n: int, sequence: int = 0) -> None:
    """The three rows of one case (with ``sequence``: worker and kernel only)."""
    workers = peaks["workers"]
    rendered = ", ".join(peaks["rendered"])
    scope = (f"{n} Verwaltungen: Vorbereitung über alle {peaks['jobs']} Berichte, davon "
             f"{len(peaks['rendered'])} echt erstellt ({rendered}) mit --jobs {jobs_n}, "
             f"{peaks['seconds']:.0f} s")
    label = "Python mit numpy und pandas (frischer Prozess)"
    rows = [("Hauptprozess", peaks["main"], "Wissensbasis, Analyse, Fingerabdrücke, Ausgaben, "
             "Abgleich mit dem Manifest und index.html für alle Berichte"),
            ("Worker", max((w["worker"] for w in workers), default=0),
             "je Worker " + ", ".join(f"{w['worker'] / MIB:.0f}" for w in workers) + " MiB"),
            ("Kernel", max((w["kernel"] for w in workers), default=0),
             "je Kernel " + ", ".join(f"{w['kernel'] / MIB:.0f}" for w in workers)
             + " MiB (ein warmer Kernel je Worker, Bericht für Bericht)")]
    if sequence:
        rows = rows[1:]
        scope = (f"{n} Verwaltungen: die {sequence} Kommunen mit den wenigsten Fällen "
                 f"nacheinander, --jobs {jobs_n}, {peaks['seconds']:.0f} s")
    case = f"{n} Verwaltungen" + (f", {sequence} Berichte nacheinander" if sequence else "")
    for what, value, detail in rows:
        record(NAME, f"{case}: Spitzen-Speicher {what}", value / MIB, unit="MiB",
               baseline=base / MIB, baseline_label=label, target=f"≤ {TARGET_MIB} MiB",
               met=0 < value <= TARGET_MIB * MIB, note=f"{detail}; {scope} (VmHWM)", runs=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faelle", default="4935",
                        help="Anzahlen Verwaltungen, durch Komma getrennt (Standard 4935)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--folge", type=int, default=0, metavar="K",
                        help="zusätzlich die K Kommunen mit den wenigsten Fällen nacheinander mit "
                             "einem Worker (wächst ein warmer Kernel von Bericht zu Bericht?)")
    parser.add_argument("--messlauf", nargs=2, metavar=("WISSENSBASIS", "AUSGABE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.messlauf:
        print(json.dumps(measure(Path(args.messlauf[0]), Path(args.messlauf[1]), args.jobs,
                                 args.folge)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="werkbench-bench-speicher-"))
    try:
        base = floor()
        for case in [c.strip() for c in args.faelle.split(",") if c.strip()]:
            n = int(case)
            print(f"Fall {n}:", flush=True)
            report(n, run_case(work, n, args.jobs), base, args.jobs)
            if args.folge:
                report(n, run_case(work, n, 1, args.folge), base, 1, args.folge)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
