"""The derived criterion and the computed Key Results, checked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbench.metrics import compute
from workbench.potential import analyse
from workbench.repository import Repository
from workbench.strategy import strategy_of
from workbench.strategy.criterion import derived_ratings, leistungen_of_goal, support_values
from workbench.strategy.kpis import KpiData, evaluate, kpi_data, potential_at, progress
from workbench.strategy.model import Goal, Measure, Strategy


def _strategy(**kw) -> Strategy:
    goals = (Goal("a", "A", "f", prioritaet="hoch"), Goal("b", "B", "f", prioritaet="mittel"),
             Goal("c", "C", "f", prioritaet="niedrig"), Goal("d", "D", "f"))
    measures = (
        Measure("m1", "M1", ziele=("a", "c"), leistungen=("x",)),      # 3 + 1 = 4
        Measure("m2", "M2", ziele=("a",), soll=("x",)),                # a counted once
        Measure("m3", "M3", ziele=("b",), leistungen=("y",)),          # 2
        Measure("m4", "M4", ziele=("a", "b", "c"), leistungen=("z",),  # 6, capped
                status="zurueckgestellt"),
        Measure("m5", "M5", ziele=("d",), leistungen=("w",)),          # no priority: mittel 2
        Measure("m6", "M6", ziele=("a", "b", "c", "d"), leistungen=("v",)),  # 8 → capped
    )
    return Strategy("T", "V", ziele=goals, massnahmen=measures, **kw)


def test_support_values_by_hand() -> None:
    values = support_values(_strategy(), ["v", "w", "x", "y", "z", "u"], (0.0, 3.0))
    # wert = 0 + 3 · min(1, Punkte / 6)
    assert values == pytest.approx({"x": 2.0, "y": 1.0, "w": 1.0, "v": 3.0, "z": 0.0, "u": 0.0})
    other = support_values(_strategy(saettigung=4.0), ["x", "y"], (1.0, 5.0))
    assert other == pytest.approx({"x": 5.0, "y": 3.0})  # 1 + 4 · min(1, 4/4); 1 + 4 · 2/4
    assert leistungen_of_goal(_strategy(), "a") == ["v", "x"]


def test_example_criterion_and_ranking_hook() -> None:
    repo = Repository.load(ROOT / "processes")
    strategy, _ = strategy_of(repo)
    values = support_values(strategy, list(repo.leistungen["id"]), (0.0, 3.0))
    # gaststaettenerlaubnis: m06 → z2_4 (mittel, 2 Punkte) → 3 · 2/6 = 1
    assert values["gaststaettenerlaubnis"] == pytest.approx(1.0)
    # fundsachen: m07 → z2_2 (hoch, 3) → 1,5; kita: m08 → z2_5 hoch 3 + z3_1 niedrig 1 → 2
    assert values["fundsachen"] == pytest.approx(1.5)
    assert values["kita_anmeldung"] == pytest.approx(2.0)
    # eigentuemerwechsel: no Maßnahme → scale minimum
    assert values["eigentuemerwechsel"] == 0.0
    assert values["hundeanmeldung"] == 3.0  # z2_5, z2_2, z4_3, z2_1: 10 points, capped
    ratings, notes = derived_ratings(repo.bewertungen, strategy, repo.scoring,
                                     list(repo.leistungen["id"]))
    mine = ratings[ratings["kriterium"] == "unterstuetzung_strategie"]
    assert dict(zip(mine["leistung"], mine["wert"], strict=True)) == values
    assert "16 Bewertung(en) dieses Kriteriums in Steckbriefen" in notes[0]
    others = ratings[ratings["kriterium"] != "unterstuetzung_strategie"]
    base = repo.bewertungen[repo.bewertungen["kriterium"] != "unterstuetzung_strategie"]
    assert len(others) == len(base)
    assert sorted(leistungen_of_goal(strategy, "z2_4")) == [
        "briefwahl", "gaststaettenerlaubnis", "gewerbeanmeldung"]


def test_ranking_uses_the_derived_value(example_copy: Path) -> None:
    """Removing the only Maßnahme of a Leistung lowers its Nutzen by the criterion's share."""
    before = analyse(Repository.load(example_copy), draws=0).verbund.set_index("leistung")
    path = example_copy / "strategie" / "massnahmen.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "leistungen: [gewerbeanmeldung, gaststaettenerlaubnis]", "leistungen: [gewerbeanmeldung]"),
        encoding="utf-8")
    after = analyse(Repository.load(example_copy), draws=0).verbund.set_index("leistung")
    repo = Repository.load(example_copy)
    model = repo.scoring
    weight = {c.id: g.weight * c.weight for g in model.groups for c in g.criteria}
    nutzen_weights = sum(weight[c.id] for g in model.groups if g.dimension == "nutzen"
                         for c in g.criteria)
    # 1,0 → 0 on the scale 0–3 of one criterion: Nutzen falls by 100 · w · 1/3 / Σw
    expected = 100 * weight["unterstuetzung_strategie"] * (1.0 / 3) / nutzen_weights
    drop = before.loc["gaststaettenerlaubnis", "nutzen"] - after.loc["gaststaettenerlaubnis", "nutzen"]
    assert drop == pytest.approx(expected)
    assert before.loc["briefwahl", "nutzen"] == after.loc["briefwahl", "nutzen"]


