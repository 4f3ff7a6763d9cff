"""Benchmark: the report batch (warm kernels, own HTML export) against the naive loop.

    .venv/bin/python benchmarks/bench_reports.py --n 1000        # or --n 4935 (all administrations)

Builds a temporary knowledge base — a copy of ``processes/`` whose ``kommunen.csv`` holds the first
N real administrations of the Gemeindeverzeichnis (../shared/data/gemeindeverzeichnis: Kreise and
Gemeindeverbände, key order) with seeded synthetic Einwohner and Fallzahlen — then measures

1. the naive loop (``papermill`` CLI, then ``jupyter nbconvert --to html --no-input``, per report)
   on a small sample, extrapolated to N (both numbers are printed), and
2. ``run_batch`` with ``--jobs`` worker processes over all N reports (wall clock, start-up included),

and prints reports per second, the speed-up and the peak memory per worker and kernel.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402

from workbench.reports.batch import jobs_for_repository, run_batch  # noqa: E402
from workbench.repository import Repository  # noqa: E402

GVZ = ROOT.parent / "shared" / "data" / "gemeindeverzeichnis"
DEFAULT_TEMPLATE = ROOT / "src" / "workbench" / "templates" / "report_kommune.ipynb"
FALLBACK_TEMPLATE = ROOT / "tests" / "reports" / "notebooks" / "bench_kommune.ipynb"
SEED = 20261124
SOURCE = f"Synthetischer Beispielwert (Benchmark, Startwert {SEED})"
BIN = Path(sys.executable).parent


def administrations(n: int) -> pd.DataFrame:
    """The first ``n`` administrations (Kreise and Gemeindeverbände) in key order."""
    rows = []
    for name in ("kreise.ndjson", "gemeindeverbaende.ndjson"):
        with open(GVZ / name, encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                rows.append({"schluessel": item["schlüssel"]["nummer"], "name": item["name"],
                             "typ": (item.get("typ", {}).get("name") or "verwaltung")
                             .replace("-", " ").title(),
                             "ebene": item["ebene"]["name"]})
    frame = pd.DataFrame(rows).sort_values("schluessel", kind="stable").reset_index(drop=True)
    if n > len(frame):
        raise SystemExit(f"Nur {len(frame)} Verwaltungen im Gemeindeverzeichnis, --n {n} zu groß.")
    return frame.head(n)


def build_knowledge_base(target: Path, n: int, seed: int = SEED) -> Path:
    """Copy ``processes/`` to ``target`` with N real administrations and synthetic numbers."""
    shutil.copytree(ROOT / "processes", target)
    rng = np.random.default_rng(seed)
    kommunen = administrations(n)
    kreis = kommunen["ebene"] == "kreis"
    einwohner = np.where(kreis, rng.lognormal(np.log(180_000), 0.5, n),
                         rng.lognormal(np.log(9_000), 0.9, n))
    kommunen["einwohner"] = np.maximum(np.round(einwohner, -2), 100).astype(int)
    kommunen["einwohner_quelle"] = SOURCE
    kommunen[["schluessel", "name", "typ", "einwohner", "einwohner_quelle"]].to_csv(
        target / "kommunen.csv", index=False, quoting=1)
    # rates per 1,000 inhabitants from the shipped example, applied to the synthetic Einwohner
    example = pd.read_csv(ROOT / "processes" / "fallzahlen.csv", dtype={"kommune": str})
    example_ew = pd.read_csv(ROOT / "processes" / "kommunen.csv", dtype={"schluessel": str})
    example = example.merge(example_ew, left_on="kommune", right_on="schluessel")
    rates = (example.groupby("leistung")["fallzahl"].sum()
             / example.groupby("leistung")["einwohner"].sum() * 1000)
    ids = [item["id"] for item in yaml.safe_load(
        (ROOT / "processes" / "leistungen.yaml").read_text(encoding="utf-8"))["leistungen"]]
    rate = np.array([rates.get(i, 5.0) for i in ids])
    years = np.array([2023, 2024, 2025])
    lam = (kommunen["einwohner"].to_numpy()[:, None, None] / 1000 * rate[None, :, None]
           * (1 + 0.03 * (years - 2024))[None, None, :])
    cases = rng.poisson(lam)
    k, leistung, jahr = np.meshgrid(np.arange(n), np.arange(len(ids)), np.arange(len(years)),
                                    indexing="ij")
    pd.DataFrame({"kommune": kommunen["schluessel"].to_numpy()[k.ravel()],
                  "leistung": np.array(ids)[leistung.ravel()], "jahr": years[jahr.ravel()],
                  "fallzahl": cases.ravel(), "quelle": SOURCE}).to_csv(
        target / "fallzahlen.csv", index=False, quoting=2)
    keys = set(kommunen["schluessel"])
    for variant in target.glob("*/ist.*.bpmn"):  # member IST variants of members not in the set
        if variant.name.split(".")[1] not in keys:
            variant.unlink()
    return target


def naive_report(template: Path, work: Path, params: dict, title: str) -> tuple[float, float]:
    """One report the naive way; returns (papermill seconds, nbconvert seconds)."""
    executed = work / f"{params['kommune']}.ipynb"
    cmd = [str(BIN / "papermill"), str(template), str(executed), "--no-progress-bar",
           "-r", "kommune", params["kommune"], "-r", "repository", params["repository"],
           "-r", "stand", params["stand"], "-p", "top_n", str(params["top_n"])]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    middle = time.perf_counter()
    subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                    str(executed), "--output", f"{params['kommune']}.html"],
                   check=True, capture_output=True, cwd=ROOT)
    return middle - started, time.perf_counter() - middle


def mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB".replace(",", ".")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="Anzahl Verwaltungen (max. 4935)")
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    parser.add_argument("--naive-sample", type=int, default=5, help="Berichte im naiven Lauf")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--ohne-memo", action="store_true",
                        help="Wissensbasis in jedem Bericht neu lesen (WERKBENCH_MEMO=0)")
    parser.add_argument("--behalten", action="store_true", help="Arbeitsordner nicht löschen")
    args = parser.parse_args(argv)

    template = args.template.resolve()
    if not template.is_file():
        print(f"Hinweis: Vorlage {template} gibt es noch nicht; gemessen wird mit "
              f"{FALLBACK_TEMPLATE.relative_to(ROOT)} (Testvorlage mit Tabelle, SVG-Grafiken und "
              "gemeinsamer Verbundgrafik).")
        template = FALLBACK_TEMPLATE
    if args.ohne_memo:
        os.environ["WERKBENCH_MEMO"] = "0"
    work = Path(tempfile.mkdtemp(prefix="werkbench-bench-"))
    try:
        started = time.perf_counter()
        kb = build_knowledge_base(work / "processes", args.n)
        built = time.perf_counter() - started
        started = time.perf_counter()
        repo = Repository.load(kb)
        jobs = jobs_for_repository(repo, include_verbund=False, stand=repo.verbund.stand,
                                   top_n=int(repo.verbund.parameter.get("top_n", 5)),
                                   template_dir=template.parent, kommune_template=template)
        loaded = time.perf_counter() - started
        print(f"Wissensbasis: {len(jobs)} Verwaltungen, {len(repo.fallzahlen):,} Fallzahlen "
              f"(aufgebaut in {built:.1f} s, geladen und Aufträge erstellt in {loaded:.1f} s).")

        naive_pm, naive_nc = [], []
        naive_dir = work / "naiv"
        naive_dir.mkdir()
        for job in jobs[: args.naive_sample]:
            pm_s, nc_s = naive_report(template, naive_dir, job.parameters, job.title)
            naive_pm.append(pm_s)
            naive_nc.append(nc_s)
        naive_each = (statistics.mean(naive_pm) + statistics.mean(naive_nc)) if naive_pm else 0.0
        if naive_pm:
            print(f"Naiver Lauf (gemessen, {len(naive_pm)} Berichte): papermill "
                  f"{statistics.mean(naive_pm):.2f} s + nbconvert {statistics.mean(naive_nc):.2f} s "
                  f"= {naive_each:.2f} s je Bericht ({1 / naive_each:.2f} Berichte/s); "
                  f"hochgerechnet auf {len(jobs)} Berichte: {naive_each * len(jobs) / 60:.1f} min.")

        out = work / "reports"
        started = time.perf_counter()
        result = run_batch(jobs, out_dir=out, jobs_n=args.jobs, formats=("html",), progress=True)
        elapsed = time.perf_counter() - started
        counts = result.counts()
        rate = len(jobs) / elapsed
        durations = [r.duration for r in result.results if r.duration]
        print(f"Batch mit --jobs {args.jobs} (gemessen): {len(jobs)} Berichte in {elapsed:.1f} s "
              f"= {rate:.1f} Berichte/s ({counts['erstellt']} erstellt, "
              f"{counts['fehlgeschlagen']} fehlgeschlagen); je Bericht im Worker "
              f"{statistics.mean(durations) * 1000:.0f} ms (Median "
              f"{statistics.median(durations) * 1000:.0f} ms), Start der Worker inklusive.")
        if naive_each:
            print(f"Beschleunigung gegenüber dem naiven Lauf: {naive_each * rate:.1f}× "
                  f"(Ziel ≥ 10×; Ziel ≥ 4 Berichte/s: {'erreicht' if rate >= 4 else 'verfehlt'}).")
        for name, stats in sorted(result.workers.items()):
            print(f"  Worker {name}: Spitzen-RSS Worker {mb(stats['worker_peak_rss'])}, Kernel "
                  f"{mb(stats['kernel_peak_rss'])}, Kernelstarts {stats['kernel_starts']}")
        print(f"  Hauptprozess: Spitzen-RSS "
              f"{mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)}")
        started = time.perf_counter()
        again = run_batch(jobs, out_dir=out, jobs_n=args.jobs, progress=False)
        print(f"Zweiter Lauf ohne Änderungen: {again.counts()['übersprungen']} übersprungen in "
              f"{time.perf_counter() - started:.1f} s.")
        results_dir = ROOT / "benchmarks" / "results"
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / f"bench_reports-{args.n}.json").write_text(json.dumps({
            "n": len(jobs), "template": str(template.relative_to(ROOT)), "jobs": args.jobs,
            "naive_sample": len(naive_pm), "naive_papermill_s": naive_pm,
            "naive_nbconvert_s": naive_nc, "naive_per_report_s": naive_each,
            "batch_elapsed_s": elapsed, "batch_reports_per_s": rate,
            "speedup": naive_each * rate if naive_each else None,
            "failed": counts["fehlgeschlagen"], "workers": result.workers,
            "memo": not args.ohne_memo}, indent=1, default=str) + "\n")
        return 0 if not result.failed else 1
    finally:
        if args.behalten:
            print(f"Arbeitsordner: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
