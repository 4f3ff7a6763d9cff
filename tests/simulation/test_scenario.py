"""Scenario files: merging over the basis, and a precise German message for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.simulation.scenario import ScenarioError, check_names, load_plan

GOOD = """\
seed: 7
jahr: 2026
basis:
  rollen:
    Bürgerbüro: {vzae: 2}
  fallzahl_faktor: {briefwahl: 2}
szenarien:
  - name: IST
  - name: Fallzahl +30 %
    fallzahl_faktor: 1.3
  - name: Bürgerbüro −1 VZÄ
    rollen: {Bürgerbüro: {vzae_aenderung: -1}}
  - name: Kurze Woche
    arbeitszeit: {mo: "08:00-12:00", mi: "08:00-12:00"}
  - name: SOLL Anmeldung
    soll: [anmeldung_einwohner]
    saison:
      anmeldung_einwohner: {von: "08-01", bis: "08-31"}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "szenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_merges_over_the_basis(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, GOOD))
    assert plan.seed == 7 and plan.jahr == 2026 and plan.verteilung == "dreieck"
    ist, more, fewer, week, soll = plan.scenarios
    assert dict(ist.vzae) == {"Bürgerbüro": 2} and ist.factor("briefwahl") == 2
    assert more.factor("hundeanmeldung") == 1.3 and more.factor("briefwahl") == 2
    assert dict(fewer.vzae_delta) == {"Bürgerbüro": -1} and dict(fewer.vzae) == {"Bürgerbüro": 2}
    assert dict(week.arbeitszeit) == {"mo": (480, 720), "mi": (480, 720)}
    assert soll.uses_soll("anmeldung_einwohner") and not soll.uses_soll("briefwahl")
    assert dict(soll.saison)["anmeldung_einwohner"].window == ((8, 1), (8, 31))
    check_names(plan, ["anmeldung_einwohner", "briefwahl", "hundeanmeldung"], ["Bürgerbüro"])


def test_without_scenarios_ist_and_soll(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, "seed: 3\n"))
    assert [s.name for s in plan.scenarios] == ["IST", "SOLL"]
    assert plan.scenarios[1].soll == "alle"


@pytest.mark.parametrize(("text", "message"), [
    ("seed: [1\n", r"szenario.yaml, Zeile \d+, Spalte \d+: kein gültiges YAML"),
    ("- a\n- b\n", "szenario.yaml: muss eine Zuordnung"),
    ("seeed: 3\n", "unbekannter Schlüssel 'seeed'; erlaubt sind name, seed"),
    ("seed: -1\n", "seed: '-1' ist keine ganze Zahl im Bereich ≥ 0"),
    ("jahr: 1800\n", "jahr: '1800' ist keine ganze Zahl im Bereich 1991–2100"),
    ("verteilung: normal\n", "verteilung 'normal' ist unbekannt; erlaubt: dreieck, exponential"),
    ("ziel_auslastung: 1.5\n", "ziel_auslastung muss zwischen 0 und 1 liegen"),
    ("szenarien: []\n", "szenarien muss eine Liste mit mindestens einem Szenario"),
    ("szenarien:\n  - name: A\n  - name: A\n", "Szenarionamen müssen eindeutig sein; doppelt: A"),
    ("szenarien:\n  - fallzahl_faktor: viel\n",
     r"szenarien\[1\].fallzahl_faktor: 'viel' ist keine Zahl"),
    ("szenarien:\n  - fallzahl_faktor: -1\n", "Faktor -1 liegt nicht zwischen 0 und 100"),
    ("szenarien:\n  - rollen: {Kasse: {vzae: 0}}\n",
     r"szenarien\[1\].rollen.Kasse.vzae muss größer als 0 sein"),
    ("szenarien:\n  - rollen: {Kasse: {personen: 2}}\n",
     r"szenarien\[1\].rollen.Kasse: unbekannter Schlüssel 'personen'; erlaubt sind vzae, "
     "vzae_aenderung"),
    ("szenarien:\n  - rollen: {Kasse: {vzae: 1, vzae_aenderung: 1}}\n",
     "bitte entweder vzae .* oder vzae_aenderung"),
    ("szenarien:\n  - arbeitszeit: {mo: '8-12'}\n",
     r"szenarien\[1\].arbeitszeit.mo: '8-12' ist keine Zeitspanne"),
    ("szenarien:\n  - soll: 5\n", r"szenarien\[1\].soll muss „alle“ oder eine Liste"),
    ("szenarien:\n  - saison: {briefwahl: {monate: [1, 2]}}\n",
     r"saison.briefwahl.monate braucht genau 12 Gewichte"),
    ("szenarien:\n  - saison: {briefwahl: {von: '31.09.', bis: '01.10.'}}\n",
     r"saison.briefwahl.von: '31.09.' ist kein Tag"),
    ("szenarien:\n  - saison: {briefwahl: {von: '10-01', bis: '09-01'}}\n",
     "„von“ liegt nach „bis“"),
])
def test_bad_files_get_precise_german_messages(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_plan(_write(tmp_path, text))


def test_missing_file_and_unknown_names(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"Szenariodatei '.*fehlt.yaml' nicht gefunden"):
        load_plan(tmp_path / "fehlt.yaml")
    plan = load_plan(_write(tmp_path, "szenarien:\n  - name: X\n    soll: [hunde]\n"))
    with pytest.raises(ScenarioError, match="Szenario „X“ nennt die Leistung 'hunde', die es nicht "
                                            "gibt; bekannt sind: briefwahl"):
        check_names(plan, ["briefwahl"], ["Kasse"])
    plan = load_plan(_write(tmp_path, "szenarien:\n  - name: Y\n    rollen: {Kase: 1}\n"))
    with pytest.raises(ScenarioError, match=r"nennt die Rolle 'Kase'.*bekannt sind: Kasse"):
        check_names(plan, ["briefwahl"], ["Kasse"])
