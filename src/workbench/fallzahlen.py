"""Fallzahl for every Kommune × Leistung: reported (last year, mean or median of the last N
years) or estimated from the members on the same level; vectorized with numpy.

Rules in German: ``docs/kennzahlen.md`` section 7.2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FALLZAHL_ART = ("gemeldet", "geschätzt", "keine")
ESTIMATE_SOURCE = "geschätzt: Median der Fälle je Einwohner:in der meldenden Mitglieder"


def lookup(values: pd.Series, keys: pd.Series | list[str]) -> np.ndarray:
    """Position of each value (as text) in ``keys``; -1 where unknown."""
    return pd.Index(pd.Series(keys).astype(str)).get_indexer(values.astype(str)).astype(np.int64)


def _order_by_pair_and_year(pair: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Row order by (pair, year, row): one integer key sorts faster than a lexsort."""
    n = len(pair)
    if n == 0 or not np.all(year == np.floor(year)):
        return np.lexsort((np.arange(n), year, pair))
    y0, span = int(year.min()), int(year.max() - year.min()) + 1
    if (int(pair.max()) + 1) * span * n >= 2**62:
        return np.lexsort((np.arange(n), year, pair))
    key = (pair * span + (year - y0).astype(np.int64)) * n + np.arange(n)
    return np.argsort(key)


def level(keys: pd.Series) -> np.ndarray:
    """0 = Kreisebene (key ≤ 5 digits), 1 = Gemeindeebene (longer keys)."""
    return (keys.astype(str).str.len().to_numpy() > 5).astype(np.int64)


def fallzahlen_frame(kommunen: pd.DataFrame, leistungen: list[str], fallzahlen: pd.DataFrame,
                     jahr: int | None = None, basis: str = "letztes_jahr", years: int = 1,
                     ) -> tuple[pd.DataFrame, list[str]]:
    """Fallzahl for every Kommune × Leistung (row = Kommune index × len(leistungen) + Leistung).

    Reported: the latest year (≤ ``jahr`` if given), or with ``basis`` ``mittel``/``median``
    the mean/median of the last ``years`` reported years. Otherwise estimated: median cases
    per Einwohner of the members on the same level that report it × own Einwohner. Else 0."""
    keys = kommunen["schluessel"].astype(str)
    n_k, n_l = len(keys), len(leistungen)
    hints: list[str] = []
    value = pd.to_numeric(fallzahlen["fallzahl"], errors="coerce").to_numpy(float)
    all_years = pd.to_numeric(fallzahlen["jahr"], errors="coerce").to_numpy(float)
    k = lookup(fallzahlen["kommune"], keys)
    l_ = lookup(fallzahlen["leistung"], leistungen)
    unknown = (k < 0) | (l_ < 0)
    if unknown.any():
        bad = fallzahlen.loc[unknown, ["kommune", "leistung"]].astype(str).drop_duplicates()
        hints.append(f"fallzahlen.csv: {int(unknown.sum())} Zeile(n) mit unbekannter Kommune "
                     "oder Leistung werden ignoriert, z. B. "
                     + ", ".join(f"{a}/{b}" for a, b in bad.head(3).itertuples(index=False))
                     + ".")
    negative = value < 0
    if negative.any():
        hints.append(f"fallzahlen.csv: {int(negative.sum())} negative Fallzahl(en) werden "
                     "ignoriert.")
    ok = ~unknown & ~np.isnan(value) & ~negative & ~np.isnan(all_years)
    if jahr is not None:
        ok &= all_years <= jahr
    pair = (k * n_l + l_)[ok]
    year = all_years[ok]
    order = _order_by_pair_and_year(pair, year)
    last = order[np.r_[pair[order][1:] != pair[order][:-1], True]] if len(order) else order
    chosen = np.flatnonzero(ok)[last]
    quelle = (fallzahlen["quelle"].to_numpy()[chosen] if "quelle" in fallzahlen
              else np.full(len(chosen), "ohne Quellenangabe"))
    src_codes, src_names = pd.factorize(quelle)
    src_names = [str(x) for x in src_names]

    fall = np.full(n_k * n_l, np.nan)
    art = np.full(n_k * n_l, 2, dtype=np.int8)
    used = np.zeros(n_k * n_l, dtype=np.int64)
    latest = np.full(n_k * n_l, np.nan)
    src = np.full(n_k * n_l, -1, dtype=np.int64)
    rp = pair[last]
    fall[rp], art[rp], latest[rp], src[rp], used[rp] = value[chosen], 0, year[last], src_codes, 1
    if basis != "letztes_jahr" and len(order):
        fall[rp], used[rp] = _over_years(value[ok], pair, year, order, basis, years)

    einwohner = pd.to_numeric(kommunen["einwohner"], errors="coerce").to_numpy(float)
    lv = level(keys)
    rk, rl = rp // n_l, rp % n_l
    usable = einwohner[rk] > 0
    rates = pd.Series(fall[rp][usable] / einwohner[rk][usable])
    median = rates.groupby(lv[rk][usable] * n_l + rl[usable]).median()
    med = np.full(2 * n_l, np.nan)
    med[median.index.to_numpy()] = median.to_numpy()
    # the estimate of every Kommune × Leistung: its level's median rate × its Einwohner (the
    # same products as row by row, as a Kommunen × Leistungen table without index arrays)
    estimate = (med.reshape(2, n_l)[lv] * einwohner[:, None]).reshape(-1)
    fill = np.isnan(fall) & np.isfinite(estimate)
    np.copyto(fall, estimate, where=fill)
    np.copyto(art, 1, where=fill)
    np.copyto(fall, 0.0, where=np.isnan(fall))
    if (art == 2).any():
        hints.append(f"{int((art == 2).sum())} Kombination(en) Kommune × Leistung ohne gemeldete "
                     "und ohne schätzbare Fallzahl; sie zählen mit 0 Fällen.")
    sources = list(dict.fromkeys([*src_names, ESTIMATE_SOURCE, "keine Angabe"]))
    np.copyto(src, sources.index(ESTIMATE_SOURCE), where=art == 1)
    np.copyto(src, sources.index("keine Angabe"), where=art == 2)
    frame = pd.DataFrame({
        "fallzahl": fall,
        "fallzahl_art": pd.Categorical.from_codes(art, categories=list(FALLZAHL_ART),
                                                  validate=False),  # codes 0, 1, 2 only
        "fallzahl_jahr": latest,
        "fallzahl_jahre": used,
        "fallzahl_quelle": pd.Categorical.from_codes(src, categories=sources, validate=False),
    })
    return frame, hints


def _over_years(value: np.ndarray, pair: np.ndarray, year: np.ndarray, order: np.ndarray,
                basis: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean or median of the last ``n`` reported years of every pair (a year reported twice
    counts once, with its last row), in ascending pair order; and the years used."""
    sp, sy = pair[order], year[order]
    distinct = np.r_[(sp[1:] != sp[:-1]) | (sy[1:] != sy[:-1]), True]
    rows, sp = order[distinct], sp[distinct]
    starts = np.r_[True, sp[1:] != sp[:-1]]
    group = np.cumsum(starts) - 1
    ends = np.flatnonzero(np.r_[sp[1:] != sp[:-1], True])
    keep = (ends[group] - np.arange(len(sp))) < n
    grouped = pd.Series(value[rows[keep]]).groupby(sp[keep], sort=True)
    agg = grouped.median() if basis == "median" else grouped.mean()
    return agg.to_numpy(float), grouped.size().to_numpy(np.int64)
