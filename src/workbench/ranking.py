"""Scores, portfolio quadrant, ranking, sensitivity, Verbund view and EfA candidates.

Frame in, frame out, vectorized with numpy: the frame has one row per Kommune × Leistung with
the computed criteria (columns in :data:`COMPUTED_COLUMNS`); ratings come as the long frame
``leistung, kriterium, wert`` of the Steckbriefe. Formulas: ``docs/bewertungsmodell.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .scoring_model import DIMENSIONS, Criterion, ScoringModel

#: Frame column of each computed criterion (``quelle: berechnet:<key>``).
COMPUTED_COLUMNS: dict[str, str] = {
    "fallzahl": "fallzahl",
    "stunden_gespart": "stunden_gespart",
    "medienbrueche_vermieden": "medienbrueche_vermieden_je_fall",
    "ozg_luecke": "ozg_luecke",
}
#: Portfolio quadrants (code → German label), decided by Nutzen and Eignung ≥ threshold.
QUADRANTS: dict[str, str] = {
    "quick_win": "Schnell umsetzen",
    "strategisch": "Strategisches Projekt",
    "pruefen": "Prüfen",
    "zurueckstellen": "Zurückstellen",
}
QUADRANT_THRESHOLD = 50.0
VERBUND_KEY = "Verbund"


def codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes in sorted-id order and the sorted ids (fast for categoricals)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in series.cat.categories]
        if cats == sorted(cats):
            return series.cat.codes.to_numpy(np.int64), cats
    found, uniques = pd.factorize(series.astype(str), sort=True)
    return found.astype(np.int64), [str(u) for u in uniques]


@dataclass(slots=True)
class CriterionValues:
    """Criterion values on the model's scale, direction already applied; NaN = missing."""

    k_codes: np.ndarray  # per row: Kommune code
    l_codes: np.ndarray  # per row: Leistung code (index into ``leistungen``)
    leistungen: list[str]
    rated: np.ndarray  # Leistungen × rated criteria
    computed: np.ndarray  # rows × computed criteria
    rated_criteria: list[Criterion]
    computed_criteria: list[Criterion]
    warnings: list[str]


def ratings_matrix(bewertungen: pd.DataFrame | None, model: ScoringModel,
                   leistungen: list[str]) -> tuple[np.ndarray, list[str]]:
    """Rated criteria per Leistung (rows in ``leistungen`` order); NaN where not rated."""
    crit = model.rated
    out = np.full((len(leistungen), len(crit)), np.nan)
    warnings: list[str] = []
    if bewertungen is None or bewertungen.empty:
        return out, warnings
    li = {lid: i for i, lid in enumerate(leistungen)}
    ci = {c.id: j for j, c in enumerate(crit)}
    computed = {c.id for c in model.computed}
    values = pd.to_numeric(bewertungen["wert"], errors="coerce").to_numpy(float)
    lo, hi = model.scale.min, model.scale.max
    for lid, cid, value in zip(bewertungen["leistung"].astype(str),
                               bewertungen["kriterium"].astype(str), values, strict=True):
        if cid not in ci:
            note = ("wird berechnet, die Bewertung im Steckbrief wird ignoriert"
                    if cid in computed else "ist im Bewertungsmodell unbekannt")
            warnings.append(f"Steckbrief {lid}: Kriterium '{cid}' {note}.")
        elif not (lo <= value <= hi):
            warnings.append(f"Steckbrief {lid}: Bewertung {value:g} für '{cid}' liegt außerhalb "
                            f"der Skala {lo:g}–{hi:g} und zählt als fehlend.")
        elif lid in li:
            out[li[lid], ci[cid]] = value
    for j, c in enumerate(crit):
        if c.direction == "niedrig":
            out[:, j] = lo + hi - out[:, j]
    return out, list(dict.fromkeys(warnings))


def normalize_within(values: np.ndarray, groups: np.ndarray, model: ScoringModel) -> np.ndarray:
    """Computed values → the scale, within each group (Kommune); NaN stays NaN.

    ``maximum``: lo + (hi − lo) · max(x, 0) / group maximum; ``rang``: lo + (hi − lo) ·
    (average rank − 1) / (known values − 1). Values ≤ 0 get lo in both methods."""
    lo, hi = model.scale.min, model.scale.max
    known = ~np.isnan(values)
    pos = np.where(known, np.maximum(values, 0.0), np.nan)
    frame = pd.DataFrame({"g": groups, "x": pos})
    if model.normalization == "rang":
        rank = frame.groupby("g")["x"].rank(method="average").to_numpy(float)
        count = frame.groupby("g")["x"].transform("count").to_numpy(float)
        share = np.where(count > 1, (rank - 1.0) / np.maximum(count - 1.0, 1.0),
                         (pos > 0).astype(float))
    else:
        gmax = frame.groupby("g")["x"].transform("max").to_numpy(float)
        share = np.where(gmax > 0, pos / np.where(gmax > 0, gmax, 1.0), 0.0)
    share = np.where(pos > 0, share, 0.0)
    return np.where(known, lo + (hi - lo) * share, np.nan)


