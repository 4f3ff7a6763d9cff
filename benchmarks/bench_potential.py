"""Benchmark: every German administration × 575 Leistungen → frame, scores and rankings.

All 4,935 administrations of the Gemeindeverzeichnis (401 Kreise + 4,534 Gemeindeverbände)
× 575 synthetic Leistungen with seeded metrics, ratings and Fallzahlen (about 60 % of the
pairs report one to three years). Times the vectorized pipeline (potential frame, scores,
quadrants, ranking per Kommune and for the Verbund) against a straightforward row-by-row
implementation of the same numbers, asserts both agree, and prints peak memory.
The sensitivity analysis is timed separately.

    .venv/bin/python benchmarks/bench_potential.py            # full run (row-by-row ≈ 1–2 min)
    .venv/bin/python benchmarks/bench_potential.py --kommunen 300 --ziehungen 50   # quick
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from workbench import ranking  # noqa: E402
from workbench.potential import Parameters, metrics_table, potential_frame  # noqa: E402
from workbench.scoring_model import load_scoring_model  # noqa: E402

GV = ROOT.parent / "shared" / "data" / "gemeindeverzeichnis"
N_LEISTUNGEN = 575
SEED = 20240601


# --------------------------------------------------------------------------- synthetic data


def load_kommunen(limit: int | None, rng: np.random.Generator) -> pd.DataFrame:
    """Kreise and Gemeindeverbände with seeded synthetic Einwohner (the register has none)."""
    rows = []
    for name in ("kreise.ndjson", "gemeindeverbaende.ndjson"):
        with open(GV / name, encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                rows.append((item["schlüssel"]["nummer"], item["name"],
                             (item.get("typ") or {}).get("name", "unbekannt")))
    frame = pd.DataFrame(rows, columns=["schluessel", "name", "typ"])
    kreis = frame["schluessel"].str.len() <= 5
    frame["einwohner"] = np.where(kreis, rng.lognormal(12.0, 0.5, len(frame)),
                                  rng.lognormal(9.0, 0.9, len(frame))).round()
    if limit:
        frame = frame.sample(n=limit, random_state=1).sort_index()
    return frame.reset_index(drop=True)


def synthetic(limit: int | None) -> dict[str, object]:
    rng = np.random.default_rng(SEED)
    kommunen = load_kommunen(limit, rng)
    ids = [f"leistung_{i:03d}" for i in range(N_LEISTUNGEN)]
    ist = rng.integers(0, 4, N_LEISTUNGEN)
    leistungen = pd.DataFrame({
        "id": ids, "name": [f"Leistung {i}" for i in range(N_LEISTUNGEN)],
        "fachbereich": rng.choice(["Bürgerservice", "Ordnung", "Finanzen", "Soziales"],
                                  N_LEISTUNGEN),
        "reifegrad_ist": ist, "reifegrad_ziel": np.minimum(4, ist + rng.integers(0, 3,
                                                                                 N_LEISTUNGEN)),
    })
    minutes = rng.uniform(5, 90, N_LEISTUNGEN)
    rows = []
    for i, lid in enumerate(ids):
        rows.append({"leistung": lid, "kommune": "", "stand": "ist", "minuten": minutes[i],
                     "medienbrueche": rng.uniform(1, 6), "ozg_schaetzung": int(rng.integers(1, 4)),
                     "digital_anteil": rng.uniform(0, 0.6)})
        if rng.random() < 0.9:
            rows.append({"leistung": lid, "kommune": "", "stand": "soll",
                         "minuten": minutes[i] * rng.uniform(0.2, 0.95),
                         "medienbrueche": rng.uniform(0, 3), "ozg_schaetzung": 4,
                         "digital_anteil": rng.uniform(0.5, 1)})
    keys = kommunen["schluessel"].to_numpy()
    for _ in range(len(keys) * N_LEISTUNGEN // 200):  # 0.5 % own IST variants
        rows.append({"leistung": ids[rng.integers(N_LEISTUNGEN)],
                     "kommune": keys[rng.integers(len(keys))], "stand": "ist",
                     "minuten": rng.uniform(5, 120), "medienbrueche": rng.uniform(0, 8),
                     "ozg_schaetzung": int(rng.integers(1, 4)),
                     "digital_anteil": rng.uniform(0, 0.6)})
    metrics = metrics_table(rows).drop_duplicates(["leistung", "kommune", "stand"])

    # Fallzahlen: a Leistung belongs to one level; members on that level report it often
    kreis_level = rng.random(N_LEISTUNGEN) < 0.2
    rate = rng.lognormal(-5, 1.2, N_LEISTUNGEN)
    is_kreis = (kommunen["schluessel"].str.len() <= 5).to_numpy()
    k_idx = np.repeat(np.arange(len(keys)), N_LEISTUNGEN)
    l_idx = np.tile(np.arange(N_LEISTUNGEN), len(keys))
    same = is_kreis[k_idx] == kreis_level[l_idx]
    report = rng.random(len(k_idx)) < np.where(same, 0.6, 0.02)
    k_idx, l_idx = k_idx[report], l_idx[report]
    years = rng.integers(1, 4, len(k_idx))
    k_rep = np.repeat(k_idx, years)
    l_rep = np.repeat(l_idx, years)
    year = 2026 - np.concatenate([np.arange(1, n + 1) for n in years]) if len(years) else []
    lam = rate[l_rep] * kommunen["einwohner"].to_numpy()[k_rep]
    fallzahlen = pd.DataFrame({
        "kommune": keys[k_rep], "leistung": np.array(ids)[l_rep], "jahr": year,
        "fallzahl": rng.poisson(lam).astype(float), "quelle": "Beispielwert"})
    model = load_scoring_model(ROOT / "processes" / "bewertung.yaml")
    rated = [c.id for c in model.rated]
    pairs = [(lid, cid) for lid in ids for cid in rated if rng.random() < 0.8]
    ratings = pd.DataFrame(pairs, columns=["leistung", "kriterium"])
    ratings["wert"] = rng.integers(0, 4, len(ratings)).astype(float)
    return {"kommunen": kommunen, "leistungen": leistungen, "fallzahlen": fallzahlen,
            "metrics": metrics, "ratings": ratings, "model": model,
            "params": Parameters(1600.0, 60.0)}


# --------------------------------------------------------------------------- vectorized


def vectorized(data: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = potential_frame(data["kommunen"], data["leistungen"], data["fallzahlen"],
                            data["metrics"], data["params"])
    scored = ranking.score(frame, data["ratings"], data["model"])
    verbund = ranking.score(ranking.verbund_frame(frame), data["ratings"], data["model"])
    return scored, verbund


# --------------------------------------------------------------------------- row by row


def row_by_row(data: dict) -> tuple[list[dict], list[dict]]:
    """The same numbers with plain Python loops over rows and dicts."""
    model, params = data["model"], data["params"]
    lo, hi, mid = model.scale.min, model.scale.max, model.scale.mid
    kommunen = sorted(data["kommunen"].itertuples(index=False), key=lambda r: str(r.schluessel))
    leistungen = sorted(data["leistungen"].itertuples(index=False), key=lambda r: str(r.id))
    einwohner = {str(k.schluessel): float(k.einwohner) for k in kommunen}

    def level(key: str) -> int:
        return 1 if len(key) > 5 else 0

    latest: dict[tuple[str, str], tuple[float, float]] = {}
    for r in data["fallzahlen"].itertuples(index=False):
        key = (str(r.kommune), str(r.leistung))
        usable = key[0] in einwohner and not math.isnan(r.fallzahl) and r.fallzahl >= 0
        if usable and (key not in latest or r.jahr >= latest[key][0]):
            latest[key] = (float(r.jahr), float(r.fallzahl))
    rates: dict[tuple[int, str], list[float]] = defaultdict(list)
    for (k, lid), (_, value) in latest.items():
        if einwohner[k] > 0:
            rates[(level(k), lid)].append(value / einwohner[k])
    median = {key: statistics.median(v) for key, v in rates.items()}
    metric: dict[tuple[str, str, str], tuple[float, float, float, float]] = {}
    for r in data["metrics"].itertuples(index=False):
        metric[(r.leistung, r.kommune, r.stand)] = (r.minuten, r.medienbrueche, r.ozg_schaetzung,
                                                    r.digital_anteil)
    nan = (math.nan, math.nan, math.nan, math.nan)

    rows = []
    for k in kommunen:
        key = str(k.schluessel)
        for lst in leistungen:
            lid = str(lst.id)
            if (key, lid) in latest:
                fall, art = latest[(key, lid)][1], "gemeldet"
            elif (level(key), lid) in median and math.isfinite(median[(level(key), lid)]
                                                                * einwohner[key]):
                fall, art = median[(level(key), lid)] * einwohner[key], "geschätzt"
            else:
                fall, art = 0.0, "keine"
            ist = metric.get((lid, key, "ist")) or metric.get((lid, "", "ist"), nan)
            soll = metric.get((lid, "", "soll"), nan)
            h_ist, h_soll = fall * ist[0] / 60.0, fall * soll[0] / 60.0
            saved = h_ist - h_soll
            mb = ist[1] - soll[1]
            complete = all(not math.isnan(m[0]) and m[0] > 0 for m in (ist, soll))
            rows.append({"kommune": key, "leistung": lid, "fallzahl": fall, "fallzahl_art": art,
                         "stunden_gespart": saved, "complete": complete,
                         "digital_anteil_zuwachs": soll[3] - ist[3],
                         "vzae_gespart": saved / params.jahresarbeitszeit_stunden,
                         "euro_gespart": saved * params.personalkostensatz_euro_stunde,
                         "medienbrueche_vermieden_je_fall": mb,
                         "medienbrueche_vermieden_pro_jahr": mb * fall,
                         "ozg_luecke": max(float(lst.reifegrad_ziel) - float(lst.reifegrad_ist),
                                           0.0)})
    score_rows(rows, data["ratings"], model, lo, hi, mid)
    by_leistung: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_leistung[row["leistung"]].append(row)
    verbund = []
    for lid, group in by_leistung.items():
        fall = sum(r["fallzahl"] for r in group)
        saved = [r["stunden_gespart"] for r in group if not math.isnan(r["stunden_gespart"])]
        per_year = [r["medienbrueche_vermieden_pro_jahr"] for r in group
                    if not math.isnan(r["medienbrueche_vermieden_pro_jahr"])]
        mb_year = sum(per_year) if per_year else math.nan
        known = [r for r in group if not math.isnan(r["digital_anteil_zuwachs"])]
        weight = sum(max(r["fallzahl"], 0.0) for r in known)
        zuwachs = (sum(max(r["fallzahl"], 0.0) * r["digital_anteil_zuwachs"] for r in known)
                   / weight if weight > 0 else statistics.fmean(
                       r["digital_anteil_zuwachs"] for r in known) if known else math.nan)
        verbund.append({"kommune": "Verbund", "leistung": lid, "fallzahl": fall,
                        "stunden_gespart": sum(saved) if saved else math.nan,
                        "complete": all(r["complete"] for r in group),
                        "digital_anteil_zuwachs": zuwachs,
                        "medienbrueche_vermieden_je_fall": mb_year / fall if fall > 0 else
                        statistics.fmean(r["medienbrueche_vermieden_je_fall"] for r in group),
                        "ozg_luecke": group[0]["ozg_luecke"]})
    score_rows(verbund, data["ratings"], model, lo, hi, mid)
    return rows, verbund


def score_rows(rows: list[dict], ratings: pd.DataFrame, model, lo: float, hi: float,
               mid: float) -> None:
    rated = {}
    for r in ratings.itertuples(index=False):
        rated[(r.leistung, r.kriterium)] = float(r.wert)
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["kommune"]].append(row)
    column = ranking.COMPUTED_COLUMNS
    for group in groups.values():
        for c in model.computed:
            col = column[c.source]
            top = max((max(r[col], 0.0) for r in group if not math.isnan(r[col])),
                      default=math.nan)
            for r in group:
                x = r[col]
                if math.isnan(x):
                    value = math.nan
                else:
                    share = max(x, 0.0) / top if top > 0 and x > 0 else 0.0
                    value = lo + (hi - lo) * share
                    value = lo + hi - value if c.direction == "niedrig" else value
                r["n_" + c.id] = value
    weight = {c.id: g.weight * c.weight for g in model.groups for c in g.criteria}
    neutral = model.missing_policy == "neutral"
    for row in rows:
        pct = {}
        for dim in ("nutzen", "eignung"):
            num = den = 0.0
            for c in [*model.rated, *model.computed]:
                if c.dimension != dim:
                    continue
                if c.computed:
                    v = row["n_" + c.id]
                else:
                    v = rated.get((row["leistung"], c.id), math.nan)
                    v = lo + hi - v if c.direction == "niedrig" else v
                known = not math.isnan(v)
                if neutral:
                    num, den = num + weight[c.id] * (v if known else mid), den + weight[c.id]
                else:
                    num = num + weight[c.id] * (v if known else 0.0)
                    den = den + weight[c.id] * (1.0 if known else 0.0)
            value = num / den if den > 0 else mid
            pct[dim] = (value - lo) / (hi - lo) * 100.0
        a, b = model.dimension_weights["nutzen"], model.dimension_weights["eignung"]
        row["nutzen"], row["eignung"] = pct["nutzen"], pct["eignung"]
        row["prioritaet"] = (a * pct["nutzen"] + b * pct["eignung"]) / (a + b)
        hn, he = pct["nutzen"] >= 50, pct["eignung"] >= 50
        quick = hn and he and row["stunden_gespart"] > 0  # NaN > 0 is False
        row["quadrant"] = ("Daten unvollständig" if not row["complete"] else
                           "Schnell umsetzen" if quick else "Prüfen" if hn and he else
                           "Strategisches Projekt" if hn else "Prüfen" if he else "Zurückstellen")
    for group in groups.values():
        for row in group:
            row["rang"] = math.nan  # rows without cases are not ranked
        ranked = [r for r in group if r["fallzahl"] > 0]
        for rank, row in enumerate(sorted(ranked, key=lambda r: (-r["prioritaet"],
                                                                r["leistung"])), start=1):
            row["rang"] = float(rank)


# --------------------------------------------------------------------------- checks, main


def check_equal(scored: pd.DataFrame, rows: list[dict], verbund: pd.DataFrame,
                vrows: list[dict]) -> None:
    """Both implementations must give the same numbers (floats to 1e-12, ranks exactly)."""
    for vec, ref in ((scored, pd.DataFrame(rows)), (verbund.sort_values("leistung"),
                                                   pd.DataFrame(vrows).sort_values("leistung"))):
        assert len(vec) == len(ref)
        for col in ("fallzahl", "stunden_gespart", "medienbrueche_vermieden_je_fall",
                    "digital_anteil_zuwachs", "nutzen", "eignung", "prioritaet"):
            np.testing.assert_allclose(vec[col].to_numpy(float), ref[col].to_numpy(float),
                                       rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=col)
        assert np.array_equal(vec["rang"].to_numpy(float), ref["rang"].to_numpy(float),
                              equal_nan=True), "rang"
        assert (vec["quadrant"].astype(str).to_numpy() == ref["quadrant"].to_numpy()).all()
    ref = pd.DataFrame(rows)
    for col in ("vzae_gespart", "euro_gespart", "medienbrueche_vermieden_pro_jahr"):
        np.testing.assert_allclose(scored[col].to_numpy(float), ref[col].to_numpy(float),
                                   rtol=1e-12, equal_nan=True, err_msg=col)
    assert (scored["fallzahl_art"].astype(str).to_numpy() == ref["fallzahl_art"].to_numpy()).all()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommunen", type=int, help="only a seeded sample of administrations")
    parser.add_argument("--ziehungen", type=int, default=100, help="sensitivity draws")
    parser.add_argument("--ohne-zeilenweise", action="store_true",
                        help="skip the row-by-row baseline")
    args = parser.parse_args()

    data = synthetic(args.kommunen)
    n_rows = len(data["kommunen"]) * N_LEISTUNGEN
    print(f"Daten: {len(data['kommunen']):,} Verwaltungen × {N_LEISTUNGEN} Leistungen = "
          f"{n_rows:,} Zeilen; {len(data['fallzahlen']):,} Fallzahl-Zeilen, "
          f"{len(data['metrics']):,} Modellkennzahlen, {len(data['ratings']):,} Bewertungen")

    times, cpu = [], []
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        scored, verbund = vectorized(data)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    t_vec = min(times)
    print(f"vektorisiert (Rahmen + Bewertung + Ranglisten): {t_vec:.2f} s "
          f"(bestes von 3: {', '.join(f'{t:.2f}' for t in times)}; "
          f"CPU {', '.join(f'{t:.2f}' for t in cpu)} s)")

    tracemalloc.start()
    vectorized(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"Spitzenspeicher der vektorisierten Rechnung (tracemalloc): {peak / 2**20:,.0f} MiB")

    start, start_cpu = time.perf_counter(), time.process_time()
    sens = ranking.sensitivity(scored, data["ratings"], data["model"], top=10,
                               draws=args.ziehungen, seed=SEED)
    t_sens, c_sens = time.perf_counter() - start, time.process_time() - start_cpu
    ranked = sens["p_top"].notna()
    print(f"Empfindlichkeit ({args.ziehungen} Ziehungen, Top 10): {t_sens:.2f} s "
          f"(CPU {c_sens:.2f} s); "
          f"robust: {sens.loc[ranked, 'robust'].mean():.0%} der gereihten Zeilen")

    if not args.ohne_zeilenweise:
        start, start_cpu = time.perf_counter(), time.process_time()
        rows, vrows = row_by_row(data)
        t_row, c_row = time.perf_counter() - start, time.process_time() - start_cpu
        check_equal(scored, rows, verbund, vrows)
        print(f"zeilenweise (reines Python): {t_row:.2f} s (CPU {c_row:.2f} s) — "
              "Ergebnisse identisch")
        print(f"Beschleunigung: {t_row / t_vec:.1f}×")
    print(f"Systemlast am Ende (1/5/15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"bei {os.cpu_count()} Kernen")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Spitzenspeicher des Prozesses (ru_maxrss): {rss:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
