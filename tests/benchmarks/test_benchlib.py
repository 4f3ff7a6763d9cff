"""The benchmark contract: result rows as JSON lines and the one markdown table of ``make bench``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

from benchlib import RESULTS_ENV, Timing, median_time, record  # noqa: E402
from run_all import merge, table  # noqa: E402


def test_median_of_three_runs_and_speed_up_ratio(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "r.jsonl"))
    calls = []
    timing = median_time(lambda: calls.append(1) or len(calls), repeat=3, warmup=1)
    assert len(calls) == 4 and len(timing.runs) == 3 and timing.value == 4
    row = record("bench_x", "klein", Timing((1.0, 4.0, 2.0)), baseline=Timing((10.0, 6.0, 8.0)),
                 baseline_label="naiv", target="≥ 3×", met=True)
    assert row["ours"] == 2.0 and row["baseline"] == 8.0 and row["ratio"] == 4.0
    stored = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert stored == [row]


def test_rate_units_take_ours_over_baseline() -> None:
    row = record("bench_reports", "8 Kommunen", 4.4, baseline=0.4, unit="Berichte/s", runs=3)
    assert row["ratio"] == pytest.approx(11.0) and row["runs"] == 3


def test_table_lists_every_row_and_failures() -> None:
    rows = [record("bench_a", "groß | klein", 1.5, baseline=3.0, baseline_label="dot",
                   target="≤ 3× dot", met=False)]
    page = table(rows, ["bench_b"], {"bench_a": 2.0}, {"bench_a": (1.25, 3.5)})
    assert "| bench_a | groß \\| klein | 1,500 | s |" in page
    assert "`bench_a` 2,000 (1,2 → 3,5)" in page and "von 1,2 bis 3,5 während der Läufe" in page
    assert "2,000×" in page and "**nein**" in page and "`bench_b`" in page


def test_run_all_writes_the_table_for_a_selection(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    code = subprocess.call([sys.executable, str(BENCH / "run_all.py"), "--out", str(out),
                            "--nur", "keins", "--zustand", str(tmp_path / "state.json")])
    assert code == 0 and out.read_text().startswith("# Benchmarks")


def test_ergaenzen_replaces_only_the_benchmarks_run_again() -> None:
    previous = {"rows": [{"benchmark": "bench_splice", "case": "alt"},
                         {"benchmark": "bench_import", "case": "alt"}],
                "failed": ["bench_import"], "seconds": {"bench_splice": 1.0, "bench_import": 2.0},
                "loads": {"bench_splice": [1.0, 1.5], "bench_import": [2.0, 2.5]}}
    rows, failed, seconds, loads = merge(previous, [{"benchmark": "bench_import", "case": "neu"}],
                                         [], {"bench_import": 3.0}, {"bench_import": (0.5, 0.7)})
    assert rows == [{"benchmark": "bench_import", "case": "neu"},
                    {"benchmark": "bench_splice", "case": "alt"}]  # in script order
    assert failed == [] and seconds == {"bench_import": 3.0, "bench_splice": 1.0}
    assert loads == {"bench_splice": (1.0, 1.5), "bench_import": (0.5, 0.7)}


def test_table_shows_the_national_rows_with_their_provenance(tmp_path: Path) -> None:
    row = record("bench_reports", "500 Verwaltungen: eine Fallzahl geändert", 20.0,
                 baseline=1800.0, baseline_label="kalter Lauf", target="≤ 2 % des kalten Laufs",
                 met=True)
    national = {"datum": "2026-12-05 06:13 UTC", "commit": "a9b2f7b", "sekunden": 2700.0,
                "befehl": "python benchmarks/bench_reports.py --faelle 500,4935",
                "last": [11.5, 12.25], "rows": [row]}
    page = table([], [], {}, national=national)
    assert "## Landesweit (`make bench-national`)" in page
    assert "Gemessen am 2026-12-05 06:13 UTC mit `python benchmarks/bench_reports.py --faelle " \
           "500,4935` auf Commit `a9b2f7b` (45,0 min, Last 11,5 → 12,2)" in page
    assert "| bench_reports | 500 Verwaltungen: eine Fallzahl geändert | 20,000 | s |" in page
    assert page.index("## Landesweit") < page.index("| bench_reports |")  # under its heading
    state = tmp_path / "state.json"  # --nur-tabelle: nothing measured, the kept rows again
    state.write_text(json.dumps({"rows": [row], "failed": [], "seconds": {"bench_reports": 9.0},
                                 "loads": {}, "zusammengesetzt": True}), encoding="utf-8")
    (tmp_path / "national.json").write_text(json.dumps(national), encoding="utf-8")
    out = tmp_path / "b.md"
    assert subprocess.call([sys.executable, str(BENCH / "run_all.py"), "--nur-tabelle", "--out",
                            str(out), "--zustand", str(state), "--national-datei",
                            str(tmp_path / "national.json")]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("| bench_reports | 500 Verwaltungen") == 2 and "Zusammengesetzt" in text


def test_numpy_values_are_written_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    target = tmp_path / "rows.jsonl"
    monkeypatch.setenv(RESULTS_ENV, str(target))
    record("bench_x", "numpy", np.float64(2.0), baseline=np.float64(4.0),
           met=np.float64(0.01) <= 0.02)
    row = json.loads(target.read_text(encoding="utf-8"))
    assert row["met"] is True and row["ours"] == 2.0
