"""Benchmark of the process maps: the auto style against bare ``dot`` on the same graph, and the
DI style against its 2-second target.

"bare dot" = ``dot -Tsvg`` on the DOT text the auto style generates (no restacking, no label
placement, no SVG clean-up), measured in the same run: the two alternate, run by run, so both see
the same load. Target: auto ≤ 3× dot (wall time, median). The note gives the same factor in CPU
time (this process and its children), which load on a shared machine disturbs less.
Cases: a shipped model (small), the largest MIWG collaboration, the 300-activity synthetic model.

Run: .venv/bin/python benchmarks/bench_maps.py [--aktivitaeten 300] [--lanes 6]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchlib import Timing, median_time, record

from workbench import bpmn
from workbench.bpmn.model import Definitions
from workbench.maps import Highlights, auto_map, di_map, highlights_for
from workbench.maps.auto import DotBuilder, Section, _title
from workbench.maps.examples import synthetic_model
from workbench.maps.gv import run_dot
from workbench.maps.highlights import automatable_steps

ROOT = Path(__file__).resolve().parents[1]
MIWG = ROOT.parent / "shared" / "data" / "miwg-reference"
if not MIWG.is_dir():
    MIWG = Path("/work/shared/data/miwg-reference")
AUTO_FACTOR = 3.0
DI_SECONDS = 2.0


def first_pass_dot(model: Definitions, hl: Highlights) -> str:
    """The DOT text the auto style hands to ``dot`` (same options as :func:`auto_map`)."""
    builder = DotBuilder(_title(model, None))
    builder.add(Section(model, hl))
    return builder.source()


def largest_collaboration() -> tuple[str, Definitions] | None:
    best: tuple[int, str, Definitions] | None = None
    for path in sorted(MIWG.glob("*.bpmn")):
        model = bpmn.read(path)
        if len(model.participants) < 2:
            continue
        size = len(model.flow_nodes())
        if best is None or size > best[0]:
            best = (size, path.stem, model)
    return (best[1], best[2]) if best else None


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def paired(ours: Callable[[], object], base: Callable[[], object], repeat: int
           ) -> tuple[Timing, Timing, float, float]:
    """Wall times of both, alternating run by run (one warm-up each), and the median CPU
    seconds of each."""
    ours()
    base()
    walls: tuple[list[float], list[float]] = ([], [])
    cpus: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for index, func in enumerate((ours, base)):
            cpu, wall = _cpu(), time.perf_counter()
            func()
            walls[index].append(time.perf_counter() - wall)
            cpus[index].append(_cpu() - cpu)
    return (Timing(tuple(walls[0])), Timing(tuple(walls[1])), statistics.median(cpus[0]),
            statistics.median(cpus[1]))


def bench_auto(case: str, model: Definitions, hl: Highlights, repeat: int) -> None:
    source = first_pass_dot(model, hl)
    ours, bare, cpu_ours, cpu_bare = paired(lambda: auto_map(model, hl),
                                            lambda: run_dot(source, "svg"), repeat)
    factor = ours.median / bare.median
    note = (f"{len(model.flow_nodes())} Flussknoten; Faktor {factor:.2f}× "
            f"(CPU-Zeit {cpu_ours:.3f} s / {cpu_bare:.3f} s = {cpu_ours / cpu_bare:.2f}×)")
    record("bench_maps", f"{case}, Stil auto", ours, baseline=bare,
           baseline_label="dot -Tsvg (nackt)", target=f"≤ {AUTO_FACTOR:g}× dot",
           met=factor <= AUTO_FACTOR, note=note.replace(".", ","))
    print(f"  {case}: " + note.replace(".", ","))


def bench_di(case: str, model: Definitions, hl: Highlights, repeat: int) -> None:
    ours = median_time(lambda: di_map(model, hl), repeat=repeat, warmup=1)
    record("bench_maps", f"{case}, Stil di", ours, target=f"< {DI_SECONDS:g} s",
           met=ours.median < DI_SECONDS, note=f"{len(model.flow_nodes())} Flussknoten")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--aktivitaeten", type=int, default=300)
    parser.add_argument("--lanes", type=int, default=6)
    parser.add_argument("--wiederholungen", type=int, default=5)
    args = parser.parse_args(argv)
    repeat = args.wiederholungen

    small = bpmn.read(ROOT / "processes" / "gewerbeanmeldung" / "ist.bpmn")
    bench_auto("Gewerbeanmeldung IST (ausgeliefert)", small, highlights_for(small), repeat)
    found = largest_collaboration()
    if found is not None:
        name, collab = found
        bench_auto(f"MIWG {name} (größte Kollaboration)", collab, highlights_for(collab),
                   repeat)
    large = synthetic_model(args.aktivitaeten, args.lanes)
    hl = Highlights(automatable=automatable_steps(large))
    bench_auto(f"{args.aktivitaeten} Aktivitäten, {args.lanes} Lanes", large, hl, repeat)
    bench_di(f"{args.aktivitaeten} Aktivitäten, {args.lanes} Lanes", large, hl, repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
