"""Scores, quadrant, ranking, sensitivity, Verbund view and EfA — hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import ranking
from workbench.scoring_model import ScoringModel, parse_scoring_model

from .helpers import FALLZAHLEN, KOMMUNEN, LEISTUNGEN, METRICS, PARAMS


def _model(policy: str = "neutral", normalization: str = "maximum") -> ScoringModel:
    return parse_scoring_model({
        "skala": {"min": 0, "max": 3}, "fehlende_bewertung": policy, "normierung": normalization,
        "gruppen": [
            {"id": "n", "name": "Nutzen", "dimension": "nutzen", "gewicht": 1, "kriterien": [
                {"id": "fz", "gewicht": 1, "richtung": "hoch", "quelle": "berechnet:fallzahl"},
                {"id": "qual", "gewicht": 1, "richtung": "hoch"}]},
            {"id": "e", "name": "Eignung", "dimension": "eignung", "gewicht": 1, "kriterien": [
                {"id": "kosten", "gewicht": 1, "richtung": "niedrig"},
                {"id": "spar", "gewicht": 1, "richtung": "hoch",
                 "quelle": "berechnet:stunden_gespart"}]},
        ]}, "test.yaml")


FRAME = pd.DataFrame({
    "kommune": ["K1", "K1", "K2", "K2"],
    "leistung": ["l1", "l2", "l1", "l2"],
    "fallzahl": [100.0, 25.0, 1000.0, 250.0],
    "stunden_gespart": [10.0, 20.0, 100.0, 200.0],
})
RATINGS = pd.DataFrame({"leistung": ["l1", "l1", "l2"], "kriterium": ["qual", "kosten", "kosten"],
                        "wert": [3, 1, 3]})


def test_scores_by_hand_neutral() -> None:
    out = ranking.score(FRAME, RATINGS, _model())
    l1, l2 = out.iloc[0], out.iloc[1]
    # l1: Nutzen (3 + 3)/2 → 100 %; Eignung ((3 − 1) + 10/20·3)/2 = 1.75 → 58.3 %
    assert l1["nutzen"] == pytest.approx(100)
    assert l1["eignung"] == pytest.approx(175 / 3)
    assert l1["prioritaet"] == pytest.approx((100 + 175 / 3) / 2)
    # l2: qual missing → midpoint 1.5; fallzahl 25/100·3 = 0.75 → (0.75 + 1.5)/2 = 1.125
    assert l2["nutzen"] == pytest.approx(37.5)
    assert l2["eignung"] == pytest.approx(50)  # (3 − 3) and 20/20·3
    assert l2["kriterien_fehlend"] == 1
    assert list(out["quadrant"].astype(str)) == ["Schnell umsetzen", "Prüfen"] * 2
    assert list(out["rang"]) == [1, 2, 1, 2]
    # normalized within each Kommune: ten times the volume gives the same scores
    assert out["prioritaet"].iloc[2] == pytest.approx(l1["prioritaet"])


def test_scores_by_hand_renormalize() -> None:
    out = ranking.score(FRAME, RATINGS, _model("renormalisieren"))
    assert out.iloc[1]["nutzen"] == pytest.approx(25)  # only fallzahl: 0.75 of 3
    assert out.iloc[1]["prioritaet"] == pytest.approx(37.5)


def test_normalize_within_groups() -> None:
    model = _model()
    values = np.array([10.0, 5.0, -2.0, 0.0, np.nan, 4.0])
    groups = np.array([0, 0, 0, 1, 1, 2])
    got = ranking.normalize_within(values, groups, model)
    assert got[:4] == pytest.approx([3.0, 1.5, 0.0, 0.0])
    assert np.isnan(got[4])
    assert got[5] == pytest.approx(3.0)
    ranked = ranking.normalize_within(np.array([1.0, 2.0, 3.0, 3.0]), np.zeros(4, int),
                                      _model(normalization="rang"))
    assert ranked == pytest.approx([0, 1, 2.5, 2.5])


def test_ties_are_broken_by_leistung_id_and_rank_is_deterministic() -> None:
    frame = pd.DataFrame({"kommune": ["K"] * 3, "leistung": ["c", "a", "b"],
                          "fallzahl": [1.0, 1.0, 1.0], "stunden_gespart": [1.0, 1.0, 1.0]})
    out = ranking.score(frame, None, _model())
    assert dict(zip(out["leistung"], out["rang"], strict=True)) == {"a": 1, "b": 2, "c": 3}


def test_ratings_outside_scale_or_unknown_are_reported() -> None:
    bad = pd.DataFrame({"leistung": ["l1", "l1", "l1"], "kriterium": ["qual", "fz", "xyz"],
                        "wert": [7, 2, 1]})
    out = ranking.score(FRAME, bad, _model())
    notes = " ".join(out.attrs["hinweise"])
    assert "außerhalb der Skala" in notes and "wird berechnet" in notes and "unbekannt" in notes
    assert out.iloc[0]["kriterien_fehlend"] == 2


def test_sensitivity_is_seeded_and_contains_the_configured_rank() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"kommune": np.repeat(["K1", "K2"], 12),
                          "leistung": [f"l{i:02d}" for i in range(12)] * 2,
                          "fallzahl": rng.integers(1, 500, 24).astype(float),
                          "stunden_gespart": rng.random(24) * 100})
    ratings = pd.DataFrame({"leistung": [f"l{i:02d}" for i in range(12)] * 2,
                            "kriterium": ["qual"] * 12 + ["kosten"] * 12,
                            "wert": rng.integers(0, 4, 24)})
    model = _model()
    a = ranking.sensitivity(frame, ratings, model, top=3, draws=300, seed=7)
    b = ranking.sensitivity(frame, ratings, model, top=3, draws=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    scored = ranking.score(frame, ratings, model)
    assert (a["rang_min"] <= scored["rang"]).all() and (scored["rang"] <= a["rang_max"]).all()
    assert a.groupby("kommune")["p_top"].sum().round(9).tolist() == [3.0, 3.0]
    assert a["robust"].equals((a["p_top"] >= 0.9) | (a["p_top"] <= 0.1))
    c = ranking.sensitivity(frame, ratings, model, top=3, draws=300, seed=8)
    assert not np.allclose(a["p_top"], c["p_top"])


def test_sensitivity_dominant_leistung_is_robust() -> None:
    frame = pd.DataFrame({"kommune": ["K"] * 3, "leistung": ["gut", "mittel", "schlecht"],
                          "fallzahl": [100.0, 50.0, 1.0], "stunden_gespart": [100.0, 50.0, 1.0]})
    ratings = pd.DataFrame({"leistung": ["gut", "gut", "mittel", "mittel", "schlecht",
                                         "schlecht"],
                            "kriterium": ["qual", "kosten"] * 3, "wert": [3, 0, 2, 1, 0, 3]})
    out = ranking.sensitivity(frame, ratings, _model(), top=1, draws=200, seed=1)
    assert out["p_top"].tolist() == [1.0, 0.0, 0.0]
    assert out["robust"].all()
    assert out["rang_min"].tolist() == [1, 2, 3] and out["rang_max"].tolist() == [1, 2, 3]


def test_sensitivity_without_draws_uses_configured_weights() -> None:
    out = ranking.sensitivity(FRAME, RATINGS, _model(), top=1, draws=0)
    assert out["p_top"].tolist() == [1.0, 0.0, 1.0, 0.0]


def _potential() -> pd.DataFrame:
    from workbench.potential import potential_frame

    return potential_frame(KOMMUNEN, LEISTUNGEN, FALLZAHLEN, METRICS, PARAMS)


def test_verbund_frame_sums_members() -> None:
    frame = _potential()
    verbund = ranking.verbund_frame(frame).set_index("leistung")
    hund = verbund.loc["hund"]
    assert hund["fallzahl"] == pytest.approx(120 + 300 + 540)
    assert hund["stunden_gespart"] == pytest.approx((120 * 15 + 300 * 25 + 540 * 15) / 60)
    assert hund["fallzahl_art"] == "teilweise geschätzt"
    assert hund["medienbrueche_vermieden_je_fall"] == pytest.approx(
        (120 * 2 + 300 * 3 + 540 * 2) / 960)
    assert pd.isna(verbund.loc["fund", "stunden_gespart"])
    assert (ranking.verbund_frame(frame)["kommune"] == "Verbund").all()


def test_efa_candidates() -> None:
    """hund spart in 3 Mitgliedern (120·15 + 300·25 + 540·15)/60 = 290 Std./Jahr."""
    efa = ranking.efa_candidates(_potential(), min_members=3, min_hours=250).set_index("leistung")
    assert bool(efa.loc["hund", "efa_kandidat"])
    assert efa.loc["hund", "begruendung"] == ("ja: spart in 3 von 3 Mitgliedern mit Fällen, "
                                               "zusammen 290 Std./Jahr (Regel: ≥ 3 Mitglieder, "
                                               "> 250 Std.)")
    strict = ranking.efa_candidates(_potential(), min_members=3, min_hours=290).set_index(
        "leistung")
    assert not bool(strict.loc["hund", "efa_kandidat"])
    assert "zu wenig Stunden" in strict.loc["hund", "begruendung"]
    few = ranking.efa_candidates(_potential(), min_members=4, min_hours=0).set_index("leistung")
    assert "zu wenige Mitglieder" in few.loc["hund", "begruendung"]
    assert few.loc["fund", "begruendung"] == "nein: kein gemeinsames SOLL-Modell"
    assert efa.loc["hund", "mitglieder_mit_faellen"] == 3  # the Landkreis has no cases
    assert efa.loc["hund", "eigene_ist_varianten"] == 1
    assert efa.loc["hund", "min_minuten_gespart_je_fall"] == 15
    assert not bool(efa.loc["fund", "efa_kandidat"])  # no SOLL


def test_member_comparison() -> None:
    scored = ranking.score(FRAME, RATINGS, _model())
    table = ranking.member_comparison(scored)
    assert table.loc["l1"].tolist() == [1, 1]
    assert list(table.columns) == ["K1", "K2"]


def test_group_ranks_equal_a_stable_sort_with_ties_and_ragged_groups() -> None:
    rng = np.random.default_rng(5)
    for _ in range(100):
        sizes = rng.integers(1, 9, rng.integers(1, 6))
        k = np.repeat(np.arange(len(sizes)), sizes)
        leist = np.concatenate([np.arange(s) for s in sizes])
        keys = rng.integers(0, 3, (len(k), 4)).astype(float)  # many ties
        for d in range(4):
            got = ranking.rank_within(k, leist, -keys[:, d])
            order = np.lexsort((leist, keys[:, d], k))
            expected = np.empty(len(k), dtype=np.int64)
            for gi in range(len(sizes)):
                rows = order[k[order] == gi]
                expected[rows] = np.arange(1, len(rows) + 1)
            assert (got == expected).all()


def test_rows_without_cases_get_no_rank() -> None:
    frame = FRAME.assign(fallzahl=[100.0, 0.0, 1000.0, 250.0])
    out = ranking.score(frame, RATINGS, _model())
    assert out["rang"].tolist()[0] == 1 and np.isnan(out["rang"].tolist()[1])
    assert any("ohne Fälle" in h for h in out.attrs["hinweise"])
    sens = ranking.sensitivity(frame, RATINGS, _model(), top=1, draws=20)
    assert np.isnan(sens["p_top"].iloc[1]) and not sens["robust"].iloc[1]
    assert sens["p_top"].iloc[0] == 1.0
