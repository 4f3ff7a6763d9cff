"""The sensitivity analysis as it was before issue 13 (one argsort per Kommune and draw, rows ×
draws layout): the reference that the fast path (``workbench.draw_ranks``) must equal exactly.

Used by ``benchmarks/bench_potential.py`` (baseline in the same run) and by
``tests/potential/test_sensitivity_exact.py``. Kept verbatim apart from the name; do not tune it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.ranking import (
    DIMENSIONS,
    CriterionValues,
    ScoringModel,
    _Groups,
    _ranks,
    criterion_values,
    eligible_rows,
)


def sensitivity_reference(frame: pd.DataFrame, bewertungen: pd.DataFrame | None, model: ScoringModel, *,
                top: int = 5, draws: int = 500, seed: int = 20240601,
                concentration: float = 100.0, robust_threshold: float = 0.9,
                chunk_cells: int = 1_000_000) -> pd.DataFrame:
    """How stable each rank is when the weights vary around the configured ones.

    Weight vectors ~ Dirichlet(concentration × configured effective weights), seeded; the
    configured vector is draw 0. Returns per row ``p_top`` (share of random draws in the top
    ``top`` of its Kommune), ``rang_min``, ``rang_max`` and ``robust`` (p_top ≥ threshold or
    ≤ 1 − threshold), aligned with ``frame``; rows without cases get NaN and not robust."""
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
    score = _DrawScores(cv, model, omega)
    sel = np.flatnonzero(eligible_rows(frame))
    grp = _Groups.of(cv.k_codes[sel], cv.l_codes[sel])
    n_groups = len(grp.starts)
    p_top, r_min, r_max = (np.full(len(frame), np.nan) for _ in range(3))
    per_chunk = max(1, chunk_cells // max(1, grp.width * (draws + 1)))
    for g0 in range(0, n_groups, per_chunk):
        g1 = min(g0 + per_chunk, n_groups)
        a, b = grp.starts[g0], (grp.starts[g1] if g1 < n_groups else len(sel))
        rows = sel[grp.order[a:b]]
        ranks = _ranks(-score(rows), grp.g[a:b] - g0, grp.pos[a:b], g1 - g0, grp.width)
        p_top[rows] = (ranks[:, 1:] < top).mean(axis=1) if draws else (ranks[:, 0] < top)
        r_min[rows] = ranks.min(axis=1) + 1
        r_max[rows] = ranks.max(axis=1) + 1
    robust = (p_top >= robust_threshold) | (p_top <= 1.0 - robust_threshold)  # NaN → False
    return pd.DataFrame({"kommune": frame["kommune"].to_numpy(),
                         "leistung": frame["leistung"].to_numpy(), "p_top": p_top,
                         "rang_min": r_min, "rang_max": r_max, "robust": robust},
                        index=frame.index)


class _DrawScores:
    """Priorität of rows under many weight vectors (columns of ``omega``), up to an
    increasing affine map (enough for ranks): Σ_dimension share · (Σ w·v / Σ w)."""

    def __init__(self, cv: CriterionValues, model: ScoringModel, omega: np.ndarray) -> None:
        self.cv, self.mid = cv, model.scale.mid
        self.neutral = model.missing_policy == "neutral"
        nr = len(cv.rated_criteria)
        self.om_r, self.om_c = omega[:nr], omega[nr:]
        crit = cv.rated_criteria + cv.computed_criteria
        self.dims = [np.array([c.dimension == d for c in crit]) for d in DIMENSIONS]
        known_r = ~np.isnan(cv.rated)
        if self.neutral:  # den = Σ w of the dimension = its share: one product suffices
            self.rated = np.where(known_r, cv.rated, self.mid) @ self.om_r
            return
        self.nr = nr
        self.parts = [(np.where(known_r, cv.rated, 0.0)[:, m[:nr]] @ self.om_r[m[:nr]],
                       known_r[:, m[:nr]].astype(float) @ self.om_r[m[:nr]],
                       omega[m].sum(axis=0)) for m in self.dims]

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        comp = self.cv.computed[rows]
        known = ~np.isnan(comp)
        leist = self.cv.l_codes[rows]
        if self.neutral:
            return _add_products(self.rated[leist], np.where(known, comp, self.mid), self.om_c)
        out = np.zeros((len(rows), self.om_r.shape[1]))
        vals, mask = np.where(known, comp, 0.0), known.astype(float)
        for m, (num_r, den_r, share) in zip(self.dims, self.parts, strict=True):
            mc = m[self.nr:]
            num = _add_products(num_r[leist], vals[:, mc], self.om_c[mc])
            den = _add_products(den_r[leist], mask[:, mc], self.om_c[mc])
            out += share * np.where(den > 0, num / np.where(den > 0, den, 1.0), self.mid)
        return out


def _add_products(acc: np.ndarray, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """acc + values @ weights for the few computed criteria, without (threaded) BLAS."""
    for j in range(values.shape[1]):
        acc += values[:, j, None] * weights[j]
    return acc
