"""Scores, portfolio quadrant, ranking, sensitivity, Verbund view and EfA candidates.

Frame in, frame out, vectorized with numpy: the frame has one row per Kommune × Leistung with
the computed criteria (columns in :data:`COMPUTED_COLUMNS`); ratings come as the long frame
``leistung, kriterium, wert`` of the Steckbriefe. Formulas: ``docs/bewertungsmodell.md``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .draw_ranks import rank_stats
from .parameters import EFA_MIN_HOURS, EFA_MIN_MEMBERS
from .scoring_model import DIMENSIONS, Criterion, ScoringModel

#: Frame column of each computed criterion (``quelle: berechnet:<key>``).
COMPUTED_COLUMNS: dict[str, str] = {
    "fallzahl": "fallzahl",
    "stunden_gespart": "stunden_gespart",
    "digitalanteil_zuwachs": "digital_anteil_zuwachs",
    "medienbrueche_vermieden": "medienbrueche_vermieden_je_fall",
    "ozg_luecke": "ozg_luecke",
}
#: Portfolio quadrants (code → German label), decided by Nutzen and Eignung ≥ threshold.
QUADRANTS: dict[str, str] = {
    "quick_win": "Schnell umsetzen",
    "strategisch": "Strategisches Projekt",
    "pruefen": "Prüfen",
    "zurueckstellen": "Zurückstellen",
    "unvollstaendig": "Daten unvollständig",
}
QUADRANT_THRESHOLD = 50.0
VERBUND_KEY = "Verbund"


def codes(series: pd.Series, dtype: type = np.int64) -> tuple[np.ndarray, list[str]]:
    """Integer codes in sorted-id order and the sorted ids (fast for categoricals).
    ``dtype``: of the codes (int32 halves the memory of 2.8 million rows; int64 where rows
    reach 2³¹)."""
    if len(series) >= 2**31:
        dtype = np.int64
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in series.cat.categories]
        if cats == sorted(cats):
            return series.cat.codes.to_numpy(dtype), cats
    found, uniques = pd.factorize(series.astype(str), sort=True)
    return found.astype(dtype), [str(u) for u in uniques]


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
    computed = {c.id for c in model.computed}
    lids = bewertungen["leistung"].astype(str).to_numpy()
    cids = bewertungen["kriterium"].astype(str).to_numpy()
    values = pd.to_numeric(bewertungen["wert"], errors="coerce").to_numpy(float)
    lo, hi = model.scale.min, model.scale.max
    ci = pd.Index([c.id for c in crit]).get_indexer(cids)
    li = pd.Index(leistungen).get_indexer(lids)
    bad = (ci < 0) | ~((lo <= values) & (values <= hi))  # NaN is out of range
    for k in np.flatnonzero(bad).tolist():  # in file order, like the rows
        lid, cid, value = lids[k], cids[k], values[k]
        if ci[k] < 0:
            note = ("wird berechnet, die Bewertung im Steckbrief wird ignoriert"
                    if cid in computed else "ist im Bewertungsmodell unbekannt")
            warnings.append(f"Steckbrief {lid}: Kriterium '{cid}' {note}.")
        else:
            warnings.append(f"Steckbrief {lid}: Bewertung {value:g} für '{cid}' liegt außerhalb "
                            f"der Skala {lo:g}–{hi:g} und zählt als fehlend.")
    use = np.flatnonzero(~bad & (li >= 0))
    cell = li[use] * len(crit) + ci[use]
    _, last = np.unique(cell[::-1], return_index=True)  # a repeated rating: the last counts
    use = use[len(use) - 1 - last]
    out[li[use], ci[use]] = values[use]
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
    pos = np.maximum(values, 0.0)  # NaN stays NaN
    if model.normalization == "rang":
        frame = pd.DataFrame({"g": groups, "x": pos})
        rank = frame.groupby("g")["x"].rank(method="average").to_numpy(float)
        count = frame.groupby("g")["x"].transform("count").to_numpy(float)
        share = np.where(count > 1, (rank - 1.0) / np.maximum(count - 1.0, 1.0),
                         (pos > 0).astype(float))
    else:  # share = x / group maximum where that is > 0, else 0 (in place: 2.8 M rows)
        share = _group_max(pos, groups)
        empty = ~(share > 0)
        np.copyto(share, 1.0, where=empty)
        np.divide(pos, share, out=share)
        np.copyto(share, 0.0, where=empty)
        del empty
    np.copyto(share, 0.0, where=~(pos > 0))
    del pos
    share *= hi - lo  # lo + (hi − lo) · share, NaN where unknown
    share += lo
    np.copyto(share, np.nan, where=~known)
    return share


def _group_max(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Maximum of each row's group, ignoring NaN (NaN if the group has no value)."""
    if len(groups) and np.all(groups[1:] >= groups[:-1]):  # contiguous groups: reduceat
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        return np.repeat(np.fmax.reduceat(values, starts), np.diff(np.r_[starts, len(groups)]))
    frame = pd.DataFrame({"g": groups, "x": values})
    return np.array(frame.groupby("g")["x"].transform("max"), dtype=float)  # own, writable


