"""Run every ``bench_*.py`` and write one markdown table of all results (``make bench``).

    .venv/bin/python benchmarks/run_all.py [--out docs/benchmarks.md] [--nur bench_maps,bench_reports]
    .venv/bin/python benchmarks/run_all.py --nur bench_maps --ergaenzen   # only these again

Each benchmark appends its rows (see ``benchlib.record``) to a JSON-lines file named by
``WERKBENCH_BENCH_RESULTS``; this script collects them, in the order run, into the table.
A benchmark that exits non-zero is listed as failed, and the script exits 1 after writing the table.
With ``--ergaenzen`` the rows of the scripts not run now come from the last run
(``benchmarks/results/run_all.json``), so one benchmark can be measured again without the others.

The national report cases take hours, so ``make bench`` does not run them: ``make bench-national``
(``--national``) runs ``bench_reports.py --faelle 500,4935`` alone and keeps its rows, with the
date, commit, command and load of that run, in ``benchmarks/national.json`` (committed). Every
table — also the default one — shows those rows under their own heading, so each goal of
issue 13 has its row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The last run's rows, kept for ``--ergaenzen`` (git-ignored like every file in results/).
STATE = HERE / "results" / "run_all.json"
#: Rows of the last ``make bench-national`` run with their provenance (committed).
NATIONAL = HERE / "national.json"
NATIONAL_SCRIPT = "bench_reports.py"
NATIONAL_ARGS = ["--faelle", "500,4935"]
sys.path.insert(0, str(HERE))

from benchlib import RESULTS_ENV, _fmt, run_child, stop_on_sigterm  # noqa: E402


def _cell(value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return _fmt(value)
    return str(value).replace("|", "\\|")


def load_average() -> float:
    """The 1-minute load average (NaN where the platform has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def _one(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _line(row: dict) -> str:
    met = {True: "ja", False: "**nein**", None: "–"}[row.get("met")]
    ratio = row.get("ratio")
    return "| " + " | ".join([
        _cell(row["benchmark"]), _cell(row["case"]), _cell(row.get("ours")), _cell(row["unit"]),
        _cell(row.get("runs")), _cell(row.get("baseline_label")), _cell(row.get("baseline")),
        (_fmt(ratio) + "×") if ratio is not None else "–", _cell(row.get("target")), met,
        _cell(row.get("note"))]) + " |"


def table(rows: list[dict], failed: list[str], seconds: dict[str, float],
          loads: dict[str, tuple[float, float]] | None = None, merged: bool = False,
          national: dict | None = None) -> str:
    """The markdown page: machine and load, one row per measured case, then the national rows
    of the last ``make bench-national`` run (``national``) with their provenance."""
    loads = loads or {}
    load = load_average()
    load_text = (f"Last (1-min-Mittel) von {_one(min(v[0] for v in loads.values()))} bis "
                 f"{_one(max(max(v) for v in loads.values()))} während der Läufe, "
                 if loads else "Last ") + f"{_one(load)} am Ende"
    lines = [
        "# Benchmarks",
        "",
        f"Erzeugt mit `make bench` am {dt.date.today().isoformat()} auf {os.cpu_count()} Kernen "
        f"({platform.machine()}, Python {platform.python_version()}; {load_text}). "
        "Zeiten sind Mediane der angegebenen Läufe; das Verhältnis ist bei Sekunden Vergleich/unsere "
        "(Beschleunigung), sonst unsere/Vergleich. Bei einer Last über der Zahl der Kerne teilen "
        "sich die Messungen die Kerne mit anderen Prozessen: absolute Zeiten sind dann zu hoch, "
        "die Verhältnisse (beide Seiten im selben Lauf, abwechselnd gemessen) bleiben aussagekräftig.",
        "",
        "| Benchmark | Fall | Unsere | Einheit | Läufe | Vergleich | Vergleichswert | Verhältnis "
        "| Ziel | erreicht | Anmerkung |",
        "| --- | --- | ---: | --- | ---: | --- | ---: | ---: | --- | --- | --- |",
    ]
    header = len(lines) - 2
    lines += [_line(row) for row in rows]
    if national and national.get("rows"):
        lines += ["", "## Landesweit (`make bench-national`)", "",
                  f"Gemessen am {national['datum']} mit `{national['befehl']}` auf Commit "
                  f"`{national['commit']}` ({_one(national['sekunden'] / 60)} min, Last "
                  f"{_one(national['last'][0])} → {_one(national['last'][1])}); nicht Teil von "
                  "`make bench`, weil der kalte Lauf allein eine halbe Stunde (500) bzw. Stunden "
                  "(4.935) dauert.", "", *lines[header:header + 2]]
        lines += [_line(row) for row in national["rows"]]
    silent = [p.stem for p in sorted(HERE.glob("bench_*.py"))
              if p.stem not in {row["benchmark"] for row in rows}]
    if silent:
        lines += ["", "Ohne Zeile in dieser Tabelle (nicht gelaufen oder ohne `benchlib.record`): "
                  + ", ".join(f"`{name}`" for name in silent) + "."]
    if merged:
        lines += ["", "Zusammengesetzt aus mehreren Läufen von `benchmarks/run_all.py` (`--ergaenzen`: "
                  "einzelne Skripte neu gemessen, die übrigen Zeilen aus dem vorigen Lauf); Zeit und "
                  "Last je Skript stehen unten."]
    lines += ["", f"Laufzeit insgesamt {_one(sum(seconds.values()) / 60)} min; je Benchmark-Skript "
              "(Sekunden, Last zu Beginn → am Ende): "
              + ", ".join(f"`{name}` {_fmt(sec)}" + (f" ({_one(loads[name][0])} → {_one(loads[name][1])})"
                                                    if name in loads else "")
                          for name, sec in seconds.items()) + "."]
    if failed:
        lines += ["", "**Fehlgeschlagen:** " + ", ".join(f"`{name}`" for name in failed)]
    return "\n".join(lines) + "\n"


def merge(previous: dict, rows: list[dict], failed: list[str], seconds: dict[str, float],
          loads: dict[str, tuple[float, float]]) -> tuple[list[dict], list[str], dict, dict]:
    """The previous run's results with the scripts measured now replaced (``--ergaenzen``)."""
    fresh = set(seconds)
    order = [p.stem for p in sorted(HERE.glob("bench_*.py"))]
    kept = [r for r in previous.get("rows", []) if r["benchmark"] not in fresh]
    merged_rows = sorted(kept + rows, key=lambda r: order.index(r["benchmark"])
                         if r["benchmark"] in order else len(order))
    merged_seconds = {k: v for k, v in previous.get("seconds", {}).items() if k not in fresh}
    merged_loads = {k: tuple(v) for k, v in previous.get("loads", {}).items() if k not in fresh}
    merged_seconds.update(seconds)
    merged_loads.update(loads)
    by_order = {name: merged_seconds[name] for name in order if name in merged_seconds}
    old_failed = [name for name in previous.get("failed", []) if name not in fresh]
    return merged_rows, old_failed + failed, by_order, merged_loads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--nur", default="", help="Komma-getrennte Namen (ohne .py)")
    parser.add_argument("--ergaenzen", action="store_true",
                        help="die übrigen Zeilen aus dem letzten Lauf behalten (STATE)")
    parser.add_argument("--zustand", type=Path, default=STATE, help=argparse.SUPPRESS)
    parser.add_argument("--national", action="store_true",
                        help="nur die landesweiten Berichtsfälle messen (make bench-national) und "
                             "in benchmarks/national.json ablegen; die Tabelle zeigt sie danach")
    parser.add_argument("--national-datei", type=Path, default=NATIONAL, help=argparse.SUPPRESS)
    parser.add_argument("--nur-tabelle", action="store_true",
                        help="nichts messen: die Tabelle aus dem letzten Lauf (STATE) und "
                             "benchmarks/national.json neu schreiben")
    args = parser.parse_args(argv)
    if args.nur_tabelle:
        args.ergaenzen = True
        return write_table(args, [], [], {}, {})
    if args.national:
        code = run_national(args.national_datei)
        if code:
            return code
        args.nur, args.ergaenzen = "", True
        return write_table(args, [], [], {}, {})
    only = {name.strip() for name in args.nur.split(",") if name.strip()}
    scripts = [p for p in sorted(HERE.glob("bench_*.py")) if not only or p.stem in only]
    failed: list[str] = []
    seconds: dict[str, float] = {}
    loads: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="werkbench-bench-") as tmp:
        results = Path(tmp) / "results.jsonl"
        env = dict(os.environ, **{RESULTS_ENV: str(results)})
        for script in scripts:
            print(f"== {script.name}", flush=True)
            start, load = time.perf_counter(), load_average()
            code = run_child([sys.executable, str(script)], cwd=ROOT, env=env).returncode
            seconds[script.stem] = time.perf_counter() - start
            loads[script.stem] = (load, load_average())
            if code != 0:
                failed.append(script.stem)
        rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()
                if line.strip()] if results.exists() else []
    return write_table(args, rows, failed, seconds, loads)


