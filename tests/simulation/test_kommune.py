"""One Kommune of the shipped example: reproducible, what-if in the right direction by the
right amount, default staffing and costs by hand, cache that returns the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.simulation.helpers import compiled, one_task_model
from workbench.labour_costs import KOMMUNEN
from workbench.repository import Repository
from workbench.simulation import ScenarioError, default_plan, simulate
from workbench.simulation.cache import dumps, fingerprint
from workbench.simulation.calendar import WorkCalendar
from workbench.simulation.compare import lead_time_svg, leistung_table, scenario_table
from workbench.simulation.kommune import Service, default_staffing
from workbench.simulation.scenario import parse_plan
from workbench.simulation.verbund import simulate_cached, simulate_members

GRASBERG = "033560002"


@pytest.fixture(scope="module")
def repo() -> Repository:
    return Repository.load(EXAMPLE)


@pytest.fixture(scope="module")
def whatif(repo: Repository) -> dict:
    plan = parse_plan({"seed": 5, "szenarien": [
        {"name": "IST"}, {"name": "Fallzahl +30 %", "fallzahl_faktor": 1.3},
        {"name": "Bürgerbüro −0,1", "rollen": {"Bürgerbüro": {"vzae_aenderung": -0.1}}},
        {"name": "SOLL", "soll": "alle"}]}, "test.yaml")
    return simulate(repo, GRASBERG, plan)


def _scenario(result: dict, name: str) -> dict:
    return next(s for s in result["szenarien"] if s["name"] == name)


def _role(scenario: dict, role: str) -> dict:
    return next(r for r in scenario["rollen"] if r["rolle"] == role)


def test_same_seed_same_bytes_other_seed_other_numbers(repo: Repository) -> None:
    plan = parse_plan({"seed": 5, "szenarien": [{"name": "IST"}]}, "t.yaml")
    first, again = simulate(repo, GRASBERG, plan), simulate(repo, GRASBERG, plan)
    assert dumps(first) == dumps(again)
    other = simulate(repo, GRASBERG, parse_plan({"seed": 6, "szenarien": [{"name": "IST"}]},
                                                "t.yaml"))
    assert other["szenarien"][0]["summe"] != first["szenarien"][0]["summe"]
    assert other["szenarien"][0]["summe"]["faelle"] == first["szenarien"][0]["summe"]["faelle"]


def test_whatif_moves_the_figures_by_the_right_amount(whatif: dict) -> None:
    ist, more = _scenario(whatif, "IST"), _scenario(whatif, "Fallzahl +30 %")
    fewer, soll = _scenario(whatif, "Bürgerbüro −0,1"), _scenario(whatif, "SOLL")
    assert ist["summe"]["faelle"] == sum(r["faelle"] for r in ist["leistungen"])
    for a, b in zip(ist["leistungen"], more["leistungen"], strict=True):
        assert b["faelle"] == round(a["faelle"] / 1.0 * 1.3) or abs(b["faelle"] - a["faelle"] * 1.3) < 1
    # utilisation grows with the case count (same staff)
    for role in ("Bürgerbüro", "Standesamt", "Wahlamt"):
        ratio = _role(more, role)["auslastung"] / _role(ist, role)["auslastung"]
        assert ratio == pytest.approx(1.3, rel=0.12), role
    # −0,1 VZÄ in the Bürgerbüro: same work on fewer people
    before, after = _role(ist, "Bürgerbüro"), _role(fewer, "Bürgerbüro")
    assert after["vzae"] == pytest.approx(before["vzae"] - 0.1)
    assert after["besetzung"] == "Standard −0,1"
    assert after["auslastung"] / before["auslastung"] == pytest.approx(
        before["vzae"] / after["vzae"], rel=0.08)
    assert after["warten_minuten"] > before["warten_minuten"]
    # the SOLL needs less handling time and money than the IST
    assert soll["summe"]["kosten"] < ist["summe"]["kosten"]
    assert soll["summe"]["durchlaufzeit_tage"] < ist["summe"]["durchlaufzeit_tage"]
    assert {r["modell"] for r in soll["leistungen"]} == {"SOLL"}
    assert {r["modell"] for r in ist["leistungen"]} == {"IST"}


def test_costs_are_minutes_times_the_wage_of_the_lane(whatif: dict) -> None:
    """Hundeanmeldung, SEPA-Mandat and Briefwahl do all their staff work in lanes of the
    mittlerer Dienst (Steueramt, Kasse, Wahlamt: wb:laufbahn="mittel"), so a case costs its
    simulated minutes × 25,50 € / 60 (Lohnkostentabelle, Zeile Kommunen)."""
    rows = {r["leistung"]: r for r in _scenario(whatif, "IST")["leistungen"]}
    assert KOMMUNEN.rate("mittel") == 25.50
    for leistung in ("hundeanmeldung", "sepa_mandat", "briefwahl"):
        row = rows[leistung]
        assert row["kosten_je_fall"] == pytest.approx(row["bearbeitung_minuten"] * 25.50 / 60,
                                                      rel=1e-5), leistung
    # Geburtsurkunde mixes Standesamt (gehoben, 42,20 €) and Kasse (mittel): between the two
    row = rows["geburtsurkunde"]
    assert row["bearbeitung_minuten"] * 25.50 / 60 < row["kosten_je_fall"] \
        < row["bearbeitung_minuten"] * 42.20 / 60


def test_default_staffing_by_hand() -> None:
    """1 000 cases × 60 minutes = 1 000 hours a year, spread evenly: every month needs
    1 000 / 1 600 = 0,625 VZÄ; at 85 % that is 0,735 → 0,8 VZÄ."""
    model = compiled(one_task_model(60))
    service = Service("x", "X", 1000, "gemeldet", model, "x/ist.bpmn")
    vzae = default_staffing([service], WorkCalendar.build(2026), 1600, 0.85)
    assert vzae == {"Sachbearbeitung": 0.8}


def test_too_large_a_cut_is_refused_in_german(repo: Repository) -> None:
    plan = parse_plan({"szenarien": [{"name": "Zu wenig", "rollen": {
        "Kasse": {"vzae_aenderung": -5}}}]}, "t.yaml")
    with pytest.raises(ScenarioError, match="Szenario „Zu wenig“: die Rolle Kasse hat 0,1 VZÄ; "
                                            "eine Änderung um -5 ließe keine Besetzung übrig"):
        simulate(repo, GRASBERG, plan)


def test_comparison_tables_and_chart(whatif: dict) -> None:
    table = scenario_table(whatif)
    assert list(table["szenario"]) == ["IST", "Fallzahl +30 %", "Bürgerbüro −0,1", "SOLL"]
    per = leistung_table(whatif)
    assert per.loc["Hundeanmeldung", "SOLL"] < per.loc["Hundeanmeldung", "IST"]
    svg = lead_time_svg(whatif)
    assert svg.startswith("<svg") and "Durchlaufzeit" in svg and lead_time_svg(whatif) == svg


def test_cache_returns_the_same_and_ignores_planted_files(repo: Repository, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WERKBENCH_SIM_CACHE", str(tmp_path))
    plan = parse_plan({"seed": 9, "szenarien": [{"name": "IST"}]}, "t.yaml")
    key = fingerprint(repo, GRASBERG, plan)
    first = simulate_cached(repo, GRASBERG, plan)
    stored = tmp_path / f"{key}.json"
    assert stored.read_bytes() == dumps(first)
    assert simulate_cached(repo, GRASBERG, plan) == first
    stored.write_bytes(b"\x80\x04garbage")  # pickle-looking bytes: never unpickled
    assert simulate_cached(repo, GRASBERG, plan) == first
    assert stored.read_bytes() == dumps(first)
    assert fingerprint(repo, GRASBERG, default_plan()) != key


@pytest.mark.slow
def test_verbund_parallel_equals_serial(repo: Repository, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WERKBENCH_SIM_CACHE", "0")
    plan = parse_plan({"seed": 4, "szenarien": [{"name": "IST"}]}, "t.yaml")
    keys = ["03356", GRASBERG, "033560011"]
    serial = simulate_members(EXAMPLE, keys, plan, workers=1)
    parallel = simulate_members(EXAMPLE, keys, plan, workers=2)
    assert [dumps(r) for r in serial] == [dumps(r) for r in parallel]
    assert [r["kommune"] for r in parallel] == keys


def test_fingerprint_follows_only_the_models_a_kommune_uses(example_copy: Path) -> None:
    plan = default_plan()
    before = Repository.load(example_copy)
    keys = {k: fingerprint(before, k, plan) for k in (GRASBERG, "033560005")}
    own = example_copy / "anmeldung_einwohner" / "ist.033560005.bpmn"
    own.write_bytes(own.read_bytes().replace(b"</bpmn:definitions>",
                                             b"<!-- geaendert --></bpmn:definitions>"))
    after = Repository.load(example_copy)
    assert fingerprint(after, GRASBERG, plan) == keys[GRASBERG]
    assert fingerprint(after, "033560005", plan) != keys["033560005"]
    shared = example_copy / "hundeanmeldung" / "soll.bpmn"
    shared.write_bytes(shared.read_bytes() + b"\n")
    assert fingerprint(Repository.load(example_copy), GRASBERG, plan) != keys[GRASBERG]


def test_case_numbers_are_those_of_the_potential(repo: Repository, whatif: dict) -> None:
    """Same Fallzahl as the potential analysis (Fallzahl basis of verbund.yaml, estimates)."""
    from workbench.potential import analyse

    frame = analyse(repo, draws=0).frame
    fallzahl = frame[frame["kommune"] == GRASBERG].set_index("leistung")["fallzahl"]
    rows = _scenario(whatif, "IST")["leistungen"]
    assert len(rows) >= 12
    for row in rows:
        assert row["faelle"] == round(fallzahl[row["leistung"]]), row["leistung"]
