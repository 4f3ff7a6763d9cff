"""Import throughput: ``workbench.bpmn.read`` against bare ``lxml.etree.fromstring``.

Small case: the 21 MIWG reference models once; large case: replicated in memory to at least
3,000 files. Both variants parse exactly the same bytes. Medians of three runs each
(alternating), reported through ``benchlib.record``; target: our time at most 2.5 × bare lxml
(a missed target is a "nein" in the table, not an error exit).

    .venv/bin/python benchmarks/bench_import.py [--files N] [--runs R] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchlib import Timing, record
from lxml import etree

from workbench.bpmn import read
from workbench.text import german_number

TARGET = 2.5
MIWG = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "miwg-reference"


def load(count: int) -> list[bytes]:
    files = sorted(MIWG.glob("*.bpmn"))
    if len(files) != 21:
        sys.exit(f"Erwartet 21 MIWG-Referenzmodelle in {MIWG}, gefunden {len(files)}.")
    originals = [f.read_bytes() for f in files]
    # distinct bytes objects (no caching by identity), same content
    return [bytes(bytearray(originals[i % len(originals)])) for i in range(count)]


def bare(blobs: list[bytes]) -> None:
    for data in blobs:
        etree.fromstring(data)


def ours(blobs: list[bytes]) -> None:
    for data in blobs:
        read(data)


def timed(fn: Callable[[list[bytes]], None], blobs: list[bytes]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn(blobs)
    return time.perf_counter() - start


def paired(runs: int, blobs: list[bytes]) -> tuple[Timing, Timing]:
    """Times of each variant; runs alternate so that load on the machine hits both alike."""
    t_bare, t_ours = [], []
    for _ in range(runs):
        t_bare.append(timed(bare, blobs))
        t_ours.append(timed(ours, blobs))
    return Timing(tuple(t_bare)), Timing(tuple(t_ours))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3150, help="Anzahl Dateien (≥ 3000)")
    parser.add_argument("--runs", type=int, default=3, help="Läufe je Variante (Median)")
    parser.add_argument("--profile", action="store_true", help="cProfile des Imports ausgeben")
    args = parser.parse_args(argv)

    blobs = load(args.files)
    read(blobs[0])  # warm up imports and compiled XPath expressions
    for case, sample in (("21 MIWG-Referenzmodelle", blobs[:21]),
                         (f"{len(blobs)} Dateien (MIWG vervielfältigt)", blobs)):
        megabytes = sum(map(len, sample)) / 1e6
        t_bare, t_ours = paired(args.runs, sample)
        ratio = t_ours.median / t_bare.median
        record("bench_import", f"{case}, {megabytes:.1f} MB".replace(".", ","), t_ours,
               baseline=t_bare, baseline_label="lxml.etree.fromstring", target=f"≤ {TARGET}× lxml"
               .replace(".", ","), met=ratio <= TARGET,
               note=f"bpmn.read {german_number(len(sample) / t_ours.median)} Dateien/s, "
                    f"{german_number(megabytes / t_ours.median, 1)} MB/s; "
                    f"{german_number(ratio, 2)}-mal die Zeit von bloßem Parsen")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        ours(blobs[: max(len(blobs) // 5, 21)])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