def criterion_values(frame: pd.DataFrame, bewertungen: pd.DataFrame | None,
                     model: ScoringModel) -> CriterionValues:
    """All criterion values of the frame's rows, normalized and direction-adjusted."""
    k_codes, _ = codes(frame["kommune"])
    l_codes, leistungen = codes(frame["leistung"])
    rated, warnings = ratings_matrix(bewertungen, model, leistungen)
    lo, hi = model.scale.min, model.scale.max
    comp = model.computed
    computed = np.empty((len(frame), len(comp)))
    for j, c in enumerate(comp):
        raw = pd.to_numeric(frame[COMPUTED_COLUMNS[str(c.source)]], errors="coerce")
        col = normalize_within(raw.to_numpy(float), k_codes, model)
        computed[:, j] = lo + hi - col if c.direction == "niedrig" else col
    return CriterionValues(k_codes, l_codes, leistungen, rated, computed, model.rated, comp,
                           warnings)


def dimension_scores(cv: CriterionValues, model: ScoringModel) -> dict[str, np.ndarray]:
    """Nutzen and Eignung (0–100), Priorität and the number of missing criteria per row.

    Each dimension: Σ w·v / Σ w over its criteria (w = group × criterion weight), rated
    criteria first, then computed ones, in file order; missing values follow the policy."""
    lo, hi, mid = model.scale.min, model.scale.max, model.scale.mid
    neutral = model.missing_policy == "neutral"
    weight = {c.id: g.weight * c.weight for g in model.groups for c in g.criteria}
    out: dict[str, np.ndarray] = {}
    missing = np.isnan(cv.rated).sum(axis=1)[cv.l_codes] + np.isnan(cv.computed).sum(axis=1)
    for dim in DIMENSIONS:
        num_l = np.zeros(len(cv.leistungen))
        den_l = np.zeros(len(cv.leistungen))
        for j, c in enumerate(cv.rated_criteria):
            if c.dimension == dim:
                num_l, den_l = _accumulate(num_l, den_l, cv.rated[:, j], weight[c.id], mid,
                                           neutral)
        num, den = num_l[cv.l_codes], den_l[cv.l_codes]
        for j, c in enumerate(cv.computed_criteria):
            if c.dimension == dim:
                num, den = _accumulate(num, den, cv.computed[:, j], weight[c.id], mid, neutral)
        value = np.where(den > 0, num / np.where(den > 0, den, 1.0), mid)
        out[dim] = (value - lo) / (hi - lo) * 100.0
    a, b = model.dimension_weights["nutzen"], model.dimension_weights["eignung"]
    out["prioritaet"] = (a * out["nutzen"] + b * out["eignung"]) / (a + b)
    out["kriterien_fehlend"] = missing
    return out


def _accumulate(num: np.ndarray, den: np.ndarray, values: np.ndarray, w: float, mid: float,
                neutral: bool) -> tuple[np.ndarray, np.ndarray]:
    known = ~np.isnan(values)
    if neutral:
        return num + w * np.where(known, values, mid), den + w
    return num + w * np.where(known, values, 0.0), den + w * known.astype(float)


