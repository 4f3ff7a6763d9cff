"""The memory profile of the batch's preparation (issue 13: ≤ 500 MiB per process at 4,935
administrations, measured by ``benchmarks/bench_memory.py``), guarded at a smaller scale.

A fresh process loads a synthetic knowledge base (the benchmark's generator) and runs the
preparation of ``workbench report --alle`` over every Kommune; what that adds to the peak
resident set (VmHWM) must grow far less than the data. The test takes the marginal cost: what
each administration beyond the first 50 adds, from 50 to 1,000 administrations, at most 60 KiB
(a ratio of the two totals would depend on fixed costs: when the preparation stopped importing
matplotlib, the 50 case fell from 53 to 35 MiB and the ratio rose, with less memory at both).
Measured: 35 MiB at 50 and 77 MiB at 1,000, so 45 KiB per administration; before the loaders
and the analysis cache were read row by row and column by column, 54 and 125 MiB (76 KiB per
administration), and 462 MiB at 4,935.
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


def test_preparation_peak_grows_far_less_than_the_data(tmp_path: Path) -> None:
    small = bench_memory.preparation_growth(tmp_path, 50)
    large = bench_memory.preparation_growth(tmp_path, 1000)
    assert (small["shown"], large["shown"]) == (50, 1000)  # a fingerprint for every Kommune
    per_administration = (large["growth"] - small["growth"]) / (1000 - 50)
    assert per_administration <= 60 * 1024, (
        f"Vorbereitung: {small['growth'] / MIB:.0f} MiB bei 50, {large['growth'] / MIB:.0f} MiB "
        f"bei 1.000 Verwaltungen, also {per_administration / 1024:.0f} KiB je weitere Verwaltung "
        "(höchstens 60 KiB)")
    assert large["peak"] <= 250 * MIB


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