def criterion_values(frame: pd.DataFrame, bewertungen: pd.DataFrame | None,
                     model: ScoringModel) -> CriterionValues:
    """All criterion values of the frame's rows, normalized and direction-adjusted."""
    # int32: the codes live as long as the criterion values, through the whole sensitivity
    k_codes, _ = codes(frame["kommune"], np.int32)
    l_codes, leistungen = codes(frame["leistung"], np.int32)
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
    criteria first, then computed ones, in file order; missing values follow the policy.
    Computed in place (the national frame has millions of rows): the same operations in the
    same order as the plain formula, so the same numbers."""
    lo, hi, mid = model.scale.min, model.scale.max, model.scale.mid
    neutral = model.missing_policy == "neutral"
    weight = {c.id: g.weight * c.weight for g in model.groups for c in g.criteria}
    out: dict[str, np.ndarray] = {}
    missing = np.isnan(cv.rated).sum(axis=1)[cv.l_codes]
    missing += np.isnan(cv.computed).sum(axis=1)
    temp = np.empty(len(cv.l_codes))
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
                _accumulate_into(num, den, cv.computed[:, j], weight[c.id], mid, neutral, temp)
        positive = den > 0
        np.copyto(den, 1.0, where=~positive)
        np.divide(num, den, out=num)
        np.copyto(num, mid, where=~positive)  # value = Σ w·v / Σ w, mid without weight
        del den, positive
        num -= lo
        num /= hi - lo
        num *= 100.0
        out[dim] = num
    a, b = model.dimension_weights["nutzen"], model.dimension_weights["eignung"]
    priority = np.multiply(a, out["nutzen"])
    np.multiply(b, out["eignung"], out=temp)
    priority += temp
    priority /= a + b
    out["prioritaet"] = priority
    out["kriterien_fehlend"] = missing
    return out


def _accumulate(num: np.ndarray, den: np.ndarray, values: np.ndarray, w: float, mid: float,
                neutral: bool) -> tuple[np.ndarray, np.ndarray]:
    known = ~np.isnan(values)
    if neutral:
        return num + w * np.where(known, values, mid), den + w
    return num + w * np.where(known, values, 0.0), den + w * known.astype(float)


def _accumulate_into(num: np.ndarray, den: np.ndarray, values: np.ndarray, w: float,
                     mid: float, neutral: bool, temp: np.ndarray) -> None:
    """:func:`_accumulate` in place (``temp``: scratch of the same length)."""
    missing = np.isnan(values)
    np.copyto(temp, values)
    np.copyto(temp, mid if neutral else 0.0, where=missing)
    temp *= w
    num += temp
    if neutral:
        den += w
    else:
        np.copyto(temp, 1.0)
        temp[missing] = 0.0
        temp *= w
        den += temp


@dataclass(slots=True)
class _Groups:
    """Rows grouped by Kommune: ``order`` sorts rows by (Kommune, Leistung); ``g``/``pos``
    give each sorted row its group and its place in the group; ``starts`` the group starts."""

    order: np.ndarray
    starts: np.ndarray
    g: np.ndarray
    pos: np.ndarray
    width: int

    @classmethod
    def of(cls, k_codes: np.ndarray, l_codes: np.ndarray) -> _Groups:
        n = len(k_codes)
        dk, dl = np.diff(k_codes), np.diff(l_codes)
        ready = bool(np.all((dk > 0) | ((dk == 0) & (dl > 0))))
        order = np.arange(n) if ready else np.lexsort((l_codes, k_codes))
        ks = k_codes[order]
        starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]]) if n else np.zeros(0, int)
        sizes = np.diff(np.r_[starts, n])
        g = np.repeat(np.arange(len(starts)), sizes)
        pos = np.arange(n) - np.repeat(starts, sizes)
        return cls(order, starts, g, pos, int(sizes.max()) if n else 0)


def _ranks(keys: np.ndarray, g: np.ndarray, pos: np.ndarray, n_groups: int,
           width: int) -> np.ndarray:
    """0-based ranks by ascending ``keys`` (rows × draws) within groups; ties keep row order.

    Sorts with numpy's fast (SIMD) quicksort, then re-sorts only the rare slices that contain
    ties with a stable sort, so the result equals a stable sort everywhere."""
    draws = keys.shape[1]
    uniform = len(keys) == n_groups * width  # every group full: a reshape, no padding
    if uniform:
        padded = np.ascontiguousarray(keys.reshape(n_groups, width, draws).transpose(0, 2, 1))
    else:
        padded = np.full((n_groups, draws, width), np.inf)
        padded[g, :, pos] = keys
    idx = np.argsort(padded, axis=2)
    ordered = np.take_along_axis(padded, idx, axis=2)
    tied = ((ordered[..., 1:] == ordered[..., :-1]) & np.isfinite(ordered[..., 1:])).any(axis=2)
    redo = np.flatnonzero(tied.ravel())
    if redo.size:
        flat = idx.reshape(-1, width)
        flat[redo] = np.argsort(padded.reshape(-1, width)[redo], axis=1, kind="stable")
    ranks = np.empty_like(idx)
    np.put_along_axis(ranks, idx, np.arange(width)[None, None, :], axis=2)
    if uniform:
        return ranks.transpose(0, 2, 1).reshape(len(keys), draws)
    return ranks[g, :, pos]


def rank_within(k_codes: np.ndarray, l_codes: np.ndarray, priority: np.ndarray,
                eligible: np.ndarray | None = None) -> np.ndarray:
    """Rank 1.. within each Kommune by Priorität (descending), ties by Leistung id; rows
    that are not ``eligible`` get no rank (NaN). One draw of :func:`draw_ranks.rank_stats`
    (a stable sort per Kommune, small working memory)."""
    eligible = np.ones(len(priority), dtype=bool) if eligible is None else eligible
    n_leist = int(l_codes.max(initial=-1)) + 1
    grid, _ = _grid_of(k_codes, l_codes, n_leist, eligible)
    ranks = np.full(len(priority), np.nan)
    if grid.size == 0:
        return ranks
    values = np.asarray(priority, dtype=float)

    def scores(rows: np.ndarray, out: np.ndarray, aligned: bool, draws: slice) -> None:
        np.take(values, rows, out=out[0])

    stats = rank_stats(grid, scores, 1, 1, nonnegative=_finite_nonnegative(values))
    cells = grid >= 0
    ranks[grid[cells]] = stats.rank_min[cells] + 1
    return ranks


def eligible_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows that take part in a ranking: those with cases (Fallzahl above 0)."""
    if "fallzahl" not in frame:
        return np.ones(len(frame), dtype=bool)
    return frame["fallzahl"].to_numpy(float) > 0