def test_progress_by_hand() -> None:
    assert progress(50, 100, 90) == pytest.approx(0.8)
    assert progress(0, 10, 12) == 1.0 and progress(10, 0, 12) == 0.0
    assert progress(0, 10, None) is None and progress(5, 5, 5) is None


def _small(example_copy: Path) -> Path:
    """Case numbers only for three Leistungen, reported by every member; one IST removed."""
    keys = [line.split(",")[0] for line in
            (example_copy / "kommunen.csv").read_text(encoding="utf-8").splitlines()[1:]]
    rows = ["kommune,leistung,jahr,fallzahl,quelle"]
    for key in keys:
        rows += [f"{key},hundeanmeldung,2025,200,Test", f"{key},fundsachen,2025,150,Test",
                 f"{key},briefwahl,2025,100,Test", f"{key},briefwahl,2027,999,Test"]
    (example_copy / "fallzahlen.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (example_copy / "fundsachen" / "ist.bpmn").unlink()
    return example_copy


def test_queries_by_hand(example_copy: Path) -> None:
    root = _small(example_copy)
    repo = Repository.load(root)
    strategy, _ = strategy_of(repo)
    stand = dt.date(2026, 11, 24)
    data = kpi_data(repo, strategy, stand)
    from workbench.strategy.kpis import mass_business, query_values

    # 8 members · 200 = 1.600 and 8 · 150 = 1.200 ≥ 1.000; briefwahl 8 · 100 = 800 (2027 is
    # after the Stand and does not count)
    assert mass_business(data) == ["fundsachen", "hundeanmeldung"]
    values = query_values(data)
    assert values["anteil_massengeschaeft_mit_ist"] == pytest.approx(50.0)  # fundsachen has none
    assert values["anteil_mit_steckbrief"] == pytest.approx(100.0)  # 16 of 16
    assert values["anteil_mit_soll"] == pytest.approx(14 / 16 * 100)
    assert values["anteil_ozg_ab_3"] == 0.0  # every reifegrad_ist in the example is ≤ 2
    # umgesetzt by 24.11.2026: m01, m02, m04, m12, m14 of 17
    assert values["anteil_massnahmen_umgesetzt"] == pytest.approx(5 / 17 * 100)
    # Hours: m02 delivers hundeanmeldung to all 8 members, m04 briefwahl to three of them
    expected = 0.0
    breaks = 0.0
    for key in [str(k) for k in repo.kommunen["schluessel"]]:
        ist, soll = (compute(repo.model("hundeanmeldung", v, key)) for v in ("ist", "soll"))
        expected += 200 * (ist.expected_minutes - soll.expected_minutes) / 60
        breaks += 200 * (ist.media_breaks - soll.media_breaks)
        if key in ("033560005", "033560008", "033560011"):
            ist, soll = (compute(repo.model("briefwahl", v, key)) for v in ("ist", "soll"))
            expected += 100 * (ist.expected_minutes - soll.expected_minutes) / 60
            breaks += 100 * (ist.media_breaks - soll.media_breaks)
    assert values["stunden_gespart_umgesetzt"] == pytest.approx(expected)
    assert values["medienbrueche_vermieden_umgesetzt"] == pytest.approx(breaks)
    # before m02/m04 ended nothing was delivered
    early = KpiData(repo, strategy, dt.date(2026, 5, 1), potential_at(repo, dt.date(2026, 5, 1)))
    assert query_values(early)["stunden_gespart_umgesetzt"] == 0.0
    krs = {v.kr.id: v for v in evaluate(data, "2026-Q4")}
    assert krs["kr26q4_ist"].aktuell == pytest.approx(50.0)
    assert krs["kr26q4_ist"].fortschritt == pytest.approx(0.0)  # start 50, target 100
    assert krs["kr26q4_lektionen"].fortschritt == pytest.approx(0.4)  # typed 4 of 10
    assert krs["kr26q4_lektionen"].quelle == "eingetragen"
    assert "kr26q3_schulung" not in krs
