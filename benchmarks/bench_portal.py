"""Wissensportal: the shipped example (whole command ≤ 10 s) and a synthetic catalogue of 575
Leistungen with IST and SOLL models.

Ours: ``build_portal`` cold (empty output folder), warm (nothing changed) and incremental (one
Steckbrief changed). Baseline, in the same run: a plain per-page render loop – for each Leistung
read the SOLL model, draw its SVG (``maps.process_map``), make its step table and write one
page with ``html.escape`` – the least work any generator needs for the same pages, without
indices, search, release rules, diff, variants or caching. The shipped example is also timed as
the whole command (``workbench portal`` in a new process, wall clock, including Python start).
Times are medians of ``--runs`` runs (also in the large case); CPU seconds of this process for
the in-process cases (the machine is shared). Every case is one row of ``benchlib.record``; a
missed target is a "nein" in the table, not an error exit.

    .venv/bin/python benchmarks/bench_portal.py [--runs N] [--small]
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import Timing, record

from workbench.maps import process_map
from workbench.portal import build_portal
from workbench.repository import Repository
from workbench.steptable import bpmn_to_step_table

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "processes"
TARGET_SECONDS = 10.0
CLOCK = time.process_time


def synthetic(target: Path, count: int) -> Path:
    """A knowledge base with ``count`` Leistungen, each with Steckbrief, IST and SOLL, the models
    taken in turn from the shipped example (ids and names made unique)."""
    kb = target / "processes"
    kb.mkdir(parents=True)
    for name in ("verbund.yaml", "kommunen.csv", "bewertung.yaml"):
        shutil.copy(EXAMPLE / name, kb / name)
    (kb / "fallzahlen.csv").write_text("kommune,leistung,jahr,fallzahl,quelle\n", encoding="utf-8")
    sources = sorted(p for p in EXAMPLE.iterdir() if (p / "soll.bpmn").exists())
    areas = ("Bürgerservice", "Finanzen", "Ordnung", "Soziales", "Bauen", "Umwelt", "Standesamt")
    lines = ["leistungen:"]
    for n in range(count):
        source = sources[n % len(sources)]
        lid = f"leistung_{n:03d}"
        lines += [f"  - id: {lid}", f"    name: Leistung {n:03d} ({source.name})",
                  f"    fachbereich: {areas[n % len(areas)]}", "    prozesstyp: Kernprozess",
                  "    erfassung: modelliert"]
        folder = kb / lid
        folder.mkdir()
        for variant in ("ist.bpmn", "soll.bpmn"):
            shutil.copy(source / variant, folder / variant)
        brief = (source / "steckbrief.yaml").read_text(encoding="utf-8")
        brief = brief.replace(f"leistung: {source.name}", f"leistung: {lid}")
        (folder / "steckbrief.yaml").write_text(brief, encoding="utf-8")
    (kb / "leistungen.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return kb


def baseline(kb: Path, out: Path) -> None:
    """The plain per-page render loop (see module docstring)."""
    repo = Repository.load(kb)
    out.mkdir(parents=True, exist_ok=True)
    for row in repo.leistungen.itertuples():
        model = repo.model(row.id, "soll") or repo.model(row.id, "ist")
        if model is None:
            continue
        svg = process_map(model, style="di", with_metrics=False).svg
        steps = bpmn_to_step_table(model)
        body = "".join(f"<tr><td>{html.escape(str(r.Nr))}</td><td>{html.escape(str(r.Schritt))}"
                       f"</td><td>{html.escape(str(r.Rolle))}</td></tr>"
                       for r in steps.itertuples())
        (out / f"{row.id}.html").write_text(
            f"<!doctype html><h1>{html.escape(row.name)}</h1>{svg}<table>{body}</table>",
            encoding="utf-8")


def timed(func, runs: int) -> Timing:
    values = []
    for _ in range(runs):
        start = CLOCK()
        func()
        values.append(CLOCK() - start)
    return Timing(tuple(values))


def case(label: str, kb: Path, work: Path, runs: int) -> None:
    counter = iter(range(10**6))

    def cold() -> None:
        build_portal(Repository.load(kb), work / f"kalt{next(counter)}")

    ours_cold = timed(cold, runs)
    warm_out = work / "warm"
    build_portal(Repository.load(kb), warm_out)
    ours_warm = timed(lambda: build_portal(Repository.load(kb), warm_out), runs)
    brief = sorted(kb.glob("*/steckbrief.yaml"))[0]
    original = brief.read_text(encoding="utf-8")

    def incremental() -> None:
        text = brief.read_text(encoding="utf-8")
        brief.write_text(text + "\n# geändert\n", encoding="utf-8")
        summary = build_portal(Repository.load(kb), warm_out)
        assert len(summary.rebuilt_records) == 1, summary.rebuilt_records

    ours_incremental = timed(incremental, runs)
    brief.write_text(original, encoding="utf-8")
    base = timed(lambda: baseline(kb, work / f"basis{next(counter)}"), runs)
    pages = len(list((warm_out / "prozess").glob("*.html")))
    files = sum(1 for p in warm_out.rglob("*") if p.is_file())
    where = f"{label} ({pages} Prozessseiten, {files} Dateien)"
    record("bench_portal", f"{where}: kalt", ours_cold, baseline=base,
           baseline_label="Schleife je Seite (nur SOLL-Seite)",
           note="CPU-Sekunden; die Basislinie baut keine Verzeichnisse, Suche, Freigaben, "
                "Varianten, Vergleiche und keinen Cache")
    record("bench_portal", f"{where}: warm (nichts geändert)", ours_warm, baseline=ours_cold,
           baseline_label="Portal kalt", note="CPU-Sekunden")
    record("bench_portal", f"{where}: ein Steckbrief geändert", ours_incremental,
           baseline=ours_cold, baseline_label="Portal kalt",
           note="CPU-Sekunden; genau eine Seite neu gebaut (geprüft)")


def whole_command(runs: int, work: Path) -> Timing:
    exe = Path(sys.executable).parent / "workbench"
    values = []
    for n in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), "portal", "--repository", str(EXAMPLE), "--out",
                        str(work / f"befehl{n}")], check=True, capture_output=True)
        values.append(time.perf_counter() - start)
    return Timing(tuple(values))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="nur das mitgelieferte Beispiel")
    parser.add_argument("--leistungen", type=int, default=575)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp:
        work = Path(tmp)
        seconds = whole_command(args.runs, work)
        record("bench_portal", "Beispiel: ganzer Befehl workbench portal, kalt", seconds,
               target=f"≤ {TARGET_SECONDS:.0f} s", met=seconds.median <= TARGET_SECONDS,
               note="Wanduhr, neuer Prozess, Python-Start inklusive")
        kb_copy = work / "beispiel" / "processes"
        shutil.copytree(EXAMPLE, kb_copy)
        case("Beispiel", kb_copy, work / "b1", args.runs)
        if not args.small:
            kb = synthetic(work / "synthetisch", args.leistungen)
            case(f"{args.leistungen} Leistungen mit IST und SOLL (synthetisch)", kb,
                 work / "b2", args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