def quadrant(nutzen: np.ndarray, eignung: np.ndarray,
             threshold: float = QUADRANT_THRESHOLD, *, complete: np.ndarray | None = None,
             saved: np.ndarray | None = None) -> pd.Categorical:
    """Portfolio quadrant (German labels of :data:`QUADRANTS`).

    Honest: a row whose models are incomplete is „Daten unvollständig“; a row that would be
    „Schnell umsetzen“ without positive savings (negative or missing) becomes „Prüfen“."""
    hi_n, hi_e = nutzen >= threshold, eignung >= threshold
    code = np.full(len(hi_n), 3, dtype=np.int8)  # the order of QUADRANTS
    code[hi_e] = 2
    code[hi_n] = 1
    code[hi_n & hi_e] = 0
    del hi_n, hi_e
    if saved is not None:
        code[(code == 0) & ~(saved > 0)] = 2  # NaN > 0 is False
    if complete is not None:
        code[~np.asarray(complete, dtype=bool)] = 4
    return pd.Categorical.from_codes(code, categories=list(QUADRANTS.values()))


def score(frame: pd.DataFrame, bewertungen: pd.DataFrame | None, model: ScoringModel, *,
          values: CriterionValues | None = None) -> pd.DataFrame:
    """The frame with ``nutzen, eignung, prioritaet`` (0–100), ``quadrant``, ``rang`` (per
    Kommune; NaN for rows without cases) and ``kriterien_fehlend``; ``attrs['hinweise']``
    lists rating problems. ``values``: :func:`criterion_values` of the same inputs, if known."""
    cv = values if values is not None else criterion_values(frame, bewertungen, model)
    s = dimension_scores(cv, model)
    eligible = eligible_rows(frame)
    out = with_columns(frame, {
        "nutzen": s["nutzen"], "eignung": s["eignung"], "prioritaet": s["prioritaet"],
        "quadrant": quadrant(s["nutzen"], s["eignung"], complete=(
            frame["vollstaendig"].to_numpy(bool) if "vollstaendig" in frame else None),
            saved=(frame["stunden_gespart"].to_numpy(float) if "stunden_gespart" in frame
                   else None)),
        "rang": rank_within(cv.k_codes, cv.l_codes, s["prioritaet"], eligible),
        "kriterien_fehlend": s["kriterien_fehlend"],
    })
    hints = list(frame.attrs.get("hinweise", [])) + cv.warnings
    if not eligible.all():
        hints.append(f"{int((~eligible).sum())} Kombination(en) Kommune × Leistung ohne Fälle "
                     "(Fallzahl 0) erhalten keinen Rang.")
    out.attrs["hinweise"] = hints
    return out


