"""The memory of the national batch's main process (issue 13: ≤ 500 MiB per process at 4,935
administrations; all three processes are measured by ``benchmarks/bench_memory.py``).

The guard runs the real ``workbench report --alle`` in a fresh process over the benchmark's
synthetic knowledge base of 4,935 and of 500 real administrations, up to the hand-over of the
first report (``bench_memory.parent_side``: load, jobs of all, the analysis computed and read
back, the fingerprints of every report; the batch is pointed at a Dask scheduler nobody runs, so
no kernel starts). So it covers every change of the memory work that lives in the main process:
``fallzahlen.csv`` read row by row, the analysis read column by column, fingerprints on four
columns, the CLI not holding the knowledge base twice during the preparation, ``malloc_trim``
after the threaded analysis. The guard it replaces ran only the preparation beside a knowledge
base of its own, so it could not see the CLI's change.

Measured 2026-12-05 (load 2-5, 2 cores; one run each, the current code three times), peak
resident set of the main process at 500 and at 4,935 administrations, and what each
administration beyond 500 adds:

- current code: 139 and 286-292 MiB, 34-35 KiB per administration;
- main with the six memory commits reverted (714db0b, df05d05, c89047c, c467bc6, 9579d42,
  efbb107): 164 and 650 MiB, 112 KiB; the whole tree of 187e029: 195 and 679 MiB, 112 KiB;
  of df05d05^ (the loaders before reading row by row): 181 and 584 MiB, 93 KiB;
- one change reverted at a time: the loaders (df05d05) 439 MiB, 66 KiB; the analysis read
  column by column (c89047c, with efbb107) 460 MiB, 74 KiB; ``malloc_trim`` alone (efbb107)
  314 MiB, 40 KiB; the CLI's second knowledge base (9579d42) 302 MiB, 37 KiB; the fingerprints'
  four columns (c467bc6) 291 MiB, 35 KiB.

Bounds: at most 350 MiB at 4,935 and 50 KiB per administration. The old code and the loaders or
the column-wise reading reverted fail both; ``malloc_trim``, the CLI's change and the
fingerprints' columns alone are each too small (4-28 MiB) to fail a bound with margin for the
current code: for them this is a regression guard, not proof.
To check a bound against other code: ``PYTHONPATH=<baum>/src .venv/bin/pytest -k parent``; the
command runs from the import path (the guard before this one measured the current code whatever
PYTHONPATH said, because bench_memory's helper put the repository's ``src`` first; run from
an old tree of its own it failed too: 125 KiB per administration from 50 to 1,000, not 45).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_memory  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="VmHWM needs Linux /proc")
MIB = 2**20


def test_parent_side_of_the_national_batch_stays_far_below_the_target(tmp_path: Path) -> None:
    small = bench_memory.parent_side(tmp_path, 500)
    large = bench_memory.parent_side(tmp_path, 4935)
    per_administration = (large["peak"] - small["peak"]) / (4935 - 500)
    figures = (f"Hauptprozess bis zum ersten Bericht: {small['peak'] / MIB:.0f} MiB bei 500, "
               f"{large['peak'] / MIB:.0f} MiB bei 4.935 Verwaltungen, also "
               f"{per_administration / 1024:.0f} KiB je weitere Verwaltung")
    assert large["peak"] <= 350 * MIB, figures + " (höchstens 350 MiB bei 4.935)"
    assert per_administration <= 50 * 1024, figures + " (höchstens 50 KiB)"



def test_the_peak_is_the_commands_own_not_its_parents(tmp_path: Path) -> None:
    """In a whole suite pytest has grown to several hundred MiB when this file runs; a child's
    ``ru_maxrss`` (``wait4``) carries the size of the process it was forked from across
    ``execve`` (measured: 723 MiB at 500 and at 4,935), so the command writes its own VmHWM."""
    ballast = bytearray(600 * MIB)
    ballast[::4096] = b"\1" * len(range(0, len(ballast), 4096))  # resident, not only reserved
    peak = bench_memory.parent_side(tmp_path, 500)["peak"]
    del ballast
    assert peak <= 250 * MIB, f"Hauptprozess bei 500 Verwaltungen: {peak / MIB:.0f} MiB"


def _rss() -> int:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def test_heap_release_returns_what_a_side_thread_freed() -> None:
    """The analysis runs parts on side threads; what they freed stays in their glibc arena
    until workbench.heap.release gives it back (the parent's preparation calls it)."""
    import threading

    from workbench import heap

    if heap._trim() is None:
        pytest.skip("kein glibc malloc_trim")
    kept: list[bytes] = []

    def work() -> None:
        blocks = [bytes(1000 + i % 7) for i in range(150_000)]  # ~150 MiB from malloc
        kept.append(blocks[-1])  # one block stays: the arena cannot simply shrink
        del blocks

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    before = _rss()
    heap.release()
    assert _rss() < before - 100 * MIB
