"""Benchmark: the whole analysis for every German administration × 575 Leistungen (issue 13, goal 3).

All 4,935 administrations of the Gemeindeverzeichnis (401 Kreise + 4,534 Gemeindeverbände)
× 575 synthetic Leistungen with seeded metrics, ratings and Fallzahlen (about 60 % of the
pairs report one to three years). Measured cases, each through ``benchlib.record``:

1. the full ``analyse()`` (``potential.analyse_tables``: frame, scores, ranks, the sensitivity
   with 500 weight draws per Kommune and for the Verbund, EfA candidates) against the same
   analysis with the sensitivity as it was before issue 13 (``sensitivity_reference.py``), in the
   same run, medians of 3; both results must be identical;
2. its peak memory: tracemalloc in this process and the RSS high-water mark of a fresh
   subprocess that builds the data and runs one analysis (inputs included);
3. the small case: ``analyse()`` of the shipped example knowledge base, ours against before;
4. frame + scores + ranking against a straightforward row-by-row implementation of the same
   numbers (asserted equal).

    .venv/bin/python benchmarks/bench_potential.py            # full run (several minutes)
    .venv/bin/python benchmarks/bench_potential.py --kommunen 300 --ziehungen 50   # quick
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from benchlib import median_time, record  # noqa: E402
from sensitivity_reference import sensitivity_reference  # noqa: E402

from workbench import ranking  # noqa: E402
from workbench.potential import (  # noqa: E402
    Analyse,
    Parameters,
    analyse,
    analyse_tables,
    collect_metrics,
    metrics_table,
    potential_frame,
)
from workbench.scoring_model import load_scoring_model  # noqa: E402

GV = ROOT.parent / "shared" / "data" / "gemeindeverzeichnis"
N_LEISTUNGEN = 575
SEED = 20240601
TOP = 5  # top_n of the shipped verbund.yaml: the N the reports use
TIME_TARGET = 5.0
MEMORY_TARGET_MIB = 1.5 * 1024


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


# --------------------------------------------------------------------------- whole analysis


def analyse_ours(data: dict, draws: int, top: int = TOP) -> Analyse:
    """Everything ``analyse()`` does after the model metrics (which are given here)."""
    return analyse_tables(data["kommunen"], data["leistungen"], data["fallzahlen"],
                          data["metrics"], data["ratings"], data["model"], data["params"],
                          top=top, draws=draws, seed=SEED)


def analyse_before(data: dict, draws: int, top: int = TOP) -> Analyse:
    """The same steps with the sensitivity as it was before issue 13 (the baseline)."""
    return _analyse_with_reference(data["kommunen"], data["leistungen"], data["fallzahlen"],
                                   data["metrics"], data["ratings"], data["model"],
                                   data["params"], top, draws)


def _analyse_with_reference(kommunen, leistungen, fallzahlen, metrics, ratings, model, params,
                            top: int, draws: int) -> Analyse:
    frame = potential_frame(kommunen, leistungen, fallzahlen, metrics, params)
    cols = ("p_top", "rang_min", "rang_max", "robust")
    scored = ranking.score(frame, ratings, model)
    sens = sensitivity_reference(frame, ratings, model, top=top, draws=draws, seed=SEED)
    scored = scored.assign(**{c: sens[c] for c in cols})
    verbund = ranking.verbund_frame(frame)
    vsens = sensitivity_reference(verbund, ratings, model, top=top, draws=draws, seed=SEED)
    verbund_scored = ranking.score(verbund, ratings, model).assign(**{c: vsens[c] for c in cols})
    efa = ranking.efa_candidates(frame, params.efa_mitglieder, params.efa_stunden)
    return Analyse(params, {}, scored, verbund_scored.sort_values("rang"), efa)


def assert_same(ours: Analyse, before: Analyse) -> None:
    """The results must be identical: every value of frame, Verbund and EfA table."""
    for a, b in ((ours.frame, before.frame), (ours.verbund, before.verbund),
                 (ours.efa, before.efa)):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def example_cases(draws: int) -> tuple:
    """The shipped example: ``analyse(repo)`` and the same with the sensitivity before."""
    from workbench.repository import Repository
    from workbench.strategy.criterion import strategy_ratings

    repo = Repository.load(ROOT / "processes")

    def before() -> Analyse:
        table, _, _ = collect_metrics(repo)
        ratings, _ = strategy_ratings(repo)
        from workbench.parameters import Parameters as P

        params = P.from_verbund(repo.verbund.parameter)
        top = int(repo.verbund.parameter.get("top_n") or 5)
        return _analyse_with_reference(repo.kommunen, repo.leistungen, repo.fallzahlen, table,
                                       ratings, repo.scoring, params, top, draws)

    return (lambda: analyse(repo, draws=draws)), before


def memory_child(kommunen: int | None, draws: int, before: bool) -> int:
    """Run in a fresh process: build the data, run one analysis, print the RSS (MiB) with
    the inputs loaded and its high-water mark during the analysis. Linux resets the mark
    (``/proc/self/clear_refs``), so building the synthetic data does not count."""
    data = synthetic(kommunen)
    gc.collect()
    inputs = _status_mib("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    (analyse_before if before else analyse_ours)(data, draws)
    peak = _status_mib("VmHWM") if reset else resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"inputs_mib": inputs, "peak_mib": peak, "reset": reset}))
    return 0


def _status_mib(field: str) -> float:
    """A memory line of /proc/self/status in MiB (ru_maxrss where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_rss(kommunen: int | None, draws: int, before: bool = False) -> dict:
    argv = [sys.executable, __file__, "--speicher-kind", "--ziehungen", str(draws)]
    if kommunen:
        argv += ["--kommunen", str(kommunen)]
    if before:
        argv.append("--vorher")
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommunen", type=int, help="only a seeded sample of administrations")
    parser.add_argument("--ziehungen", type=int, default=500, help="sensitivity draws (500)")
    parser.add_argument("--laeufe", type=int, default=3, help="timed runs per case (3)")
    parser.add_argument("--ohne-zeilenweise", action="store_true",
                        help="skip the row-by-row baseline of frame and scores")
    parser.add_argument("--ohne-vorher-speicher", action="store_true",
                        help="skip the peak memory of the analysis before issue 13")
    parser.add_argument("--speicher-kind", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--vorher", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speicher_kind:
        return memory_child(args.kommunen, args.ziehungen, args.vorher)
    draws, repeat = args.ziehungen, max(1, args.laeufe)
    full = not args.kommunen and draws == 500

    # small case: the shipped example, whole analyse() including the model metrics
    ours_small, before_small = example_cases(draws)
    assert_same(ours_small(), before_small())
    t_small = median_time(ours_small, repeat=repeat, warmup=1)
    b_small = median_time(before_small, repeat=repeat)
    record("bench_potential", f"analyse(), Beispiel-Wissensbasis, {draws} Ziehungen", t_small,
           baseline=b_small, baseline_label="vor Issue 13",
           note="ganze Analyse mit Modellkennzahlen; Ergebnisse identisch")

    data = synthetic(args.kommunen)
    n_k = len(data["kommunen"])
    label = f"{n_k:,} × {N_LEISTUNGEN}".replace(",", ".")
    print(f"Daten: {label} = {n_k * N_LEISTUNGEN:,} Zeilen; {len(data['fallzahlen']):,} "
          f"Fallzahl-Zeilen, {len(data['metrics']):,} Modellkennzahlen, "
          f"{len(data['ratings']):,} Bewertungen", flush=True)

    cpu: list[float] = []
    ours = median_time(_with_cpu(lambda: analyse_ours(data, draws), cpu), repeat=repeat)
    base = median_time(lambda: analyse_before(data, draws), repeat=repeat)
    assert_same(ours.value, base.value)
    ranked = ours.value.frame["p_top"].notna()
    robust = ours.value.frame.loc[ranked, "robust"].mean()
    ours, base = _drop_values(ours), _drop_values(base)
    record("bench_potential", f"analyse(), {label}, {draws} Ziehungen", ours, baseline=base,
           baseline_label="vor Issue 13", target="≤ 5 s" if full else "",
           met=(ours.median <= TIME_TARGET) if full else None,
           note=f"Ergebnisse identisch; CPU-Zeit {statistics.median(cpu):.1f} s auf "
                f"{os.cpu_count()} Kernen, Last {os.getloadavg()[0]:.1f}; robust: "
                f"{100 * robust:.0f} % der gereihten Zeilen".replace(".", ","))
    cells = int(ranked.sum()) * (draws + 1)
    floor = median_time(lambda: sort_floor(cells, N_LEISTUNGEN), repeat=repeat)
    record("bench_potential", f"nur Sortieren: {cells / 1e9:.2f}".replace(".", ",")
           + " Mrd. Schlüssel",
           floor, note="Untergrenze der Empfindlichkeit: jeder Rang jeder Ziehung braucht einen "
                       "Platz in einer sortierten Reihe (64-Bit-Schlüssel, SIMD-Sortierung in "
                       "Blöcken zu 575, alle Kerne)")

    gc.collect()
    tracemalloc.start()
    result = analyse_ours(data, draws)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(int(t.memory_usage(deep=True).sum())
               for t in (result.frame, result.verbund, result.efa)) / 2**20
    del result
    record("bench_potential", f"analyse(), {label}: Spitzenspeicher (tracemalloc)",
           traced / 2**20, unit="MiB",
           note=f"nur die Analyse, ohne die Eingabedaten; davon das Ergebnis selbst (Tabellen "
                f"je Kommune × Leistung, Verbund, EfA) {size:,.0f} MiB".replace(",", "."))
    rss = fresh_rss(args.kommunen, draws)
    rss_before = None if args.ohne_vorher_speicher else fresh_rss(args.kommunen, draws, True)
    record("bench_potential", f"analyse(), {label}: Spitzenspeicher (RSS, frischer Prozess)",
           rss["peak_mib"], unit="MiB",
           baseline=None if rss_before is None else rss_before["peak_mib"],
           baseline_label="vor Issue 13", target="≤ 1,5 GiB" if full else "",
           met=(rss["peak_mib"] <= MEMORY_TARGET_MIB) if full else None,
           note=f"Höchststand des ganzen Prozesses während der Analyse, samt Interpreter und "
                f"Eingabedaten ({rss['inputs_mib']:,.0f} MiB davor)".replace(",", "."))

    if not args.ohne_zeilenweise:
        vec = median_time(lambda: vectorized(data), repeat=repeat)
        scored, verbund = vec.value
        rows = median_time(lambda: row_by_row(data), repeat=1)
        check_equal(scored, rows.value[0], verbund, rows.value[1])
        record("bench_potential", f"Rahmen + Bewertung + Ranglisten, {label}", _drop_values(vec),
               baseline=_drop_values(rows), baseline_label="zeilenweise (reines Python, 1 Lauf)",
               note="ohne Empfindlichkeit; Ergebnisse identisch")
    print(f"Systemlast am Ende (1/5/15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"bei {os.cpu_count()} Kernen")
    return 0


def _with_cpu(func, cpu: list[float]):
    """``func`` that appends its process CPU time (all threads) to ``cpu``."""
    def run():
        start = time.process_time()
        value = func()
        cpu.append(time.process_time() - start)
        return value
    return run


def sort_floor(cells: int, width: int) -> None:
    """Sort ``cells`` random 64-bit keys in rows of ``width``, in chunks on all cores: what
    the sensitivity cannot go below (it sorts exactly that many keys, plus scoring them)."""
    from concurrent.futures import ThreadPoolExecutor

    rows_per_chunk = 1000
    chunks = max(1, cells // (width * rows_per_chunk))
    keys = np.random.default_rng(1).integers(0, 2**63, (rows_per_chunk, width), dtype=np.uint64)

    def one(_: int) -> None:
        np.sort(keys, axis=1)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(one, range(chunks)))


def _drop_values(timing):
    """The timing without its (large) result, so it can be freed."""
    return type(timing)(timing.runs)


if __name__ == "__main__":
    sys.exit(main())