def with_columns(frame: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    """``frame.assign(**columns)`` without copying: the frame's columns are shared (copy on
    write) and the new arrays become columns as they are (the caller hands them over).
    Replacing an existing column keeps its place, like ``assign`` (then it copies)."""
    if any(name in frame.columns for name in columns):
        return frame.assign(**columns)
    added = pd.DataFrame(columns, index=frame.index, copy=False)
    out = pd.concat([frame, added], axis=1) if len(frame.columns) else added
    out.attrs = dict(frame.attrs)
    return out


# --------------------------------------------------------------------------- sensitivity


def sensitivity(frame: pd.DataFrame, bewertungen: pd.DataFrame | None, model: ScoringModel, *,
                top: int = 5, draws: int = 500, seed: int = 20240601,
                concentration: float = 100.0, robust_threshold: float = 0.9,
                threads: int | None = None,
                values: CriterionValues | None = None) -> pd.DataFrame:
    """How stable each rank is when the weights vary around the configured ones.

    Weight vectors ~ Dirichlet(concentration × configured effective weights), seeded; the
    configured vector is draw 0. Returns per row ``p_top`` (share of random draws in the top
    ``top`` of its Kommune), ``rang_min``, ``rang_max`` and ``robust`` (p_top ≥ threshold or
    ≤ 1 − threshold), aligned with ``frame``; rows without cases get NaN and not robust.
    Ranks are those of a stable sort by descending Priorität (ties by Leistung), computed for
    all draws at once (:mod:`workbench.draw_ranks`). ``values``: :func:`criterion_values` of
    the same inputs, if already computed."""
    cols = sensitivity_columns(frame, bewertungen, model, top=top, draws=draws, seed=seed,
                               concentration=concentration, robust_threshold=robust_threshold,
                               threads=threads, values=values)
    return pd.DataFrame({"kommune": frame["kommune"].to_numpy(),
                         "leistung": frame["leistung"].to_numpy(), **cols}, index=frame.index)


def sensitivity_columns(frame: pd.DataFrame, bewertungen: pd.DataFrame | None,
                        model: ScoringModel, *, top: int = 5, draws: int = 500,
                        seed: int = 20240601, concentration: float = 100.0,
                        robust_threshold: float = 0.9, threads: int | None = None,
                        values: CriterionValues | None = None) -> dict[str, np.ndarray]:
    """The columns ``p_top, rang_min, rang_max, robust`` of :func:`sensitivity` as arrays
    aligned with ``frame`` (no copy of the frame's key columns: the national analysis adds
    them to its result directly)."""
    cv = values if values is not None else criterion_values(frame, bewertungen, model)
    crit = cv.rated_criteria + cv.computed_criteria
    eff = model.effective_weights()
    w0 = np.array([eff[c.id] for c in crit])
    omega = np.zeros((len(crit), draws + 1))
    omega[:, 0] = w0
    positive = w0 > 0
    if draws:
        rng = np.random.default_rng(seed)
        omega[positive, 1:] = rng.dirichlet(concentration * w0[positive], size=draws).T
    score = _DrawScores(cv, model, omega)
    grid, aligned = _rank_grid(cv, eligible_rows(frame))
    if aligned:
        score.share_per_leistung(grid)
    stats = rank_stats(grid, score, draws + 1, top, nonnegative=score.nonnegative,
                       aligned=aligned, threads=threads)
    del score
    flat = grid.reshape(-1)
    # the national frame: the grid is the frame's own table (cell i holds row i or nothing),
    # so the statistics are the columns as they lie, with NaN in the empty cells
    own = len(flat) == len(frame) and bool(
        ((flat == np.arange(len(flat), dtype=flat.dtype)) | (flat < 0)).all())
    cells = flat >= 0
    rows, empty = (None, np.flatnonzero(~cells)) if own else (flat[cells], None)
    del grid, flat
    # one column at a time, each statistic dropped once it is in its column (the peak memory
    # of the national analysis is here); the counts go into the column as they are and the
    # column is divided (ranks: + 1) in place, unranked rows stay NaN
    counted, per_cell = stats.counted_draws, [stats.top_count, stats.rank_min, stats.rank_max]
    del stats
    columns = []
    for k in range(3):
        if rows is None:
            out = per_cell[k].reshape(-1).astype(np.float64)
            out[empty] = np.nan
        else:
            out = np.full(len(frame), np.nan)
            out[rows] = per_cell[k].reshape(-1)[cells]
        per_cell[k] = None
        if k:
            out += 1.0
        else:
            out /= counted
        columns.append(out)
    del rows, cells, empty
    p_top, r_min, r_max = columns
    robust = (p_top >= robust_threshold) | (p_top <= 1.0 - robust_threshold)  # NaN → False
    return {"p_top": p_top, "rang_min": r_min, "rang_max": r_max, "robust": robust}


def _rank_grid(cv: CriterionValues, eligible: np.ndarray) -> tuple[np.ndarray, bool]:
    """:func:`_grid_of` the criterion values' Kommunen and Leistungen."""
    return _grid_of(cv.k_codes, cv.l_codes, len(cv.leistungen), eligible)


def _grid_of(k_codes: np.ndarray, l_codes: np.ndarray, n_leist: int,
             eligible: np.ndarray) -> tuple[np.ndarray, bool]:
    """Kommunen × places holding the row ids of the ranked rows (-1: none), places in
    Leistung order. When every (Kommune, Leistung) occurs once the place is the Leistung code
    (``aligned``: per-Leistung parts of the score can be broadcast), else the rows are packed."""
    sel = np.flatnonzero(eligible)
    if len(sel) == 0:
        return np.full((0, max(n_leist, 1)), -1, dtype=np.int32), True
    present = np.zeros(int(k_codes.max(initial=-1)) + 1, dtype=bool)
    present[k_codes[sel]] = True
    group_of = np.cumsum(present) - 1  # Kommune code → group (sorted, only those with rows)
    cell = group_of[k_codes[sel]] * n_leist + l_codes[sel]
    n_cells = int(present.sum()) * n_leist
    ids = np.int32 if len(k_codes) < 2**31 else np.intp
    if np.bincount(cell, minlength=n_cells).max() <= 1:
        grid = np.full(n_cells, -1, dtype=ids)
        grid[cell] = sel
        return grid.reshape(-1, n_leist), True
    grp = _Groups.of(k_codes[sel], l_codes[sel])
    grid = np.full((len(grp.starts), grp.width), -1, dtype=ids)
    grid[grp.g, grp.pos] = sel[grp.order]
    return grid, False


class _DrawScores:
    """Priorität of rows under many weight vectors (columns of ``omega``), up to an
    increasing affine map (enough for ranks): Σ_dimension share · (Σ w·v / Σ w).

    Called with rows, an output buffer (draws × rows) and the slice of draws; the arithmetic
    per value is the same, in the same order, as a row-by-row evaluation."""

    def __init__(self, cv: CriterionValues, model: ScoringModel, omega: np.ndarray) -> None:
        self.cv, self.mid = cv, model.scale.mid
        self.neutral = model.missing_policy == "neutral"
        nr = len(cv.rated_criteria)
        self.om_r, self.om_c = omega[:nr], np.ascontiguousarray(omega[nr:])
        crit = cv.rated_criteria + cv.computed_criteria
        self.dims = [np.array([c.dimension == d for c in crit]) for d in DIMENSIONS]
        known_r = ~np.isnan(cv.rated)
        self.nr = nr
        if self.neutral:  # den = Σ w of the dimension = its share: one product suffices
            self.rated_t = np.ascontiguousarray((np.where(known_r, cv.rated, self.mid)
                                                 @ self.om_r).T)
            inputs = [self.rated_t, omega]
        else:
            self.parts = [(np.ascontiguousarray((np.where(known_r, cv.rated, 0.0)[:, m[:nr]]
                                                 @ self.om_r[m[:nr]]).T),
                           np.ascontiguousarray((known_r[:, m[:nr]].astype(float)
                                                 @ self.om_r[m[:nr]]).T),
                           omega[m].sum(axis=0)[:, None]) for m in self.dims]
            inputs = [omega, *(x for part in self.parts for x in part)]
        #: Every score is finite and ≥ +0.0 (the fast key packing of draw_ranks applies).
        self.nonnegative = bool(self.mid >= 0 and _finite_nonnegative(cv.computed) and all(
            np.isfinite(x).all() and not np.signbit(x).any() for x in inputs))
        self.local = threading.local()
        #: :meth:`share_per_leistung`: the first ``shared`` computed criteria are folded into
        #: ``prefix`` (draws × Leistungen) for rows whose values equal ``refs`` (criteria ×
        #: Leistungen).
        self.shared, self.prefix, self.refs = 0, np.zeros((0, 0)), np.zeros((0, 0))

    def share_per_leistung(self, grid: np.ndarray, limit: float = 0.1) -> int:
        """Fold the rated part and the leading computed criteria whose value is (nearly
        always) one per Leistung into one per-Leistung prefix, so a chunk starts from it
        instead of adding those products cell by cell. The prefix is the same sum in the
        same order (rated part, then product by product), so a cell whose values equal the
        Leistung's reference gets the same bits; the other cells ("exceptions", at most
        ``limit`` of the ranked rows) are computed in full. Only for the neutral policy on
        an aligned grid (place = Leistung code). Returns the number of folded criteria."""
        self.shared, self.prefix, self.refs = 0, np.zeros((0, 0)), np.zeros((0, 0))
        self.local = threading.local()
        n_leist = self.rated_t.shape[1] if self.neutral else -1
        if not self.neutral or grid.shape[1] != n_leist or grid.size == 0:
            return 0
        cells = grid >= 0
        ranked = max(int(np.count_nonzero(cells)), 1)
        sample = np.unique(np.linspace(0, grid.shape[0] - 1, 65).astype(np.intp))
        odd = np.zeros(grid.shape, dtype=bool)  # per cell (its place is its Leistung)
        refs = []
        for j in range(self.cv.computed.shape[1]):
            col = self.cv.computed[:, j][grid]  # empty cells (-1) are masked below
            np.nan_to_num(col, copy=False, nan=self.mid, posinf=np.inf, neginf=-np.inf)
            ref = _lower_median(np.where(cells[sample], col[sample], np.nan))
            odd |= col.view(np.uint64) != ref.view(np.uint64)[None, :]
            del col
            if np.count_nonzero(odd & cells) / ranked > limit:
                break
            refs.append(ref)
        if refs:
            self.refs = np.array(refs)
            prefix = self.rated_t.copy()
            for j, ref in enumerate(refs):
                prefix += self.om_c[j][:, None] * ref[None, :]
            self.prefix, self.shared = prefix, len(refs)
            known = prefix[:, ~np.isnan(prefix).any(axis=0)]  # a NaN reference: all exceptions
            self.slice_bounds: dict[tuple[int, int], tuple] = {}
            self.prefix_bounds = ((known.min(axis=1), known.max(axis=1)) if known.size else
                                  (np.full(len(prefix), np.inf), np.full(len(prefix), -np.inf)))
        return self.shared

    def _temp(self, shape: tuple[int, int]) -> np.ndarray:
        """A scratch array of ``shape``, reused per thread."""
        size = shape[0] * shape[1]
        temp = getattr(self.local, "temp", None)
        if temp is None or temp.size < size:
            temp = self.local.temp = np.empty(size)
        return temp[:size].reshape(shape)

    def _gathered(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The computed values of ``rows`` (criteria × rows, contiguous; a missing value is
        the scale's mid under the neutral policy, else 0) and where they are known (1.0/0.0);
        kept per thread while the same rows come back (every draw block of a chunk)."""
        cached = getattr(self.local, "rows", None)
        if cached is None or cached[0] is not rows:
            values = np.ascontiguousarray(self.cv.computed[rows].T)
            missing = np.isnan(values)
            values[missing] = self.mid if self.neutral else 0.0
            cached = self.local.rows = [rows, values, (~missing).astype(float), None]
        return cached[1], cached[2]

    def _exceptions(self, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Places (columns of ``values``) whose folded values differ from the Leistung's
        reference (aligned rows: the place's Leistung is its position modulo Leistungen)."""
        if not self.shared or len(rows) % self.refs.shape[1]:
            return np.zeros(0, dtype=np.intp)
        n_leist = self.refs.shape[1]
        own = values[:self.shared].reshape(self.shared, -1, n_leist).view(np.uint64)
        ref = self.refs.view(np.uint64)[:, None, :]
        return np.flatnonzero((own != ref).any(axis=0).ravel())

    def __call__(self, rows: np.ndarray, out: np.ndarray, aligned: bool = False,
                 draws: slice = slice(None)) -> tuple[float, float] | None:
        """Scores of ``rows`` under the ``draws`` into ``out`` (draws × rows). ``aligned``:
        the rows are whole Kommunen with place = Leistung code, so per-Leistung parts are
        broadcast. Returns bounds (lowest, highest) of the scores where known cheaply."""
        values, mask = self._gathered(rows)
        om_c = self.om_c[:, draws]
        temp = self._temp(out.shape)
        if self.neutral:
            rated_t = self.rated_t[draws]
            n_leist = rated_t.shape[1]
            if self.shared and aligned and out.shape[1] % n_leist == 0:
                return self._from_prefix(rows, out, values, om_c, draws, temp)
        leist = self.cv.l_codes[rows]
        if self.neutral:
            if aligned and len(values) and out.shape[1] % n_leist == 0:
                # out = rated part + first product in one pass (same two roundings)
                np.multiply(om_c[0][:, None], values[0][None, :], out=temp)
                cube = (out.shape[0], -1, n_leist)
                np.add(rated_t[:, None, :], temp.reshape(cube), out=out.reshape(cube))
                _add_products(out, values[1:], om_c[1:], temp)
                return
            self._start(out, rated_t, leist, aligned)
            _add_products(out, values, om_c, temp)
            return None
        num, den = np.empty_like(out), np.empty_like(out)
        out[...] = 0.0
        for m, (num_r, den_r, share) in zip(self.dims, self.parts, strict=True):
            mc = m[self.nr:]
            self._start(num, num_r[draws], leist, aligned)
            _add_products(num, values[mc], om_c[mc], temp)
            self._start(den, den_r[draws], leist, aligned)
            _add_products(den, mask[mc], om_c[mc], temp)
            positive = den > 0
            out += share[draws] * np.where(positive, num / np.where(positive, den, 1.0),
                                           self.mid)
        return None

    def _from_prefix(self, rows: np.ndarray, out: np.ndarray, values: np.ndarray,
                     om_c: np.ndarray, draws: slice, temp: np.ndarray,
                     ) -> tuple[float, float] | None:
        """Neutral policy, aligned rows: out = the per-Leistung prefix + the remaining
        products (the first in the same pass as the broadcast); the exceptions in full.

        With nonnegative scores, also bounds of ``out`` without a pass over it: the same
        sums of the smallest (largest) prefix, weights and values. Rounding is monotone and
        every term is ≥ 0, so each cell lies between them."""
        k, prefix = self.shared, self.prefix[draws]
        cube = (out.shape[0], -1, prefix.shape[1])
        if k == len(values):
            out.reshape(cube)[...] = prefix[:, None, :]
        else:
            np.multiply(om_c[k][:, None], values[k][None, :], out=temp)
            np.add(prefix[:, None, :], temp.reshape(cube), out=out.reshape(cube))
            _add_products(out, values[k + 1:], om_c[k + 1:], temp)
        cached = self.local.rows
        if cached[3] is None:  # once per chunk: the exceptions' scores under every draw
            exc = self._exceptions(rows, values)
            part = np.take(self.rated_t, self.cv.l_codes[rows[exc]], axis=1)
            for j in range(len(values)):
                part += self.om_c[j][:, None] * values[j, exc][None, :]
            span = ((float(part.min()), float(part.max())) if exc.size
                    else (np.inf, -np.inf))
            cached[3] = (exc, part, values.min(axis=1).tolist(), values.max(axis=1).tolist(),
                         span)
        exc, part, v_min, v_max, (part_lo, part_hi) = cached[3]
        if exc.size:
            out[:, exc] = part[draws]
        if not self.nonnegative:
            return None
        lo, hi, w_min, w_max = self._draw_bounds(draws)
        for j in range(k, len(values)):  # the order of the sum in every cell
            lo += w_min[j] * v_min[j]
            hi += w_max[j] * v_max[j]
        return min(lo, part_lo), max(hi, part_hi)

    def _draw_bounds(self, draws: slice) -> tuple[float, float, list[float], list[float]]:
        """Smallest and largest prefix and computed-criterion weights of the draws (cached
        per slice: every chunk asks for the same draw blocks)."""
        key = (draws.start, draws.stop)
        found = self.slice_bounds.get(key)
        if found is None:
            om_c = self.om_c[:, draws]
            found = self.slice_bounds[key] = (
                float(self.prefix_bounds[0][draws].min()),
                float(self.prefix_bounds[1][draws].max()),
                om_c.min(axis=1).tolist(), om_c.max(axis=1).tolist())
        return found

    @staticmethod
    def _start(out: np.ndarray, per_leistung: np.ndarray, leist: np.ndarray,
               aligned: bool) -> None:
        """out = the per-Leistung part (draws × Leistungen) of each row."""
        n_leist = per_leistung.shape[1]
        if aligned and out.shape[1] % n_leist == 0:
            out.reshape(out.shape[0], -1, n_leist)[...] = per_leistung[:, None, :]
        else:
            np.take(per_leistung, leist, axis=1, out=out)


def _lower_median(table: np.ndarray) -> np.ndarray:
    """Per column the lower median of the non-NaN values (an actual value: the majority
    value where one value holds more than half); NaN for a column without values."""
    ordered = np.sort(table, axis=0)  # NaN last
    count = (~np.isnan(table)).sum(axis=0)
    return ordered[np.maximum(count - 1, 0) // 2, np.arange(table.shape[1])]


def _finite_nonnegative(values: np.ndarray) -> bool:
    """Every known (non-NaN) value is finite and ≥ +0.0 (no −0.0), checked in slices."""
    step = 1 << 20
    flat = values.reshape(-1)
    for i in range(0, len(flat), step):
        part = flat[i:i + step]
        if (np.isinf(part) | (np.signbit(part) & ~np.isnan(part))).any():
            return False
    return True


def _add_products(acc: np.ndarray, values: np.ndarray, weights: np.ndarray,
                  temp: np.ndarray) -> None:
    """acc (draws × rows) += weights[j] ⊗ values[j], criterion by criterion (in order, so
    the rounding is that of a row-by-row sum), without (threaded) BLAS."""
    for j in range(values.shape[0]):
        np.multiply(weights[j][:, None], values[j][None, :], out=temp)
        acc += temp


# --------------------------------------------------------------------------- Verbund view

_SUMS = ("fallzahl", "stunden_ist", "stunden_soll", "stunden_gespart", "vzae_gespart",
         "euro_gespart", "medienbrueche_vermieden_pro_jahr", "neuerfassungen_pro_jahr_ist",
         "neuerfassungen_pro_jahr_soll")
#: Per-case values and shares: the Verbund value is their Fallzahl-weighted mean.
_PER_CASE = ("minuten", "digital_anteil", "neuerfassungen", "kosten_je_fall")
_WEIGHTED = (*(f"{c}_{side}" for c in _PER_CASE for side in ("ist", "soll")),
             "digital_anteil_zuwachs")


class _PerLeistung:
    """Sums per Leistung over the rows (``np.bincount`` in row order); the parts shared by
    every column without a missing value (rows per Leistung, the weights and their sum) are
    computed once.

    When the rows are a whole table, Kommune by Kommune with every Leistung once in code order
    (the national frame), a sum per Leistung is a column sum of that table: numpy adds the
    rows one after another into the column totals, starting from 0.0 — the same additions in
    the same order as ``bincount``, so the same bits, without its per-row scatter."""

    def __init__(self, l_codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> None:
        self.l_codes, self.n, self.weights = l_codes, n, weights
        self._rows: np.ndarray | None = None
        self._positive: np.ndarray | None = None
        self._w: tuple[np.ndarray, np.ndarray] | None = None
        #: rows per Leistung when the rows form such a table, else 0
        self.table = _tiled(l_codes, n)

    def sum(self, values: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        """Σ per Leistung of ``values`` (of the rows where ``where`` is True: the others
        count as 0.0, which changes no sum that starts from 0.0)."""
        if self.table:
            shape = (self.table, self.n)
            return np.add.reduce(values.reshape(shape), axis=0, dtype=np.float64, initial=0.0,
                                 where=True if where is None else where.reshape(shape))
        if where is not None:
            values = np.where(where, values, 0.0)
        return np.bincount(self.l_codes, values, minlength=self.n)

    def rows(self) -> np.ndarray:
        if self._rows is None:
            self._rows = (np.full(self.n, self.table, dtype=np.intp) if self.table else
                          np.bincount(self.l_codes, minlength=self.n))
        return self._rows

    def first(self) -> np.ndarray:
        """The first row of each Leistung (the number of rows where it has none)."""
        if self.table:
            return np.arange(self.n)
        first = np.full(self.n, len(self.l_codes))
        np.minimum.at(first, self.l_codes, np.arange(len(self.l_codes)))
        return first

    def total(self, values: np.ndarray) -> np.ndarray:
        """Σ of the known values; NaN where a Leistung has none."""
        known = ~np.isnan(values)
        if known.all():
            return np.where(self.rows() > 0, self.sum(values), np.nan)
        count = self.sum(known)
        return np.where(count > 0, self.sum(values, where=known), np.nan)

    def weighted_mean(self, values: np.ndarray) -> np.ndarray:
        """Σ w·x / Σ w over rows with a value and weight > 0; the plain mean of the known
        values where no row has a weight; NaN where nothing is known."""
        known = ~np.isnan(values)
        if self._positive is None:  # the weights ≥ 0 (NaN → 0), shared by every column
            assert self.weights is not None, "weighted_mean needs weights"
            self._positive = np.maximum(np.nan_to_num(self.weights), 0.0)
        if known.all():
            if self._w is None:
                self._w = self._positive, self.sum(self._positive)
            w, den = self._w
            num, count, where = self.sum(w * values), self.rows(), None
        else:  # the unknown rows add w · x = 0 · 0
            den, count, where = self.sum(self._positive, where=known), self.sum(known), known
            num = self.sum(self._positive * values, where=known)
        if (den > 0).all():
            return num / den
        plain = self.sum(values, where=where) / np.maximum(count, 1)
        return np.where(den > 0, num / np.where(den > 0, den, 1.0),
                        np.where(count > 0, plain, np.nan))


def _tiled(l_codes: np.ndarray, n: int) -> int:
    """Rows per code when ``l_codes`` is 0 … n − 1 repeated (a Kommunen × Leistungen table
    in row order), else 0."""
    if n == 0 or len(l_codes) == 0 or len(l_codes) % n:
        return 0
    table = len(l_codes) // n
    return table if bool((l_codes.reshape(table, n) == np.arange(n)).all()) else 0


def verbund_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per Leistung for the whole Verbund (kommune = ``Verbund``): sums over the
    members; Medienbrüche je Fall weighted by Fallzahl; OZG columns per Leistung."""
    l_codes, leistungen = codes(frame["leistung"])
    n = len(leistungen)
    out: dict[str, object] = {"kommune": VERBUND_KEY, "leistung": leistungen}
    weights = frame["fallzahl"].to_numpy(float) if "fallzahl" in frame else np.ones(len(frame))
    sums = _PerLeistung(l_codes, n, weights)
    first = sums.first()
    for col in ("leistung_name", "fachbereich", "ozg_reifegrad_ist", "ozg_reifegrad_ziel",
                "ozg_luecke", "soll_modell"):
        if col in frame:
            out[col] = frame[col].iloc[first].to_numpy()
    for col in _SUMS:
        if col in frame:
            out[col] = sums.total(frame[col].to_numpy(float))
    if "vollstaendig" in frame:
        out["vollstaendig"] = sums.sum(~frame["vollstaendig"].to_numpy(bool)) == 0
        out["datenluecken"] = _joined_gaps(frame["datenluecken"], l_codes, n)
    for col in _WEIGHTED:
        if col in frame:
            out[col] = sums.weighted_mean(frame[col].to_numpy(float))
    if "fallzahl_art" in frame:
        art = frame["fallzahl_art"]
        rep = sums.sum((art == "gemeldet").to_numpy(bool)) > 0
        est = sums.sum((art == "geschätzt").to_numpy(bool)) > 0
        out["fallzahl_art"] = np.select([rep & est, rep, est],
                                        ["teilweise geschätzt", "gemeldet", "geschätzt"], "keine")
    if "medienbrueche_vermieden_pro_jahr" in out:
        fz = np.asarray(out["fallzahl"], float)
        per_year = np.asarray(out["medienbrueche_vermieden_pro_jahr"], float)
        mean = pd.Series(frame["medienbrueche_vermieden_je_fall"].to_numpy(float)).groupby(
            l_codes).mean().reindex(range(n)).to_numpy()
        out["medienbrueche_vermieden_je_fall"] = np.where(fz > 0, per_year / np.where(
            fz > 0, fz, 1.0), mean)
    return pd.DataFrame(out)


def _joined_gaps(gaps: pd.Series, l_codes: np.ndarray, n: int) -> np.ndarray:
    """Per Leistung the distinct gap texts of its rows, "; "-joined in order of first
    appearance (rows in frame order); works on the few distinct values, not on every row."""
    codes_, texts = pd.factorize(gaps.astype(str) if not isinstance(
        gaps.dtype, pd.CategoricalDtype) else gaps.cat.codes)
    labels = ([str(c) for c in texts] if not isinstance(gaps.dtype, pd.CategoricalDtype)
              else [str(gaps.cat.categories[c]) if c >= 0 else "nan" for c in texts])
    pair = l_codes.astype(np.int64) * len(labels) + codes_
    first = np.full(n * max(len(labels), 1), len(pair), dtype=np.int64)
    np.minimum.at(first, pair, np.arange(len(pair)))
    out = [[] for _ in range(n)]
    for cell in np.argsort(first, kind="stable").tolist():
        if first[cell] == len(pair):
            break
        out[cell // len(labels)].append(labels[cell % len(labels)])
    return np.array(["; ".join(dict.fromkeys(t for v in vals for t in v.split("; ") if t))
                     for vals in out], dtype=object)


def efa_candidates(frame: pd.DataFrame, min_members: int = EFA_MIN_MEMBERS,
                   min_hours: float = EFA_MIN_HOURS) -> pd.DataFrame:
    """Per Leistung: is the shared SOLL worth building once for all („Einer für Alle“)?

    A candidate has a SOLL model whose data are complete in every member with cases, saves
    time in at least ``min_members`` members and more than ``min_hours`` hours a year in
    total. ``begruendung`` says why or why not (German)."""
    l_codes, leistungen = codes(frame["leistung"])
    n = len(leistungen)
    saved = np.nan_to_num(frame["stunden_gespart"].to_numpy(float))
    has_cases = frame["fallzahl"].to_numpy(float) > 0
    per_case = np.where(has_cases, frame["minuten_gespart_je_fall"].to_numpy(float), np.nan)
    sums = _PerLeistung(l_codes, n)
    members = sums.sum(has_cases).astype(np.int64)
    saving = sums.sum(has_cases & (saved > 0)).astype(np.int64)
    soll = sums.sum(frame["soll_modell"].to_numpy(bool)) > 0
    own = sums.sum((frame["ist_modell"] == "eigen").to_numpy(bool)).astype(np.int64)
    result = pd.DataFrame({
        "leistung": leistungen,
        "mitglieder_mit_faellen": members,
        "mitglieder_mit_einsparung": saving,
        "eigene_ist_varianten": own,
        "min_minuten_gespart_je_fall": pd.Series(per_case).groupby(l_codes).min()
        .reindex(range(n)).to_numpy(),
        "stunden_gespart": sums.sum(saved),
        "soll_modell": soll,
    })
    complete = (sums.sum(has_cases & ~frame["vollstaendig"].to_numpy(bool)) == 0
                if "vollstaendig" in frame else np.ones(n, bool))
    total = result["stunden_gespart"].to_numpy(float)
    result["efa_kandidat"] = soll & complete & (saving >= min_members) & (total > min_hours)
    result["begruendung"] = [
        _efa_reason(*x, min_members=min_members, min_hours=min_hours)
        for x in zip(soll, complete, members, saving, total, strict=True)]
    return result.sort_values(["efa_kandidat", "stunden_gespart", "leistung"],
                              ascending=[False, False, True], kind="stable").reset_index(drop=True)


def _efa_reason(soll: bool, complete: bool, members: int, saving: int, total: float, *,
                min_members: int, min_hours: float) -> str:
    """Why a Leistung is (not) an EfA candidate, in German."""
    hours = f"{total:,.0f}".replace(",", ".")
    limit = f"{min_hours:,.0f}".replace(",", ".")
    rule = f"(Regel: ≥ {min_members} Mitglieder, > {limit} Std.)"
    if not soll:
        return "nein: kein gemeinsames SOLL-Modell"
    if not complete:
        return "nein: Modelle unvollständig (siehe Datenqualität)"
    facts = f"spart in {saving} von {members} Mitgliedern mit Fällen, zusammen {hours} Std./Jahr"
    if saving < min_members:
        return f"nein: {facts} – zu wenige Mitglieder {rule}"
    if total <= min_hours:
        return f"nein: {facts} – zu wenig Stunden {rule}"
    return f"ja: {facts} {rule}"


def member_comparison(scored: pd.DataFrame, value: str = "rang") -> pd.DataFrame:
    """Leistungen × Kommunen table of one column (default: the rank in each Kommune)."""
    table = scored.pivot_table(index="leistung", columns="kommune", values=value,
                               aggfunc="first", observed=True)
    return table.sort_index().sort_index(axis=1)
