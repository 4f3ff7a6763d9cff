"""Import throughput: ``workbench.bpmn.read`` against bare ``lxml.etree.fromstring``.

The 21 MIWG reference models are replicated in memory to at least 3,000 files; both variants
parse exactly the same bytes. Best of three runs each (alternating); the ratio must stay at or below 2.5
(exit code 1 otherwise).

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

from lxml import etree

from workbench.bpmn import read

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


def best_of(runs: int, blobs: list[bytes]) -> tuple[float, float]:
    """Best time of each variant; runs alternate so that load on the machine hits both alike."""
    t_bare = t_ours = float("inf")
    for _ in range(runs):
        t_bare = min(t_bare, timed(bare, blobs))
        t_ours = min(t_ours, timed(ours, blobs))
    return t_bare, t_ours


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3150, help="Anzahl Dateien (≥ 3000)")
    parser.add_argument("--runs", type=int, default=3, help="Läufe je Variante (bester zählt)")
    parser.add_argument("--profile", action="store_true", help="cProfile des Imports ausgeben")
    args = parser.parse_args(argv)

    blobs = load(args.files)
    megabytes = sum(map(len, blobs)) / 1e6
    read(blobs[0])  # warm up imports and compiled XPath expressions
    t_bare, t_ours = best_of(args.runs, blobs)
    ratio = t_ours / t_bare
    print(f"Eingabe:       {len(blobs)} Dateien, {megabytes:.1f} MB "
          f"(21 MIWG-Referenzmodelle vervielfältigt)")
    print(f"lxml (bare):   {t_bare:6.2f} s  {len(blobs) / t_bare:8.0f} Dateien/s  "
          f"{megabytes / t_bare:6.1f} MB/s")
    print(f"bpmn.read:     {t_ours:6.2f} s  {len(blobs) / t_ours:8.0f} Dateien/s  "
          f"{megabytes / t_ours:6.1f} MB/s")
    print(f"Verhältnis:    {ratio:.2f} (Ziel ≤ {TARGET})")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        ours(blobs[: max(len(blobs) // 5, 21)])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
    if ratio > TARGET:
        print(f"Ziel verfehlt: Import ist {ratio:.2f}-mal so langsam wie bloßes Parsen.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
