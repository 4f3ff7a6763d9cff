"""Processor time of the simulation of the shipped example (issue 13), for before/after checks.

Simulates every Kommune of ``processes/`` with the default plan (IST + SOLL) in one warm
process (models compiled, Fallzahl table and calendar built once beforehand, as in a warm
report kernel), ``N`` times; prints the median and minimum CPU seconds (``time.process_time``,
no profiler) and a SHA-256 over the results' JSON bytes (what the simulation cache stores),
so two checkouts can be compared for speed and for identical results:

    .venv/bin/python benchmarks/simulation_cpu.py [N]      # N = 5 by default

Not a ``bench_*`` script: ``bench_simulation.py`` measures wall time against the baselines.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ["WERKBENCH_SIM_CACHE"] = "0"


def main() -> int:
    from workbench.repository import Repository
    from workbench.simulation import default_plan
    from workbench.simulation.cache import dumps
    from workbench.simulation.kommune import prepare, simulate

    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    repo = Repository.load(ROOT / "processes")
    keys = [str(k) for k in repo.kommunen["schluessel"]]
    plan = default_plan()
    for key in keys:
        prepare(repo, key, plan)
    runs, digests = [], set()
    for _ in range(repeats):
        digest = hashlib.sha256()
        start = time.process_time()
        for key in keys:
            digest.update(dumps(simulate(repo, key, plan)))
        runs.append(time.process_time() - start)
        digests.add(digest.hexdigest())
    if len(digests) != 1:
        print("Fehler: die Läufe lieferten verschiedene Ergebnisse.", file=sys.stderr)
        return 1
    print(f"Simulation von {len(keys)} Kommunen (IST + SOLL): Median {statistics.median(runs):.3f}"
          f" s, Minimum {min(runs):.3f} s Prozessor-Zeit aus {repeats} Läufen; "
          f"Ergebnis-SHA-256 {digests.pop()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
