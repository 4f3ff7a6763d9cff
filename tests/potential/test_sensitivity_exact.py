"""The fast sensitivity (issue 13, goal 3) gives exactly the results of the implementation before
it (``benchmarks/sensitivity_reference.py``: one stable argsort per Kommune and draw), on a
realistic national-style frame, on the shipped example, with ties, near-ties, gaps, both
policies for missing ratings and on several threads."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import EXAMPLE
from workbench import draw_ranks, ranking
from workbench.potential import analyse
from workbench.repository import Repository
from workbench.scoring_model import Scale, parse_scoring_model

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_potential  # noqa: E402
from sensitivity_reference import sensitivity_reference  # noqa: E402


@pytest.fixture(scope="module")
def national() -> dict:
    """The benchmark's synthetic data for a seeded sample of 60 real administrations."""
    data = bench_potential.synthetic(60)
    data["frame"] = bench_potential.potential_frame(
        data["kommunen"], data["leistungen"], data["fallzahlen"], data["metrics"],
        data["params"])
    return data


def _both(frame, ratings, model, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    threads = kw.pop("threads", None)
    return (ranking.sensitivity(frame, ratings, model, threads=threads, **kw),
            sensitivity_reference(frame, ratings, model, **kw))


@pytest.mark.parametrize("top", [1, 5, 10])
def test_national_frame_identical_to_before(national, top) -> None:
    ours, before = _both(national["frame"], national["ratings"], national["model"], top=top,
                         draws=500, seed=bench_potential.SEED)
    pd.testing.assert_frame_equal(ours, before, check_exact=True)
    ranked = ours["p_top"].notna()
    assert ranked.sum() > 30_000 and (~ranked).any()  # realistic: some rows without cases
    assert 0 < ours.loc[ranked, "robust"].mean() < 1


def test_rows_in_another_order_and_a_kommune_without_cases_identical_to_before(national) -> None:
    """Rows shuffled and one Kommune without any case: the grid is not the frame's own table
    (its columns are scattered back to the rows), still the same results as before."""
    frame = national["frame"]
    first = frame["kommune"].iloc[0]
    frame = frame.assign(fallzahl=frame["fallzahl"].where(frame["kommune"] != first, 0.0))
    frame = frame.sample(frac=1.0, random_state=3)
    ours, before = _both(frame, national["ratings"], national["model"], top=5, draws=40,
                         seed=bench_potential.SEED)
    pd.testing.assert_frame_equal(ours, before, check_exact=True)
    assert ours.loc[frame["kommune"] == first, "p_top"].isna().all()
    assert ours["p_top"].notna().sum() > 30_000


def test_per_leistung_prefix_and_its_exceptions_identical_to_before(national) -> None:
    """The digital share and the OZG gap are one value per Leistung in most Kommunen and are
    folded into a per-Leistung prefix; rows that differ (a Kommune with its own
    normalisation, single edited rows, a missing value) are computed in full."""
    frame, ratings, model = national["frame"].copy(), national["ratings"], national["model"]
    cv = ranking.criterion_values(frame, ratings, model)
    grid, aligned = ranking._rank_grid(cv, ranking.eligible_rows(frame))
    omega = np.ones((len(cv.rated_criteria) + len(cv.computed_criteria), 3))
    assert aligned and ranking._DrawScores(cv, model, omega).share_per_leistung(grid) == 2
    rng = np.random.default_rng(7)
    first = (frame["kommune"] == frame["kommune"].iloc[0]).to_numpy()
    frame.loc[first, "digital_anteil_zuwachs"] += rng.uniform(0, 0.3, first.sum())
    some = rng.choice(len(frame), 40, replace=False)
    frame.loc[some[:20], "ozg_luecke"] += 1.0
    frame.loc[some[20:], "ozg_luecke"] = np.nan
    cv = ranking.criterion_values(frame, ratings, model)
    score = ranking._DrawScores(cv, model, omega)
    assert score.share_per_leistung(grid) == 2
    assert score.share_per_leistung(grid, limit=0.0) == 0  # too many exceptions: no prefix
    ours, before = _both(frame, ratings, model, top=5, draws=300, seed=3)
    pd.testing.assert_frame_equal(ours, before, check_exact=True)


def test_score_bounds_hold_and_keep_the_lossless_packing(national) -> None:
    """The bounds the per-Leistung prefix returns (instead of a min and max pass over every
    block) contain every score and are tight enough for the lossless key packing."""
    frame, ratings, model = national["frame"], national["ratings"], national["model"]
    cv = ranking.criterion_values(frame, ratings, model)
    grid, _ = ranking._rank_grid(cv, ranking.eligible_rows(frame))
    crit = cv.rated_criteria + cv.computed_criteria
    rng = np.random.default_rng(5)
    omega = np.c_[np.full(len(crit), 1 / len(crit)), rng.dirichlet(np.full(len(crit), 30.0), 40).T]
    score = ranking._DrawScores(cv, model, omega)
    assert score.nonnegative and score.share_per_leistung(grid) == 2
    kernel = draw_ranks._Kernel(grid, score, omega.shape[1], 5, True, True, 7, 9)
    for g0 in range(0, grid.shape[0], 7):
        rows = grid[g0:g0 + 7].ravel()
        rows = np.where(rows < 0, 0, rows)
        for d0 in range(0, omega.shape[1], 9):
            draws = slice(d0, min(d0 + 9, omega.shape[1]))
            out = np.empty((draws.stop - d0, len(rows)))
            lo, hi = score(rows, out, True, draws)
            assert 0 < lo <= out.min() and out.max() <= hi
            key = np.empty(out.shape, dtype=np.uint64)
            assert kernel._pack_lossless(out, key, kernel.place[:len(rows)], (lo, hi))


def test_threads_and_chunks_do_not_change_anything(national, monkeypatch) -> None:
    one = ranking.sensitivity(national["frame"], national["ratings"], national["model"],
                              draws=200, threads=1)
    monkeypatch.setattr(draw_ranks, "CHUNK_CELLS", 50_000)  # many small chunks
    two = ranking.sensitivity(national["frame"], national["ratings"], national["model"],
                              draws=200, threads=2)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_renormalising_policy_identical_to_before(national) -> None:
    model = national["model"]
    data = _model_dict(model, fehlende_bewertung="renormalisieren")
    renorm = parse_scoring_model(data)
    assert renorm.missing_policy == "renormalisieren"
    ours, before = _both(national["frame"], national["ratings"], renorm, top=5, draws=100)
    pd.testing.assert_frame_equal(ours, before, check_exact=True)


def test_negative_scale_takes_the_general_path_and_stays_identical(national) -> None:
    """bewertung.yaml allows no negative scale; a model built in code may have one."""
    model = dataclasses.replace(national["model"], scale=Scale(-3.0, 3.0))
    ratings = national["ratings"].assign(wert=national["ratings"]["wert"] * 2 - 3)
    cv = ranking.criterion_values(national["frame"], ratings, model)
    omega = np.ones((len(cv.rated_criteria) + len(cv.computed_criteria), 3))
    assert not ranking._DrawScores(cv, model, omega).nonnegative
    ours, before = _both(national["frame"], ratings, model, top=3, draws=100)
    pd.testing.assert_frame_equal(ours, before, check_exact=True)


def test_example_analysis_identical_to_before() -> None:
    repo = Repository.load(EXAMPLE)
    result = analyse(repo)
    from workbench.strategy.criterion import strategy_ratings

    ratings, _ = strategy_ratings(repo)
    top = result.annahmen["top_n"]
    cols = ["p_top", "rang_min", "rang_max", "robust"]
    frame = result.frame.drop(columns=cols)
    before = sensitivity_reference(frame, ratings, repo.scoring, top=top, draws=500)
    pd.testing.assert_frame_equal(result.frame[cols], before[cols], check_exact=True)
    verbund = result.verbund.drop(columns=cols)
    vbefore = sensitivity_reference(verbund, ratings, repo.scoring, top=top, draws=500)
    pd.testing.assert_frame_equal(result.verbund[cols], vbefore[cols], check_exact=True)


# --------------------------------------------------------------------------- the kernel


def _brute(grid: np.ndarray, scores: np.ndarray, top: int) -> tuple[np.ndarray, ...]:
    """Stable argsort of −score per (group, draw); NaN after numbers; empty cells ignored."""
    draws = scores.shape[0]
    shape = grid.shape
    top_count, r_min, r_max = (np.zeros(shape, dtype=np.int64) for _ in range(3))
    r_min[:] = 10**9
    for g in range(shape[0]):
        places = np.flatnonzero(grid[g] >= 0)
        for d in range(draws):
            keys = -scores[d, grid[g, places]]
            keys = np.where(np.isnan(keys), np.inf, keys)
            order = np.argsort(keys, kind="stable")
            rank = np.empty(len(places), dtype=np.int64)
            rank[order] = np.arange(len(places))
            r_min[g, places] = np.minimum(r_min[g, places], rank)
            r_max[g, places] = np.maximum(r_max[g, places], rank)
            if d >= 1 or draws == 1:
                top_count[g, places] += rank < top
    return top_count, r_min, r_max


def _kernel_case(rng: np.random.Generator, *, n_groups: int, width: int, draws: int,
                 nonnegative: bool, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    grid = np.arange(n_groups * width).reshape(n_groups, width)
    grid[rng.random(grid.shape) < 0.15] = -1  # rows without cases
    base = np.round(rng.uniform(0.6, 3.0, (draws, n_groups * width)), 1)  # many exact ties
    near = rng.random(base.shape) < 0.2  # and near-ties that share a truncated key
    base = np.where(near, np.nextafter(base, 10.0), base)
    if positive:  # three binades: the lossless packing
        return grid, base
    base[:, ::7] = 0.0  # zeros tie with each other (and force the truncating packing)
    if not nonnegative:
        base -= 1.5
        base[:, 3::11] = -0.0
        base[0, 5] = np.nan
    return grid, base


@pytest.mark.parametrize(("nonnegative", "positive"), [(True, True), (True, False),
                                                      (False, False)])
@pytest.mark.parametrize("threads", [1, 2])
def test_kernel_equals_a_stable_sort_with_ties_near_ties_and_gaps(nonnegative, positive,
                                                                   threads) -> None:
    rng = np.random.default_rng(11)
    grid, scores = _kernel_case(rng, n_groups=9, width=37, draws=41, nonnegative=nonnegative,
                                positive=positive)

    def fill(rows: np.ndarray, out: np.ndarray, aligned: bool, draws: slice) -> None:
        out[...] = scores[draws][:, rows]

    stats = draw_ranks.rank_stats(grid, fill, scores.shape[0], 4, nonnegative=nonnegative,
                                  threads=threads, chunk_cells=3 * 37 * 41)
    top_count, r_min, r_max = _brute(grid, scores, 4)
    cells = grid >= 0
    assert np.array_equal(stats.top_count[cells], top_count[cells])
    assert np.array_equal(stats.rank_min[cells], r_min[cells])
    assert np.array_equal(stats.rank_max[cells], r_max[cells])


def test_near_ties_are_found_and_re_ranked(monkeypatch) -> None:
    """Scores one ulp apart share a truncated key (a zero score rules out the lossless
    packing); the exact check must re-rank their slice."""
    grid = np.arange(4).reshape(1, 4)
    one = 1.0
    scores = np.array([[one, np.nextafter(one, 2.0), one, 0.0]] * 3)  # row 1 is the largest
    redone = []
    original = np.argsort

    def spy(a, *args, **kwargs):
        if kwargs.get("kind") == "stable":
            redone.append(len(a))
        return original(a, *args, **kwargs)

    monkeypatch.setattr(draw_ranks.np, "argsort", spy)
    stats = draw_ranks.rank_stats(grid, lambda r, out, a, d: out.__setitem__(..., scores[d][:, r]),
                                  3, 1, nonnegative=True, threads=1)
    assert redone  # the collision was detected
    assert stats.rank_min[0].tolist() == [1, 0, 2, 3] == stats.rank_max[0].tolist()
    assert stats.top_count[0].tolist() == [0, 2, 0, 0]


def test_positive_scores_in_few_binades_need_no_re_ranking(monkeypatch) -> None:
    grid = np.arange(4).reshape(1, 4)
    scores = np.array([[1.0, np.nextafter(1.0, 2.0), 1.0, 0.5]] * 3)
    monkeypatch.setattr(draw_ranks._Kernel, "_exact_ties", None)  # must not be called
    stats = draw_ranks.rank_stats(grid, lambda r, out, a, d: out.__setitem__(..., scores[d][:, r]),
                                  3, 1, nonnegative=True, threads=1)
    assert stats.rank_min[0].tolist() == [1, 0, 2, 3] == stats.rank_max[0].tolist()


def _model_dict(model, **changes) -> dict:
    data = {
        "skala": {"min": model.scale.min, "max": model.scale.max},
        "fehlende_bewertung": model.missing_policy,
        "normierung": model.normalization,
        "dimensionen": dict(model.dimension_weights),
        "gruppen": [{"id": g.id, "name": g.name, "dimension": g.dimension, "gewicht": g.weight,
                     "kriterien": [{"id": c.id, "name": c.name, "gewicht": c.weight,
                                    "richtung": c.direction,
                                    **({"quelle": f"berechnet:{c.source}"} if c.source else {})}
                                   for c in g.criteria]} for g in model.groups],
    }
    data.update(changes)
    return data


# --------------------------------------------------------------------------- vectorised helpers


def test_verbund_gap_texts_as_before(national) -> None:
    """The Verbund's joined gap texts equal the former per-row groupby join."""
    frame = national["frame"]
    l_codes, leistungen = ranking.codes(frame["leistung"])
    before = pd.Series(frame["datenluecken"].astype(str).to_numpy()).groupby(l_codes).agg(
        lambda x: "; ".join(dict.fromkeys(t for v in x for t in v.split("; ") if t)))
    before = before.reindex(range(len(leistungen))).fillna("").to_numpy()
    ours = ranking.verbund_frame(frame)["datenluecken"].to_numpy()
    assert (ours == before).all() and any(ours) and not all(ours)


def test_verbund_table_sums_as_bincount(national, monkeypatch) -> None:
    """On the national frame (Kommunen × Leistungen in row order) the Verbund's sums and
    Fallzahl-weighted means and the EfA table's counts and hours are column sums of that
    table; they equal, bit for bit, the per-row ``bincount`` used for any other row order,
    with gaps (NaN) in many columns."""
    frame = national["frame"]
    assert ranking._tiled(ranking.codes(frame["leistung"])[0], len(national["leistungen"]))
    assert frame["stunden_gespart"].isna().any() and frame["minuten_soll"].isna().any()
    table = ranking.verbund_frame(frame), ranking.efa_candidates(frame, 3, 10.0)
    monkeypatch.setattr(ranking, "_tiled", lambda l_codes, n: 0)
    rows = ranking.verbund_frame(frame), ranking.efa_candidates(frame, 3, 10.0)
    for ours, before in zip(table, rows, strict=True):
        pd.testing.assert_frame_equal(ours, before, check_exact=True)
    assert table[1]["efa_kandidat"].any() and not table[1]["efa_kandidat"].all()
    assert not ranking._tiled(np.array([0, 1, 1, 0]), 2)  # not in code order: bincount
    assert not ranking._tiled(np.array([0, 1, 0]), 2)


def test_ratings_matrix_as_before_with_bad_and_repeated_ratings(national) -> None:
    model = national["model"]
    leistungen = sorted(national["leistungen"]["id"].astype(str))[:40]
    good = national["ratings"][national["ratings"]["leistung"].isin(leistungen)]
    extra = pd.DataFrame({
        "leistung": [leistungen[0], leistungen[1], leistungen[2], "fremd", leistungen[3],
                     leistungen[0]],
        "kriterium": [model.rated[0].id, "unbekannt", model.computed[0].id, model.rated[1].id,
                      model.rated[2].id, model.rated[0].id],
        "wert": [2.0, 1.0, 1.0, 1.0, 7.0, "x"]})
    extra = pd.concat([extra, extra.iloc[[0]].assign(wert=1.0)])  # repeated: the last counts
    ratings = pd.concat([good, extra], ignore_index=True)
    ours, warnings = ranking.ratings_matrix(ratings, model, leistungen)
    before, before_warnings = _ratings_matrix_before(ratings, model, leistungen)
    np.testing.assert_array_equal(ours, before)
    assert warnings == before_warnings and len(warnings) == 4


def _ratings_matrix_before(bewertungen, model, leistungen):
    """The row-by-row loop the vectorised ratings_matrix replaced."""
    crit = model.rated
    out = np.full((len(leistungen), len(crit)), np.nan)
    warnings: list[str] = []
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
