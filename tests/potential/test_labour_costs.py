"""Lohnkosten je Laufbahngruppe (Standardkostenmodell) und wer einen Schritt ausführt.

Handgerechnet: Die Lohnkostentabelle Verwaltung (Leitfaden Erfüllungsaufwand, Anhang 8, Stand
2025) nennt für Kommunen je Stunde 25,50 € (einfacher und mittlerer Dienst), 42,20 € (gehobener
Dienst), 70,40 € (höherer Dienst), Durchschnitt 40,70 €. Dieselbe Tabelle nennt je
Mitarbeiterkapazität (1 MAK = 200 Tage × 8 Stunden = 1.600 Stunden) 40.800 €, 67.520 €,
112.640 € und 65.120 € – die Stundenwerte × 1.600 müssen diese Jahreswerte ergeben.
"""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench import labour_costs as lc
from workbench.bpmn import namespaces as ns


def test_kommunen_rates_match_the_table_and_its_yearly_values() -> None:
    table = lc.KOMMUNEN
    assert (table.rate("einfach"), table.rate("mittel"), table.rate("gehoben"),
            table.rate("hoeher"), table.rate(None)) == (25.50, 25.50, 42.20, 70.40, 40.70)
    yearly = {k: round(table.rate(k) * 1600) for k in ("mittel", "gehoben", "hoeher")}
    assert yearly == {"mittel": 40_800, "gehoben": 67_520, "hoeher": 112_640}
    assert round(table.average * 1600) == 65_120
    assert table.rate("unbekannt") == 40.70
    assert "Stand 2025" in " ".join(table.lines()) and "Anhang 8" in table.source


def test_cost_per_case_by_laufbahn() -> None:
    # 30 min gehobener Dienst (42,20 €/h) + 12 min mittlerer (25,50 €/h) + 6 min ohne (40,70 €/h)
    cost = lc.cost_per_case({"gehoben": 30, "mittel": 12, None: 6}, lc.KOMMUNEN)
    assert cost == pytest.approx(21.10 + 5.10 + 4.07)


def test_verbund_may_override_cells_and_pick_another_row() -> None:
    assert lc.from_parameters({}) is lc.KOMMUNEN
    own = lc.from_parameters({"lohnkosten": {"gehoben": "44,5", "durchschnitt": 41,
                                             "quelle": "Eigene Erhebung 2026"}})
    assert own.rate("gehoben") == 44.5 and own.rate("mittel") == 25.5 and own.average == 41
    assert own.overridden == ("gehoben", "durchschnitt")
    assert own.source == "Eigene Erhebung 2026"
    assert "vom Verbund ersetzt: gehoben, durchschnitt" in own.lines()[0]
    land = lc.from_parameters({"lohnkosten": {"tabelle": "laender"}})
    assert land.rate("hoeher") == 69.30


@pytest.mark.parametrize(("raw", "message"), [
    ({"tabelle": "mond"}, "tabelle 'mond' ist unbekannt"),
    ({"oberer_dienst": 50}, "oberer_dienst ist keine Laufbahn"),
    ({"gehoben": -3}, "gehoben muss eine Zahl über 0"),
    ({"gehoben": "viel"}, "gehoben muss eine Zahl über 0"),
    ("40", "muss eine Zuordnung sein"),
])
def test_bad_lohnkosten_give_a_german_message_with_file_and_key(raw: object,
                                                                message: str) -> None:
    with pytest.raises(lc.LabourCostError, match=message) as err:
        lc.from_parameters({"lohnkosten": raw})
    assert str(err.value).startswith("verbund.yaml: parameter.lohnkosten")


def _lanes_model() -> bpmn.Definitions:
    return bpmn.read(f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{ns.BPMN}" xmlns:wb="{ns.WB}" id="D" targetNamespace="urn:t">
  <bpmn:process id="P">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="amt" name="Fachamt" wb:laufbahn="gehobener Dienst">
        <bpmn:flowNodeRef>a</bpmn:flowNodeRef><bpmn:flowNodeRef>b</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>c</bpmn:flowNodeRef>
        <bpmn:childLaneSet id="cls">
          <bpmn:lane id="buero" name="Vorzimmer" wb:laufbahn="mittel">
            <bpmn:flowNodeRef>b</bpmn:flowNodeRef>
          </bpmn:lane>
          <bpmn:lane id="leer" name="ohne Angabe"><bpmn:flowNodeRef>c</bpmn:flowNodeRef></bpmn:lane>
        </bpmn:childLaneSet>
      </bpmn:lane>
      <bpmn:lane id="kasse" name="Kasse"><bpmn:flowNodeRef>d</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:task id="a"/><bpmn:task id="b"/><bpmn:task id="c"/><bpmn:task id="d"/>
    <bpmn:task id="e" wb:laufbahn="höherer Dienst"/>
  </bpmn:process>
</bpmn:definitions>""")


def test_laufbahn_comes_from_the_activity_else_the_innermost_lane_that_names_one() -> None:
    defs = _lanes_model()
    assert [w for w in defs.warnings if w.severity != "info"] == []
    found = {nid: lc.laufbahn_of(defs[nid]) for nid in "abcde"}
    assert found == {"a": "gehoben", "b": "mittel", "c": "gehoben", "d": None, "e": "hoeher"}


def test_invalid_laufbahn_is_a_warning_on_read() -> None:
    defs = bpmn.read(f"""<bpmn:definitions xmlns:bpmn="{ns.BPMN}" xmlns:wb="{ns.WB}" id="D"
      targetNamespace="urn:t"><bpmn:process id="P"><bpmn:laneSet id="ls">
      <bpmn:lane id="l" wb:laufbahn="Chefetage"/></bpmn:laneSet></bpmn:process>
      </bpmn:definitions>""")
    assert any("Laufbahngruppe" in w.message and "Chefetage" in w.message
               for w in defs.warnings)