def write_table(args: argparse.Namespace, rows: list[dict], failed: list[str],
                seconds: dict[str, float], loads: dict[str, tuple[float, float]]) -> int:
    """Merge with the last run if asked, keep the state, write the markdown page."""
    merged = False
    if args.ergaenzen and args.zustand.is_file():
        previous = json.loads(args.zustand.read_text(encoding="utf-8"))
        merged = bool(previous.get("zusammengesetzt")) or (bool(previous.get("rows"))
                                                            and bool(seconds))
        rows, failed, seconds, loads = merge(previous, rows, failed, seconds, loads)
    args.zustand.parent.mkdir(parents=True, exist_ok=True)
    args.zustand.write_text(json.dumps({"rows": rows, "failed": failed, "seconds": seconds,
                                        "loads": loads, "zusammengesetzt": merged},
                                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    national = (json.loads(args.national_datei.read_text(encoding="utf-8"))
                if args.national_datei.is_file() else None)
    args.out.write_text(table(rows, failed, seconds, loads, merged, national), encoding="utf-8")
    print(f"Tabelle geschrieben: {args.out} ({len(rows)} Zeilen)")
    return 1 if failed else 0


def run_national(target: Path) -> int:
    """``bench_reports.py --faelle 500,4935`` alone; its rows and provenance into ``target``."""
    with tempfile.TemporaryDirectory(prefix="werkbench-bench-") as tmp:
        results = Path(tmp) / "results.jsonl"
        env = dict(os.environ, **{RESULTS_ENV: str(results)})
        command = [sys.executable, str(HERE / NATIONAL_SCRIPT), *NATIONAL_ARGS]
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                                capture_output=True).stdout.strip() or "unbekannt"
        start, load = time.perf_counter(), load_average()
        code = run_child(command, cwd=ROOT, env=env).returncode
        seconds = time.perf_counter() - start
        rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()
                if line.strip()] if results.exists() else []
    if code != 0 or not rows:
        print(f"{NATIONAL_SCRIPT} fehlgeschlagen (Exit-Code {code}); {target} unverändert.")
        return code or 1
    target.write_text(json.dumps({
        "datum": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
        "befehl": f"python benchmarks/{NATIONAL_SCRIPT} {' '.join(NATIONAL_ARGS)}",
        "sekunden": seconds, "last": [load, load_average()], "rows": rows},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Landesweite Zeilen geschrieben: {target} ({len(rows)} Zeilen)")
    return 0


if __name__ == "__main__":
    with stop_on_sigterm():  # SIGTERM: the running benchmark stops its batch, workers, kernels
        sys.exit(main())
