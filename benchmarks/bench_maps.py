"""Benchmark of the process maps: a 300-activity model in both styles (target < 2 s each).

Run: .venv/bin/python benchmarks/bench_maps.py [--aktivitaeten 300] [--lanes 6]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from workbench.maps import Highlights, Map, auto_map, di_map
from workbench.maps.examples import synthetic_model
from workbench.maps.highlights import automatable_steps

TARGET_SECONDS = 2.0


def _time(label: str, func: Callable[[], Map], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        runs.append(time.perf_counter() - start)
    best, median = min(runs), statistics.median(runs)
    size = len(result.svg) / 1024
    verdict = "ok" if median < TARGET_SECONDS else "ZU LANGSAM"
    print(f"{label:<38} median {median:6.3f} s  bestes {best:6.3f} s  SVG {size:7.0f} KiB  {verdict}")
    return median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--aktivitaeten", type=int, default=300)
    parser.add_argument("--lanes", type=int, default=6)
    parser.add_argument("--wiederholungen", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    model = synthetic_model(args.aktivitaeten, args.lanes)
    nodes = len(model.flow_nodes())
    print(f"Modell: {len(model.activities())} Aktivitäten, {nodes} Flussknoten, {args.lanes} Lanes "
          f"(gebaut in {time.perf_counter() - start:.2f} s)")
    hl = Highlights(automatable=automatable_steps(model))
    times = [
        _time("auto (Graphviz, mit Zeilenumbruch)", lambda: auto_map(model, hl),
              args.wiederholungen),
        _time("auto (Graphviz, eine Zeile)", lambda: auto_map(model, hl, wrap=None),
              args.wiederholungen),
        _time("di (wie gezeichnet, reines Python)", lambda: di_map(model, hl),
              args.wiederholungen),
    ]
    return 0 if max(times) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