def rank_within(k_codes: np.ndarray, l_codes: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Rank 1.. within each Kommune by Priorität (descending), ties by Leistung id."""
    order = np.lexsort((l_codes, -priority, k_codes))
    ks = k_codes[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    sizes = np.diff(np.r_[starts, len(ks)])
    ranks = np.empty(len(ks), dtype=np.int64)
    ranks[order] = np.arange(len(ks)) - np.repeat(starts, sizes) + 1
    return ranks


def quadrant(nutzen: np.ndarray, eignung: np.ndarray,
             threshold: float = QUADRANT_THRESHOLD) -> pd.Categorical:
    """Portfolio quadrant (German labels of :data:`QUADRANTS`)."""
    hi_n, hi_e = nutzen >= threshold, eignung >= threshold
    code = np.select([hi_n & hi_e, hi_n, hi_e], [0, 1, 2], default=3)
    return pd.Categorical.from_codes(code, categories=list(QUADRANTS.values()))


def score(frame: pd.DataFrame, bewertungen: pd.DataFrame | None,
          model: ScoringModel) -> pd.DataFrame:
    """The frame with ``nutzen, eignung, prioritaet`` (0–100), ``quadrant``, ``rang`` (per
    Kommune) and ``kriterien_fehlend``; ``attrs['hinweise']`` lists rating problems."""
    cv = criterion_values(frame, bewertungen, model)
    s = dimension_scores(cv, model)
    out = frame.assign(
        nutzen=s["nutzen"], eignung=s["eignung"], prioritaet=s["prioritaet"],
        quadrant=quadrant(s["nutzen"], s["eignung"]),
        rang=rank_within(cv.k_codes, cv.l_codes, s["prioritaet"]),
        kriterien_fehlend=s["kriterien_fehlend"],
    )
    out.attrs["hinweise"] = list(frame.attrs.get("hinweise", [])) + cv.warnings
    return out


# --------------------------------------------------------------------------- sensitivity


def sensitivity(frame: pd.DataFrame, bewertungen: pd.DataFrame | None, model: ScoringModel, *,
                top: int = 5, draws: int = 500, seed: int = 20240601,
                concentration: float = 100.0, robust_threshold: float = 0.9,
                chunk_cells: int = 4_000_000) -> pd.DataFrame:
    """How stable each rank is when the weights vary around the configured ones.

    Weight vectors ~ Dirichlet(concentration × configured effective weights), seeded; the
    configured vector is draw 0. Returns per row ``p_top`` (share of random draws in the top
    ``top`` of its Kommune), ``rang_min``, ``rang_max`` and ``robust`` (p_top ≥ threshold or
    ≤ 1 − threshold), aligned with ``frame``."""
    cv = criterion_values(frame, bewertungen, model)
    crit = cv.rated_criteria + cv.computed_criteria
    eff = model.effective_weights()
    w0 = np.array([eff[c.id] for c in crit])
    omega = np.zeros((len(crit), draws + 1))
    omega[:, 0] = w0
    positive = w0 > 0
    if draws:
        rng = np.random.default_rng(seed)
        omega[positive, 1:] = rng.dirichlet(concentration * w0[positive], size=draws).T
    lo, hi, mid = model.scale.min, model.scale.max, model.scale.mid
    neutral = model.missing_policy == "neutral"
    nr = len(cv.rated_criteria)

    def filled(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        known = ~np.isnan(values)
        if neutral:
            return np.where(known, values, mid), np.ones_like(values)
        return np.where(known, values, 0.0), known.astype(float)

    rated_v, rated_m = filled(cv.rated)
    dims = {d: np.array([c.dimension == d for c in crit]) for d in DIMENSIONS}
    rated_parts = {d: (rated_v[:, m[:nr]] @ omega[:nr][m[:nr]], rated_m[:, m[:nr]]
                       @ omega[:nr][m[:nr]]) for d, m in dims.items()}
    shares = {d: omega[m].sum(axis=0) for d, m in dims.items()}

    order = np.lexsort((cv.l_codes, cv.k_codes))
    ks = cv.k_codes[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    ends = np.r_[starts[1:], len(ks)]
    p_top = np.empty(len(frame))
    r_min = np.empty(len(frame), dtype=np.int64)
    r_max = np.empty(len(frame), dtype=np.int64)
    width = int((ends - starts).max()) if len(starts) else 0
    per_chunk = max(1, chunk_cells // max(1, width * (draws + 1)))
    for g0 in range(0, len(starts), per_chunk):
        a, b = starts[g0], ends[min(g0 + per_chunk, len(starts)) - 1]
        rows = order[a:b]
        comp_v, comp_m = filled(cv.computed[rows])
        prio = np.zeros((len(rows), draws + 1))
        for d, m in dims.items():
            num = rated_parts[d][0][cv.l_codes[rows]] + comp_v[:, m[nr:]] @ omega[nr:][m[nr:]]
            den = rated_parts[d][1][cv.l_codes[rows]] + comp_m[:, m[nr:]] @ omega[nr:][m[nr:]]
            value = np.where(den > 0, num / np.where(den > 0, den, 1.0), mid)
            prio += shares[d] * ((value - lo) / (hi - lo) * 100.0)
        ranks = _ranks_padded(prio, ks[a:b] , width)
        p_top[rows] = (ranks[:, 1:] < top).mean(axis=1) if draws else (ranks[:, 0] < top)
        r_min[rows] = ranks.min(axis=1) + 1
        r_max[rows] = ranks.max(axis=1) + 1
    robust = (p_top >= robust_threshold) | (p_top <= 1.0 - robust_threshold)
    return pd.DataFrame({"kommune": frame["kommune"].to_numpy(),
                         "leistung": frame["leistung"].to_numpy(), "p_top": p_top,
                         "rang_min": r_min, "rang_max": r_max, "robust": robust},
                        index=frame.index)


def _ranks_padded(prio: np.ndarray, groups: np.ndarray, width: int) -> np.ndarray:
    """0-based ranks within consecutive groups for every draw (stable: earlier row wins)."""
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[starts, len(groups)])
    g = np.repeat(np.arange(len(starts)), sizes)
    pos = np.arange(len(groups)) - np.repeat(starts, sizes)
    padded = np.full((len(starts), width, prio.shape[1]), -np.inf)
    padded[g, pos] = prio
    order = np.argsort(-padded, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(width)[None, :, None], axis=1)
    return ranks[g, pos]


# --------------------------------------------------------------------------- Verbund view

_SUMS = ("fallzahl", "stunden_ist", "stunden_soll", "stunden_gespart", "vzae_gespart",
         "euro_gespart", "medienbrueche_vermieden_pro_jahr")


def verbund_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per Leistung for the whole Verbund (kommune = ``Verbund``): sums over the
    members; Medienbrüche je Fall weighted by Fallzahl; OZG columns per Leistung."""
    l_codes, leistungen = codes(frame["leistung"])
    n = len(leistungen)
    out: dict[str, object] = {"kommune": VERBUND_KEY, "leistung": leistungen}
    first = pd.Series(np.arange(len(frame))).groupby(l_codes).first().to_numpy()
    for col in ("leistung_name", "fachbereich", "ozg_reifegrad_ist", "ozg_reifegrad_ziel",
                "ozg_luecke", "soll_modell"):
        if col in frame:
            out[col] = frame[col].to_numpy()[first]
    for col in _SUMS:
        if col in frame:
            values = frame[col].to_numpy(float)
            known = ~np.isnan(values)
            total = np.bincount(l_codes, np.where(known, values, 0.0), minlength=n)
            count = np.bincount(l_codes, known, minlength=n)
            out[col] = np.where(count > 0, total, np.nan)
    if "medienbrueche_vermieden_pro_jahr" in out:
        fz = np.asarray(out["fallzahl"], float)
        per_year = np.asarray(out["medienbrueche_vermieden_pro_jahr"], float)
        mean = pd.Series(frame["medienbrueche_vermieden_je_fall"].to_numpy(float)).groupby(
            l_codes).mean().reindex(range(n)).to_numpy()
        out["medienbrueche_vermieden_je_fall"] = np.where(fz > 0, per_year / np.where(
            fz > 0, fz, 1.0), mean)
    return pd.DataFrame(out)


def efa_candidates(frame: pd.DataFrame) -> pd.DataFrame:
    """Per Leistung: does the shared SOLL save time in every member? (EfA candidate)"""
    l_codes, leistungen = codes(frame["leistung"])
    n = len(leistungen)
    saved = frame["stunden_gespart"].to_numpy(float)
    per_case = frame["minuten_gespart_je_fall"].to_numpy(float)
    members = np.bincount(l_codes, minlength=n)
    saving = np.bincount(l_codes, np.nan_to_num(saved) > 0, minlength=n)
    soll = np.bincount(l_codes, frame["soll_modell"].to_numpy(bool), minlength=n) > 0
    own = np.bincount(l_codes, (frame["ist_modell"] == "eigen").to_numpy(bool), minlength=n)
    by = pd.Series(per_case).groupby(l_codes)
    result = pd.DataFrame({
        "leistung": leistungen,
        "mitglieder": members,
        "mitglieder_mit_einsparung": saving,
        "eigene_ist_varianten": own,
        "min_minuten_gespart_je_fall": by.min().reindex(range(n)).to_numpy(),
        "stunden_gespart": np.bincount(l_codes, np.nan_to_num(saved), minlength=n),
        "soll_modell": soll,
    })
    result["efa_kandidat"] = soll & (members >= 2) & (saving == members)
    return result.sort_values(["efa_kandidat", "stunden_gespart", "leistung"],
                              ascending=[False, False, True], kind="stable").reset_index(drop=True)


def member_comparison(scored: pd.DataFrame, value: str = "rang") -> pd.DataFrame:
    """Leistungen × Kommunen table of one column (default: the rank in each Kommune)."""
    table = scored.pivot_table(index="leistung", columns="kommune", values=value,
                               aggfunc="first", observed=True)
    return table.sort_index().sort_index(axis=1)
