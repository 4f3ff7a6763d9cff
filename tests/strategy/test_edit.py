"""Workshop edits: only the touched lines change, comments stay, refusals write nothing; the
widget saves through the same functions."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest

from tests.kb.helpers import snapshot
from workbench.repository import Repository
from workbench.strategy import strategy_of
from workbench.strategy.edit import (
    StrategyEditError,
    add_status_report,
    check_in,
    update_goal,
    update_measure,
)


def _diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_check_in_changes_one_line(example_copy: Path) -> None:
    path = example_copy / "strategie" / "okr.yaml"
    before = path.read_text(encoding="utf-8")
    check_in(example_copy, {"kr26q4_lektionen": 7.0, "kr26q4_kompetenzprofil": 5.0})
    assert _diff(before, path.read_text(encoding="utf-8")) == [
        "-        aktuell: 4", "+        aktuell: 7"]
    strategy, findings = strategy_of(Repository.load(example_copy))
    assert [f for f in findings if f.severity != "info"] == []
    kr = strategy.objectives[-1].key_results[1]
    assert (kr.id, kr.aktuell) == ("kr26q4_lektionen", 7.0)


def test_measure_and_status_report(example_copy: Path) -> None:
    path = example_copy / "strategie" / "massnahmen.yaml"
    before = path.read_text(encoding="utf-8")
    update_measure(example_copy, "m05_online_termine", {
        "status": "in_umsetzung", "start": dt.date(2026, 12, 1)})
    add_status_report(example_copy, "m05_online_termine", dt.date(2026, 12, 15),
                      {"zeit": "gruen", "sache": "gelb", "kosten": "gruen"}, "Anbieter gewählt.")
    after = path.read_text(encoding="utf-8")
    assert _diff(before, after) == [
        "-    status: in_planung", "+    status: in_umsetzung",
        "-    start: 2027-01-01", "+    start: 2026-12-01",
        "+    statusberichte:",
        "+      - {datum: 2026-12-15, zeit: gruen, sache: gelb, kosten: gruen, text: Anbieter "
        "gewählt.}"]
    assert after.startswith("# Maßnahmenkatalog des Verbunds")
    strategy, _ = strategy_of(Repository.load(example_copy))
    m = strategy.measure("m05_online_termine")
    assert m.status == "in_umsetzung" and m.statusberichte[0].sache == "gelb"


def test_goal_edit_keeps_flow_style(example_copy: Path) -> None:
    path = example_copy / "strategie" / "strategie.yaml"
    before = path.read_text(encoding="utf-8")
    update_goal(example_copy, "z5_3", {"prioritaet": "hoch", "wirkung": {"Finanzen": 3,
                                                                         "Prozesse": 1}})
    assert _diff(before, path.read_text(encoding="utf-8")) == [
        "-        wirkung: {Finanzen: 3, Mitarbeitende: 0, Kunden: 0, Prozesse: 2, Gesellschaft: 0}",
        "-        prioritaet: mittel",
        "+        wirkung: {Finanzen: 3, Mitarbeitende: 0, Kunden: 0, Prozesse: 1, Gesellschaft: 0}",
        "+        prioritaet: hoch"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda r: update_measure(r, "m05_online_termine", {"ende": dt.date(2026, 1, 1)}),
     "Ende 01.01.2026 liegt vor dem Start 01.01.2027"),
    (lambda r: update_measure(r, "m99", {"status": "neu"}), "Maßnahme 'm99' steht nicht"),
    (lambda r: update_measure(r, "m05_online_termine", {"status": "fertig"}),
     "Status 'fertig' gibt es nicht"),
    (lambda r: update_goal(r, "z2_1", {"wirkung": {"Finanzen": 4}}), "Wirkung 4 für Finanzen"),
    (lambda r: update_goal(r, "z2_1", {"prioritaet": "sehr hoch"}), "Priorität 'sehr hoch'"),
    (lambda r: check_in(r, {"kr26q4_ist": 95.0}), "wird aus der Wissensbasis berechnet"),
    (lambda r: check_in(r, {"kr_gibt_es_nicht": 1.0}), "steht nicht in strategie/okr.yaml"),
    (lambda r: add_status_report(r, "m03_einwohner_online", dt.date(2026, 11, 15),
                                 {"zeit": "gruen", "sache": "gruen", "kosten": "gruen"}),
     "schon einen Statusbericht"),
    (lambda r: add_status_report(r, "m03_einwohner_online", dt.date(2026, 12, 1),
                                 {"zeit": "blau", "sache": "gruen", "kosten": "gruen"}),
     "Ampel 'zeit': 'blau'"),
])
def test_refused_edit_writes_nothing(example_copy: Path, call, message: str) -> None:
    before = snapshot(example_copy)
    with pytest.raises(StrategyEditError, match=message):
        call(example_copy)
    assert snapshot(example_copy) == before


def test_broken_file_is_not_overwritten(example_copy: Path) -> None:
    path = example_copy / "strategie" / "okr.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: [kaputt\n", encoding="utf-8")
    before = snapshot(example_copy)
    with pytest.raises(StrategyEditError, match="bitte zuerst die Datei reparieren"):
        check_in(example_copy, {"kr26q4_lektionen": 5.0})
    assert snapshot(example_copy) == before


def test_workshop_widget_saves(example_copy: Path) -> None:
    from workbench.widgets.strategy import StrategyWorkshop

    workshop = StrategyWorkshop(str(example_copy))
    assert workshop.quarter.value == "2026-Q4"
    assert set(workshop.kr_inputs) == {"kr26q4_kompetenzprofil", "kr26q4_lektionen"}
    workshop.kr_inputs["kr26q4_lektionen"].value = 9
    workshop.save_checkin()
    assert "Check-in gespeichert" in workshop.message.value
    assert workshop.strategy.objectives[-1].key_results[1].aktuell == 9.0
    workshop.goal.value = "z1_3"
    assert workshop.priority.value == "niedrig" and workshop.impact["Mitarbeitende"].value == 3
    workshop.priority.value = "hoch"
    workshop.save_goal()
    assert workshop.strategy.goal("z1_3").prioritaet == "hoch"
    workshop.measure.value = "m11_arbeitsplatz_pilot"
    workshop.end.value = dt.date(2026, 6, 30)  # before its start: refused, nothing written
    before = snapshot(example_copy)
    workshop.save_measure()
    assert "liegt vor dem Start" in workshop.message.value
    assert snapshot(example_copy) == before
    workshop.report_date.value = None
    workshop.save_report()
    assert "braucht ein Datum" in workshop.message.value
    assert snapshot(example_copy) == before
