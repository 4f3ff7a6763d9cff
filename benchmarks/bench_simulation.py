"""Benchmark: the discrete-event simulation of the shipped example (Verbund Osterholz).

* Simulated cases per second and the time for one Kommune-year (all Leistungen, IST), small
  case (Grasberg, ~3 800 cases) and large case (Osterholz-Scharmbeck, ~13 900 cases): ours
  (role places as a counter + FIFO, :class:`workbench.simulation.engine.Seats`) against the
  baseline, the textbook SimPy model of the same run (``simpy.Resource`` request/release);
  medians of several runs, both give identical results (asserted).
* IST + SOLL of the largest member (what the report and ``workbench simulation`` compute).
* The Verbund: all members, serial against parallel worker processes.
* The report section: added time per Kommune report, cold (simulates) and warm (cache hit),
  against the other sections of the same report.

    .venv/bin/python benchmarks/bench_simulation.py            # full run
    .venv/bin/python benchmarks/bench_simulation.py --quick    # fewer repeats, no Verbund
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ["WERKBENCH_SIM_CACHE"] = "0"

from workbench.repository import Repository  # noqa: E402
from workbench.simulation import default_plan  # noqa: E402
from workbench.simulation.kommune import prepare, run_scenario  # noqa: E402
from workbench.simulation.verbund import simulate_members  # noqa: E402

EXAMPLE = ROOT / "processes"
SMALL, LARGE = "033560002", "033560007"
TARGET_KOMMUNE_YEAR = 10.0


def _median(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def engines(repo: Repository, repeats: int) -> float:
    plan = default_plan()
    ist = plan.scenarios[0]
    worst = 0.0
    for label, key in (("klein", SMALL), ("groß", LARGE)):
        prepared = prepare(repo, key, plan)
        ours_t, ours = _median(lambda p=prepared: run_scenario(p, ist, plan), repeats)
        base_t, base = _median(lambda p=prepared: run_scenario(p, ist, plan, plain_simpy=True),
                               repeats)
        assert ours == base, "Seats und simpy.Resource müssen dasselbe Ergebnis liefern"
        cases = ours["summe"]["faelle"]
        prep_t, _ = _median(lambda k=key: prepare(repo, k, plan), repeats)
        year = prep_t + ours_t
        worst = max(worst, year)
        print(f"{label:5} {prepared.kommune_name:<28} {cases:>6} Fälle | ours {ours_t:6.2f} s "
              f"= {cases / ours_t:8.0f} Fälle/s | SimPy-Resource {base_t:6.2f} s = "
              f"{cases / base_t:8.0f} Fälle/s | Verhältnis {base_t / ours_t:4.2f}× | "
              f"Kommune-Jahr (Modelle lesen + IST) {year:5.2f} s")
    return worst


def ist_and_soll(repo: Repository, repeats: int) -> None:
    plan = default_plan()

    def both() -> None:
        prepared = prepare(repo, LARGE, plan)
        for scenario in plan.scenarios:
            run_scenario(prepared, scenario, plan)

    t, _ = _median(both, repeats)
    print(f"IST + SOLL, größtes Mitglied: {t:.2f} s (Median aus {repeats})")


def verbund(repo: Repository) -> None:
    keys = [str(k) for k in repo.kommunen["schluessel"]]
    plan = default_plan()
    start = time.perf_counter()
    serial = simulate_members(EXAMPLE, keys, plan, workers=1)
    t_serial = time.perf_counter() - start
    workers = max(2, min(len(keys), os.cpu_count() or 2))
    start = time.perf_counter()
    parallel = simulate_members(EXAMPLE, keys, plan, workers=workers)
    t_parallel = time.perf_counter() - start
    assert serial == parallel
    cases = sum(s["summe"]["faelle"] for r in serial for s in r["szenarien"])
    print(f"Verbund ({len(keys)} Mitglieder, IST + SOLL, {cases} Fälle): seriell {t_serial:.2f} s,"
          f" parallel mit {workers} Prozessen {t_parallel:.2f} s, Verhältnis "
          f"{t_serial / t_parallel:.2f}× (CPU-Kerne: {os.cpu_count()})")


def report_section(repeats: int) -> None:
    from workbench.report_content import common, load_context
    from workbench.report_content import kommune as teil
    from workbench.report_content import simulation as section

    ctx = load_context(EXAMPLE)
    keys = [str(k) for k in ctx.repo.kommunen["schluessel"]]

    def others(k: str) -> None:
        rows = teil.rows_of(ctx, k)
        for part in (teil.cover, teil.summary, teil.ranking_table, teil.portfolio,
                     teil.leistung_details, teil.against_verbund):
            part(ctx, k)
        common.assumptions(ctx, rows, leistungen=list(teil.top_rows(ctx, k)["leistung"]))

    for k in keys:
        others(k)  # warm memos as a warm kernel has them
    rest, cold, warm = [], [], []
    for k in keys:
        t, _ = _median(lambda k=k: others(k), repeats)
        rest.append(t)
        with tempfile.TemporaryDirectory() as folder:
            os.environ["WERKBENCH_SIM_CACHE"] = folder
            start = time.perf_counter()
            section.section(ctx, k)
            cold.append(time.perf_counter() - start)
            t, _ = _median(lambda k=k: section.section(ctx, k), repeats)
            warm.append(t)
    os.environ["WERKBENCH_SIM_CACHE"] = "0"
    med = statistics.median
    print(f"Berichtsabschnitt Simulation je Kommune (Median über {len(keys)}): kalt "
          f"{med(cold):.2f} s, aus dem Cache {med(warm) * 1000:.1f} ms; übrige Abschnitte "
          f"{med(rest):.3f} s → Aufschlag kalt {med(cold) / med(rest):.1f}×, warm "
          f"{med(warm) / med(rest) * 100:.1f} %")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    repo = Repository.load(EXAMPLE)
    worst = engines(repo, repeats)
    ist_and_soll(repo, repeats)
    if not args.quick:
        verbund(repo)
    report_section(1 if args.quick else 2)
    verdict = "erreicht" if worst <= TARGET_KOMMUNE_YEAR else "VERFEHLT"
    print(f"Ziel Kommune-Jahr ≤ {TARGET_KOMMUNE_YEAR:.0f} s: {verdict} ({worst:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
