"""Benchmark: start-up of the command line (issue 13, goal 4).

Times whole processes, as a user starts them: ``workbench --help`` and
``workbench potenzial --kommune 033560005`` on the shipped example (default: 500 weight draws),
against a bare ``python -c pass`` as the reference. Medians of ``--laeufe`` runs (default 7)
after one untimed warm-up run, which also writes the bytecode caches like any installed package
has them (``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment).

    .venv/bin/python benchmarks/bench_startup.py [--laeufe 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from benchlib import median_time, record  # noqa: E402

KOMMUNE = "033560005"
HELP_TARGET = 0.25
POTENZIAL_TARGET = 1.0


def _workbench() -> list[str]:
    script = Path(sys.executable).parent / "workbench"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from workbench.cli import main; "
            "sys.exit(main())"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _runner(argv: list[str], cpu: list[float] | None = None) -> callable:
    """One whole-process run; appends the child's CPU seconds to ``cpu`` (the load of other
    processes stretches the wall time, not the CPU time)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run() -> None:
        before = _children_cpu()
        done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, check=False)
        if cpu is not None:
            cpu.append(_children_cpu() - before)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} ist fehlgeschlagen (Exit {done.returncode}): "
                             + done.stderr.decode(errors="replace")[-400:])
    return run


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s".replace(".", ",") if values else "–"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laeufe", type=int, default=7, help="gemessene Läufe je Fall (≥ 5)")
    args = parser.parse_args()
    repeat = max(5, args.laeufe)

    bare = median_time(_runner([sys.executable, "-c", "pass"]), repeat=repeat, warmup=1)
    print(f"Referenz: nackter Interpreter (python -c pass) {bare.median:.3f} s")
    cpu: list[float] = []
    helps = median_time(_runner([*_workbench(), "--help"], cpu), repeat=repeat, warmup=1)
    record("bench_startup", "workbench --help", helps, baseline=bare,
           baseline_label="python -c pass", target=f"≤ {HELP_TARGET:g} s".replace(".", ","),
           met=helps.median <= HELP_TARGET,
           note=f"ganzer Prozess, CPU-Zeit {_median(cpu[1:])}; Verhältnis < 1: so viel langsamer "
                "als der nackte Interpreter")
    cpu = []
    pot = median_time(_runner([*_workbench(), "potenzial", "--repository", "processes",
                               "--kommune", KOMMUNE], cpu), repeat=repeat, warmup=1)
    record("bench_startup", f"workbench potenzial --kommune {KOMMUNE} (Beispiel, 500 Ziehungen)",
           pot, baseline=bare, baseline_label="python -c pass",
           target=f"≤ {POTENZIAL_TARGET:g} s", met=pot.median <= POTENZIAL_TARGET,
           note=f"ganzer Prozess (Importe, Wissensbasis laden, Kennzahlen, Analyse, Ausgabe), "
                f"CPU-Zeit {_median(cpu[1:])}")
    load = os.getloadavg()
    print(f"Systemlast am Ende (1/5/15 min): {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} "
          f"bei {os.cpu_count()} Kernen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
