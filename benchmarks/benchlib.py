"""Shared helpers of the benchmarks: timing by medians and one result row per measured case.

Every ``bench_*.py`` reports each case with :func:`record`. It prints a German line and, when
``WERKBENCH_BENCH_RESULTS`` names a file (``make bench`` sets it), appends the row as one JSON line;
``benchmarks/run_all.py`` turns those lines into one markdown table (``docs/benchmarks.md``).

    from benchlib import median_time, record
    ours = median_time(lambda: run(), repeat=3)
    base = median_time(lambda: baseline(), repeat=3)
    record("bench_maps", "300 Aktivitäten, auto", ours, baseline=base, baseline_label="dot",
           target="≤ 3× dot", met=ours.median <= 3 * base.median)
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS_ENV = "WERKBENCH_BENCH_RESULTS"
#: Seconds an interrupted benchmark gives its child to stop its own workers and kernels.
STOP_GRACE = 20.0


@dataclass(frozen=True)
class Timing:
    """Wall-clock runs of one case, in seconds."""

    runs: tuple[float, ...]
    value: Any = field(default=None, compare=False, repr=False)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def best(self) -> float:
        return min(self.runs)


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM interrupts the benchmark like Ctrl-C (``KeyboardInterrupt``), so
    :func:`run_child` can stop its child, and an in-process batch its workers and kernels."""
    with contextlib.ExitStack() as stack:
        try:
            from workbench.reports.stopping import sigterm_unwinds
        except ImportError:  # a benchmark without the workbench on its path
            yield
            return
        stack.enter_context(sigterm_unwinds())
        yield


def run_child(command: Sequence[str], *, check: bool = False, capture_output: bool = False,
              **kwargs: Any) -> subprocess.CompletedProcess:
    """``subprocess.run`` that, when the benchmark is interrupted, sends the child SIGTERM (a
    ``workbench report`` then stops its workers and kernels), waits :data:`STOP_GRACE` seconds
    and only then kills it; ``subprocess.run`` would SIGKILL it and orphan its children."""
    if capture_output:
        kwargs.update(stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with subprocess.Popen(list(command), **kwargs) as process:
        try:
            out, err = process.communicate()
        except BaseException:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            raise
    done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    if check:
        done.check_returncode()
    return done


def median_time(func: Callable[[], Any], *, repeat: int = 3, warmup: int = 0) -> Timing:
    """Run ``func`` ``warmup`` times untimed, then ``repeat`` times timed (perf_counter)."""
    if repeat < 1:
        raise ValueError("repeat must be >= 1")
    for _ in range(warmup):
        func()
    runs, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        runs.append(time.perf_counter() - start)
    return Timing(tuple(runs), value)


def _seconds(value: Timing | float | None) -> float | None:
    if value is None:
        return None
    return float(value.median) if isinstance(value, Timing) else float(value)


def record(benchmark: str, case: str, ours: Timing | float, *, baseline: Timing | float | None = None,
           baseline_label: str = "", target: str = "", met: bool | None = None, unit: str = "s",
           note: str = "", runs: int | None = None) -> dict[str, Any]:
    """Print one result line and append it to ``$WERKBENCH_BENCH_RESULTS`` (JSON lines).

    ``ours``/``baseline`` are timings (their median is used) or plain numbers in ``unit``
    (e.g. ``"Berichte/s"`` or ``"MiB"``). The ratio is baseline/ours for seconds (a speed-up),
    ours/baseline otherwise. ``runs`` names the number of measured runs behind a plain number
    (a rate from a median time); for timings it is their count.
    """
    ours_value = _seconds(ours)
    base_value = _seconds(baseline)
    met = None if met is None else bool(met)  # numpy bools are not JSON
    ratio = None
    if base_value is not None and ours_value:
        ratio = base_value / ours_value if unit == "s" else ours_value / base_value
    if isinstance(ours, Timing):
        runs = len(ours.runs)
    row = {"benchmark": benchmark, "case": case, "ours": ours_value, "unit": unit,
           "runs": runs, "baseline": base_value, "baseline_label": baseline_label,
           "ratio": ratio, "target": target, "met": met, "note": note}
    text = f"{benchmark} | {case}: {_fmt(ours_value)} {unit}"
    if runs:
        text += f" (Median aus {runs})"
    if base_value is not None:
        text += f"; {baseline_label or 'Vergleich'} {_fmt(base_value)} {unit}"
    if ratio is not None:
        text += f"; Verhältnis {_fmt(ratio)}×"
    if target:
        text += f"; Ziel {target}: " + {True: "erreicht", False: "NICHT erreicht",
                                         None: "–"}[met]
    print(text, flush=True)
    target_file = os.environ.get(RESULTS_ENV)
    if target_file:
        with open(Path(target_file), "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return row


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if 0 < abs(value) < 0.1:  # milliseconds and below: three significant digits
        text = f"{value:.{2 - math.floor(math.log10(abs(value)))}f}"
    else:
        text = f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")
