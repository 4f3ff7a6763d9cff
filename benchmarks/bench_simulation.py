"""Benchmark: the discrete-event simulation of the shipped example (Verbund Osterholz).

* Simulated cases per second and the time for one Kommune-year (all Leistungen, IST), small
  case (Grasberg, ~3 800 cases) and large case (Osterholz-Scharmbeck, ~13 900 cases): ours
  (role places as a counter + FIFO, :class:`workbench.simulation.engine.Seats`) against the
  baseline, the textbook SimPy model of the same run (``simpy.Resource`` request/release);
  medians of several runs, both give identical results (asserted).
* IST + SOLL of a small and the largest member: the engine against the engine before its
  per-event code was tuned (``tests/simulation/reference_engine.py``); identical results.
* IST + SOLL of the largest member (what the report and ``workbench simulation`` compute).
* The Verbund: all members, serial against parallel worker processes.
* The report section: added time per Kommune report, cold (simulates) and warm (cache hit),
  against the other sections of the same report.

    .venv/bin/python benchmarks/bench_simulation.py            # full run (make bench)
    .venv/bin/python benchmarks/bench_simulation.py --quick    # fewer repeats, no Verbund

Every case is one row of ``benchlib.record``; a missed target is a "nein" in the table.
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
sys.path.insert(1, str(ROOT))  # tests.simulation.reference_engine, the comparison engine
os.environ["WERKBENCH_SIM_CACHE"] = "0"

from benchlib import Timing, median_time, record  # noqa: E402

from workbench.repository import Repository  # noqa: E402
from workbench.simulation import default_plan  # noqa: E402
from workbench.simulation.kommune import prepare, run_scenario  # noqa: E402
from workbench.simulation.verbund import simulate_members  # noqa: E402
from workbench.text import german_number  # noqa: E402

EXAMPLE = ROOT / "processes"
SMALL, LARGE = "033560002", "033560007"
TARGET_KOMMUNE_YEAR = 10.0


def engines(repo: Repository, repeats: int) -> None:
    plan = default_plan()
    ist = plan.scenarios[0]
    for label, key in (("klein", SMALL), ("groß", LARGE)):
        prepared = prepare(repo, key, plan)
        ours = median_time(lambda p=prepared: run_scenario(p, ist, plan), repeat=repeats)
        base = median_time(lambda p=prepared: run_scenario(p, ist, plan, plain_simpy=True),
                           repeat=repeats)
        assert ours.value == base.value, "Seats und simpy.Resource müssen dasselbe Ergebnis liefern"
        cases = ours.value["summe"]["faelle"]
        prep = median_time(lambda k=key: prepare(repo, k, plan), repeat=repeats)
        where = f"{label}: {prepared.kommune_name}, {cases} Fälle"
        record("bench_simulation", f"{where}: IST-Lauf", ours, baseline=base,
               baseline_label="SimPy-Resource (Lehrbuchmodell)",
               note=f"{german_number(cases / ours.median)} gegen "
                    f"{german_number(cases / base.median)} Fälle/s; "
                    "gleiches Ergebnis (geprüft)")
        year = Timing(tuple(p + o for p, o in zip(prep.runs, ours.runs, strict=True)))
        record("bench_simulation", f"{where}: Kommune-Jahr (Modelle lesen + IST)", year,
               target=f"≤ {TARGET_KOMMUNE_YEAR:.0f} s", met=year.median <= TARGET_KOMMUNE_YEAR)


def against_reference(repo: Repository, repeats: int) -> None:
    """The tuned engine against the engine before tuning (same events, same bytes)."""
    from tests.simulation.reference_engine import ReferenceEngine
    from workbench.simulation import kommune
    from workbench.simulation.cache import dumps

    plan = default_plan()
    for label, key in (("klein", SMALL), ("groß", LARGE)):
        prepared = prepare(repo, key, plan)

        def both(p=prepared) -> bytes:
            return dumps({"s": [run_scenario(p, s, plan) for s in plan.scenarios]})

        ours = median_time(both, repeat=repeats)
        saved = kommune.Engine
        kommune.Engine = ReferenceEngine
        try:
            base = median_time(both, repeat=repeats)
        finally:
            kommune.Engine = saved
        assert ours.value == base.value, "abgestimmte und Referenz-Engine müssen gleich rechnen"
        record("bench_simulation", f"{label}: {prepared.kommune_name}, IST + SOLL: Engine",
               ours, baseline=base,
               baseline_label="Engine vor der Abstimmung (tests/simulation/reference_engine.py)",
               note="byte-gleiches Ergebnis (geprüft); Ablaufkosten je Ereignis gesenkt")


def ist_and_soll(repo: Repository, repeats: int) -> None:
    plan = default_plan()

    def both() -> None:
        prepared = prepare(repo, LARGE, plan)
        for scenario in plan.scenarios:
            run_scenario(prepared, scenario, plan)

    record("bench_simulation", "IST + SOLL, größtes Mitglied", median_time(both, repeat=repeats),
           note="was Bericht und workbench simulation rechnen")


def verbund(repo: Repository, repeats: int) -> None:
    keys = [str(k) for k in repo.kommunen["schluessel"]]
    plan = default_plan()
    workers = max(2, min(len(keys), os.cpu_count() or 2))
    serial = median_time(lambda: simulate_members(EXAMPLE, keys, plan, workers=1), repeat=repeats)
    parallel = median_time(lambda: simulate_members(EXAMPLE, keys, plan, workers=workers),
                           repeat=repeats)
    assert serial.value == parallel.value
    cases = sum(s["summe"]["faelle"] for r in serial.value for s in r["szenarien"])
    record("bench_simulation", f"Verbund ({len(keys)} Mitglieder, IST + SOLL, {cases} Fälle)",
           parallel, baseline=serial, baseline_label="seriell",
           note=f"parallel mit {workers} Prozessen auf {os.cpu_count()} Kernen; gleiches Ergebnis")


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
        rest.append(median_time(lambda k=k: others(k), repeat=repeats).median)
        with tempfile.TemporaryDirectory() as folder:
            os.environ["WERKBENCH_SIM_CACHE"] = folder
            start = time.perf_counter()
            section.section(ctx, k)
            cold.append(time.perf_counter() - start)
            warm.append(median_time(lambda k=k: section.section(ctx, k), repeat=repeats).median)
    os.environ["WERKBENCH_SIM_CACHE"] = "0"
    med = statistics.median
    others_t = Timing(tuple(rest))
    where = f"Berichtsabschnitt Simulation je Kommune (Median über {len(keys)} Kommunen)"
    record("bench_simulation", f"{where}: kalt", Timing(tuple(cold)), baseline=others_t,
           baseline_label="übrige Abschnitte desselben Berichts",
           note=f"Aufschlag kalt {german_number(med(cold) / med(rest), 1)}× der übrigen Abschnitte")
    record("bench_simulation", f"{where}: aus dem Cache", Timing(tuple(warm)), baseline=others_t,
           baseline_label="übrige Abschnitte desselben Berichts",
           note=f"Aufschlag {german_number(med(warm) / med(rest) * 100, 1)} % der übrigen "
                "Abschnitte")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    repo = Repository.load(EXAMPLE)
    engines(repo, repeats)
    against_reference(repo, repeats)
    ist_and_soll(repo, repeats)
    if not args.quick:
        verbund(repo, repeats)
    report_section(repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
